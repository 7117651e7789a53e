import type { PageContext } from '../../core/views/context.ts';
import {
  CsrfField,
  ErrorSummary,
  Field,
  formatDate,
  Notice,
  type FieldErrors,
  TableScroll,
} from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import type { AdminLink } from '../../core/app.ts';
import type { Trend, WaitingQueue } from './dashboard.ts';
import { LineChart } from '../../core/views/chart.tsx';
import { actionsOf, leastPowerfulRole, ROLES } from '../../core/auth/policy.ts';
import { t } from '../../core/auth/messages.ts';
import type { listStaff } from '../../core/auth/service.ts';
import type { Message } from '../../core/i18n/index.ts';

type ActionKey = Parameters<typeof t>[1];
type StaffRow = Awaited<ReturnType<typeof listStaff>>[number];

export function LoginPage({
  ctx,
  next,
  email = '',
  error,
}: {
  ctx: PageContext;
  next: string;
  email?: string;
  error?: Message;
}) {
  const errors = error ? { _form: error } : undefined;
  return (
    <Layout ctx={ctx} title="Staff login" head={{ noindex: true }}>
      <h1>Staff login</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/login" class="stack">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="next" value={next} />
        <Field name="email" label="E-mail address">
          {(a) => <input {...a} type="email" autocomplete="username" required value={email} />}
        </Field>
        <Field name="password" label="Password">
          {(a) => <input {...a} type="password" autocomplete="current-password" required />}
        </Field>
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}

/** The queues waiting for this staff member, each count a link to its queue. */
function WaitingWork({ queues }: { queues: WaitingQueue[] }) {
  if (queues.length === 0) return null;
  const total = queues.reduce((sum, q) => sum + q.count, 0);
  return (
    <section aria-labelledby="waiting-title" data-waiting>
      <h2 id="waiting-title">Waiting for you {total === 0 ? '(nothing)' : `(${total})`}</h2>
      <ul class="queue-counts">
        {queues.map((q) => (
          <li class={q.count > 0 ? 'queue-count queue-count--waiting' : 'queue-count'} data-queue={q.name}>
            <a href={q.href}>
              <span class="queue-count__number">{q.count}</span> <span class="queue-count__label">{q.label}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AdminHomePage({
  ctx,
  links,
  queues = [],
  trend,
  role,
  failedLogins = 0,
}: {
  ctx: PageContext;
  links: AdminLink[];
  /** Pending work the staff member's role may handle (comments, pledges, suggestions, reports, stale listings). */
  queues?: WaitingQueue[];
  /** What arrived (and what was verified) per day lately, for the queues the staff member handles. */
  trend?: Trend;
  role: string;
  /** Failed attempts to log into this account before this login, shown once. */
  failedLogins?: number;
}) {
  return (
    <Layout ctx={ctx} title="Staff area" head={{ noindex: true }}>
      <h1>Staff area</h1>
      {failedLogins > 0 && (
        <Notice kind="warning">
          <p data-failed-logins>
            {t(ctx.locale, failedLogins === 1 ? 'failedLoginOne' : 'failedLoginsMany', { count: failedLogins })}{' '}
            {t(ctx.locale, 'failedLoginsAdvice')} <a href="/admin/account">{t(ctx.locale, 'changePasswordLink')}</a>
          </p>
        </Notice>
      )}
      <p>
        You are logged in as <strong>{ctx.staff?.displayName}</strong> with the role <strong>{role}</strong>.{' '}
        <a href="/admin/account">Change your password</a>, <a href="/admin/account/two-factor">two-step login</a>,{' '}
        <a href="/admin/account/sessions">your sessions</a>.
      </p>
      <WaitingWork queues={queues} />
      {trend && trend.series.length > 0 && (
        <LineChart
          id="queue-trends"
          caption={`Arrivals and verifications per day, last ${trend.days.length} days (UTC)`}
          labelHead="Day"
          labels={trend.days}
          ticks={trend.days.map((d) => d.slice(5))}
          series={trend.series}
        />
      )}
      {links.length === 0 ? (
        <p>Your role has no tools yet.</p>
      ) : (
        <ul class="card-list">
          {links.map((l) => (
            <li class="card">
              <h2>
                <a href={l.href}>{l.label}</a>
              </h2>
              <p>{l.description}</p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export interface UsersPageProps {
  ctx: PageContext;
  rows: StaffRow[];
  errors?: FieldErrors;
  input?: { email?: string; role?: string; name?: string };
  created?: { email: string; password: string };
  /** A reset link just made, shown once. */
  resetLink?: { email: string; url: string };
  factorRequired?: boolean;
}

export function UsersPage({ ctx, rows, errors, input = {}, created, resetLink, factorRequired }: UsersPageProps) {
  const defaultRole = input.role ?? leastPowerfulRole();
  return (
    <Layout ctx={ctx} title="Staff accounts" head={{ noindex: true }}>
      <h1>Staff accounts</h1>
      {created && (
        <Notice kind="success">
          Account created for <strong>{created.email}</strong>. Its password is <code>{created.password}</code> — give
          it to them privately now: it is shown only this once and stored only as a hash.
        </Notice>
      )}
      {resetLink && (
        <Notice kind="success">
          <p>
            Password-reset link for <strong>{resetLink.email}</strong>, valid for 24 hours and usable once:{' '}
            <code data-reset-link>{resetLink.url}</code>
          </p>
          <p>
            Give it to them by a channel you trust (in person, a call). It is shown only this once; when they use it,
            every session of their account ends.
          </p>
        </Notice>
      )}
      <ErrorSummary errors={errors} />
      <TableScroll label="Staff accounts">
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
                  </form>{' '}
                  <form method="post" action={`/admin/users/${u.id}/reset-link`} class="inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary">
                      Make a reset link
                    </button>
                  </form>{' '}
                  <form method="post" action={`/admin/users/${u.id}/remove-two-factor`} class="inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary">
                      Remove two-step login (lost phone)
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h2>Add a staff member</h2>
      <form method="post" action="/admin/users">
        <CsrfField token={ctx.csrfToken} />
        <Field name="email" label="E-mail address" errors={errors}>
          {(a) => <input {...a} type="email" required value={input.email ?? ''} />}
        </Field>
        <Field name="name" label="Display name" hint="Shown as the author of posts they write." errors={errors}>
          {(a) => <input {...a} type="text" maxLength={80} value={input.name ?? ''} />}
        </Field>
        <Field
          name="role"
          label="Role"
          hint="Give the least a person needs; you can add more later. What each role may do is listed below."
          errors={errors}
        >
          {(a) => (
            <select {...a}>
              {ROLES.map((r) => (
                <option value={r} selected={defaultRole === r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <dl class="role-list" data-roles>
          {ROLES.map((r) => (
            <>
              <dt>{r}</dt>
              <dd>
                {actionsOf(r)
                  .map((action) => t(ctx.locale, `action_${action.replace('.', '_')}` as ActionKey))
                  .join('; ')}
              </dd>
            </>
          ))}
        </dl>
        <button type="submit">Add and generate a password</button>
      </form>
      <h2>Two-step login for everyone</h2>
      <form method="post" action="/admin/users/security">
        <CsrfField token={ctx.csrfToken} />
        <p>
          <label>
            <input type="checkbox" name="required" value="1" checked={factorRequired} /> Require two-step login (an
            authenticator app code after the password) of every staff account. Staff without it are sent to set it up
            after they log in.
          </label>
        </p>
        <button type="submit" class="secondary">
          Save
        </button>
      </form>
    </Layout>
  );
}

export function AccountPage({ ctx, errors, changed }: { ctx: PageContext; errors?: FieldErrors; changed?: boolean }) {
  return (
    <Layout ctx={ctx} title="Your account" head={{ noindex: true }}>
      <h1>Your account</h1>
      {changed && (
        <Notice kind="success">Your password was changed. Every other session of your account has been ended.</Notice>
      )}
      <ErrorSummary errors={errors} />
      <p>
        <a href="/admin/account/two-factor">Two-step login</a> · <a href="/admin/account/sessions">Your sessions</a>
      </p>
      <h2>Change your password</h2>
      <form method="post" action="/admin/account">
        <CsrfField token={ctx.csrfToken} />
        <Field name="current" label="Current password" errors={errors}>
          {(a) => <input {...a} type="password" autocomplete="current-password" required />}
        </Field>
        <Field
          name="next"
          label="New password"
          hint="At least 12 characters; no rules about digits or symbols. A few unrelated words make a strong, memorable password. Very common passwords are refused."
          errors={errors}
        >
          {(a) => <input {...a} type="password" autocomplete="new-password" minLength={12} required />}
        </Field>
        <button type="submit">Change password</button>
      </form>
    </Layout>
  );
}
