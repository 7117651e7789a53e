/*
 * The frame of the listing editor's small map: about 40 km from top to bottom around the point, in
 * an equirectangular projection stretched by the latitude so that it is not squashed away from the
 * equator. Shared by the view that draws it and the code that picks the outlines to draw.
 */
export const MAP_WIDTH = 320;
export const MAP_HEIGHT = 240;
/** Degrees shown top to bottom (about 40 km). */
export const MAP_SPAN_LAT = 0.36;

export interface MapFrame {
  spanLon: number;
  west: number;
  east: number;
  south: number;
  north: number;
  /** SVG coordinates of a longitude and a latitude. */
  x(lon: number): number;
  y(lat: number): number;
}

export function mapFrame(lat: number, lon: number): MapFrame {
  const spanLon = MAP_SPAN_LAT / Math.max(0.2, Math.cos((lat * Math.PI) / 180)) / (MAP_HEIGHT / MAP_WIDTH);
  return {
    spanLon,
    west: lon - spanLon / 2,
    east: lon + spanLon / 2,
    south: lat - MAP_SPAN_LAT / 2,
    north: lat + MAP_SPAN_LAT / 2,
    x: (lo) => ((lo - lon) / spanLon + 0.5) * MAP_WIDTH,
    y: (la) => (0.5 - (la - lat) / MAP_SPAN_LAT) * MAP_HEIGHT,
  };
}
