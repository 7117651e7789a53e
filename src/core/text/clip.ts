/**
 * The first `max` UTF-16 code units of a text, never ending in half of a surrogate pair: a
 * plain `slice` can cut an emoji in two, and PostgreSQL refuses the lone half that is left.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
