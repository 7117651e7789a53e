import type { PageContext } from '../../core/views/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import type { AdminLink } from '../../server.ts';

export function LoginPage({
  ctx,
  next,
  email = '',
  error,
}: {
  ctx: PageContext;
  next: string;
  email?: string;
  error?: string;
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

export function AdminHomePage({ ctx, links, role }: { ctx: PageContext; links: AdminLink[]; role: string }) {
  return (
    <Layout ctx={ctx} title="Staff area" head={{ noindex: true }}>
      <h1>Staff area</h1>
      <p>
        You are logged in as <strong>{ctx.staff?.displayName}</strong> with the role <strong>{role}</strong>.{' '}
        <a href="/admin/account">Change your password</a>.
      </p>
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
