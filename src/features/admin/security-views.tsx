import type { PageContext } from '../../core/views/context.ts';
import { CsrfField, ErrorSummary, Field, Notice, type FieldErrors, TableScroll } from '../../core/views/components.tsx';
import { Layout } from '../../core/views/layout.tsx';
import type { FactorStatus } from '../../core/auth/second-factor.ts';
import type { listOwnSessions } from '../../core/auth/service.ts';
import type { Message } from '../../core/i18n/index.ts';

/* Pages of the account's own security: the code step of a login, the second factor, sessions, a reset link. */

/** Date and time in UTC, to the minute: what a session list needs. */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function LoginCodePage({ ctx, next, error }: { ctx: PageContext; next: string; error?: Message }) {
  const errors = error ? { code: error } : undefined;
  return (
    <Layout ctx={ctx} title="Enter your code" head={{ noindex: true }}>
      <h1>Enter your code</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/login/code" class="stack">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="next" value={next} />
        <Field
          name="code"
          label="Code from your authenticator app"
          hint="Six digits. Lost your phone? Enter one of your recovery codes instead (each works once)."
          errors={errors}
        >
          {(a) => <input {...a} type="text" autocomplete="one-time-code" maxLength={40} required />}
        </Field>
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}

export interface TwoFactorPageProps {
  ctx: PageContext;
  status: FactorStatus;
  enrolment?: { secret: string; qrDataUri: string };
  recoveryCodes?: string[];
  mustEnrol?: boolean;
  errors?: FieldErrors;
}

export function TwoFactorPage({ ctx, status, enrolment, recoveryCodes, mustEnrol, errors }: TwoFactorPageProps) {
  return (
    <Layout ctx={ctx} title="Two-step login" head={{ noindex: true }}>
      <h1>Two-step login</h1>
      {mustEnrol && (
        <Notice kind="warning">
          This site requires a second step at login for every staff account. Set it up to go on.
        </Notice>
      )}
      <ErrorSummary errors={errors} />
      {recoveryCodes && <RecoveryCodes codes={recoveryCodes} />}
      {status.enabled ? <FactorOn ctx={ctx} status={status} errors={errors} /> : null}
      {!status.enabled && enrolment ? <Enrol ctx={ctx} enrolment={enrolment} errors={errors} /> : null}
    </Layout>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Notice kind="success">
      <p>
        Two-step login is on. These are your <strong>recovery codes</strong>: each lets you in once if you lose your
        phone. Print them or keep them in a password manager now — they are shown only this once.
      </p>
      <ul class="recovery-codes" data-recovery-codes>
        {codes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </Notice>
  );
}

function FactorOn({ ctx, status, errors }: { ctx: PageContext; status: FactorStatus; errors?: FieldErrors }) {
  return (
    <>
      <p data-factor-on>
        Two-step login is <strong>on</strong>. You have {status.recoveryCodesLeft} unused recovery codes.
      </p>
      {!status.required && (
        <form method="post" action="/admin/account/two-factor/disable">
          <h2>Turn two-step login off</h2>
          <CsrfField token={ctx.csrfToken} />
          <Field name="password" label="Your password" errors={errors}>
            {(a) => <input {...a} type="password" autocomplete="current-password" required />}
          </Field>
          <button type="submit" class="danger">
            Turn off
          </button>
        </form>
      )}
    </>
  );
}

function Enrol({
  ctx,
  enrolment,
  errors,
}: {
  ctx: PageContext;
  enrolment: { secret: string; qrDataUri: string };
  errors?: FieldErrors;
}) {
  return (
    <>
      <p>
        After your password, you will also enter a six-digit code from an authenticator app on your phone (for example
        Aegis, FreeOTP, Google Authenticator or your password manager). Someone who learns your password still cannot
        log in.
      </p>
      <ol>
        <li>
          Scan this code with the app:
          <br />
          <img src={enrolment.qrDataUri} width={200} height={200} alt="QR code for your authenticator app" />
        </li>
        <li>
          Or type this key into the app: <code data-totp-secret>{enrolment.secret}</code>
        </li>
        <li>Enter the code the app shows:</li>
      </ol>
      <form method="post" action="/admin/account/two-factor">
        <CsrfField token={ctx.csrfToken} />
        <Field name="code" label="Six-digit code" errors={errors}>
          {(a) => <input {...a} type="text" inputMode="numeric" autocomplete="one-time-code" maxLength={10} required />}
        </Field>
        <button type="submit">Turn on two-step login</button>
      </form>
    </>
  );
}

type SessionRow = Awaited<ReturnType<typeof listOwnSessions>>[number];

export function SessionsPage({ ctx, sessions }: { ctx: PageContext; sessions: SessionRow[] }) {
  return (
    <Layout ctx={ctx} title="Your sessions" head={{ noindex: true }}>
      <h1>Your sessions</h1>
      <p>
        Where your account is logged in now. Only a rough description of each device is kept — never its address or full
        browser details.
      </p>
      <TableScroll label="Your sessions">
        <table data-sessions>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Started</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td>
                  {s.device}
                  {s.current && <span class="badge">this session</span>}
                </td>
                <td>{when(s.startedAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <form method="post" action="/admin/account/sessions/end-all">
        <CsrfField token={ctx.csrfToken} />
        <p>Don’t recognise one, or left yourself logged in somewhere? End them all — you will log in again here.</p>
        <button type="submit" class="danger">
          Sign out everywhere
        </button>
      </form>
    </Layout>
  );
}

export function ResetPage({
  ctx,
  token,
  account,
  errors,
  done,
}: {
  ctx: PageContext;
  token: string;
  account?: { email: string };
  errors?: FieldErrors;
  done?: boolean;
}) {
  return (
    <Layout ctx={ctx} title="Choose a new password" head={{ noindex: true }}>
      <h1>Choose a new password</h1>
      <ErrorSummary errors={errors} />
      {done && (
        <Notice kind="success">
          Your password was changed and every session of your account has ended. <a href="/admin/login">Log in</a>.
        </Notice>
      )}
      {account && !done && (
        <form method="post" action={`/admin/reset/${token}`}>
          <CsrfField token={ctx.csrfToken} />
          <p>
            For the account <strong>{account.email}</strong>. This link works once.
          </p>
          <Field
            name="password"
            label="New password"
            hint="At least 12 characters; no rules about digits or symbols. A few unrelated words make a strong, memorable password. Very common passwords are refused."
            errors={errors}
          >
            {(a) => <input {...a} type="password" autocomplete="new-password" minLength={12} required />}
          </Field>
          <Field name="confirm" label="New password again" errors={errors}>
            {(a) => <input {...a} type="password" autocomplete="new-password" minLength={12} required />}
          </Field>
          <button type="submit">Set the new password</button>
        </form>
      )}
    </Layout>
  );
}
