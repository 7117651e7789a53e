import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../core/auth/policy.ts';
import {
  changePassword,
  createStaff,
  listStaff,
  revokeAllSessions,
  setStaffDisabled,
} from '../../core/auth/service.ts';
import type { PageContext } from '../../core/views/context.ts';
import { CsrfField, ErrorSummary, Field, formatDate, Notice, type FieldErrors } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import { requireStaff } from './routes.tsx';

type StaffRow = Awaited<ReturnType<typeof listStaff>>[number];

/** Admins add staff (the password is generated and shown once), disable accounts and end sessions. */
export async function staffAccountRoutes(app: FastifyInstance) {
  const { db, clock } = app.deps;
  app.deps.registry.adminLinks.push({
    href: '/admin/users',
    label: 'Staff accounts',
    description: 'Add staff, disable accounts, end sessions.',
    action: 'users.manage',
  });
  const guard = { preHandler: requireStaff('users.manage') };

  const show = async (ctx: PageContext, extra: Partial<UsersPageProps> = {}, status = 200) => ({
    page: <UsersPage ctx={ctx} rows={await listStaff(db, clock)} {...extra} />,
    status,
  });

  app.get('/admin/users', guard, async (req, reply) => {
    const { page } = await show(req.pageContext());
    return reply.page(page);
  });

  app.post(
    '/admin/users',
    {
      ...guard,
      schema: {
        body: {
          type: 'object',
          properties: {
            email: { type: 'string', maxLength: 320 },
            role: { type: 'string', maxLength: 20 },
            name: { type: 'string', maxLength: 80 },
          },
          required: ['email', 'role'],
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { email: string; role: string; name?: string };
      const result = await createStaff(db, clock, {
        email: body.email,
        role: body.role,
        displayName: body.name?.trim() || undefined,
      });
      if (!result.ok) {
        const { page } = await show(req.pageContext(), {
          errors: { [(result.kind === 'invalid' && result.field) || '_form']: result.message },
          input: body,
        });
        return reply.page(page, 400);
      }
      const { page } = await show(req.pageContext(), {
        created: { email: body.email.trim().toLowerCase(), password: result.value.generatedPassword! },
      });
      return reply.page(page, 201);
    },
  );

  // Every staff member may change their own password.
  const anyStaff = { preHandler: requireStaff('admin.enter') };
  app.get('/admin/account', anyStaff, async (req, reply) => reply.page(<AccountPage ctx={req.pageContext()} />));
  app.post(
    '/admin/account',
    {
      ...anyStaff,
      config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
      schema: {
        body: {
          type: 'object',
          properties: { current: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 1024 } },
          required: ['current', 'next'],
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { current: string; next: string };
      const result = await changePassword(db, clock, req.staff!, body.current, body.next);
      if (!result.ok)
        return reply.page(
          <AccountPage
            ctx={req.pageContext()}
            errors={{ [(result.kind === 'invalid' && result.field) || '_form']: result.message }}
          />,
          400,
        );
      return reply.page(<AccountPage ctx={req.pageContext()} changed />);
    },
  );

  app.post('/admin/users/:id/:action', guard, async (req, reply) => {
    const { id, action } = req.params as { id: string; action: string };
    const userId = Number(id);
    if (!Number.isInteger(userId)) return reply.callNotFound();
    if (action === 'revoke-sessions') await revokeAllSessions(db, userId);
    else if (action === 'disable' || action === 'enable') {
      const result = await setStaffDisabled(db, clock, req.staff!.id, userId, action === 'disable');
      if (!result.ok) {
        const { page } = await show(req.pageContext(), { errors: { _form: result.message } });
        return reply.page(page, 400);
      }
    } else return reply.callNotFound();
    return reply.redirect('/admin/users', 303);
  });
}

interface UsersPageProps {
  ctx: PageContext;
  rows: StaffRow[];
  errors?: FieldErrors;
  input?: { email?: string; role?: string; name?: string };
  created?: { email: string; password: string };
}

function UsersPage({ ctx, rows, errors, input = {}, created }: UsersPageProps) {
  return (
    <Layout ctx={ctx} title="Staff accounts" head={{ noindex: true }}>
      <h1>Staff accounts</h1>
      {created && (
        <Notice kind="success">
          Account created for <strong>{created.email}</strong>. Its password is <code>{created.password}</code> — give
          it to them privately now: it is shown only this once and stored only as a hash.
        </Notice>
      )}
      <ErrorSummary errors={errors} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name and e-mail</th>
            <th scope="col">Role</th>
            <th scope="col">Since</th>
            <th scope="col">Active sessions</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr>
              <td>
                {u.display_name}
                <br />
                <span class="meta">{u.email}</span>
                {u.is_disabled ? <span class="badge">disabled</span> : null}
              </td>
              <td>{u.role}</td>
              <td>{formatDate(u.created_at)}</td>
              <td>{Number(u.sessions)}</td>
              <td>
                <form method="post" action={`/admin/users/${u.id}/revoke-sessions`} class="inline-form">
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit" class="secondary">
                    End sessions
                  </button>
                </form>{' '}
                <form
                  method="post"
                  action={`/admin/users/${u.id}/${u.is_disabled ? 'enable' : 'disable'}`}
                  class="inline-form"
                >
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit" class={u.is_disabled ? 'secondary' : 'danger'}>
                    {u.is_disabled ? 'Enable' : 'Disable'}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add a staff member</h2>
      <form method="post" action="/admin/users">
        <CsrfField token={ctx.csrfToken} />
        <Field name="email" label="E-mail address" errors={errors}>
          {(a) => <input {...a} type="email" required value={input.email ?? ''} />}
        </Field>
        <Field name="name" label="Display name" hint="Shown as the author of posts they write." errors={errors}>
          {(a) => <input {...a} type="text" maxLength={80} value={input.name ?? ''} />}
        </Field>
        <Field name="role" label="Role" errors={errors}>
          {(a) => (
            <select {...a}>
              {ROLES.map((r) => (
                <option value={r} selected={input.role === r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Add and generate a password</button>
      </form>
    </Layout>
  );
}

function AccountPage({ ctx, errors, changed }: { ctx: PageContext; errors?: FieldErrors; changed?: boolean }) {
  return (
    <Layout ctx={ctx} title="Your account" head={{ noindex: true }}>
      <h1>Your account</h1>
      {changed && (
        <Notice kind="success">Your password was changed. Every other session of your account has been ended.</Notice>
      )}
      <ErrorSummary errors={errors} />
      <h2>Change your password</h2>
      <form method="post" action="/admin/account">
        <CsrfField token={ctx.csrfToken} />
        <Field name="current" label="Current password" errors={errors}>
          {(a) => <input {...a} type="password" autocomplete="current-password" required />}
        </Field>
        <Field
          name="next"
          label="New password"
          hint="At least 12 characters. A few unrelated words make a strong, memorable password."
          errors={errors}
        >
          {(a) => <input {...a} type="password" autocomplete="new-password" minLength={12} required />}
        </Field>
        <button type="submit">Change password</button>
      </form>
    </Layout>
  );
}
