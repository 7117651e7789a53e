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
  | 'pledges.moderate';

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
};

export interface Actor {
  id: number;
  role: Role;
}

export function can(actor: Actor | null | undefined, action: Action): boolean {
  return !!actor && RULES[action].includes(actor.role);
}

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
