import type { PageContext } from '../../core/views/context.ts';
import { Layout } from '../../core/views/layout.tsx';
import { t } from './messages.ts';

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
      <h2>{t(L, 'saferTitle')}</h2>
      <ul>
        <li>{t(L, 'privateWindow')}</li>
        <li>{t(L, 'clearHistory')}</li>
        <li>{t(L, 'trustedDevice')}</li>
        <li>{t(L, 'tor')}</li>
      </ul>
      <h2>{t(L, 'keepsTitle')}</h2>
      <p>{t(L, 'keeps')}</p>
    </Layout>
  );
}
