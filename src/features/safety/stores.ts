/*
 * What each thing a visitor does leaves in their browser: the one statement /safety renders as its
 * "what each page stores" table. It is a claim about behaviour that lives elsewhere (training's
 * progress cookie and reflection notes, the staff session), so it is not derived from that code:
 * test/e2e/privacy-statement.e2e.test.ts runs every flow in Chromium and compares what the browser
 * holds afterwards, cookie by cookie with its lifetime and key by key in localStorage, with this list.
 */
import type { SafetyKey } from './messages.ts';

/** How long a stored item lasts: until the browser closes, a fixed time, or until deleted. */
export type Lifetime = { kind: 'session' } | { kind: 'days'; days: number } | { kind: 'hours'; hours: number };

export type Stored =
  | { where: 'cookie'; name: string; lifetime: Lifetime }
  /** One key per note: `prefix` + what it belongs to. Kept until deleted. */
  | { where: 'localStorage'; prefix: string };

export interface Flow {
  /** Stable id, used by the table rows (`data-flow`) and the browser test. */
  id: string;
  /** What the visitor does, and what the row says about it. */
  action: SafetyKey;
  note: SafetyKey;
  stores: Stored[];
}

const PROGRESS_COOKIE = 'alongside_training';

export const FLOWS: readonly Flow[] = [
  { id: 'reading', action: 'flowReading', note: 'noteNothing', stores: [] },
  { id: 'searching', action: 'flowSearching', note: 'noteSearching', stores: [] },
  { id: 'pledging', action: 'flowPledging', note: 'noteNothing', stores: [] },
  {
    id: 'course',
    action: 'flowCourse',
    note: 'noteCourse',
    stores: [{ where: 'cookie', name: PROGRESS_COOKIE, lifetime: { kind: 'session' } }],
  },
  {
    id: 'course-remembered',
    action: 'flowCourseRemembered',
    note: 'noteCourseRemembered',
    stores: [{ where: 'cookie', name: PROGRESS_COOKIE, lifetime: { kind: 'days', days: 30 } }],
  },
  {
    id: 'reflection',
    action: 'flowReflection',
    note: 'noteReflection',
    stores: [{ where: 'localStorage', prefix: 'alongside-reflection:' }],
  },
  {
    id: 'staff',
    action: 'flowStaff',
    note: 'noteStaff',
    stores: [{ where: 'cookie', name: 'alongside_staff', lifetime: { kind: 'hours', hours: 12 } }],
  },
];
