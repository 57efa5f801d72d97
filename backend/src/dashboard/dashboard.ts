// getVillageDashboard: the committee's live view of one village (两委工作看板). Per grid, this China
// week and today: the share answered within target, first-response p50/p90 and escalations by level
// (core computeFigures); the requests still waiting for a first answer past their deadline right now;
// the village's emergency mode; and the grid staff whose subscribe-message authorisations ran out,
// so the committee can remind them before the next request reaches nobody's phone.
//
// Authorisations: we read the live counts in `subscriptions` (remaining, per user and template) for
// the "a request is yours" template, rather than this week's inbox items marked 'noAuthorisation'.
// The counts say who cannot be reached *now* (a leader who renewed yesterday drops off the list, one
// who ran out an hour ago without a request since is on it), and it is one read by _id for the
// village's staff, where the inbox would need a scan of the week's items with no index on `notified`.
//
// SMS: today's count (China day) against the village's daily budget, read from its smsUsage document.
// Rate limits: today's refusals by limit (core/src/limits.ts), read from its limitRefusals document.
import type { Failure, Result } from '../../../core/src/errors';
import { fail, ok } from '../../../core/src/errors';
import type { EpochMs, GridRole, Id, Request, RequestCategory, RoleAssignment, VillagePolicy } from '../../../core/src/model';
import { isGridRole } from '../../../core/src/model';
import { computeFigures, weekRange, type Period } from '../../../core/src/reports';
import { chinaDayStart } from '../../../core/src/chinaTime';
import { DAY_MS, resolvePolicy, type ResolvedPolicy } from '../../../core/src/policy';
import { RESOLUTION_CLOCK_STATES, resolutionDueAt } from '../../../core/src/sla';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { GridDashboard, OverdueRequest, UnreachableStaff, UnresolvedRequest, VillageDashboard } from '../../../core/src/schemas/dashboard';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { countOf, fetchAll, fetchById, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { mayOverseeVillage, streetAdministered, villagesOverseen } from '../../../core/src/access';
import { publicDaysCoverage } from '../../../core/src/publicDays';
import { refusalsToday } from '../limits';
import { isLongTerm, remainingAuthorisations, smsUsedToday, TEMPLATE_IDS } from '../notify';
import { villagePlace, type GridDoc, type VillageDoc } from '../organisation/repo';
import type { RequestDoc } from '../requests/store';

/** Village roles that may read the dashboard (besides the street's admins). */
/** Most requests of one week read for the figures; beyond it the figures say `truncated`. */
const DASHBOARD_MAX_WEEK_REQUESTS = 20_000;
/** Most overdue requests listed (oldest deadline first); the count stays exact beyond it. */
const DASHBOARD_MAX_OVERDUE = MAX_GET_LIMIT;
/** Most unresolved requests listed (oldest target first); the count stays exact beyond it. */
const DASHBOARD_MAX_UNRESOLVED = MAX_GET_LIMIT;

/** The fields the figures and the overdue list need: never the event log or the photos. */
const FIGURE_FIELDS = {
  gridId: true,
  villageId: true,
  category: true,
  urgent: true,
  state: true,
  submittedAt: true,
  responseDueAt: true,
  firstResponseAt: true,
  escalationLevel: true,
  resolvedAt: true,
  rating: true,
  routingOutcome: true,
} as const;

type FigureDoc = Pick<RequestDoc, '_id' | keyof typeof FIGURE_FIELDS>;

function toFigureRequest(doc: FigureDoc): Request {
  // computeFigures reads only the projected fields; the rest of Request is not needed for figures.
  const { _id, ...rest } = doc;
  return { id: _id, ...rest } as unknown as Request;
}

/**
 * The village's requests submitted in the period, paged on (submittedAt, _id) through the
 * villageId_submittedAt index. Round trips: one per 1,000 requests.
 */
async function requestsSubmittedIn(db: Database, villageId: Id, period: Period): Promise<{ docs: FigureDoc[]; truncated: boolean }> {
  const _ = db.command;
  const docs: FigureDoc[] = [];
  let after: { submittedAt: EpochMs; id: Id } | null = null;
  for (;;) {
    const conditions: unknown[] = [{ villageId }, { submittedAt: _.gte(period.start) }, { submittedAt: _.lt(period.end) }];
    if (after !== null) conditions.push(_.or([{ submittedAt: _.gt(after.submittedAt) }, { submittedAt: after.submittedAt, _id: _.gt(after.id) }]));
    const page = await fetchAll<FigureDoc>(
      db
        .collection(COLLECTIONS.requests)
        .where(_.and(conditions as never[]))
        .orderBy('submittedAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(MAX_GET_LIMIT)
        .field(FIGURE_FIELDS),
    );
    docs.push(...page);
    const last = page[page.length - 1];
    if (page.length < MAX_GET_LIMIT || last === undefined) return { docs, truncated: false };
    if (docs.length >= DASHBOARD_MAX_WEEK_REQUESTS) return { docs, truncated: true };
    after = { submittedAt: last.submittedAt, id: last._id };
  }
}

/**
 * Requests still awaiting a first answer whose deadline has passed, oldest deadline first, through
 * the villageId_state_responseDueAt index. Round trips: one, plus a count when the list is full.
 */
async function overdueRequests(db: Database, villageId: Id, now: EpochMs): Promise<{ docs: FigureDoc[]; total: number }> {
  const _ = db.command;
  const where = { villageId, state: 'submitted', responseDueAt: _.lt(now) };
  const docs = await fetchAll<FigureDoc>(
    db.collection(COLLECTIONS.requests).where(where).orderBy('responseDueAt', 'asc').limit(DASHBOARD_MAX_OVERDUE).field(FIGURE_FIELDS),
  );
  const total = docs.length < DASHBOARD_MAX_OVERDUE ? docs.length : await countOf(db.collection(COLLECTIONS.requests).where(where));
  return { docs, total };
}

/**
 * Answered requests past their resolution target (超时未解决). The target depends on the category, so
 * one query per distinct target (two with the defaults): the categories sharing it, submitted before
 * now minus it, through the villageId_state_submittedAt index. Round trips: one per distinct target,
 * plus a count for each list that is full.
 */
async function unresolvedRequests(db: Database, villageId: Id, policy: ResolvedPolicy, now: EpochMs): Promise<{ list: UnresolvedRequest[]; total: number }> {
  const _ = db.command;
  const categoriesByTarget = new Map<number, RequestCategory[]>();
  for (const [category, target] of Object.entries(policy.resolutionTargetsMs) as [RequestCategory, number][]) {
    categoriesByTarget.set(target, [...(categoriesByTarget.get(target) ?? []), category]);
  }
  const results = await Promise.all(
    [...categoriesByTarget].map(async ([target, categories]) => {
      const where = { villageId, state: _.in([...RESOLUTION_CLOCK_STATES]), category: _.in(categories), submittedAt: _.lt(now - target) };
      const docs = await fetchAll<FigureDoc>(
        db.collection(COLLECTIONS.requests).where(where).orderBy('submittedAt', 'asc').limit(DASHBOARD_MAX_UNRESOLVED).field(FIGURE_FIELDS),
      );
      const total = docs.length < DASHBOARD_MAX_UNRESOLVED ? docs.length : await countOf(db.collection(COLLECTIONS.requests).where(where));
      return { docs, total };
    }),
  );
  const list = results
    .flatMap((r) => r.docs)
    .map((d) => ({ requestId: d._id, gridId: d.gridId, category: d.category, state: d.state, resolutionDueAt: resolutionDueAt(d, policy) }))
    .sort((a, b) => a.resolutionDueAt - b.resolutionDueAt)
    .slice(0, DASHBOARD_MAX_UNRESOLVED);
  return { list, total: results.reduce((sum, r) => sum + r.total, 0) };
}

/** Grid staff of the village (the 三长 and grid workers) by user, with their grids and roles. */
function gridStaff(assignments: readonly RoleAssignment[], gridIds: ReadonlySet<Id>): Map<Id, Map<Id, GridRole[]>> {
  const byUser = new Map<Id, Map<Id, GridRole[]>>();
  for (const a of assignments) {
    const gridId = a.scope.gridId;
    if (!isGridRole(a.role) || gridId === undefined || !gridIds.has(gridId)) continue;
    const grids = byUser.get(a.userId) ?? new Map<Id, GridRole[]>();
    grids.set(gridId, [...(grids.get(gridId) ?? []), a.role]);
    byUser.set(a.userId, grids);
  }
  return byUser;
}

function groupByGrid<T extends { gridId: Id }>(items: readonly T[]): Map<Id, T[]> {
  const out = new Map<Id, T[]>();
  for (const item of items) out.set(item.gridId, [...(out.get(item.gridId) ?? []), item]);
  return out;
}

/**
 * Round trips: loadActor (2, or 3 for an ADMIN_OPENIDS admin) in parallel with the village (1); then
 * in parallel grids (1), role assignments (1), policy (1), the week's requests (1 per 1,000), the
 * overdue requests (1, +1 count past 1,000), today's SMS count (1) and today's limit refusals (1); then the staff's authorisations (1)
 * in parallel with the unresolved requests (1 per distinct resolution target, +1 count per full list). Three waves.
 */
export async function getVillageDashboard(input: FunctionInputs['getVillageDashboard'], ctx: CallContext): Promise<Result<VillageDashboard>> {
  const { db, now } = ctx;
  const [actor, village] = await Promise.all([loadActor(db, ctx.openid, ctx.adminOpenids), fetchById<VillageDoc>(db, COLLECTIONS.villages, input.villageId)]);
  const refused = refusal(actor, village);
  if (refused !== null || village === null) return refused ?? fail('VILLAGE.NOT_FOUND');

  const week = weekRange(now);
  const todayStart = chinaDayStart(now);
  const today: Period = { start: todayStart, end: todayStart + DAY_MS };
  const [grids, assignments, policy, weekRequests, overdue, smsUsed, refusals] = await Promise.all([
    fetchAll<GridDoc>(db.collection(COLLECTIONS.grids).where({ villageId: village._id }).limit(MAX_GET_LIMIT)),
    fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.villageId': village._id }).limit(MAX_GET_LIMIT)),
    fetchById<VillagePolicy & { _id: string }>(db, COLLECTIONS.villagePolicies, village._id),
    requestsSubmittedIn(db, village._id, week),
    overdueRequests(db, village._id, now),
    smsUsedToday(db, village._id, now),
    refusalsToday(db, village._id, now),
  ]);
  const resolved = resolvePolicy(policy ?? undefined);
  const smsPolicy = resolved.sms;

  const gridIds = new Set(grids.map((g) => g._id));
  const staff = gridStaff(assignments, gridIds);
  // Unreachable means no consent left for "a request is yours"; a long-term template never runs out.
  const assignedIsLongTerm = isLongTerm(TEMPLATE_IDS.requestAssigned);
  // The resolution targets come from the policy, so that query waits for it (with the authorisations).
  const [remaining, unresolved] = await Promise.all([
    assignedIsLongTerm ? ({} as Record<string, number>) : remainingAuthorisations(db, [...staff.keys()], TEMPLATE_IDS.requestAssigned),
    unresolvedRequests(db, village._id, resolved, now),
  ]);
  const unreachable: UnreachableStaff[] = [];
  if (!assignedIsLongTerm) {
    for (const [userId, byGrid] of staff) {
      if ((remaining[userId] ?? 0) > 0) continue;
      for (const [gridId, roles] of byGrid) unreachable.push({ userId, gridId, roles });
    }
  }

  const weekList = weekRequests.docs.map(toFigureRequest);
  const todayList = weekList.filter((r) => r.submittedAt >= today.start);
  const weekByGrid = groupByGrid(weekList);
  const todayByGrid = groupByGrid(todayList);
  const overdueList: OverdueRequest[] = overdue.docs.map((d) => ({
    requestId: d._id,
    gridId: d.gridId,
    category: d.category,
    urgent: d.urgent,
    submittedAt: d.submittedAt,
    responseDueAt: d.responseDueAt,
    escalationLevel: d.escalationLevel,
  }));
  const overdueByGrid = groupByGrid(overdueList);
  const unresolvedByGrid = groupByGrid(unresolved.list);
  const unreachableByGrid = groupByGrid(unreachable);

  const gridViews: GridDashboard[] = [...grids]
    .sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
    .map((g) => ({
      gridId: g._id,
      name: g.name,
      week: computeFigures(weekByGrid.get(g._id) ?? [], now),
      today: computeFigures(todayByGrid.get(g._id) ?? [], now),
      overdueCount: overdueByGrid.get(g._id)?.length ?? 0,
      unresolvedCount: unresolvedByGrid.get(g._id)?.length ?? 0,
      unreachableStaff: (unreachableByGrid.get(g._id) ?? []).sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    }));

  return ok({
    village: { id: village._id, name: village.name, kind: village.kind },
    asOf: now,
    week,
    today,
    emergencyMode: policy?.calendar?.emergencyMode === true,
    overall: { week: computeFigures(weekList, now), today: computeFigures(todayList, now), overdueCount: overdue.total, unresolvedCount: unresolved.total },
    grids: gridViews,
    overdue: overdueList,
    unresolved: unresolved.list,
    truncated: weekRequests.truncated,
    authorisationsCounted: !assignedIsLongTerm,
    sms: { enabled: smsPolicy.enabled, usedToday: smsUsed, dailyBudget: smsPolicy.dailyBudget },
    limitRefusalsToday: refusals,
    publicDays: publicDaysCoverage(now),
  });
}

/** Why the caller may not read the village, or null when they may. */
function refusal(actor: Actor, village: VillageDoc | null): Failure | null {
  if (village === null) {
    // Only someone who could read some village learns that this one does not exist.
    const mayReadAny = streetAdministered(actor.roles) !== null || villagesOverseen(actor.roles).size > 0;
    return mayReadAny ? fail('VILLAGE.NOT_FOUND') : fail('AUTH.FORBIDDEN');
  }
  return mayOverseeVillage(actor.roles, villagePlace(village)) ? null : fail('AUTH.FORBIDDEN', '只能查看本村（社区）的工作看板');
}
