import type { Locale } from '../i18n/index.ts';
import type { Role } from '../db/schema.ts';

/** What every page needs to know about the site and the viewer; identical for all anonymous visitors. */
export interface PageContext {
  siteName: string;
  publicUrl: string;
  quickExitUrl: string;
  locale: Locale;
  /** The language every link and form of the page carries (`?lang=`): the reader's choice, or French on a French page. */
  linkLang?: Locale;
  /** Present only for a logged-in staff member: anonymous pages carry none, so they can be cached. */
  staff?: { displayName: string; role: Role };
  /** Token for state-changing forms; anonymous tokens are not tied to any visitor. */
  csrfToken: string;
}
