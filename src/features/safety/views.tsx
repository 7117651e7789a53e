import type { PageContext } from '../../core/views/context.ts';
import { Layout } from '../../core/views/layout.tsx';
import type { Locale } from '../../core/i18n/index.ts';
import { t } from './messages.ts';
import { FLOWS, type Lifetime, type Stored } from './stores.ts';

/** Plain words on what quick exit does and does not hide, and how to browse more safely. */
export function SafetyPage({ ctx }: { ctx: PageContext }) {
  const L = ctx.locale;
  const en = `${ctx.publicUrl}/safety`;
  const fr = `${en}?lang=fr`;
  return (
    <Layout
      ctx={ctx}
      title={t(L, 'title')}
      head={{ description: t(L, 'description'), alternates: { en, fr, 'x-default': en } }}
    >
      <h1>{t(L, 'title')}</h1>
      <p>
        <a href={L === 'fr' ? '/safety' : '/safety?lang=fr'} lang={L === 'fr' ? 'en' : 'fr'}>
          {t(L, 'otherLanguage')}
        </a>
      </p>
      <h2>{t(L, 'quickExit')}</h2>
      <p>{t(L, 'quickExitHow')}</p>
      <h2>{t(L, 'historyTitle')}</h2>
      <p>{t(L, 'withScript')}</p>
      <p>{t(L, 'sentForms')}</p>
      <p>{t(L, 'withoutScript')}</p>
      <h2>{t(L, 'cannotHide')}</h2>
      <ul>
        <li>{t(L, 'historyList')}</li>
        <li>{t(L, 'watching')}</li>
        <li>{t(L, 'network')}</li>
      </ul>
      <StoredTable L={L} />
      <h2 id="address-history">{t(L, 'addressTitle')}</h2>
      <p>{t(L, 'addressText')}</p>
      <h3>{t(L, 'clearTitle')}</h3>
      <ul>
        <li>{t(L, 'clearChrome')}</li>
        <li>{t(L, 'clearFirefox')}</li>
        <li>{t(L, 'clearSafari')}</li>
        <li>{t(L, 'clearAndroid')}</li>
        <li>{t(L, 'clearSuggestion')}</li>
        <li>{t(L, 'clearData')}</li>
      </ul>
      <h2>{t(L, 'saferTitle')}</h2>
      <ul>
        <li>{t(L, 'privateWindow')}</li>
        <li>{t(L, 'privateStored')}</li>
        <li>{t(L, 'clearHistory')}</li>
        <li>{t(L, 'trustedDevice')}</li>
        <li>{t(L, 'tor')}</li>
      </ul>
      <h2>{t(L, 'keepsTitle')}</h2>
      <p>{t(L, 'keeps')}</p>
    </Layout>
  );
}

/** The machine-readable lifetime the browser test compares with what Chromium holds. */
function lifetimeCode(life: Lifetime): string {
  if (life.kind === 'session') return 'session';
  return life.kind === 'days' ? `days:${life.days}` : `hours:${life.hours}`;
}

function lifetimeText(L: Locale, stored: Stored): string {
  if (stored.where === 'localStorage') return t(L, 'lifeUntilDeleted');
  const life = stored.lifetime;
  if (life.kind === 'session') return t(L, 'lifeSession');
  return life.kind === 'days' ? t(L, 'lifeDays', { days: life.days }) : t(L, 'lifeHours', { hours: life.hours });
}

function StoredItem({ L, stored }: { L: Locale; stored: Stored }) {
  if (stored.where === 'cookie')
    return (
      <li>
        {t(L, 'kindCookie')}{' '}
        <code data-store="cookie" data-name={stored.name} data-lifetime={lifetimeCode(stored.lifetime)}>
          {stored.name}
        </code>
      </li>
    );
  return (
    <li>
      {t(L, 'kindLocal')}{' '}
      <code data-store="localStorage" data-prefix={stored.prefix}>
        {stored.prefix}…
      </code>
    </li>
  );
}

/** Every flow and what it leaves in the browser: the statement test/e2e/privacy-statement checks. */
function StoredTable({ L }: { L: Locale }) {
  return (
    <section aria-labelledby="stored">
      <h2 id="stored">{t(L, 'storedTitle')}</h2>
      <p>{t(L, 'storedLead')}</p>
      <table class="stored">
        <thead>
          <tr>
            <th scope="col">{t(L, 'colAction')}</th>
            <th scope="col">{t(L, 'colStored')}</th>
            <th scope="col">{t(L, 'colLifetime')}</th>
          </tr>
        </thead>
        <tbody>
          {FLOWS.map((flow) => (
            <tr data-flow={flow.id}>
              <th scope="row">{t(L, flow.action)}</th>
              <td>
                <p>{t(L, flow.note)}</p>
                {flow.stores.length > 0 && (
                  <ul>
                    {flow.stores.map((stored) => (
                      <StoredItem L={L} stored={stored} />
                    ))}
                  </ul>
                )}
              </td>
              <td>
                {flow.stores.length === 0
                  ? t(L, 'lifeNothing')
                  : flow.stores.map((stored) => lifetimeText(L, stored)).join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
