import { performance } from 'node:perf_hooks';
import { mapFrame } from '../src/features/directory/map-frame.ts';
import { outlinesWithin } from '../src/features/directory/outlines.ts';
import { regionOutlinesWithin } from '../src/features/directory/region-outlines.ts';
import { median } from './harness.ts';

/*
 * What the listing editor's map costs the server: the first map a curator opens loads the country
 * outlines (world-atlas) and the region borders (vendor/region-outlines); after that each map is a
 * box query over both. Reports the load time and the memory it keeps, then the time of a map's
 * queries at 2,000 points spread over the inhabited latitudes.
 *   node --expose-gc --import tsx bench/map-outlines.ts
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with --expose-gc.');
const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
};
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const before = memory();
let t = performance.now();
outlinesWithin(mapFrame(0, 0));
const countries = performance.now() - t;
const afterCountries = memory();
t = performance.now();
regionOutlinesWithin(mapFrame(0, 0));
const regions = performance.now() - t;
const afterRegions = memory();
const kept = (a: typeof before, b: typeof before) =>
  `heap +${mb(b.heap - a.heap)}, typed arrays +${mb(b.buffers - a.buffers)}, rss +${mb(b.rss - a.rss)}`;
console.log(`country outlines: loaded in ${countries.toFixed(0)} ms; ${kept(before, afterCountries)}`);
console.log(`region borders:   loaded in ${regions.toFixed(0)} ms; ${kept(afterCountries, afterRegions)}`);

// A fixed pseudo-random walk, so that runs compare.
let seed = 1;
const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const times: number[] = [];
let drawn = 0;
for (let i = 0; i < 2000; i++) {
  const frame = mapFrame(-45 + next() * 110, -180 + next() * 360);
  t = performance.now();
  drawn += outlinesWithin(frame).length + regionOutlinesWithin(frame).length;
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(
  `one map's queries: median ${median(times).toFixed(2)} ms, 95th ${times[Math.floor(times.length * 0.95)]!.toFixed(2)} ms, ` +
    `max ${times.at(-1)!.toFixed(2)} ms (${drawn} lines over 2,000 maps)`,
);
