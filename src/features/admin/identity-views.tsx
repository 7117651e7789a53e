import { CsrfField, ErrorSummary, Field, Notice, type FieldErrors } from '../../core/views/components.tsx';
import type { PageContext } from '../../core/views/context.ts';
import { Layout } from '../../core/views/layout.tsx';
import { t } from '../../core/identity/messages.ts';
import type { StoredIdentity } from '../../core/identity/settings.ts';
import { NAME_MAX, TAGLINE_MAX } from '../../core/identity/settings.ts';
import { timeZoneChoices } from '../../core/identity/time-zones.ts';

/** What the form shows: the stored values, or what was sent when it came back with errors. */
export interface IdentityFormValues {
  name: string;
  tagline: string;
  accent: string;
  accentDefault: boolean;
  quickExit: string;
  timeZone: string;
}

export const formValuesOf = (stored: StoredIdentity): IdentityFormValues => ({
  name: stored.name,
  tagline: stored.tagline,
  accent: stored.accent ?? '#5b2a86',
  accentDefault: stored.accent === null,
  quickExit: stored.quickExitUrl ?? '',
  timeZone: stored.timeZone,
});

export interface IdentityPageProps {
  ctx: PageContext;
  values: IdentityFormValues;
  defaultQuickExit: string;
  errors?: FieldErrors;
  saved?: boolean;
}

/** The admins' form for the organisation's identity (a file field: multipart). */
export function IdentityPage({ ctx, values, defaultQuickExit, errors, saved }: IdentityPageProps) {
  const text = (key: Parameters<typeof t>[1], params?: Parameters<typeof t>[2]) => t(ctx.locale, key, params);
  return (
    <Layout ctx={ctx} title={text('heading')} head={{ noindex: true }}>
      <h1>{text('heading')}</h1>
      <p>{text('intro')}</p>
      {saved && <Notice kind="success">{text('saved')}</Notice>}
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/identity" enctype="multipart/form-data" class="panel" data-identity-form>
        <CsrfField token={ctx.csrfToken} />
        <Field name="name" label={text('nameLabel')} errors={errors}>
          {(a) => <input {...a} type="text" value={values.name} required maxLength={NAME_MAX} autocomplete="off" />}
        </Field>
        <Field name="tagline" label={text('taglineLabel')} errors={errors}>
          {(a) => <input {...a} type="text" value={values.tagline} maxLength={TAGLINE_MAX} autocomplete="off" />}
        </Field>
        <Field name="logo" label={text('logoLabel')} hint={text('logoHint')} errors={errors}>
          {(a) => <input {...a} type="file" accept="image/png,image/svg+xml,.png,.svg" />}
        </Field>
        <div class="field">
          {ctx.logo ? (
            <p>
              {text('logoCurrent')}:{' '}
              <img src={ctx.logo.url} width={ctx.logo.width} height={ctx.logo.height} alt={ctx.siteName} />
            </p>
          ) : (
            <p>{text('logoNone')}</p>
          )}
          {ctx.logo && (
            <label>
              <input type="checkbox" name="remove_logo" value="1" /> {text('removeLogo')}
            </label>
          )}
        </div>
        <Field name="accent" label={text('accentLabel')} hint={text('accentHint')} errors={errors}>
          {(a) => <input {...a} type="color" value={values.accent} />}
        </Field>
        <div class="field">
          <label>
            <input type="checkbox" name="accent_default" value="1" checked={values.accentDefault} />{' '}
            {text('accentDefault')}
          </label>
        </div>
        <Field
          name="quick_exit"
          label={text('quickExitLabel')}
          hint={text('quickExitHint', { default: defaultQuickExit })}
          errors={errors}
        >
          {(a) => <input {...a} type="url" value={values.quickExit} placeholder="https://" autocomplete="off" />}
        </Field>
        <Field name="time_zone" label={text('timeZoneLabel')} hint={text('timeZoneHint')} errors={errors}>
          {(a) => (
            <select {...a}>
              {timeZoneChoices().map((zone) => (
                <option value={zone} selected={zone === values.timeZone}>
                  {zone.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">{text('save')}</button>
      </form>
    </Layout>
  );
}
