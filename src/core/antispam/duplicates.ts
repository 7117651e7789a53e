import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import { contentFingerprint } from './text.ts';

/*
 * Remembers fingerprints of recent submissions in memory for a while, so the same text sent
 * twice (a double click, a bot replaying a form) is caught even before it reaches a table.
 * Features also check their own table (e.g. the same comment on the same post).
 */
export interface DuplicateDetector {
  /** True when the same text (within the scope) was seen inside the window; records it otherwise. */
  seen(scope: string, text: string): boolean;
  forget(scope: string, text: string): void;
}

export function fingerprintHash(text: string): string {
  return crypto.createHash('sha256').update(contentFingerprint(text)).digest('hex');
}

export function createDuplicateDetector(opts: {
  clock: Clock;
  windowMs: number;
  maxEntries?: number;
}): DuplicateDetector {
  const entries = new Map<string, number>();
  const key = (scope: string, text: string) => `${scope}\u0000${fingerprintHash(text)}`;
  return {
    seen(scope, text) {
      const now = opts.clock.now().getTime();
      const k = key(scope, text);
      const at = entries.get(k);
      if (at !== undefined && now - at < opts.windowMs) return true;
      if (entries.size >= (opts.maxEntries ?? 20_000)) {
        for (const [ek, t] of entries) if (now - t >= opts.windowMs) entries.delete(ek);
        if (entries.size >= (opts.maxEntries ?? 20_000)) entries.delete(entries.keys().next().value!);
      }
      entries.set(k, now);
      return false;
    },
    forget(scope, text) {
      entries.delete(key(scope, text));
    },
  };
}
