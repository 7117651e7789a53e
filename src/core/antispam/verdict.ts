import type { Problem } from '../result.ts';
import { findBlockedWord } from './blocked-words.ts';
import type { ChallengeOutcome } from './challenge.ts';
import { isHoneypotTripped } from './honeypot.ts';
import { msg } from './messages.ts';

/*
 * One anti-spam verdict for every public form (comments, campaign pledges). The feature gathers
 * the signals with the shared building blocks — its rate limiter, the proof of work, its own
 * duplicate query — and this decides, always in the same order and with the same words. Pure:
 * no clock, no database, nothing remembered; the same signals give the same verdict.
 *
 * Staff writing as staff are not judged: the feature skips this for them. An accepted submission
 * without a proof of work then passes the site-wide ceiling (ceiling.ts `applyUnverifiedCeiling`),
 * the one part that remembers anything.
 */

/**
 * Where an accepted submission waits for a moderator. Without a solved proof of work (no
 * JavaScript, or a widget that never ran) it is still accepted — people must be able to write
 * without scripts — but goes to the stricter "unverified" queue.
 */
export type ModerationQueue = 'pending' | 'unverified';

export type RefusalReason =
  | 'rateLimited'
  | 'honeypot'
  | 'challengeInvalid'
  | 'challengeExpired'
  | 'challengeReplayed'
  | 'blockedWord'
  | 'duplicate'
  /** The site-wide ceiling on submissions without a proof of work (ceiling.ts) is reached. */
  | 'unverifiedCeiling';

export type Verdict =
  { ok: true; queue: ModerationQueue } | { ok: false; status: 400 | 429; reason: RefusalReason; problem: Problem };

/** A refusal, for a service that passes it up with its status (429 is not a `Problem` kind). */
export type Refusal = Extract<Verdict, { ok: false }>;

export interface SubmissionSignals {
  /** The feature's limiter said yes (`limiter.hit(clientKey)`), counted once per submission. */
  withinRateLimit: boolean;
  /** The form as received; only its honeypot field is read. */
  form: object | null | undefined;
  /** `proofOfWork.verify(form.altcha)`. */
  challenge: ChallengeOutcome;
  /** Every text the writer chose (names and places too), already cleaned with `cleanText`. */
  texts: readonly string[];
  /** The feature's own duplicate check (its table by `fingerprintHash`, or a `DuplicateDetector`) found this text. */
  duplicate: boolean;
}

export interface SpamRules {
  /** The admin-configured list (`loadBlockedWords`). */
  blockedWords: readonly string[];
  /** Form fields to show text refusals beside, e.g. `{ duplicate: 'body' }`; the whole form otherwise. */
  fields?: { blockedWord?: string; duplicate?: string };
}

type ChallengeRefusal = 'challengeInvalid' | 'challengeExpired' | 'challengeReplayed';

// Every outcome named, so a new one cannot slip through as accepted.
const BY_CHALLENGE: Record<ChallengeOutcome, ModerationQueue | ChallengeRefusal> = {
  verified: 'pending',
  missing: 'unverified',
  invalid: 'challengeInvalid',
  expired: 'challengeExpired',
  replayed: 'challengeReplayed',
};

/** A refusal with its one wording (ceiling.ts refuses through this too). */
export function refusal(reason: RefusalReason, status: 400 | 429, field?: string): Refusal {
  const message = msg(reason === 'rateLimited' ? 'tooMany' : reason);
  const problem: Problem = field
    ? { kind: 'invalid', message, fields: { [field]: message } }
    : { kind: 'invalid', message };
  return { ok: false, status, reason, problem };
}

/**
 * The verdict on one submission. Checks run cheapest and least revealing first: a client over its
 * limit learns nothing else; a filled honeypot is refused before the challenge is looked at; the
 * text is judged last.
 */
export function judgeSubmission(input: SubmissionSignals, rules: SpamRules): Verdict {
  if (!input.withinRateLimit) return refusal('rateLimited', 429);
  if (isHoneypotTripped((input.form ?? undefined) as Record<string, unknown> | undefined))
    return refusal('honeypot', 400);
  // An outcome the type does not know (a caller passing something else) is refused, never queued.
  const challenge = Object.hasOwn(BY_CHALLENGE, input.challenge) ? BY_CHALLENGE[input.challenge] : 'challengeInvalid';
  if (challenge !== 'pending' && challenge !== 'unverified') return refusal(challenge, 400);
  if (findBlockedWord([...input.texts], [...rules.blockedWords]) !== undefined)
    return refusal('blockedWord', 400, rules.fields?.blockedWord);
  if (input.duplicate) return refusal('duplicate', 400, rules.fields?.duplicate);
  return { ok: true, queue: challenge };
}
