// Report figures (按周上报、考评) computed from a list of requests: counts by category, the share
// answered within target, first-response percentiles, escalations by level, resolution time and
// satisfaction — for one group, or grouped by grid, leader, village or street.
//
// Definitions:
// - A request belongs to a period when it was submitted in [start, end).
// - Percentiles use the nearest-rank method: the smallest value with at least p% of the values at
//   or below it (rank ceil(p/100 × n), 1-based); null when there are no values.
// - Share within target: answered within target ÷ requests whose outcome is known at `asOf`
//   (answered, or unanswered past their deadline). Requests cancelled, or marked as spam (无效诉求), before an answer are left out.
// - First-response and resolution times are wall-clock ms from submission.
// - Per leader: a request counts for each person routing chose (routedTo), since that is whose
//   response the appraisal measures.
// - 解决率 (share resolved within target): resolved by its category's resolution target (sla.ts
//   resolutionDueAt, the village's targets) ÷ requests whose resolution outcome is known at `asOf`
//   (resolved, or unresolved past the target). Cancelled requests are left out; a reopened request
//   is unresolved again.
// - 满意率 (share satisfied): ratings of SATISFIED_RATING_MIN or more ÷ ratings given.
// - Follow-ups (回访) belong to the period they were created in and count under the request's
//   grid, leaders, village and street; done = their call is recorded.
// - Notice reach per grid: for the notices published in the period that reach the grid, households
//   reached (read, or told by a leader) ÷ households, summed over the notices.

import { chinaDateOf, chinaDayStart, chinaWeekdayOf } from './chinaTime';
import type { PendingClaims } from './claims';
import type { FollowUp } from './followUps';
import type { EpochMs, Household, Id, Notice, ReachMark, ReadReceipt, Request, RequestCategory, RequestState, Role, RoleAssignment } from './model';
import { REQUEST_CATEGORIES, ROLE_LABELS } from './model';
import { DAY_MS, DEFAULT_POLICY, LOW_RATING_THRESHOLD, MAX_ESCALATION_LEVEL, type ResolvedPolicy } from './policy';
import { computeNoticeReach, noticeReachesGrid } from './reach';
import { resolutionDueAt } from './sla';

const MEDIAN_PERCENTILE = 50;
const HIGH_PERCENTILE = 90;
const DAYS_PER_WEEK = 7;
/** Requests that ended without needing an answer (withdrawn, or not a real request): no missed target is counted for them. */
const ENDED_UNANSWERED_STATES: readonly RequestState[] = ['cancelled', 'spam'];
const MONDAY = 1;
const PERCENT = 100;

export interface Period {
  start: EpochMs;
  /** Exclusive. */
  end: EpochMs;
}

export interface ReportFigures {
  total: number;
  byCategory: Record<RequestCategory, number>;
  urgent: number;
  responded: number;
  /** Answered within target, among requests whose outcome is known. */
  withinTarget: number;
  /** withinTarget / known outcomes, 0..1; null when no outcome is known yet. */
  shareWithinTarget: number | null;
  firstResponseP50Ms: number | null;
  firstResponseP90Ms: number | null;
  /** Requests that reached each level (a level-3 request counts for 1, 2 and 3). Index 0 = level 1. */
  escalationsByLevel: number[];
  resolved: number;
  resolutionP50Ms: number | null;
  resolutionP90Ms: number | null;
  rated: number;
  averageRating: number | null;
  /** Ratings at or below LOW_RATING_THRESHOLD: to follow up (回访). */
  lowRatings: number;
  noResponderFallbacks: number;
}

/** Nearest-rank percentile of the values (need not be sorted). */
export function percentileNearestRank(values: readonly number[], percentile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentile / PERCENT) * sorted.length));
  return sorted[rank - 1] ?? null;
}

function inPeriod(request: Pick<Request, 'submittedAt'>, period: Period): boolean {
  return request.submittedAt >= period.start && request.submittedAt < period.end;
}

