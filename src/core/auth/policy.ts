import type { Role } from '../db/schema.ts';

/*
 * The one place that decides who may do what. Routes and services ask `can(actor, action)`;
 * nothing else compares roles.
 */
export const ROLES: readonly Role[] = ['admin', 'editor', 'moderator', 'trainer'];

export type Action =
  | 'admin.enter'
  | 'users.manage'
  | 'posts.edit'
  | 'comments.moderate'
  | 'resources.curate'
  | 'taxonomy.manage'
  | 'training.author'
  | 'certificates.revoke'
  | 'campaigns.edit'
  | 'pledges.moderate'
  | 'audit.read'
  | 'identity.manage';

const RULES: Record<Action, readonly Role[]> = {
  'admin.enter': ROLES,
  'users.manage': ['admin'],
  'posts.edit': ['admin', 'editor'],
  'comments.moderate': ['admin', 'moderator'],
  'resources.curate': ['admin', 'moderator'],
  'taxonomy.manage': ['admin'],
  'training.author': ['admin', 'trainer'],
  'certificates.revoke': ['admin', 'trainer'],
  'campaigns.edit': ['admin', 'editor'],
  'pledges.moderate': ['admin', 'editor', 'moderator'],
  'audit.read': ['admin'],
  'identity.manage': ['admin'],
};

export const ACTIONS = Object.keys(RULES) as Action[];

/** What a role may do, in the table's order (the new-staff form lists it). */
export const actionsOf = (role: Role): Action[] => ACTIONS.filter((action) => RULES[action].includes(role));

/**
 * The least powerful role: the one allowed the fewest actions (the first such in ROLES). New staff
 * default to it, so an admin who does not look at the role field gives away as little as possible.
 */
export const leastPowerfulRole = (): Role =>
  ROLES.reduce((least, role) => (actionsOf(role).length < actionsOf(least).length ? role : least));

export interface Actor {
  id: number;
  role: Role;
}

export function can(actor: Actor | null | undefined, action: Action): boolean {
  return !!actor && RULES[action].includes(actor.role);
}

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
