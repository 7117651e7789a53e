/*
 * Slugs that keep every script's letters. WordPress keeps Greek, Cyrillic or Thai titles in
 * their own letters (percent-encoded in its URLs); the site's own slugify() keeps a-z and 0-9
 * only, which turns "Αθήνα" into "item". Latin letters lose their accents, as WordPress's
 * remove_accents() does, so "Été" is "ete" here as it was there.
 */
export function unicodeSlug(text: string, max = 100): string {
  return text
    .normalize('NFKD')
    .replace(/([A-Za-z])[\u0300-\u036f]+/g, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
}