export function computeFigures(requests: readonly Request[], asOf: EpochMs): ReportFigures {
  const byCategory = Object.fromEntries(REQUEST_CATEGORIES.map((c) => [c, 0])) as Record<RequestCategory, number>;
  const firstResponseTimes: number[] = [];
  const resolutionTimes: number[] = [];
  const ratings: number[] = [];
  const escalationsByLevel = Array.from({ length: MAX_ESCALATION_LEVEL }, () => 0);
  let urgent = 0;
  let withinTarget = 0;
  let knownOutcomes = 0;
  let noResponderFallbacks = 0;

  for (const request of requests) {
    byCategory[request.category] += 1;
    if (request.urgent) urgent += 1;
    if (request.routingOutcome === 'noResponderFallback') noResponderFallbacks += 1;
    if (request.firstResponseAt !== undefined) {
      firstResponseTimes.push(request.firstResponseAt - request.submittedAt);
      knownOutcomes += 1;
      if (request.firstResponseAt <= request.responseDueAt) withinTarget += 1;
    } else if (!ENDED_UNANSWERED_STATES.includes(request.state) && asOf > request.responseDueAt) {
      knownOutcomes += 1;
    }
    for (let level = 1; level <= Math.min(request.escalationLevel, MAX_ESCALATION_LEVEL); level += 1) {
      escalationsByLevel[level - 1] = (escalationsByLevel[level - 1] ?? 0) + 1;
    }
    if (request.resolvedAt !== undefined) resolutionTimes.push(request.resolvedAt - request.submittedAt);
    if (request.rating !== undefined) ratings.push(request.rating);
  }

  return {
    total: requests.length,
    byCategory,
    urgent,
    responded: firstResponseTimes.length,
    withinTarget,
    shareWithinTarget: knownOutcomes === 0 ? null : withinTarget / knownOutcomes,
    firstResponseP50Ms: percentileNearestRank(firstResponseTimes, MEDIAN_PERCENTILE),
    firstResponseP90Ms: percentileNearestRank(firstResponseTimes, HIGH_PERCENTILE),
    escalationsByLevel,
    resolved: resolutionTimes.length,
    resolutionP50Ms: percentileNearestRank(resolutionTimes, MEDIAN_PERCENTILE),
    resolutionP90Ms: percentileNearestRank(resolutionTimes, HIGH_PERCENTILE),
    rated: ratings.length,
    averageRating: ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0) / ratings.length,
    lowRatings: ratings.filter((r) => r <= LOW_RATING_THRESHOLD).length,
    noResponderFallbacks,
  };
}

/** The lowest rating counted as satisfied (满意): ratings of 4 and 5 out of 5. */
const SATISFIED_RATING_MIN = 4;

/** The report's figures: the dashboard's plus resolution within target, satisfaction and follow-ups. */
export interface AppraisalFigures extends ReportFigures {
  /** Resolved by the resolution target, among requests whose resolution outcome is known. */
  resolvedWithinTarget: number;
  /** 解决率: resolvedWithinTarget / known resolution outcomes, 0..1; null when none is known yet. */
  shareResolvedWithinTarget: number | null;
  /** Ratings of SATISFIED_RATING_MIN or more. */
  satisfied: number;
  /** 满意率: satisfied / rated, 0..1; null when nothing was rated. */
  shareSatisfied: number | null;
  /** Requests that escalated at least once. */
  escalated: number;
  /** Follow-ups (回访) created in the period, and of them those whose call is recorded. */
  followUpsCreated: number;
  followUpsDone: number;
}

/** What a follow-up contributes to a report. */
export type FollowUpTally = Pick<FollowUp, 'streetId' | 'villageId' | 'gridId' | 'routedTo' | 'createdAt' | 'state'>;

/** The village's resolved policy (its resolution targets), by village id. */
export type PolicyOf = (villageId: Id) => ResolvedPolicy;

