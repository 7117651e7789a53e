import { translate, type Message } from '../i18n/index.ts';
import type { PageContext } from '../views/context.ts';
import { Layout } from '../views/layout.tsx';
import { t } from '../views/messages.ts';
import { localHref } from '../views/href.tsx';

type Key = Parameters<typeof t>[1];

const TITLES: Record<number, [Key, Key | null]> = {
  400: ['badRequestTitle', null],
  403: ['forbiddenTitle', null],
  404: ['notFoundTitle', 'notFoundText'],
  408: ['badRequestTitle', null],
  413: ['tooLargeTitle', 'tooLargeText'],
  431: ['tooLargeTitle', null],
  429: ['tooManyTitle', 'tooManyText'],
  500: ['errorTitle', 'errorText'],
};

export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message?: Message }) {
  const [titleKey, textKey] = TITLES[status] ?? TITLES[status >= 500 ? 500 : 400]!;
  const title = t(ctx.locale, titleKey);
  return (
    <Layout ctx={ctx} title={title} head={{ noindex: true }}>
      <h1>{title}</h1>
      {message && <p>{translate(ctx.locale, message)}</p>}
      {textKey && !message && <p>{t(ctx.locale, textKey)}</p>}
      <p>
        <a href={localHref(ctx, '/')}>{t(ctx.locale, 'backHome')}</a>
      </p>
    </Layout>
  );
}
