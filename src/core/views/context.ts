import type { Locale } from '../i18n/index.ts';
import type { Role } from '../db/schema.ts';

/** What every page needs to know about the site and the viewer; identical for all anonymous visitors. */
export interface PageContext {
  siteName: string;
  publicUrl: string;
  quickExitUrl: string;
  /** The organisation's identity (core/identity), set by an admin; absent parts keep the defaults. */
  tagline?: string;
  logo?: { url: string; width: number; height: number };
  /** The accent-colour stylesheet, loaded after site.css. */
  themeUrl?: string;
  /** The identity is the demo content's fictional organisation. */
  demo?: boolean;
  locale: Locale;
  /** The language every link and form of the page carries (`?lang=`): the reader's choice, or French on a French page. */
  linkLang?: Locale;
  /** Present only for a logged-in staff member: anonymous pages carry none, so they can be cached. */
  staff?: { displayName: string; role: Role };
  /** Token for state-changing forms; anonymous tokens are not tied to any visitor. */
  csrfToken: string;
}
