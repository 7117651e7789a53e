import { invalid, ok, type Result } from '../result.ts';
import { msg } from './messages.ts';

/*
 * The organisation's logo. What an admin uploads is never served: its type is read from the bytes
 * (PNG or SVG, never the name or the declared type), a PNG is decoded and re-encoded (dropping any
 * text chunks and metadata), and an SVG is rasterised to a PNG by sharp (librsvg), so no markup,
 * script or reference in it can reach a reader's browser. SVGs carrying active content are refused
 * outright even so, with a message that says why: an admin should know their file had it.
 */
export const MAX_LOGO_BYTES = 512 * 1024;
/** Twice the largest size the header shows (240 × 80 CSS pixels), for sharp screens. */
export const LOGO_BOX = { width: 480, height: 160 } as const;
/** Refuse decompression bombs and absurd SVG canvases before any pixel is made. */
const MAX_INPUT_PIXELS = 4096 * 4096;

export interface Logo {
  png: Buffer;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An SVG document: optional BOM, XML declaration, comments and DTD (refused below, but as an SVG), then <svg>. */
const SVG_START =
  /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>\s*)*<svg[\s>]/i;

/** What makes an SVG more than a picture: scripts, handlers, embedded HTML, DTDs (entities), outside references. */
const ACTIVE_SVG: RegExp[] = [
  /<script/i,
  /<foreignObject/i,
  /<!DOCTYPE/i,
  /<!ENTITY/i,
  /\son[a-z]+\s*=/i,
  /javascript:/i,
  /@import/i,
  /\bhref\s*=\s*["']\s*[^"'#\s]/i,
  /url\(\s*["']?\s*[^"'#\s)]/i,
];

export type LogoType = 'png' | 'svg';

/** The logo's type from its bytes, or undefined when it is neither a PNG nor an SVG document. */
export function sniffLogoType(bytes: Buffer): LogoType | undefined {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  const text = utf8(bytes);
  return text !== undefined && SVG_START.test(text) ? 'svg' : undefined;
}

function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Checks and re-encodes an uploaded logo; every refusal says what to change. */
export async function processLogo(bytes: Buffer, truncated = false): Promise<Result<Logo>> {
  if (truncated || bytes.length > MAX_LOGO_BYTES) return invalid(msg('logoTooLarge', { max: '512 KB' }), 'logo');
  const type = sniffLogoType(bytes);
  if (!type) return invalid(msg('logoType'), 'logo');
  if (type === 'svg' && ACTIVE_SVG.some((re) => re.test(utf8(bytes)!))) return invalid(msg('logoActive'), 'logo');
  // Loaded on the first upload: libvips is large and most processes never see an image.
  const { default: sharp } = await import('sharp');
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' } as const;
  try {
    const meta = await sharp(bytes, options).metadata();
    if (meta.format !== type || !meta.width || !meta.height) return invalid(msg('logoUnreadable'), 'logo');
    // An SVG is drawn at the density that fits it in the box, so small drawings come out sharp.
    const scale = Math.min(LOGO_BOX.width / meta.width, LOGO_BOX.height / meta.height);
    const density = type === 'svg' ? Math.min(2400, Math.max(1, 72 * scale)) : undefined;
    const { data, info } = await sharp(bytes, { ...options, ...(density ? { density } : {}) })
      .resize({ ...LOGO_BOX, fit: 'inside', withoutEnlargement: type === 'png' })
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return ok({ png: data, width: info.width, height: info.height });
  } catch {
    // A broken file, or one over the pixel limit: libvips refuses it before drawing.
    return invalid(msg('logoUnreadable'), 'logo');
  }
}
