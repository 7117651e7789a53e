/* The kinds of action a pledge names: a fixed list, shown translated (messages.ts: `kind_<kind>`). */
export const PLEDGE_KINDS = [
  'learn',
  'talk',
  'give',
  'organise',
  'contact-representative',
  'support-sex-worker-led-group',
  'other',
] as const;
export type PledgeKind = (typeof PLEDGE_KINDS)[number];

export const isPledgeKind = (v: unknown): v is PledgeKind =>
  typeof v === 'string' && (PLEDGE_KINDS as readonly string[]).includes(v);

/** The message key of a kind's name; an unknown kind (an old row) reads as "Other". */
export const kindKey = (kind: string) => `kind_${isPledgeKind(kind) ? kind : 'other'}` as const;
