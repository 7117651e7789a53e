import { LOCALES, type Locale } from '../../core/i18n/index.ts';
import type { PageContext } from '../../core/views/context.ts';
import type { CrisisView } from './crisis.ts';
import { t } from './messages.ts';
import { SearchForm, localised } from './views.tsx';

/*
 * The home page's first screen on a phone: find support (the directory search itself), talk to
 * someone now (crisis lines for the reader's region and worldwide) and stay safe on this site.
 * Posts and everything else follow.
 */
const regionNames = Object.fromEntries(
  LOCALES.map((l) => [l, new Intl.DisplayNames([l], { type: 'region' })]),
) as Record<Locale, Intl.DisplayNames>;
const regionName = (code: string, L: Locale) => {
  try {
    return regionNames[L].of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
};
const digits = (n: string) => n.replace(/[^\d+]/g, '');

function CrisisLines({ ctx, crisis }: { ctx: PageContext; crisis: CrisisView }) {
  const L = ctx.locale;
  return (
    <section class="help-talk" aria-labelledby="help-talk-title" id="talk">
      <h2 id="help-talk-title">{t(L, 'helpTalk')}</h2>
      {crisis.lines.length === 0 ? (
        <p>{t(L, 'helpNoLines')}</p>
      ) : (
        <ul class="crisis-lines">
          {crisis.lines.map((line) => (
            <li>
              <a href={localised(`/resources/${line.slug}`, L)}>{line.name}</a>
              {line.phones.map((p) => (
                <>
                  {' · '}
                  {p.type === 'text' ? t(L, 'textLabel') : t(L, 'callLabel')}{' '}
                  <a href={`${p.type === 'text' ? 'sms' : 'tel'}:${digits(p.number)}`}>{p.number}</a>
                </>
              ))}
            </li>
          ))}
        </ul>
      )}
      {crisis.regions.length > 0 && (
        <form method="get" action="/#talk" class="inline-form region-form">
          {L !== 'en' && <input type="hidden" name="lang" value={L} />}
          <label for="help-region">{t(L, 'helpRegion')}</label>{' '}
          <select id="help-region" name="region">
            <option value="">{t(L, 'helpRegionAny')}</option>
            {crisis.regions
              .map((code) => ({ code, name: regionName(code, L) }))
              .sort((a, b) => a.name.localeCompare(b.name, L))
              .map(({ code, name }) => (
                <option value={code} selected={crisis.region === code}>
                  {name}
                </option>
              ))}
          </select>{' '}
          <button type="submit" class="secondary">
            {t(L, 'helpShow')}
          </button>
        </form>
      )}
    </section>
  );
}

export function HelpFirst({ ctx, crisis }: { ctx: PageContext; crisis: CrisisView }) {
  const L = ctx.locale;
  return (
    <div class="help-first">
      <section class="help-find" aria-labelledby="home-directory-title">
        <h2 id="home-directory-title">{t(L, 'helpFind')}</h2>
        <SearchForm ctx={ctx} compact />
      </section>
      <CrisisLines ctx={ctx} crisis={crisis} />
      <section class="help-safe" aria-labelledby="help-safe-title">
        <h2 id="help-safe-title">{t(L, 'helpSafe')}</h2>
        <p>
          {t(L, 'helpSafeText')} <a href={localised('/safety', L)}>{t(L, 'helpSafeLink')}</a>
        </p>
      </section>
    </div>
  );
}
