import { DEFAULT_TIME_ZONE } from './time-zones.ts';
import type { Executor } from '../db/schema.ts';
import type { Seeder } from '../seed.ts';
import { valueOf } from '../result.ts';
import { clearSetting, readSetting, writeSetting } from '../settings/index.ts';
import { processLogo } from './logo.ts';
import { identitySetting, logoSetting } from './settings.ts';

/*
 * The demo's identity: a fictional organisation, marked as demo in its name and by the `demo` flag
 * (pages then say the organisation is fictional). `alongside demo remove` forgets it, unless an
 * admin has set the site's own identity since (which clears the flag).
 */
const DEMO_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
  <rect width="120" height="40" rx="8" fill="#1d4e89"/>
  <path d="M14 28 L24 12 L34 28 Z" fill="#ffbf47"/>
  <rect x="44" y="14" width="64" height="5" rx="2" fill="#ffffff"/>
  <rect x="44" y="23" width="44" height="5" rx="2" fill="#ffffff"/>
</svg>`;

export const seedIdentity: Seeder = async ({ db }) => {
  await writeSetting(db, identitySetting, {
    name: 'Harbour Lights Collective (demo)',
    tagline: 'A fictional organisation, to show what Alongside can do',
    accent: '#1d4e89',
    quickExitUrl: null,
    demo: true,
    timeZone: DEFAULT_TIME_ZONE,
  });
  const logo = valueOf(await processLogo(Buffer.from(DEMO_LOGO)));
  await writeSetting(db, logoSetting, logo.png.toString('base64'));
};

/** Forgets the demo's identity (the site shows its defaults again); whether there was one. */
export async function removeDemoIdentity(db: Executor): Promise<boolean> {
  if (!(await readSetting(db, identitySetting)).demo) return false;
  await clearSetting(db, identitySetting);
  await clearSetting(db, logoSetting);
  return true;
}
