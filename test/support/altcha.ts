import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { httpRequest } from '../../bench/harness.ts';

/**
 * A proof of work solved over real HTTP, as the widget would (set an easy difficulty first:
 * test/support/comments.ts `easyChallenges`). One per submission: a solution is accepted once.
 */
export async function solvedAltchaOver(origin: string, from?: string): Promise<string> {
  const res = await httpRequest(`${origin}/antispam/challenge`, { from });
  if (res.status !== 200) throw new Error(`/antispam/challenge answered ${res.status}`);
  const challenge = JSON.parse(res.text()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('the challenge could not be solved');
  return Buffer.from(
    JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution }),
  ).toString('base64');
}
