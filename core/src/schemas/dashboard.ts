// Input schema and reply: the committee's live dashboard of one village (getVillageDashboard).

import type { FromSchema } from 'json-schema-to-ts';
import type { EpochMs, GridRole, Id, RequestCategory, RequestState, VillageKind } from '../model';
import type { LimitKind } from '../limits';
import type { Period, ReportFigures, WeekRange } from '../reports';
import { idSchema } from './common';

export const getVillageDashboardSchema = {
  $id: 'getVillageDashboard',
  type: 'object',
  properties: { villageId: idSchema },
  required: ['villageId'],
  additionalProperties: false,
} as const;
export type GetVillageDashboardInput = FromSchema<typeof getVillageDashboardSchema>;

export interface OverdueRequest {
  requestId: Id;
  gridId: Id;
  category: RequestCategory;
  urgent: boolean;
  submittedAt: EpochMs;
  responseDueAt: EpochMs;
  escalationLevel: number;
}

/** An answered request (responded, in progress or reopened) not resolved by its resolution target. */
export interface UnresolvedRequest {
  requestId: Id;
  gridId: Id;
  category: RequestCategory;
  state: RequestState;
  resolutionDueAt: EpochMs;
}

/** A grid staff member with no authorisation left for the "a request is yours" message. */
export interface UnreachableStaff {
  userId: Id;
  gridId: Id;
  roles: GridRole[];
}

export interface GridDashboard {
  gridId: Id;
  name: string;
  week: ReportFigures;
  today: ReportFigures;
  /** Requests of this grid still awaiting a first answer past their deadline, now. */
  overdueCount: number;
  /** Requests of this grid answered but past their resolution target, now (among those listed). */
  unresolvedCount: number;
  unreachableStaff: UnreachableStaff[];
}

export interface VillageDashboard {
  village: { id: Id; name: string; kind: VillageKind };
  asOf: EpochMs;
  week: WeekRange;
  today: Period;
  emergencyMode: boolean;
  overall: { week: ReportFigures; today: ReportFigures; overdueCount: number; unresolvedCount: number };
  /** Sorted by grid id. */
  grids: GridDashboard[];
  /** Oldest deadline first, at most DASHBOARD_MAX_OVERDUE. */
  overdue: OverdueRequest[];
  /** Answered but past the resolution target (超时未解决), oldest target first, at most DASHBOARD_MAX_UNRESOLVED. */
  unresolved: UnresolvedRequest[];
  /** True when the week had more requests than DASHBOARD_MAX_WEEK_REQUESTS (figures cover the first ones). */
  truncated: boolean;
  /**
   * False on a government-affairs account with long-term subscriptions: nothing is counted, so
   * `unreachableStaff` is always empty there.
   */
  authorisationsCounted: boolean;
  /** The SMS channel today (China day): whether it is on, how many the village sent, and its daily budget. */
  sms: { enabled: boolean; usedToday: number; dailyBudget: number };
  /** Calls refused today (China day) by each rate limit (core/src/limits.ts), in this village. */
  limitRefusalsToday: Record<LimitKind, number>;
  /** The last year China's public holidays are known for, and whether that year is ending (update the data). */
  publicDays: { lastYear: number; runningOut: boolean };
}
