/*
 * A field people never see (hidden with CSS and from assistive technology) that bots fill in.
 * Named like a field a bot wants to complete; the form must render it with `HoneypotField`.
 */
export const HONEYPOT_FIELD = 'website';

export function isHoneypotTripped(body: Record<string, unknown> | undefined, field = HONEYPOT_FIELD): boolean {
  const value = body?.[field];
  return typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null;
}
