// Input schema and reply: a grid's roster (households, who lives there, and who has heard the latest notice).

import type { FromSchema } from 'json-schema-to-ts';
import type { CareNeed, EpochMs, Id, LeaderRole } from '../model';
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
}

interface RosterHousehold {
  householdId: Id;
  building?: string;
  unit?: string;
  room?: string;
  careNeeds: CareNeed[];
  noSmartphone: boolean;
  /** The register's phone for the household (一户一档), when it has one: a household without a smartphone is called. */
  phone?: string;
  members: RosterMember[];
  /** For `notice`: read by a member, told in person (or by phone) by a leader, or not yet. Null without a notice. */
  noticeState: NoticeReachState | null;
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
