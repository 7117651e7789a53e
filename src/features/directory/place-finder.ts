import type { FieldErrors } from '../../core/result.ts';
import { placeById, placesNear, resolvePlace, type Place } from './gazetteer.ts';
import { locationField, locationIndexes, type ListingForm } from './listing-form.ts';
import { msg } from './messages.ts';
import { mapFrame } from './map-frame.ts';
import { outlinesWithin } from './outlines.ts';
import { regionOutlinesWithin } from './region-outlines.ts';

/*
 * Finding a location's place without typing coordinates, as plain form buttons (no JavaScript needed):
 * "Find" (findPlace=<location index>) looks the typed name up in the offline gazetteer and shows the
 * matches as a choice (loc<N>_pick); "Use this place" — or saving with a match chosen — fills the
 * town, region, country and coordinates from it; the arrow buttons (nudge=<index>:<n|s|e|w>) move the
 * point by NUDGE_DEGREES. Each answers with the form again, nothing saved, except a pick while saving.
 */
export const NUDGE_DEGREES = 0.005;
const MAX_MATCHES = 8;
const NEARBY_KM = 25;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

export interface PlaceHelp {
  /** Matches of a location's lookup, by location index. */
  matches: Record<number, Place[]>;
  /** Gazetteer places near a location's point, for its map. */
  nearby: Record<number, (Place & { km: number })[]>;
  /** Borders and coastlines crossing a location's map, by location index. */
  outlines: Record<number, [number, number][][]>;
  /** Borders between a country's regions (states, provinces…) crossing a location's map, by location index. */
  regions: Record<number, [number, number][][]>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '').trim();

/** The form with each chosen match written into its location, the choice cleared. */
export function applyPicks(form: ListingForm): ListingForm {
  const out = { ...form };
  for (const i of locationIndexes(form)) {
    const pick = str(form[`loc${i}_pick`]);
    delete out[`loc${i}_pick`];
    if (!/^\d{1,10}$/.test(pick)) continue;
    const place = placeById(Number(pick));
    if (!place) continue;
    out[locationField(i, 'city')] = place.name;
    out[locationField(i, 'region')] = place.region;
    out[locationField(i, 'country')] = place.country;
    out[locationField(i, 'latitude')] = String(round(place.lat));
    out[locationField(i, 'longitude')] = String(round(place.lon));
    out[`loc${i}_lookup`] = '';
  }
  return out;
}

/** The form with a location's point moved one step; unchanged when it has no valid point. */
function nudged(form: ListingForm, action: string): ListingForm {
  const m = /^(\d{1,4}):([nsew])$/.exec(action);
  if (!m) return form;
  const i = Number(m[1]);
  const lat = Number(str(form[locationField(i, 'latitude')]) || NaN);
  const lon = Number(str(form[locationField(i, 'longitude')]) || NaN);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return form;
  const d = { n: [1, 0], s: [-1, 0], e: [0, 1], w: [0, -1] }[m[2] as 'n' | 's' | 'e' | 'w'];
  const nextLat = Math.max(-90, Math.min(90, lat + d[0]! * NUDGE_DEGREES));
  let nextLon = lon + d[1]! * NUDGE_DEGREES;
  if (nextLon > 180) nextLon -= 360;
  if (nextLon < -180) nextLon += 360;
  return {
    ...form,
    [locationField(i, 'latitude')]: String(round(nextLat)),
    [locationField(i, 'longitude')]: String(round(nextLon)),
  };
}

/** The matches for a location's typed name; a message beside the lookup field when there are none. */
function lookUp(form: ListingForm, i: number, errors: FieldErrors): Record<number, Place[]> {
  const text = str(form[`loc${i}_lookup`]).slice(0, 200);
  const n = locationIndexes(form).indexOf(i) + 1;
  const found = text ? resolvePlace(text) : { kind: 'none' as const };
  const places =
    found.kind === 'found' ? [found.place, ...found.others] : found.kind === 'ambiguous' ? found.choices : [];
  if (places.length === 0) {
    errors[`loc${i}_lookup`] = msg('locationPlaceNotFound', { n: Math.max(n, 1), text: text.slice(0, 60) });
    return {};
  }
  return { [i]: places.slice(0, MAX_MATCHES) };
}

/** What each location's map shows around its point: nearby places and the outlines that cross it. */
export function mapsFor(form: ListingForm): Pick<PlaceHelp, 'nearby' | 'outlines' | 'regions'> {
  const nearby: PlaceHelp['nearby'] = {};
  const outlines: PlaceHelp['outlines'] = {};
  const regions: PlaceHelp['regions'] = {};
  for (const i of locationIndexes(form)) {
    const lat = Number(str(form[locationField(i, 'latitude')]) || NaN);
    const lon = Number(str(form[locationField(i, 'longitude')]) || NaN);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
    nearby[i] = placesNear(lat, lon, NEARBY_KM, 6);
    const frame = mapFrame(lat, lon);
    outlines[i] = outlinesWithin(frame);
    regions[i] = regionOutlinesWithin(frame);
  }
  return { nearby, outlines, regions };
}

/**
 * What a press of one of the place buttons does: the form to show again and what to show with it,
 * or null when the press was none of them (save, add a location).
 */
export function placeStep(form: ListingForm): { form: ListingForm; help: PlaceHelp; errors: FieldErrors } | null {
  const find = str(form.findPlace);
  const use = str(form.usePlace);
  const nudge = str(form.nudge);
  if (!find && !use && !nudge) return null;
  const { findPlace: _f, usePlace: _u, nudge: _n, ...rest } = form;
  const errors: FieldErrors = {};
  let next = applyPicks(rest);
  let matches: PlaceHelp['matches'] = {};
  if (nudge) next = nudged(next, nudge);
  if (find && /^\d{1,4}$/.test(find) && locationIndexes(rest).includes(Number(find)))
    matches = lookUp(rest, Number(find), errors);
  if (find) next[`loc${find}_lookup`] = rest[`loc${find}_lookup`];
  return { form: next, help: { matches, ...mapsFor(next) }, errors };
}
