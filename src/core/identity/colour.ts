/*
 * Colours for the site's accent: parsing what an admin typed (the colour picker sends "#rrggbb"),
 * and WCAG 2.x contrast, so a colour that would make links or white button text hard to read is
 * refused before it reaches a page.
 */

/** The page background (site.css --paper) and the text colour on accent-coloured buttons. */
export const PAGE_BACKGROUND = '#fffdf9';
export const BUTTON_TEXT = '#ffffff';
/** WCAG 2.x level AA for normal text. */
export const MIN_CONTRAST = 4.5;

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** "#5B2A86", "5b2a86" or "#52a" as "#5b2a86"; undefined for anything else. */
export function parseHexColour(raw: string): string | undefined {
  const m = HEX.exec(raw.trim());
  if (!m) return undefined;
  const hex = m[1]!.toLowerCase();
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  return `#${full}`;
}

function channels(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** WCAG relative luminance of an sRGB colour "#rrggbb". */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The lower of the accent's contrasts: as text on the page, and behind white button text. */
export function accentContrast(accent: string): number {
  return Math.min(contrastRatio(accent, PAGE_BACKGROUND), contrastRatio(accent, BUTTON_TEXT));
}

/** Rounded down to two decimals, so a ratio shown as 4.50 is never really 4.499. */
export const formatRatio = (ratio: number) => (Math.floor(ratio * 100) / 100).toFixed(2);

/** The accent mixed with black (hover states, headings): darker, so never less readable on a light page. */
export function darker(hex: string, amount = 0.3): string {
  return `#${channels(hex)
    .map((c) =>
      Math.round(c * (1 - amount))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
