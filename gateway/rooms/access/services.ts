/**
 * The services the access room offers other rooms (imported type-only; the controller hands the
 * object over): the faces room keeps residents' group memberships with their other details, and
 * narrows each camera's 1:N search to the people its gates admit.
 */
import type { Passer } from './group-policy.js';

/** A person's memberships, kept by the residents actions with the person's other details. */
export interface GroupMemberships {
  /** The groups a person is a member of (by listing, not through `everyone`). */
  groupsOf(personId: string): string[];
  /** Makes a person a member of exactly these groups; throws naming an unknown group. */
  setGroupsOf(personId: string, groupIds: readonly string[]): void;
  exists(groupId: string): boolean;
}

export interface AccessGroups extends GroupMemberships {
  /** A reader of who may pass where, with its own idea of what changed since it last looked. */
  admissions(): Admissions;
}

export interface Admissions {
  /** Reloads the groups if they (or the residents) changed since this reader's last call: true if so. */
  refresh(): boolean;
  /** Access groups known at the last refresh. */
  readonly groupCount: number;
  /** Who may pass at least one of `gateIds` (schedules aside); null: everyone enrolled. */
  allowedAt(gateIds: readonly string[], people: Iterable<Passer>): ReadonlySet<string> | null;
}
