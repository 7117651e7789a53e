import type { Locale } from '../../core/i18n/index.ts';

/*
 * The lists the listing editor offers instead of codes typed by hand: countries and languages by their
 * names in the staff member's language (Intl.DisplayNames), time zones from the platform's own list, and
 * the zone a place's country most likely keeps. The form still sends codes; only the labels are names.
 */
export interface Choice {
  code: string;
  name: string;
}

// ISO 639-1 (two-letter) languages; three-letter codes already saved on a listing are offered too.
const LANGUAGE_CODES = (
  'aa ab af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo ' +
  'es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ' +
  'ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ' +
  'ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ' +
  'ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
).split(' ');
// Two-letter region codes that name no country: the EU, the euro zone, the UN, "outlying Oceania", "unknown",
// the pseudo-locales XA/XB (XK, Kosovo, stays), and codes of countries that no longer exist (Zaire, the
// USSR, Yugoslavia…) or aliases (UK for GB) that CLDR still names.
const NOT_COUNTRIES = new Set('EU EZ UN QO ZZ XA XB AN BU CS DD DY FX HV NH RH SU TP UK VD YD YU ZR'.split(' '));
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const tag = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');
const byName = (locale: Locale) => (a: Choice, b: Choice) => a.name.localeCompare(b.name, tag(locale));
const cache = new Map<string, Choice[]>();
function cached(key: string, make: () => Choice[]): Choice[] {
  let list = cache.get(key);
  if (!list) cache.set(key, (list = make()));
  return list;
}

/** Every country the platform can name, by name. */
export function countryChoices(locale: Locale): Choice[] {
  return cached(`country:${locale}`, () => {
    const names = new Intl.DisplayNames([tag(locale)], { type: 'region', fallback: 'none' });
    const out: Choice[] = [];
    for (const a of LETTERS)
      for (const b of LETTERS) {
        const code = a + b;
        const name = NOT_COUNTRIES.has(code) ? undefined : names.of(code);
        if (name) out.push({ code, name });
      }
    return out.sort(byName(locale));
  });
}
export const isCountryCode = (code: string) => countryChoices('en').some((c) => c.code === code);

/** Languages by name; `extra` codes (already on a listing) are added when the list lacks them. */
export function languageChoices(locale: Locale, extra: readonly string[] = []): Choice[] {
  const base = cached(`language:${locale}`, () => {
    const names = new Intl.DisplayNames([tag(locale)], { type: 'language', fallback: 'none' });
    return LANGUAGE_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort(byName(locale));
  });
  const missing = extra.filter((c) => !base.some((l) => l.code === c));
  if (missing.length === 0) return base;
  const names = new Intl.DisplayNames([tag(locale)], { type: 'language', fallback: 'code' });
  const named = (c: string) => {
    try {
      return names.of(c) ?? c;
    } catch {
      return c;
    }
  };
  return [...base, ...missing.map((code) => ({ code, name: named(code) }))].sort(byName(locale));
}
export const isLanguageCode = (code: string) => /^[a-z]{2,3}$/.test(code);

/** Every IANA zone the platform knows, plus UTC. */
export function timeZoneChoices(): string[] {
  const zones = cached('zones', () =>
    ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')].map((z) => ({ code: z, name: z })),
  );
  return zones.map((z) => z.code);
}
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zones a country keeps (CLDR, through Intl.Locale), alphabetical; empty when the platform does not say. */
export function zonesOfCountry(country: string): string[] {
  if (!/^[A-Z]{2}$/.test(country)) return [];
  try {
    // Node 20 has the `timeZones` getter; later versions `getTimeZones()`.
    const l = new Intl.Locale(`und-${country}`) as Intl.Locale & {
      timeZones?: string[];
      getTimeZones?: () => string[];
    };
    return l.getTimeZones?.() ?? l.timeZones ?? [];
  } catch {
    return [];
  }
}

/**
 * The zone of a country with only one (France, Kenya): the editor's default. A country with several
 * (the United States, Brazil) gets none — CLDR lists them alphabetically, not by population, so any
 * pick would be a guess; the curator chooses among that country's zones, listed first.
 */
export function zoneOfCountry(country: string): string | undefined {
  const zones = zonesOfCountry(country);
  return zones.length === 1 ? zones[0] : undefined;
}
