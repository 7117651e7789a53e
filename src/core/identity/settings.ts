import type { Setting } from '../settings/index.ts';
import { parseHexColour } from './colour.ts';
import { DEFAULT_TIME_ZONE, isTimeZone } from './time-zones.ts';

/*
 * How the identity is kept in the settings table: the texts as one JSON value, the logo (a
 * re-encoded PNG of at most 480 × 160 pixels) as base64 in another, so every instance sharing a
 * PostgreSQL database serves the same logo without a shared upload folder.
 */
export const NAME_MAX = 80;
export const TAGLINE_MAX = 160;
export const DEFAULT_SITE_NAME = 'Alongside';

export interface StoredIdentity {
  name: string;
  tagline: string;
  /** "#rrggbb", or null for the stylesheet's own colours. */
  accent: string | null;
  /** An https address, or null for QUICK_EXIT_URL. */
  quickExitUrl: string | null;
  /** The demo content set it (a fictional organisation): pages say so. */
  demo: boolean;
  /** The IANA zone staff enter dates in ("Publish at"); stored times stay UTC. */
  timeZone: string;
}

export const DEFAULT_IDENTITY: StoredIdentity = {
  name: DEFAULT_SITE_NAME,
  tagline: '',
  accent: null,
  quickExitUrl: null,
  demo: false,
  timeZone: DEFAULT_TIME_ZONE,
};

const isText = (v: unknown, max: number) => typeof v === 'string' && [...v].length <= max;

function parseIdentity(text: string): StoredIdentity | undefined {
  let v: Partial<Record<keyof StoredIdentity, unknown>>;
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { name, tagline, accent, quickExitUrl, demo, timeZone } = v;
  // Identities saved before the time zone existed have none: UTC, as dates were entered then.
  if (timeZone !== undefined && !isTimeZone(timeZone)) return undefined;
  if (!isText(name, NAME_MAX) || name === '' || !isText(tagline, TAGLINE_MAX)) return undefined;
  if (accent !== null && (typeof accent !== 'string' || parseHexColour(accent) !== accent)) return undefined;
  if (quickExitUrl !== null && (typeof quickExitUrl !== 'string' || !quickExitUrl.startsWith('https://')))
    return undefined;
  return {
    name: name as string,
    tagline: tagline as string,
    accent: accent as string | null,
    quickExitUrl: quickExitUrl as string | null,
    demo: demo === true,
    timeZone: (timeZone as string | undefined) ?? DEFAULT_TIME_ZONE,
  };
}

export const identitySetting: Setting<StoredIdentity> = {
  key: 'identity',
  defaultValue: DEFAULT_IDENTITY,
  parse: parseIdentity,
  serialize: (value) => JSON.stringify(value),
};

/** The logo PNG, base64; empty when there is none. */
export const logoSetting: Setting<string> = {
  key: 'identity.logo',
  defaultValue: '',
  parse: (text) => (/^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length <= 1_000_000 ? text : undefined),
  serialize: String,
};
