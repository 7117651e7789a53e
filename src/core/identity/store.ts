import { createHash } from 'node:crypto';
import type { Executor } from '../db/schema.ts';
import { readSetting } from '../settings/index.ts';
import { darker } from './colour.ts';
import { identitySetting, logoSetting, type StoredIdentity } from './settings.ts';

/*
 * The identity every page shows, held in memory: pages are rendered synchronously and must not
 * each read the settings table. The accent colour reaches pages as a small stylesheet and the
 * logo as a PNG, each served under a name carrying its content hash (the CSP allows styles from
 * this site only, never inline ones): a change gives them new names, so browsers never show a
 * stale one, and the old names stop answering.
 */
export interface SiteIdentity {
  siteName: string;
  tagline?: string;
  quickExitUrl: string;
  logo?: { url: string; width: number; height: number };
  /** The accent stylesheet, when an accent is set. */
  themeUrl?: string;
  demo?: boolean;
}

export interface IdentityAsset {
  type: string;
  body: Buffer;
}

const hashOf = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 10);

/**
 * The logo's box, sized before the image arrives: with only `max-height` and `width: auto` a
 * browser may lay the header out without the logo first and move everything when it loads
 * (Lighthouse counted that as layout shift). At most 3rem tall (2rem on phones, as site.css).
 */
function logoBox(width: number, height: number): string {
  const ratio = +(width / height).toFixed(4);
  const box = (max: string) => `height: min(${height}px, ${max}); width: calc(min(${height}px, ${max}) * ${ratio});`;
  return `.site-logo { ${box('3rem')} }\n@media (max-width: 40rem) {\n  .site-logo { ${box('2rem')} }\n}\n`;
}

export class IdentityStore {
  private identity: StoredIdentity = identitySetting.defaultValue;
  private site: SiteIdentity;
  private assets = new Map<string, IdentityAsset>();
  private stale = true;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Executor,
    private readonly defaults: { quickExitUrl: string },
  ) {
    this.site = { siteName: this.identity.name, quickExitUrl: defaults.quickExitUrl };
  }

  /** What pages show now. */
  current(): SiteIdentity {
    return this.site;
  }

  /** The stored values, for the settings form. */
  stored(): StoredIdentity {
    return this.identity;
  }

  /** The stylesheet or logo by its hashed file name; undefined for any other name. */
  asset(file: string): IdentityAsset | undefined {
    return this.assets.get(file);
  }

  /** Another instance may have changed it (the shared cache log said so): read it again before the next page. */
  markStale(): void {
    this.stale = true;
  }

  /** Reads it again when marked stale; requests arriving meanwhile share the one read. */
  async fresh(): Promise<void> {
    if (!this.stale) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  async load(): Promise<void> {
    this.stale = false;
    const [identity, logo] = await Promise.all([
      readSetting(this.db, identitySetting),
      readSetting(this.db, logoSetting),
    ]);
    const assets = new Map<string, IdentityAsset>();
    const site: SiteIdentity = {
      siteName: identity.name,
      tagline: identity.tagline || undefined,
      quickExitUrl: identity.quickExitUrl ?? this.defaults.quickExitUrl,
      demo: identity.demo || undefined,
    };
    const png = Buffer.from(logo, 'base64');
    const rules: string[] = [];
    if (identity.accent)
      rules.push(`:root {\n  --brand: ${identity.accent};\n  --brand-dark: ${darker(identity.accent)};\n}\n`);
    // Only a PNG this module wrote is served (a signature and a header to read the size from).
    if (png.length > 24 && png.readUInt32BE(0) === 0x89504e47) {
      const file = `logo.${hashOf(png)}.png`;
      assets.set(file, { type: 'image/png', body: png });
      // PNG header: width and height at bytes 16 and 20; shown at half size (the logo is made for 2× screens).
      const half = (n: number) => Math.max(1, Math.round(n / 2));
      site.logo = { url: `/identity/${file}`, width: half(png.readUInt32BE(16)), height: half(png.readUInt32BE(20)) };
      rules.push(logoBox(site.logo.width, site.logo.height));
    }
    if (rules.length > 0) {
      const css = Buffer.from(rules.join(''));
      const file = `theme.${hashOf(css)}.css`;
      assets.set(file, { type: 'text/css; charset=utf-8', body: css });
      site.themeUrl = `/identity/${file}`;
    }
    this.identity = identity;
    this.assets = assets;
    this.site = site;
  }
}
