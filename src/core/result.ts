/** Expected outcomes are values, not exceptions: callers must handle them. */
export type Problem =
  | { kind: 'invalid'; message: string; field?: string; fields?: Record<string, string> }
  | { kind: 'not_found'; message: string }
  | { kind: 'denied'; message: string }
  | { kind: 'conflict'; message: string };

export type Result<T> = { ok: true; value: T } | ({ ok: false } & Problem);

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const invalid = (message: string, field?: string): { ok: false } & Problem => ({
  ok: false,
  kind: 'invalid',
  message,
  field,
});
export const notFound = (what: string): { ok: false } & Problem => ({
  ok: false,
  kind: 'not_found',
  message: `That ${what} does not exist.`,
});
export const denied = (message = 'You do not have permission to do that.'): { ok: false } & Problem => ({
  ok: false,
  kind: 'denied',
  message,
});
export const conflict = (message: string): { ok: false } & Problem => ({ ok: false, kind: 'conflict', message });

/** HTTP status for a problem, used by every route that turns a Result into a response. */
export function statusOf(problem: Problem): number {
  switch (problem.kind) {
    case 'invalid':
      return 400;
    case 'not_found':
      return 404;
    case 'denied':
      return 403;
    case 'conflict':
      return 409;
  }
}
