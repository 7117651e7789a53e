import type { Executor } from '../db/schema.ts';
import { deleteSettingText, readSettingText, writeSettingText } from './repo.ts';

/*
 * Settings staff change at run time (anti-spam rules, retention periods), kept in the `settings`
 * table. Each is declared once, where it belongs, with its key, type, default and allowed range;
 * reading one always yields a valid value (the default when unset or out of range), so no caller
 * parses text or guards against a bad row.
 */
export interface Setting<T> {
  readonly key: string;
  readonly defaultValue: T;
  /** The value stored as text, or undefined when it is not a valid value of this setting. */
  parse(text: string): T | undefined;
  serialize(value: T): string;
}

/** A whole number within [min, max]. */
export function intSetting(key: string, opts: { defaultValue: number; min: number; max: number }): Setting<number> {
  const isValid = (n: number) => Number.isInteger(n) && n >= opts.min && n <= opts.max;
  return {
    key,
    defaultValue: opts.defaultValue,
    parse: (text) => (text.trim() !== '' && isValid(Number(text)) ? Number(text) : undefined),
    serialize: String,
  };
}

/** A list of strings, kept as JSON. */
export function listSetting(key: string, defaultValue: readonly string[] = []): Setting<string[]> {
  return {
    key,
    defaultValue: [...defaultValue],
    parse(text) {
      try {
        const value: unknown = JSON.parse(text);
        return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
      } catch {
        return undefined;
      }
    },
    serialize: (value) => JSON.stringify(value),
  };
}

/** Whether a value may be stored: services use it to refuse out-of-range input with their own message. */
export function isValidSetting<T>(setting: Setting<T>, value: T): boolean {
  return setting.parse(setting.serialize(value)) !== undefined;
}

export async function readSetting<T>(db: Executor, setting: Setting<T>): Promise<T> {
  const text = await readSettingText(db, setting.key);
  return (text === undefined ? undefined : setting.parse(text)) ?? setting.defaultValue;
}

/** Stores a value; one that is not valid for the setting is a bug in the caller and throws. */
export async function writeSetting<T>(db: Executor, setting: Setting<T>, value: T): Promise<void> {
  if (!isValidSetting(setting, value)) throw new Error(`Not a valid value for the setting ${setting.key}.`);
  await writeSettingText(db, setting.key, setting.serialize(value));
}

/** Forgets a stored value: reading it gives the default again. */
export async function clearSetting<T>(db: Executor, setting: Setting<T>): Promise<void> {
  await deleteSettingText(db, setting.key);
}
