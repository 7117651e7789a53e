import { recordAudit } from '../audit/index.ts';
import type { PageCache } from '../cache/page-cache.ts';
import { cacheTags } from '../cache/tags.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/schema.ts';
import type { Message } from '../i18n/index.ts';
import { invalidFields, ok, type FieldErrors, type Result } from '../result.ts';
import { writeSetting } from '../settings/index.ts';
import { isCleanText } from '../text/gate.ts';
import { checkUrl } from '../text/urls.ts';
import { accentContrast, formatRatio, MIN_CONTRAST, parseHexColour } from './colour.ts';
import { processLogo, type Logo } from './logo.ts';
import { msg } from './messages.ts';
import { isTimeZone } from './time-zones.ts';
import { identitySetting, logoSetting, NAME_MAX, TAGLINE_MAX, type StoredIdentity } from './settings.ts';
import type { IdentityStore } from './store.ts';

/*
 * Changing the organisation's identity (admins only; the route's guard asks policy.ts). Every field
 * is checked before anything is written, and every problem is reported at once; then the settings
 * and the audit entry are written in one transaction, the in-memory identity is reloaded and every
 * cached page is dropped (here and, through the shared log, on other instances).
 */
export interface IdentityInput {
  name: string;
  tagline: string;
  /** "" for the default colours. */
  accent: string;
  /** "" for QUICK_EXIT_URL. */
  quickExitUrl: string;
  logo?: { bytes: Buffer; truncated: boolean };
  removeLogo?: boolean;
  /** An IANA zone from timeZoneChoices(); undefined keeps the current one. */
  timeZone?: string;
}

export interface IdentityDeps {
  db: Db;
  clock: Clock;
  identity: IdentityStore;
  pageCache: PageCache;
  /** This site's own address: quick exit must leave it. */
  publicUrl: string;
}

function checkText(
  value: string,
  max: number,
  required: Message | undefined,
  tooLong: Message,
): { text: string } | { problem: Message } {
  const text = value.trim();
  // U+FFFD: multipart text is decoded leniently, so bytes that were not UTF-8 arrive as it.
  if (!isCleanText(text, false) || text.includes('\uFFFD')) return { problem: msg('textNotPlain') };
  if (required && !text) return { problem: required };
  if ([...text].length > max) return { problem: tooLong };
  return { text };
}

function checkAccent(raw: string): { value: string | null } | { problem: Message } {
  if (!raw.trim()) return { value: null };
  const colour = parseHexColour(raw);
  if (!colour) return { problem: msg('accentFormat') };
  const ratio = accentContrast(colour);
  if (ratio < MIN_CONTRAST) return { problem: msg('accentContrast', { ratio: formatRatio(ratio), min: '4.5' }) };
  return { value: colour };
}

function checkQuickExit(raw: string, publicUrl: string): { value: string | null } | { problem: Message } {
  if (!raw.trim()) return { value: null };
  const checked = checkUrl(raw, { schemes: ['https'], publicHost: true, maxLength: 500 });
  if (!checked.ok) {
    const key =
      checked.problem === 'scheme'
        ? 'quickExitScheme'
        : checked.problem === 'notPlain'
          ? 'quickExitPlain'
          : 'quickExitAddress';
    return { problem: msg(key) };
  }
  if (new URL(checked.url).host === new URL(publicUrl).host) return { problem: msg('quickExitSameSite') };
  return { value: checked.url };
}

export async function updateIdentity(
  deps: IdentityDeps,
  actorId: number,
  input: IdentityInput,
): Promise<Result<StoredIdentity>> {
  const errors: FieldErrors = {};
  const name = checkText(
    input.name,
    NAME_MAX,
    msg('nameMissing', { max: NAME_MAX }),
    msg('nameTooLong', { max: NAME_MAX }),
  );
  if ('problem' in name) errors.name = name.problem;
  const tagline = checkText(input.tagline, TAGLINE_MAX, undefined, msg('taglineTooLong', { max: TAGLINE_MAX }));
  if ('problem' in tagline) errors.tagline = tagline.problem;
  const accent = checkAccent(input.accent);
  if ('problem' in accent) errors.accent = accent.problem;
  const quickExit = checkQuickExit(input.quickExitUrl, deps.publicUrl);
  if ('problem' in quickExit) errors.quick_exit = quickExit.problem;
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) errors.time_zone = msg('timeZoneUnknown');
  let logo: Logo | undefined;
  if (input.logo && !input.removeLogo) {
    const processed = await processLogo(input.logo.bytes, input.logo.truncated);
    if (processed.ok) logo = processed.value;
    else errors.logo = processed.message;
  }
  if (Object.keys(errors).length > 0) return invalidFields(errors);

  const before = deps.identity.stored();
  const next: StoredIdentity = {
    name: (name as { text: string }).text,
    tagline: (tagline as { text: string }).text,
    accent: (accent as { value: string | null }).value,
    quickExitUrl: (quickExit as { value: string | null }).value,
    // An admin's own identity is no longer the demo's.
    demo: false,
    timeZone: input.timeZone ?? before.timeZone,
  };
  const changed: string[] = (Object.keys(next) as (keyof StoredIdentity)[]).filter(
    (k) => k !== 'demo' && next[k] !== before[k],
  );
  if (logo) changed.push('logo');
  if (input.removeLogo) changed.push('logo removed');
  await deps.db.transaction().execute(async (tx) => {
    await writeSetting(tx, identitySetting, next);
    if (logo) await writeSetting(tx, logoSetting, logo.png.toString('base64'));
    if (input.removeLogo) await writeSetting(tx, logoSetting, '');
    await recordAudit(tx, deps.clock, {
      actorId,
      action: 'identity.update',
      subject: 'site:identity',
      detail: changed.length ? `changed: ${changed.join(', ')}` : 'saved unchanged',
    });
  });
  // The new identity first, then the drop: a page rendered before the drop is not stored (generation).
  await deps.identity.load();
  await deps.pageCache.invalidate(cacheTags.all);
  return ok(next);
}
