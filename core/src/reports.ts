// Report figures (按周上报、考评) computed from a list of requests: counts by category, the share
// answered within target, first-response percentiles, escalations by level, resolution time and
// satisfaction — for one group, or grouped by grid, leader, village or street.
//
// Definitions:
// - A request belongs to a period when it was submitted in [start, end).
// - Percentiles use the nearest-rank method: the smallest value with at least p% of the values at
//   or below it (rank ceil(p/100 × n), 1-based); null when there are no values.
// - Share within target: answered within target ÷ requests whose outcome is known at `asOf`
//   (answered, or unanswered past their deadline). Requests cancelled before an answer are left out.
// - First-response and resolution times are wall-clock ms from submission.
// - Per leader: a request counts for each person routing chose (routedTo), since that is whose
//   response the appraisal measures.

import { chinaDateOf, chinaDayStart, chinaWeekdayOf } from './chinaTime';
import type { EpochMs, Id, Request, RequestCategory } from './model';
import { REQUEST_CATEGORIES } from './model';
import { DAY_MS, LOW_RATING_THRESHOLD, MAX_ESCALATION_LEVEL } from './policy';

const MEDIAN_PERCENTILE = 50;
const HIGH_PERCENTILE = 90;
const DAYS_PER_WEEK = 7;
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
    } else if (request.state !== 'cancelled' && asOf > request.responseDueAt) {
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

export const REPORT_GROUPINGS = ['grid', 'leader', 'village', 'street'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

function groupKeys(request: Request, by: ReportGrouping): Id[] {
  switch (by) {
    case 'grid':
      return [request.gridId];
    case 'leader':
      return [...new Set(request.routedTo)];
    case 'village':
      return [request.villageId];
    case 'street':
      return [request.streetId];
  }
}

export interface GroupedReport {
  by: ReportGrouping;
  period: Period;
  asOf: EpochMs;
  groups: Array<{ key: Id; figures: ReportFigures }>;
  /** All requests of the period (a request counted under several leaders counts once here). */
  overall: ReportFigures;
}

/** Figures per group for requests submitted in the period, groups sorted by key. */
export function buildReport(requests: readonly Request[], by: ReportGrouping, period: Period, asOf: EpochMs): GroupedReport {
  const selected = requests.filter((r) => inPeriod(r, period));
  const groups = new Map<Id, Request[]>();
  for (const request of selected) {
    for (const key of groupKeys(request, by)) {
      const list = groups.get(key) ?? [];
      list.push(request);
      groups.set(key, list);
    }
  }
  return {
    by,
    period,
    asOf,
    groups: [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, list]) => ({ key, figures: computeFigures(list, asOf) })),
    overall: computeFigures(selected, asOf),
  };
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