const defaultPolicyOf: PolicyOf = () => DEFAULT_POLICY;

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function computeAppraisal(
  requests: readonly Request[],
  followUps: readonly FollowUpTally[],
  asOf: EpochMs,
  policyOf: PolicyOf = defaultPolicyOf,
): AppraisalFigures {
  const figures = computeFigures(requests, asOf);
  let resolvedWithinTarget = 0;
  let knownResolutions = 0;
  let satisfied = 0;
  for (const request of requests) {
    const dueAt = resolutionDueAt(request, policyOf(request.villageId));
    if (request.resolvedAt !== undefined) {
      knownResolutions += 1;
      if (request.resolvedAt <= dueAt) resolvedWithinTarget += 1;
    } else if (!ENDED_UNANSWERED_STATES.includes(request.state) && asOf > dueAt) {
      knownResolutions += 1;
    }
    if (request.rating !== undefined && request.rating >= SATISFIED_RATING_MIN) satisfied += 1;
  }
  return {
    ...figures,
    resolvedWithinTarget,
    shareResolvedWithinTarget: share(resolvedWithinTarget, knownResolutions),
    satisfied,
    shareSatisfied: share(satisfied, figures.rated),
    escalated: figures.escalationsByLevel[0] ?? 0,
    followUpsCreated: followUps.length,
    followUpsDone: followUps.filter((f) => f.state === 'done').length,
  };
}

