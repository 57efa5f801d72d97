// Input schema and reply: a grid's roster (households, who lives there, and who has heard the latest notice).

import type { FromSchema } from 'json-schema-to-ts';
import type { EpochMs, Id, LeaderRole } from '../model';
import type { HouseholdEntry } from './register';
import type { GridTotals, NoticeReachState } from '../reach';
import { idSchema, pageProperties } from './common';

export const getGridRosterSchema = {
  $id: 'getGridRoster',
  type: 'object',
  properties: { gridId: idSchema, noticeId: idSchema, ...pageProperties },
  required: ['gridId'],
  additionalProperties: false,
} as const;
export type GetGridRosterInput = FromSchema<typeof getGridRosterSchema>;

export interface RosterMember {
  userId: Id;
  joinedAt: EpochMs;
  /** 待核实: the member's claim on this household waits for staff (verifyMember); their reads do not count. */
  claimPending?: true;
}

/**
 * The household's register entry (一户一档) as on the register page; its `phone`, when it has one, is
 * how a household without a smartphone is called.
 */
interface RosterHousehold extends Pick<HouseholdEntry, 'householdId' | 'building' | 'unit' | 'room' | 'careNeeds' | 'noSmartphone' | 'phone'> {
  members: RosterMember[];
  /** For `notice`: read by a member, told in person (or by phone) by a leader, or not yet. Null without a notice. */
  noticeState: NoticeReachState | null;
  /** 待核实: only pending members have claimed this household (they do not count as joined or as having read). */
  claimPending?: true;
}

interface RosterNotice {
  id: Id;
  title: string;
  publishedAt: EpochMs;
  urgent: boolean;
}

/** One of the grid's 三长, so a leader can hand a request over to another (updateRequestStatus handOver). */
interface RosterLeader {
  userId: Id;
  role: LeaderRole;
}

export interface GridRoster {
  grid: { id: Id; name: string; villageId: Id };
  /** The grid's 三长 (grid leader, party-group leader, building leader), in that order. */
  leaders: RosterLeader[];
  /** The notice the states refer to; null when none covers the grid yet. */
  notice: RosterNotice | null;
  /** All households of the grid (every page), registered or joined: the same as `totals.households`. */
  totalHouseholds: number;
  /** The whole grid's figures (every page): households, joined, with care needs, and the notice's read / told / unreached. */
  totals: GridTotals;
  /** One page, by building, unit and room in natural order (2栋 before 10栋, 101 before 1001). */
  households: RosterHousehold[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}
