import { Type } from '../../core/http/schemas.ts';

/*
 * Numbers as an address writes them. JSON Schema's coercion reads "1e3", "0x10", " 5" and even
 * "Infinity" as numbers; these accept digits (and a decimal part) only, then check the range. TypeBox
 * has no builder for "this string, read as that number", hence the declared types.
 */

/** A whole number from 1 to `max`. */
export const Whole = (max: number) =>
  Type.Unsafe<number>({
    allOf: [
      { type: 'string', pattern: '^[0-9]{1,12}$' },
      { type: 'integer', minimum: 1, maximum: max },
    ],
  });

/** A number with an optional decimal part, above 0 (or at least `min`) and at most `max`. */
export const Decimal = ({ min, max }: { min?: number; max: number }) =>
  Type.Unsafe<number>({
    allOf: [
      { type: 'string', pattern: '^[0-9]{1,9}(\\.[0-9]{1,6})?$' },
      min === undefined
        ? { type: 'number', exclusiveMinimum: 0, maximum: max }
        : { type: 'number', minimum: min, maximum: max },
    ],
  });
