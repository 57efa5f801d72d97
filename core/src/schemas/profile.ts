// Input schema and reply: "who am I" (getMyProfile). Nothing to send: the caller is the openid from getWXContext.

import type { FromSchema } from 'json-schema-to-ts';
import { CARE_NEEDS, type CareNeed, type EpochMs, type GridRole, type Id, type LeaderRole, type VillageRole } from '../model';
import { phoneSchema } from './common';
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

// ---------------------------------------------------------------------------------------------
// "My information" (我的信息, PIPL: a resident sees, corrects and deletes what is held about them).
// The caller is always the openid from getWXContext: no input names a person.

export const getMyInformationSchema = {
  $id: 'getMyInformation',
  type: 'object',
  properties: {},
  additionalProperties: false,
} as const;
export type GetMyInformationInput = FromSchema<typeof getMyInformationSchema>;

/**
 * The household fields a verified member may correct. The address is not here: a new address is a
 * new household claim, made by scanning the grid's code again (joinGrid).
 */
export const updateMyInformationSchema = {
  $id: 'updateMyInformation',
  type: 'object',
  properties: {
    /** The household's phone; null removes it. */
    phone: { anyOf: [phoneSchema, { type: 'null' }] },
    careNeeds: { type: 'array', items: { type: 'string', enum: CARE_NEEDS }, uniqueItems: true, maxItems: CARE_NEEDS.length },
    noSmartphone: { type: 'boolean' },
  },
  minProperties: 1,
  additionalProperties: false,
} as const;
export type UpdateMyInformationInput = FromSchema<typeof updateMyInformationSchema>;

export const leaveGridSchema = {
  $id: 'leaveGrid',
  type: 'object',
  properties: {},
  additionalProperties: false,
} as const;
export type LeaveGridInput = FromSchema<typeof leaveGridSchema>;

/** What the household holds that only its verified members are shown (a pending claimant may be a stranger). */
export interface MyHouseholdDetails {
  phone?: string;
  careNeeds: CareNeed[];
  noSmartphone: boolean;
}

export interface MyInformation {
  /** Null: the caller has not joined a grid (nothing is held about them as a resident). */
  membership: {
    gridId: Id;
    gridName: string;
    villageName: string;
    joinedAt: EpochMs;
    verification: 'pending' | 'verified';
    /** The privacy notice agreed to at join; absent for members who joined before it was asked. */
    privacyConsent?: { version: string; at: EpochMs };
  } | null;
  /** Null: joined without a household, or the household no longer exists. */
  household: {
    householdId: Id;
    building?: string;
    unit?: string;
    room?: string;
    /** Null while the claim is pending (待核实): the household's phone and care needs are not shown to a claimant. */
    details: MyHouseholdDetails | null;
  } | null;
  /** How many requests (诉求) name the caller as their resident. */
  requestCount: number;
}

export interface MyInformationUpdate {
  outcome: 'updated' | 'unchanged';
  details: MyHouseholdDetails;
}

export interface GridLeft {
  /** False: the caller was not a member (a retry after leaving, or never joined): nothing was held. */
  left: boolean;
  /** The household's personal fields were deleted (the caller was its last member and it came from joining). */
  householdErased: boolean;
  /** Requests whose text and photos were removed and whose resident is no longer the caller. */
  requestsAnonymised: number;
}
