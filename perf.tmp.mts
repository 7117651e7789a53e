// CPU per search over app.inject, SQLite, the demo directory: node --import tsx perf.ts <tree>
async function main() { const root = process.argv[2]!;
const { createTestApp } = await import(`${root}/test/support/app.ts`);
const { seedDirectory } = await import(`${root}/src/features/directory/seed.ts`);
const t = await createTestApp('sqlite');
await seedDirectory({ db: t.db, clock: t.clock });
const urls = [
  '/resources?q=drop-in&category=health&place=London&placeId=2643743&radius=50',
  '/resources?q=legal&category=legal&place=Toronto&placeId=6167865&radius=50',
  '/resources?q=outreach&at=51.52,-0.07&radius=25',
  '/api/hsds/services?search=support&per_page=20',
];
for (let i = 0; i < 300; i++) for (const u of urls) await t.inject(u);
for (const u of urls) {
  const n = 1500;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await t.inject(u);
    if (r.statusCode !== 200) throw new Error(`${u} ${r.statusCode}`);
  }
  const used = process.cpuUsage(cpu);
  console.log(`${u.slice(0, 60).padEnd(60)} cpu ${((used.user + used.system) / n / 1000).toFixed(3)} ms/req, wall ${((performance.now() - start) / n).toFixed(3)} ms/req`);
}
await t.close();
} void main();
