import { pack } from './xss-payloads.ts';

/*
 * Sends a list of texts through the fields of one form, many at a time: each field's texts are
 * packed into chunks its length limit allows, one chunk per field per submission. When the form
 * is refused (400, the fields named in its error summary), the refused fields' chunks are split in
 * two and sent again, down to single texts — so in a few submissions every text ends up either
 * stored or refused on its own, and the caller knows which.
 */
export interface Field {
  name: string;
  /** The field's length limit, in characters. */
  max: number;
  /** Multi-line text (a comment's body): chunks are joined with newlines, else with spaces. */
  multiline?: boolean;
  /** One text per submission: a field that holds one thing (an address), where joined texts mean nothing. */
  single?: boolean;
  /**
   * The texts worth sending: what the field refuses by its form alone (an address without a scheme,
   * a place with a house number) is never stored, so sending it hundreds of times tests nothing.
   */
  only?: (text: string) => boolean;
  /** The texts for this field, instead of the list given to `sendThroughForm`. */
  texts?: string[];
}

export interface Answer {
  status: number;
  body: string;
}

export interface Sent {
  /** The values of every accepted submission. */
  accepted: Record<string, string>[];
  /** The bodies of accepted submissions (thanks pages with private links). */
  acceptedBodies: string[];
  /** Per field, the texts refused on their own. */
  refused: Record<string, string[]>;
  /** Why each was refused ("field: text" → the error summary). */
  reasons: Record<string, string>;
  /** Per field, the texts stored. */
  stored: Record<string, string[]>;
  submissions: number;
}

/** The fields an error summary links to (`#field-<name>`); `_form` problems name none. */
export function refusedFields(html: string): string[] {
  return [...html.matchAll(/<a href="#field-([\w-]+)"/g)].map((m) => m[1]!);
}

/** The text of a refused form's error summary, for the test's messages. */
const summaryOf = (html: string) =>
  (/<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? html.slice(0, 200)).replace(/<[^>]+>/g, ' ').trim();

export async function sendThroughForm(
  fields: Field[],
  texts: string[],
  /** The fields every submission needs besides the hostile ones (a unique filler per submission `n`). */
  base: (n: number) => Record<string, string | string[]>,
  send: (values: Record<string, string | string[]>, n: number) => Promise<Answer>,
  accepted: (answer: Answer) => boolean = (a) => a.status === 201 || a.status === 303,
  /** Submissions in flight at once. */
  concurrency = 4,
): Promise<Sent> {
  const sep = (f: Field) => (f.multiline ? '\n' : ' ');
  const byName = new Map(fields.map((f) => [f.name, f]));
  const queues = new Map(
    fields.map((f) => {
      const own = f.texts ?? texts;
      const mine = f.only ? own.filter(f.only) : own;
      return [f.name, f.single ? mine.map((t) => [t]) : pack(mine, f.max, sep(f))];
    }),
  );
  /** Chunks to send one field at a time: they were in a submission refused without naming a field. */
  const alone: [string, string[]][] = [];
  const out: Sent = { accepted: [], acceptedBodies: [], refused: {}, reasons: {}, stored: {}, submissions: 0 };
  for (const f of fields) {
    out.refused[f.name] = [];
    out.stored[f.name] = [];
  }
  let n = 0;
  let inFlight = 0;
  const pending = () => alone.length > 0 || [...queues.values()].some((q) => q.length > 0);
  /** One submission: its chunks, and what to do with them once answered. */
  const submit = async () => {
    const taken = new Map<string, string[]>();
    if (alone.length) taken.set(...alone.shift()!);
    else for (const f of fields) if (queues.get(f.name)!.length) taken.set(f.name, queues.get(f.name)!.shift()!);
    const values: Record<string, string | string[]> = base(n);
    for (const [name, chunk] of taken) values[name] = chunk.join(sep(byName.get(name)!));
    inFlight++;
    const answer = await send(values, n++).finally(() => inFlight--);
    out.submissions++;
    if (accepted(answer)) {
      out.accepted.push(values as Record<string, string>);
      out.acceptedBodies.push(answer.body);
      for (const [name, chunk] of taken) out.stored[name]!.push(...chunk);
      return;
    }
    if (answer.status !== 400)
      throw new Error(`the form answered ${answer.status}, not 400 or success: ${summaryOf(answer.body)}`);
    const named = refusedFields(answer.body).filter((f) => taken.has(f));
    if (!named.length && taken.size > 1) {
      // Refused as a whole: find the culprit by sending each field's chunk on its own.
      alone.push(...taken);
      return;
    }
    const failed = new Set(named.length ? named : taken.keys());
    for (const [name, chunk] of taken) {
      const queue = queues.get(name)!;
      if (!failed.has(name)) queue.unshift(chunk);
      else if (chunk.length === 1) {
        out.refused[name]!.push(chunk[0]!);
        out.reasons[`${name}: ${chunk[0]}`] = summaryOf(answer.body);
      } else {
        const half = Math.ceil(chunk.length / 2);
        queue.unshift(chunk.slice(0, half), chunk.slice(half));
      }
    }
  };
  // A few submissions at once, as several readers would send them; a worker with nothing to take
  // waits while others are answered (a refusal puts chunks back).
  const worker = async () => {
    while (pending() || inFlight > 0) {
      if (pending()) await submit();
      else await new Promise((r) => setTimeout(r, 5));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}
