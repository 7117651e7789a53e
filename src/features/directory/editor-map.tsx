import { Field, type FieldErrors } from '../../core/views/components.tsx';
import { countryName, type Place } from './gazetteer.ts';
import type { PlaceHelp } from './place-finder.ts';
import { MAP_HEIGHT as H, MAP_SPAN_LAT as SPAN_LAT, MAP_WIDTH as W, mapFrame } from './map-frame.ts';

/*
 * A location's place, found by name and shown on a small map drawn here, offline: country borders and
 * coastlines from the bundled Natural Earth outlines (outlines.ts), the borders between the country's
 * regions thinner, lighter and dashed under them (region-outlines.ts), a graticule, the point and the
 * gazetteer's nearby towns, about 40 km across. The arrow buttons move the point; the coordinates stay
 * typeable beside it. Every control is a plain form button (place-finder.ts answers).
 */

/** The lookup field, its Find button, and the matches of the last search to choose from. */
export function PlaceFinder({
  index,
  action,
  matches,
  lookup,
  errors,
}: {
  index: number;
  action: string;
  matches?: Place[];
  lookup: string;
  errors?: FieldErrors;
}) {
  const at = `${action}#loc-${index}`;
  return (
    <div class="place-finder" data-finder={index}>
      <Field
        name={`loc${index}_lookup`}
        label="Find the town or place by name"
        hint="For example: Leeds, or Springfield, United States. The town, region, country and point are filled from your pick."
        errors={errors}
      >
        {(a) => <input {...a} type="text" value={lookup} />}
      </Field>
      <button type="submit" class="secondary" name="findPlace" value={String(index)} formaction={at}>
        Find place
      </button>
      {matches && matches.length > 0 && (
        <fieldset class="place-matches" id={`loc${index}-matches`}>
          <legend>Which place?</legend>
          {matches.map((p, i) => (
            <label>
              <input type="radio" name={`loc${index}_pick`} value={String(p.id)} checked={i === 0} />{' '}
              {[p.name, p.region, countryName(p.country)].filter(Boolean).join(', ')}
              {p.population > 0 && ` (${p.population.toLocaleString('en-GB')} people)`}
            </label>
          ))}
          <button type="submit" name="usePlace" value={String(index)} formaction={at}>
            Use this place
          </button>
        </fieldset>
      )}
    </div>
  );
}

/** The map around a point, with arrow buttons; nothing when there is no valid point yet. */
export function PlaceMap({
  index,
  action,
  lat,
  lon,
  nearby,
  outlines,
  regions = [],
}: {
  index: number;
  action: string;
  lat: number;
  lon: number;
  nearby: PlaceHelp['nearby'][number];
  /** Stretches of border and coast crossing the map, as [lon, lat] lists. */
  outlines: PlaceHelp['outlines'][number];
  /** Stretches of border between the country's regions (states, provinces…), drawn under the outlines. */
  regions?: PlaceHelp['regions'][number];
}) {
  const { spanLon, x, y } = mapFrame(lat, lon);
  const step = 0.1;
  const lines: { x1: number; y1: number; x2: number; y2: number }[] = [];
  for (let la = Math.ceil((lat - SPAN_LAT / 2) / step) * step; la <= lat + SPAN_LAT / 2; la += step)
    lines.push({ x1: 0, y1: y(la), x2: W, y2: y(la) });
  for (let lo = Math.ceil((lon - spanLon / 2) / step) * step; lo <= lon + spanLon / 2; lo += step)
    lines.push({ x1: x(lo), y1: 0, x2: x(lo), y2: H });
  const pathOf = (line: [number, number][]) =>
    line.map(([lo, la], i) => `${i ? 'L' : 'M'}${x(lo).toFixed(1)} ${y(la).toFixed(1)}`).join('');
  const shown = nearby.filter((p) => x(p.lon) > 0 && x(p.lon) < W && y(p.lat) > 0 && y(p.lat) < H);
  const titleId = `loc${index}-map-title`;
  const describe = `The point at ${lat.toFixed(4)}, ${lon.toFixed(4)}${
    shown.length ? `; nearby: ${shown.map((p) => `${p.name} ${p.km.toFixed(1)} km`).join(', ')}` : ''
  }.`;
  const at = `${action}#loc-${index}`;
  const nudge = (dir: 'n' | 's' | 'e' | 'w', label: string, arrow: string) => (
    <button
      type="submit"
      class={`secondary ${dir}`}
      name="nudge"
      value={`${index}:${dir}`}
      formaction={at}
      aria-label={label}
      data-nudge={dir}
    >
      {arrow}
    </button>
  );
  return (
    <div class="place-map-box" data-map={index}>
      <svg
        class="place-map"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        data-lat={String(lat)}
        data-lon={String(lon)}
        data-span-lat={String(SPAN_LAT)}
        data-span-lon={String(spanLon)}
      >
        <title id={titleId}>{describe}</title>
        <rect x="0" y="0" width={W} height={H} fill="#f4f8fb" />
        {lines.map((l) => (
          <line {...l} stroke="#c9d6e0" stroke-width="1" />
        ))}
        {regions.map((line) => (
          <path
            class="place-map-region"
            d={pathOf(line)}
            fill="none"
            stroke="#7f8e9a"
            stroke-width="1"
            stroke-dasharray="5 3"
          />
        ))}
        {outlines.map((line) => (
          <path class="place-map-outline" d={pathOf(line)} fill="none" stroke="#5b6b78" stroke-width="1.5" />
        ))}
        {shown.map((p) => (
          <g>
            <circle cx={x(p.lon).toFixed(1)} cy={y(p.lat).toFixed(1)} r="3" fill="#3d4b57" />
            <text x={(x(p.lon) + 5).toFixed(1)} y={(y(p.lat) - 4).toFixed(1)} font-size="11" fill="#1f2a33">
              {p.name}
            </text>
          </g>
        ))}
        <g class="place-point">
          <circle cx={W / 2} cy={H / 2} r="7" fill="#b00040" stroke="#fff" stroke-width="2" />
        </g>
      </svg>
      <p class="hint">
        About 40 km across: solid lines are coasts and country borders, dashed lines the borders of regions, dots towns
        from the offline gazetteer. Move the point about 500 m a press:
      </p>
      <div class="nudge" role="group" aria-label="Move the point">
        {nudge('n', 'Move the point north', '↑')}
        {nudge('w', 'Move the point west', '←')}
        {nudge('e', 'Move the point east', '→')}
        {nudge('s', 'Move the point south', '↓')}
      </div>
    </div>
  );
}
