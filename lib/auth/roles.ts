import { defaultAc } from 'better-auth/plugins/admin/access';

import type { Role } from '../db/schema';

/**
 * The console's three roles, each a superset of the one before:
 * - viewer: reads everything except secrets; subscribes in the MQTT client;
 * - operator: also onboards (single and bulk), downloads bundles, edits shadows, publishes;
 * - admin: also CAs and their keys, policies, provisioning templates, deletion, revocation, users and roles.
 * Every action and route handler names the least role it needs (`roleAllows`). For better-auth's admin plugin
 * only `admin` may manage users and sessions.
 */
export type { Role };
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };

export const isRole = (value: unknown): value is Role => typeof value === 'string' && value in RANK;

/** Whether a user with `role` may do what needs `needed`. Anything that is not a known role allows nothing. */
export function roleAllows(role: string | null | undefined, needed: Role): boolean {
  return isRole(role) && RANK[role] >= RANK[needed];
}

/** The highest of several roles (a person in two mapped groups gets the larger role). */
export function highestRole(roles: Iterable<Role>): Role | undefined {
  let best: Role | undefined;
  for (const r of roles) if (!best || RANK[r] > RANK[best]) best = r;
  return best;
}

/**
 * better-auth admin-plugin access control: user and session management is the admin's alone, and nobody may
 * impersonate anyone (an audit trail that says "admin acting as Bob" is not what a reviewer wants to read).
 */
export const accessRoles = {
  viewer: defaultAc.newRole({ user: [], session: [] }),
  operator: defaultAc.newRole({ user: [], session: [] }),
  admin: defaultAc.newRole({
    user: ['create', 'list', 'set-role', 'ban', 'set-password', 'get', 'update'],
    session: ['list', 'revoke', 'delete'],
  }),
};
