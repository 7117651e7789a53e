import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.ts';
import { LocaleContext } from './locale.ts';
import { t } from './messages.ts';
import { uiLocale } from '../i18n/index.ts';
import { assetUrl } from '../http/assets.ts';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../auth/session-cookie.ts';
import { LangField, LinkLangContext, localHref } from './href.tsx';

export interface HeadMeta {
  description?: string;
  canonical?: string;
  /** Alternate language versions: hreflang → absolute URL. */
  alternates?: Record<string, string>;
  /** Open Graph and similar: property → content. */
  og?: Record<string, string>;
  feeds?: { title: string; href: string; type: string }[];
  noindex?: boolean;
}

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  /** Language of the page content, when it differs from the UI locale (e.g. "pt-BR"). */
  lang?: string;
  head?: HeadMeta;
  children: ComponentChildren;
  /** Extra scripts from /static, loaded deferred; every page already has quick exit. */
  scripts?: string[];
}

const NAV = [
  { href: '/', key: 'home' },
  { href: '/resources', key: 'resources' },
  { href: '/training', key: 'training' },
  { href: '/campaigns', key: 'campaigns' },
] as const;

export function Layout({ ctx, title, lang, head = {}, children, scripts = [] }: LayoutProps) {
  const text = (key: Parameters<typeof t>[1]) => t(ctx.locale, key);
  const href = (path: string) => localHref(ctx, path);
  return (
    // The page's own language is the reader's; content in another language marks itself (lang on
    // the article). A content language that is a variant of the page's ("fr-CA") is the more precise.
    <html lang={lang && uiLocale(lang) === ctx.locale ? lang : ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === ctx.siteName ? title : `${title} · ${ctx.siteName}`}</title>
        <meta name="referrer" content="no-referrer" />
        {head.noindex && <meta name="robots" content="noindex" />}
        {head.description && <meta name="description" content={head.description} />}
        {head.canonical && <link rel="canonical" href={head.canonical} />}
        {Object.entries(head.alternates ?? {}).map(([hreflang, href]) => (
          <link rel="alternate" hreflang={hreflang} href={href} />
        ))}
        {Object.entries(head.og ?? {}).map(([property, content]) => (
          <meta property={property} content={content} />
        ))}
        {(head.feeds ?? []).map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('site.css')} />
        {ctx.themeUrl && <link rel="stylesheet" href={ctx.themeUrl} />}
        <script src={assetUrl('quick-exit.js')} defer />
        <script src={assetUrl('landing.js')} defer />
        {scripts.map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {text('skip')}
        </a>
        <div class="quick-exit" data-quick-exit-bar>
          <a
            class="quick-exit__button"
            href={ctx.quickExitUrl}
            rel="noreferrer nofollow"
            data-quick-exit
            aria-describedby="quick-exit-hint"
          >
            {text('quickExit')}
          </a>
          <span id="quick-exit-hint" class="quick-exit__hint">
            {text('quickExitHint')}
          </span>
          <span
            class="visually-hidden"
            aria-live="polite"
            data-quick-exit-status
            data-template={text('quickExitAnnounce')}
          />
        </div>
        <header class="site-header">
          <SiteName ctx={ctx} href={href('/')} />
          <nav aria-label={text('mainNav')}>
            <ul>
              {NAV.map((item) => (
                <li>
                  <a href={href(item.href)}>{text(item.key)}</a>
                </li>
              ))}
              {ctx.staff && (
                <li>
                  <a href="/admin">{text('staffArea')}</a>
                </li>
              )}
            </ul>
          </nav>
          <form method="get" action="/search" role="search" class="header-search" aria-label={text('searchPosts')}>
            <label for="header-search-q" class="visually-hidden">
              {text('searchPosts')}
            </label>
            <LangField lang={ctx.linkLang} />
            <input id="header-search-q" type="search" name="q" maxLength={200} placeholder={text('searchPosts')} />
            <button type="submit" class="secondary">
              {text('searchButton')}
            </button>
          </form>
          {ctx.staff && (
            <div class="site-header__staff" data-staff-bar>
              <a href="/admin/account">{t(ctx.locale, 'signedInAs', { name: ctx.staff.displayName })}</a>
              <form method="post" action="/admin/logout">
                <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                <button type="submit" class="link-button" data-logout>
                  {text('logout')}
                </button>
              </form>
            </div>
          )}
        </header>
        <main id="main" tabindex={-1}>
          <LocaleContext.Provider value={ctx.locale}>
            <LinkLangContext.Provider value={ctx.linkLang}>{children}</LinkLangContext.Provider>
          </LocaleContext.Provider>
        </main>
        <footer class="site-footer">
          {ctx.staff ? (
            // Staff are not anonymous readers: the footer says what their session keeps instead.
            <p data-staff-footer>
              {t(ctx.locale, 'footerStaff', { cookie: SESSION_COOKIE, hours: SESSION_TTL_MS / 3_600_000 })}{' '}
              <a href={href('/safety#stored')}>{text('footerStored')}</a>
            </p>
          ) : (
            <p>
              {/* The exact statement is on /safety; test/e2e/privacy-statement.e2e.test.ts holds both to the browser. */}
              {text('footerPrivacy')} <a href={href('/safety#stored')}>{text('footerStored')}</a>
            </p>
          )}
          <p>
            <a href={href('/safety')}>{text('safety')}</a>
          </p>
        </footer>
      </body>
    </html>
  );
}

/** The organisation's name (with its logo beside it, decorative: the name is the link's text) and tagline. */
function SiteName({ ctx, href }: { ctx: PageContext; href: string }) {
  return (
    <div class="site-identity" data-site-identity>
      <a class="site-name" href={href}>
        {ctx.logo && (
          <img class="site-logo" src={ctx.logo.url} width={ctx.logo.width} height={ctx.logo.height} alt="" />
        )}
        <span>{ctx.siteName}</span>
      </a>
      {ctx.tagline && <p class="site-tagline">{ctx.tagline}</p>}
      {ctx.demo && <p class="site-tagline site-tagline--demo">{t(ctx.locale, 'demoIdentity')}</p>}
    </div>
  );
}