export const REPORT_GROUPINGS = ['grid', 'leader', 'village', 'street'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

function groupKeys(item: Pick<Request, 'gridId' | 'routedTo' | 'villageId' | 'streetId'>, by: ReportGrouping): Id[] {
  switch (by) {
    case 'grid':
      return [item.gridId];
    case 'leader':
      return [...new Set(item.routedTo)];
    case 'village':
      return [item.villageId];
    case 'street':
      return [item.streetId];
  }
}

export interface GroupedReport {
  by: ReportGrouping;
  period: Period;
  asOf: EpochMs;
  groups: Array<{ key: Id; figures: AppraisalFigures }>;
  /** All requests of the period (a request counted under several leaders counts once here). */
  overall: AppraisalFigures;
}

function groupBy<T extends Pick<Request, 'gridId' | 'routedTo' | 'villageId' | 'streetId'>>(items: readonly T[], by: ReportGrouping): Map<Id, T[]> {
  const groups = new Map<Id, T[]>();
  for (const item of items) {
    for (const key of groupKeys(item, by)) {
      const list = groups.get(key) ?? [];
      list.push(item);
      groups.set(key, list);
    }
  }
  return groups;
}

/**
 * Figures per group for requests submitted in the period (and follow-ups created in it), groups
 * sorted by key. `policyOf` gives each village's resolution targets (the defaults when absent).
 */
export function buildReport(
  requests: readonly Request[],
  by: ReportGrouping,
  period: Period,
  asOf: EpochMs,
  { followUps = [], policyOf = defaultPolicyOf }: { followUps?: readonly FollowUpTally[]; policyOf?: PolicyOf } = {},
): GroupedReport {
  const selected = requests.filter((r) => inPeriod(r, period));
  const created = followUps.filter((f) => f.createdAt >= period.start && f.createdAt < period.end);
  const requestGroups = groupBy(selected, by);
  const followUpGroups = groupBy(created, by);
  const keys = [...new Set([...requestGroups.keys(), ...followUpGroups.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    by,
    period,
    asOf,
    groups: keys.map((key) => ({ key, figures: computeAppraisal(requestGroups.get(key) ?? [], followUpGroups.get(key) ?? [], asOf, policyOf) })),
    overall: computeAppraisal(selected, created, asOf, policyOf),
  };
}

// ---------------------------------------------------------------------------------------------
// Notice reach over a period, per grid

export interface NoticeReachFigures {
  /** Notices published in the period that reach the grid. */
  notices: number;
  /** Households × those notices: every household each notice should reach. */
  households: number;
  /** Of them, reached (read by a member, or told by a leader in person or by phone). */
  reached: number;
  /** reached / households, 0..1; null when no notice reached the grid or it has no households. */
  share: number | null;
}

export interface ReachGrid {
  id: Id;
  villageId: Id;
  streetId: Id;
}

/**
 * Per grid, how far the period's notices reached its households (core/src/reach.ts counts each
 * notice). As in getNoticeReach, a pending member's read (待核实) does not reach their household.
 */
export function noticeReachByGrid(
  grids: readonly ReachGrid[],
  notices: readonly Pick<Notice, 'id' | 'streetId' | 'scope'>[],
  households: readonly Pick<Household, 'id' | 'gridId' | 'careNeeds'>[],
  receipts: readonly (Pick<ReadReceipt, 'noticeId' | 'householdId'> & Partial<Pick<ReadReceipt, 'userId'>>)[],
  marks: readonly Pick<ReachMark, 'noticeId' | 'householdId'>[],
  pending: PendingClaims,
): Map<Id, NoticeReachFigures> {
  const out = new Map<Id, NoticeReachFigures>(grids.map((g) => [g.id, { notices: 0, households: 0, reached: 0, share: null }]));
  for (const notice of notices) {
    const reachedGrids = grids.filter((g) => noticeReachesGrid(notice, { streetId: g.streetId, villageId: g.villageId, gridId: g.id })).map((g) => g.id);
    if (reachedGrids.length === 0) continue;
    const reach = computeNoticeReach(
      reachedGrids,
      households,
      receipts.filter((r) => r.noticeId === notice.id),
      marks.filter((m) => m.noticeId === notice.id),
      pending,
    );
    for (const row of reach.grids) {
      const figures = out.get(row.gridId);
      if (figures === undefined) continue;
      figures.notices += 1;
      figures.households += row.total;
      figures.reached += row.reached;
    }
  }
  for (const figures of out.values()) figures.share = share(figures.reached, figures.households);
  return out;
}

/** The reach of several grids together (a village, the street). */
export function sumNoticeReach(rows: readonly NoticeReachFigures[]): NoticeReachFigures {
  const households = rows.reduce((a, r) => a + r.households, 0);
  const reached = rows.reduce((a, r) => a + r.reached, 0);
  return { notices: Math.max(0, ...rows.map((r) => r.notices)), households, reached, share: share(reached, households) };
}

// ---------------------------------------------------------------------------------------------
// Rows by name and role

/** A report row as people read it: by name (and role, for a person), never by openid. */
export interface ReportRow {
  /** Grid or village id; for a person an opaque key (never their openid). */
  key: Id;
  /** The grid's or village's name, or the person's name (或 "网格长（未留名）"). */
  label: string;
  /** For a person: the role they answer in, as ROLE_LABELS says it. */
  role?: string;
  /** For a grid or a person: the grid's name. */
  gridName?: string;
  /** For a village row of a street report: its place when ranked by 响应率, then 解决率 (1 = best). */
  rank?: number;
  figures: AppraisalFigures;
  /** Grid and village rows: the period's notices' reach. */
  noticeReach?: NoticeReachFigures;
}

/** What a leader row says about the person: the role they hold in the report's place and its grid. */
export interface LeaderLabel {
  key: Id;
  label: string;
  role: string;
  gridName?: string;
}

/** Leader roles in the order a person is described by (网格长 before 网格员, a village role last). */
const DESCRIBING_ROLE_ORDER: readonly Role[] = ['gridLeader', 'partyGroupLeader', 'buildingLeader', 'gridWorker', 'dutyOfficer', 'committee', 'streetAdmin'];
/** Said of someone routed to in the period who no longer holds a role in the place. */
const FORMER_STAFF_LABEL = '已离岗人员';

/**
 * How to name a person in a report from the roles they hold in its place: their displayName, or the
 * role's word with （未留名）; with the role and the grid's name. `key` stands in for the openid.
 */
export function leaderLabel(key: Id, assignments: readonly RoleAssignment[], gridNames: ReadonlyMap<Id, string>): LeaderLabel {
  const ranked = [...assignments].sort((a, b) => DESCRIBING_ROLE_ORDER.indexOf(a.role) - DESCRIBING_ROLE_ORDER.indexOf(b.role));
  const first = ranked[0];
  if (first === undefined) return { key, label: FORMER_STAFF_LABEL, role: '' };
  const named = ranked.find((a) => a.displayName !== undefined && a.displayName.trim() !== '');
  const role = ROLE_LABELS[first.role];
  const gridName = first.scope.gridId !== undefined ? gridNames.get(first.scope.gridId) : undefined;
  return { key, label: named?.displayName?.trim() ?? `${role}（未留名）`, role, ...(gridName !== undefined ? { gridName } : {}) };
}

const byLabel = (a: { label: string }, b: { label: string }): number => a.label.localeCompare(b.label, 'zh-CN', { numeric: true });

/** Higher shares first; a share not known yet after every known one. */
function byShareDesc(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

/** Villages ranked by 响应率, then 解决率, then name; each row carries its rank (1 = best). */
export function rankRows(rows: readonly ReportRow[]): ReportRow[] {
  return [...rows]
    .sort(
      (a, b) =>
        byShareDesc(a.figures.shareWithinTarget, b.figures.shareWithinTarget) ||
        byShareDesc(a.figures.shareResolvedWithinTarget, b.figures.shareResolvedWithinTarget) ||
        byLabel(a, b),
    )
    .map((row, index) => ({ ...row, rank: index + 1 }));
}

/**
 * The report's groups as rows by name: grids and villages by their names, people by `leaders`
 * (their key replaces the openid). Grid rows sorted by grid name, people by grid, role and name,
 * villages ranked.
 */
export function labelRows(
  report: GroupedReport,
  names: { grids: ReadonlyMap<Id, string>; villages: ReadonlyMap<Id, string>; streets: ReadonlyMap<Id, string>; leaders: ReadonlyMap<Id, LeaderLabel> },
  reach: ReadonlyMap<Id, NoticeReachFigures> = new Map(),
): ReportRow[] {
  const rows = report.groups.map(({ key, figures }): ReportRow => {
    switch (report.by) {
      case 'grid': {
        const label = names.grids.get(key) ?? key;
        const gridReach = reach.get(key);
        return { key, label, gridName: label, figures, ...(gridReach !== undefined ? { noticeReach: gridReach } : {}) };
      }
      case 'village': {
        const villageReach = reach.get(key);
        return { key, label: names.villages.get(key) ?? key, figures, ...(villageReach !== undefined ? { noticeReach: villageReach } : {}) };
      }
      case 'street':
        return { key, label: names.streets.get(key) ?? key, figures };
      default: {
        const person = names.leaders.get(key);
        if (person === undefined) return { key: '', label: FORMER_STAFF_LABEL, figures };
        return { key: person.key, label: person.label, role: person.role, ...(person.gridName !== undefined ? { gridName: person.gridName } : {}), figures };
      }
    }
  });
  if (report.by === 'village') return rankRows(rows);
  if (report.by === 'leader') {
    const roleRank = (row: ReportRow): number => DESCRIBING_ROLE_ORDER.findIndex((r) => ROLE_LABELS[r] === row.role);
    // People of a grid first, by grid; those holding a village role (a duty officer) after them.
    const byGrid = (a: ReportRow, b: ReportRow): number =>
      a.gridName === undefined || b.gridName === undefined
        ? Number(a.gridName === undefined) - Number(b.gridName === undefined)
        : byLabel({ label: a.gridName }, { label: b.gridName });
    return rows.sort((a, b) => byGrid(a, b) || roleRank(a) - roleRank(b) || byLabel(a, b));
  }
  return rows.sort(byLabel);
}

export interface WeekRange extends Period {
  /** China date of the Monday the week starts on, 'YYYY-MM-DD'. */
  weekOf: string;
}

/** The China-time week (Monday 00:00 +08:00 to the next Monday) containing `at`. */
export function weekRange(at: EpochMs): WeekRange {
  const daysSinceMonday = (chinaWeekdayOf(at) - MONDAY + DAYS_PER_WEEK) % DAYS_PER_WEEK;
  const start = chinaDayStart(at) - daysSinceMonday * DAY_MS;
  return { start, end: start + DAYS_PER_WEEK * DAY_MS, weekOf: chinaDateOf(start) };
}

/** The week before the one containing `at` (the weekly report is usually for the last full week). */
export function previousWeekRange(at: EpochMs): WeekRange {
  return weekRange(weekRange(at).start - 1);
}
