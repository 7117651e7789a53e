import { parseArgs } from 'node:util';
import type { Config } from '../../config.ts';

/*
 * The shape of an `alongside` sub-command, so features can add their own commands (import-hsds,
 * purge-comments…) without importing the command line itself: it takes the arguments after its
 * name and the configuration, and returns the process exit code.
 */
export type Command = (args: string[], config: Config) => Promise<number>;

/** A command-line mistake: the command line prints it with the usage and exits 2. */
export class UsageError extends Error {}

/** Parses options strictly (unknown options and positionals are usage errors). */
export function strictArgs<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values as {
      [K in keyof T]?: T[K]['type'] extends 'string' ? string : boolean;
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
