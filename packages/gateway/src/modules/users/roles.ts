import type { DashboardRole } from '../../storage/schema.js';

export type { DashboardRole } from '../../storage/schema.js';

export const ROLES: readonly DashboardRole[] = ['owner', 'developer', 'viewer'];

/**
 * What each dashboard role may do (docs/dashboard.md). Every role reads
 * everything the console shows; changes are split: owners run the team, the
 * settings and money (refunds, captures, reviews, fraud reports); developers and
 * owners run keys, webhooks and the risk rules.
 * The server checks this on every dashboard API route; the console only hides
 * buttons the user could not use anyway.
 */
export const PERMISSIONS = {
  read: ['owner', 'developer', 'viewer'],
  refund: ['owner'],
  manage_keys: ['owner', 'developer'],
  manage_webhooks: ['owner', 'developer'],
  manage_settings: ['owner'],
  manage_team: ['owner'],
  /** Money and risk feedback on one payment: capture/cancel (Approve/Reject a review), mark as fraud / not fraud. */
  review: ['owner'],
  /** The risk rules editor (Developers page): add, remove, reorder; the dry run is a read. */
  manage_risk_rules: ['owner', 'developer'],
} as const satisfies Record<string, readonly DashboardRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: DashboardRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly DashboardRole[]).includes(role);
}

export function permissionsOf(role: DashboardRole): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}

export function isRole(value: string): value is DashboardRole {
  return (ROLES as readonly string[]).includes(value);
}
