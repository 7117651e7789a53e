import { isCleanText } from './gate.ts';

/*
 * The one check for an address someone typed or a file carried, before it is stored or shown as a
 * link: listing websites (the curators' editor and the HSDS import), links in comments, pledge and
 * event links, resource suggestions. Only the schemes a field means are links: http and https for
 * websites, mailto and tel where an e-mail or phone link is meant; `javascript:`, `data:` and the
 * rest are refused, as are addresses with spaces or control characters (which the URL parser would
 * silently drop, so "java\tscript:" would become "javascript:") and user names or passwords
 * ("https://bank.example@evil.example").
 */
export type UrlScheme = 'http' | 'https' | 'mailto' | 'tel';
export const WEB_SCHEMES: readonly UrlScheme[] = ['http', 'https'];

export type UrlProblem = 'empty' | 'tooLong' | 'notAddress' | 'scheme' | 'notPlain';

export interface UrlRules {
  /** The schemes the field means; http and https by default. */
  schemes?: readonly UrlScheme[];
  /** Longest accepted address; 2,000 characters by default. */
  maxLength?: number;
  /** The host must have a dot (a site on the internet, not "localhost" or a bare word). */
  publicHost?: boolean;
}

export type UrlCheck = { ok: true; url: string } | { ok: false; problem: UrlProblem };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const MAILTO = /^mailto:[^\s@/?#]+@[^\s@/?#]+(\?.*)?$/i;
const TEL = /^tel:\+?[0-9().-]{3,40}$/i;

/** Checks an address (surrounding spaces ignored); `url` is its normalised form (http and https). */
export function checkUrl(raw: string, rules: UrlRules = {}): UrlCheck {
  const text = raw.trim();
  if (!text) return { ok: false, problem: 'empty' };
  if (text.length > (rules.maxLength ?? 2000)) return { ok: false, problem: 'tooLong' };
  if (/\s/.test(text) || !isCleanText(text, false)) return { ok: false, problem: 'notAddress' };
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (!scheme) return { ok: false, problem: 'notAddress' };
  if (!(rules.schemes ?? WEB_SCHEMES).includes(scheme as UrlScheme)) return { ok: false, problem: 'scheme' };
  if (scheme === 'mailto') return MAILTO.test(text) ? { ok: true, url: text } : { ok: false, problem: 'notAddress' };
  if (scheme === 'tel') return TEL.test(text) ? { ok: true, url: text } : { ok: false, problem: 'notAddress' };
  // http(s): written out with "//" and a host, parsed by the same (WHATWG) rules browsers use.
  if (!/^https?:\/\/[^/\\]/i.test(text)) return { ok: false, problem: 'notAddress' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'notAddress' };
  }
  if (url.protocol !== `${scheme}:` || !url.hostname) return { ok: false, problem: 'notAddress' };
  if (url.username || url.password) return { ok: false, problem: 'notPlain' };
  if (rules.publicHost && !url.hostname.includes('.')) return { ok: false, problem: 'notAddress' };
  return { ok: true, url: url.href };
}

export function isAllowedUrl(raw: string, rules?: UrlRules): boolean {
  return checkUrl(raw, rules).ok;
}

/**
 * For views, in depth behind the checks on the way in: the address as an href when it is an allowed
 * link, else undefined, so the page shows it as text (data stored before a check existed, a bug).
 */
export function safeHref(raw: string | null | undefined, schemes: readonly UrlScheme[] = WEB_SCHEMES) {
  if (!raw) return undefined;
  const checked = checkUrl(raw, { schemes });
  return checked.ok ? raw.trim() : undefined;
}
