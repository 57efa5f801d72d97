// Input schema and reply: "who am I" (getMyProfile). Nothing to send: the caller is the openid from getWXContext.

import type { FromSchema } from 'json-schema-to-ts';
import type { GridRole, Id, LeaderRole, VillageRole } from '../model';
import type { TemplateKey } from '../subscriptions';

export const getMyProfileSchema = {
  $id: 'getMyProfile',
  type: 'object',
  properties: {},
  additionalProperties: false,
} as const;
export type GetMyProfileInput = FromSchema<typeof getMyProfileSchema>;

/** The household address as the resident gave it when joining (collect once). */
interface ProfileHousehold {
  householdId: Id;
  building?: string;
  unit?: string;
  room?: string;
}

/** One of the member grid's 三长, as residents see them: who to call. No openid. */
export interface GridLeaderContact {
  role: LeaderRole;
  /** Absent for a leader who accepted before names were asked for: show the role title alone. */
  displayName?: string;
  phone?: string;
}

export interface ProfileMembership {
  gridId: Id;
  gridName: string;
  villageId: Id;
  villageName: string;
  /** Null when the resident joined without naming a household. */
  household: ProfileHousehold | null;
  /** The grid's 三长 in THREE_LEADER_ROLES order (then by name); empty when none is named yet. */
  leaders: GridLeaderContact[];
}

/** A grid the caller serves in (三长 or grid worker). */
export interface GridWorkPlace {
  gridId: Id;
  gridName: string;
  villageId: Id;
  villageName: string;
  /** In GRID_ROLES order. */
  roles: GridRole[];
}

export type VillageWorkRole = VillageRole | 'streetAdmin';

/** A village the caller serves in (committee, duty officer), or every village for a street admin. */
export interface VillageWorkPlace {
  villageId: Id;
  villageName: string;
  /** committee before dutyOfficer, then streetAdmin. */
  roles: VillageWorkRole[];
}

export interface MyProfile {
  /** The grid the caller joined as a resident; null when they have not joined one. */
  membership: ProfileMembership | null;
  /** Sorted by grid id. Grids that no longer exist are left out. */
  grids: GridWorkPlace[];
  /** Sorted by village id. Villages that no longer exist are left out. */
  villages: VillageWorkPlace[];
  streetAdmin: boolean;
  /** How many more subscribe messages of each template may reach the caller (the phone's reminder counts). */
  reminders: ReminderCounts;
}

/**
 * The caller's subscribe-message authorisations: each one-time consent allows one message of that
 * template. A long-term template's (长期订阅) send spends nothing, so no count is kept: null.
 */
export interface ReminderCounts {
  /** Every template is long-term (then every count is null). */
  longTerm: boolean;
  left: Record<TemplateKey, number | null>;
}
