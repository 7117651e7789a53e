/*
 * Geometry on the sphere, shared by the search (SQL prefilter boxes), the gazetteer and the API.
 */
export const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = (EARTH_RADIUS_KM * Math.PI) / 180;

/** Great-circle distance (haversine), the same formula the search runs in SQL. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

export type Box = ReturnType<typeof boundingBox>;

/** Latitude/longitude ranges that contain every point within r km: wraps across the date line, opens at the poles. */
export function boundingBox(lat: number, lon: number, radiusKm: number) {
  const dLat = radiusKm / KM_PER_DEGREE;
  const minLat = lat - dLat;
  const maxLat = lat + dLat;
  if (maxLat >= 90 || minLat <= -90) return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90), lon: null };
  // Widest longitude span of the circle (not at the centre's latitude but where it touches its meridians).
  const ratio = Math.sin(radiusKm / EARTH_RADIUS_KM) / Math.cos((lat * Math.PI) / 180);
  if (ratio >= 1) return { minLat, maxLat, lon: null };
  const dLon = (Math.asin(ratio) * 180) / Math.PI;
  const minLon = lon - dLon;
  const maxLon = lon + dLon;
  if (minLon < -180) return { minLat, maxLat, lon: { wraps: true as const, from: minLon + 360, to: maxLon } };
  if (maxLon > 180) return { minLat, maxLat, lon: { wraps: true as const, from: minLon, to: maxLon - 360 } };
  return { minLat, maxLat, lon: { wraps: false as const, from: minLon, to: maxLon } };
}

/** The longitude ranges a box covers, as [from, to] pairs without wrapping. */
export function lonRanges(box: Box): [number, number][] {
  if (!box.lon) return [[-180, 180]];
  return box.lon.wraps
    ? [
        [box.lon.from, 180],
        [-180, box.lon.to],
      ]
    : [[box.lon.from, box.lon.to]];
}
