// getReport (按周上报、考评): report figures for a period — a China-time week (Monday 00:00 to Monday
// 00:00 +08:00) or a date range — grouped by grid, leader, village or street, computed by the core's
// buildReport, with rows by name and role (never an openid): 响应率, 解决率 (the village's resolution
// targets), 满意率, escalations, follow-ups (回访) created and done, and per grid the reach of the
// notices published in the period. A grid leader (any grid staff) reads their grid(s), the committee
// their village, a street admin the street or any village or grid of it; a street's villages come
// ranked by 响应率, then 解决率. exportReport (export.ts) writes the same figures to an .xlsx.
//
// Requests are read through the gridId+submittedAt / villageId+submittedAt indexes, in pages of
// 1000 ordered by (submittedAt, _id) with a cursor, never unbounded (REPORT_MAX_REQUESTS per place).
// Round trips: loadActor 2 (3 for a street admin) + 0–1 place lookup (a grid or village not named by
// the caller's roles; the street's villages) + in parallel: per grid or village one per started page
// of requests; the place's names (grids, village or street: 1–2); the villages' policies (1); the
// period's follow-ups (1 per started page); the place's staff for a leader report (1 per started
// page, + 1 for people routed to who hold no role in the place); for grid and village reports the
// period's notices (1), then the grids' households, receipts, marks and pending memberships (待核实,
// whose reads do not count) in parallel (1 per started page each; none when no notice was published).
import { createHash } from 'node:crypto';
import { gridsServed, mayServeGrid, streetAdministered, villagesManaged } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FollowUp } from '../../../core/src/followUps';
import { reportPeriodFromInput } from '../../../core/src/fromInput';
import { NO_PENDING_CLAIMS, pendingClaims } from '../../../core/src/claims';
import type { EpochMs, Id, Membership, Request, RoleAssignment } from '../../../core/src/model';
import {
  buildReport,
  labelRows,
  leaderLabel,
  noticeReachByGrid,
  sumNoticeReach,
  type LeaderLabel,
  type NoticeReachFigures,
  type Period,
  type PolicyOf,
  type ReportGrouping,
} from '../../../core/src/reports';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { ReportPlace, ReportView } from '../../../core/src/schemas/reports';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, fetchPagedById, MAX_GET_LIMIT } from '../db';
import type { FollowUpDoc } from '../followUps/repo';
import type { CallContext } from '../handler';
import type { HouseholdDoc, NoticeDoc, ReachMarkDoc, ReceiptDoc } from '../notices/docs';
import { gridPlace, loadVillagePolicies, type GridDoc, type VillageDoc } from '../organisation/repo';

/** Requests read per grid or village at most; a report that would need more says it is truncated. */
const REPORT_MAX_REQUESTS = 50_000;
/** Follow-ups, staff assignments, households, receipts, marks or pending memberships one report reads at most. */
const REPORT_MAX_DOCS = 40_000;
/** Notices of one period a report weighs at most (a street publishes a few a week). */
const REPORT_MAX_NOTICES = 200;
/** Hex characters of the opaque key that stands for a person in a report (their openid never leaves). */
const PERSON_KEY_LENGTH = 16;
/** Between the grids' names when a report covers several. */
const NAME_SEPARATOR = '、';

type RequestDoc = Omit<Request, 'id'> & { _id: Id };

async function resolvePlace(db: Database, actor: Actor, input: Pick<FunctionInputs['getReport'], 'gridId' | 'villageId'>): Promise<Result<ReportPlace>> {
  const street = streetAdministered(actor.roles);
  const committee = villagesManaged(actor.roles);
  const grids = gridsServed(actor.roles);
  if (input.gridId !== undefined) {
    if (grids.has(input.gridId)) return ok({ kind: 'grids', gridIds: [input.gridId] });
    const grid = await fetchById<GridDoc>(db, COLLECTIONS.grids, input.gridId);
    if (grid === null) return fail('GRID.NOT_FOUND');
    if (input.villageId !== undefined && grid.villageId !== input.villageId) return fail('GRID.NOT_FOUND');
    if (!mayServeGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN', '只能查看本网格的报表');
    return ok({ kind: 'grids', gridIds: [grid._id] });
  }
  if (input.villageId !== undefined) {
    if (committee.has(input.villageId)) return ok({ kind: 'village', villageId: input.villageId });
    if (street === null) return fail('AUTH.FORBIDDEN', '只能查看本村（社区）的报表');
    const village = await fetchById<{ _id: Id; streetId: Id }>(db, COLLECTIONS.villages, input.villageId);
    if (village === null || village.streetId !== street) return fail('VILLAGE.NOT_FOUND');
    return ok({ kind: 'village', villageId: village._id });
  }
  if (street !== null) return ok({ kind: 'street', streetId: street });
  const [village] = committee.keys();
  if (village !== undefined) return ok({ kind: 'village', villageId: village });
  if (grids.size > 0) return ok({ kind: 'grids', gridIds: [...grids.keys()].sort() });
  return fail('AUTH.FORBIDDEN', '只有网格长、村（社区）两委和街道可以查看报表');
}

/** One grid's or village's requests submitted in the period, page by page along the index. */
async function requestsOf(db: Database, field: 'gridId' | 'villageId', value: Id, period: Period): Promise<{ docs: RequestDoc[]; truncated: boolean }> {
  const _ = db.command;
  const docs: RequestDoc[] = [];
  let after: { submittedAt: EpochMs; id: Id } | null = null;
  for (;;) {
    const conditions: object[] = [{ [field]: value }, { submittedAt: _.gte(period.start) }, { submittedAt: _.lt(period.end) }];
    if (after !== null) conditions.push(_.or([{ submittedAt: _.gt(after.submittedAt) }, { submittedAt: after.submittedAt, _id: _.gt(after.id) }]));
    const page: RequestDoc[] = await fetchAll<RequestDoc>(
      db
        .collection(COLLECTIONS.requests)
        .where(_.and(conditions as never[]))
        .orderBy('submittedAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(MAX_GET_LIMIT),
    );
    docs.push(...page);
    const last: RequestDoc | undefined = page[page.length - 1];
    if (page.length < MAX_GET_LIMIT || last === undefined) return { docs, truncated: false };
    if (docs.length >= REPORT_MAX_REQUESTS) return { docs, truncated: true };
    after = { submittedAt: last.submittedAt, id: last._id };
  }
}

/** The place's villages and grids, by name: what the rows are labelled with. */
interface PlaceDocs {
  streetId: Id;
  streetName: string;
  villages: VillageDoc[];
  grids: GridDoc[];
}

async function placeDocs(db: Database, place: ReportPlace): Promise<PlaceDocs> {
  const _ = db.command;
  if (place.kind === 'grids') {
    const grids = await fetchAll<GridDoc>(
      db
        .collection(COLLECTIONS.grids)
        .where({ _id: _.in(place.gridIds) })
        .limit(MAX_GET_LIMIT),
    );
    const villageIds = [...new Set(grids.map((g) => g.villageId))];
    const villages = await fetchAll<VillageDoc>(
      db
        .collection(COLLECTIONS.villages)
        .where({ _id: _.in(villageIds) })
        .limit(MAX_GET_LIMIT),
    );
    return { streetId: grids[0]?.streetId ?? '', streetName: '', villages, grids };
  }
  if (place.kind === 'village') {
    const [village, grids] = await Promise.all([
      fetchById<VillageDoc>(db, COLLECTIONS.villages, place.villageId),
      fetchAll<GridDoc>(db.collection(COLLECTIONS.grids).where({ villageId: place.villageId }).limit(MAX_GET_LIMIT)),
    ]);
    return { streetId: village?.streetId ?? '', streetName: '', villages: village === null ? [] : [village], grids };
  }
  const [street, villages] = await Promise.all([
    fetchById<{ _id: Id; name: string }>(db, COLLECTIONS.streets, place.streetId),
    fetchAll<VillageDoc>(db.collection(COLLECTIONS.villages).where({ streetId: place.streetId }).limit(MAX_GET_LIMIT)),
  ]);
  const grids =
    villages.length === 0
      ? { docs: [] }
      : await fetchPagedById<GridDoc>(db, COLLECTIONS.grids, { villageId: _.in(villages.map((v) => v._id)) }, REPORT_MAX_DOCS);
  return { streetId: place.streetId, streetName: street?.name ?? '', villages, grids: grids.docs };
}

async function requestsIn(db: Database, place: ReportPlace, docs: PlaceDocs, period: Period): Promise<{ requests: Request[]; truncated: boolean }> {
  let parts: Array<{ docs: RequestDoc[]; truncated: boolean }>;
  if (place.kind === 'grids') {
    parts = await Promise.all(place.gridIds.map((id) => requestsOf(db, 'gridId', id, period)));
  } else if (place.kind === 'village') {
    parts = [await requestsOf(db, 'villageId', place.villageId, period)];
  } else {
    parts = await Promise.all(docs.villages.map((v) => requestsOf(db, 'villageId', v._id, period)));
  }
  const requests = parts.flatMap((p) => p.docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }) as Request));
  return { requests, truncated: parts.some((p) => p.truncated) };
}

/** The place as a condition on follow-ups and staff assignments: its grids, its village or its street's villages. */
function placeCondition(db: Database, place: ReportPlace, docs: PlaceDocs, prefix: '' | 'scope.'): Record<string, unknown> {
  const _ = db.command;
  if (place.kind === 'grids') return { [`${prefix}gridId`]: _.in(place.gridIds) };
  if (place.kind === 'village') return { [`${prefix}villageId`]: place.villageId };
  return { [`${prefix}villageId`]: _.in(docs.villages.map((v) => v._id)) };
}

async function followUpsIn(db: Database, place: ReportPlace, docs: PlaceDocs, period: Period): Promise<{ followUps: FollowUp[]; truncated: boolean }> {
  const _ = db.command;
  const where = { ...placeCondition(db, place, docs, ''), createdAt: _.gte(period.start).and(_.lt(period.end)) };
  const read = await fetchPagedById<FollowUpDoc>(db, COLLECTIONS.followUps, where, REPORT_MAX_DOCS);
  return { followUps: read.docs.map(({ _id, ...rest }) => ({ id: _id, ...rest })), truncated: read.truncated };
}

/** The opaque key that stands for a person in a report: stable across reports, never their openid. */
function personKey(userId: Id): string {
  return createHash('sha256').update(`report-person\n${userId}`).digest('hex').slice(0, PERSON_KEY_LENGTH);
}

/**
 * Each person routed to in the period, by name and role as they hold it in the place; someone who
 * holds no role there (a duty officer of the village in a grid's report) by the roles they hold.
 */
async function leaderLabels(db: Database, place: ReportPlace, docs: PlaceDocs, requests: readonly Request[]): Promise<Map<Id, LeaderLabel>> {
  const _ = db.command;
  const staff = await fetchPagedById<RoleAssignment & { _id: string }>(
    db,
    COLLECTIONS.roleAssignments,
    placeCondition(db, place, docs, 'scope.'),
    REPORT_MAX_DOCS,
  );
  const byUser = new Map<Id, RoleAssignment[]>();
  const add = (a: RoleAssignment): void => {
    byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  };
  for (const a of staff.docs) add(a);
  const people = [...new Set(requests.flatMap((r) => r.routedTo))];
  const elsewhere = people.filter((userId) => !byUser.has(userId));
  if (elsewhere.length > 0) {
    const more = await fetchAll<RoleAssignment>(
      db
        .collection(COLLECTIONS.roleAssignments)
        .where({ userId: _.in(elsewhere) })
        .limit(MAX_GET_LIMIT),
    );
    for (const a of more) add(a);
  }
  const gridNames = new Map(docs.grids.map((g) => [g._id, g.name]));
  return new Map(people.map((userId) => [userId, leaderLabel(personKey(userId), byUser.get(userId) ?? [], gridNames)]));
}

/** Per grid of the place, the reach of the notices published in the period (none read when none was published). */
async function reachIn(db: Database, docs: PlaceDocs, period: Period): Promise<{ byGrid: Map<Id, NoticeReachFigures>; truncated: boolean }> {
  const _ = db.command;
  const grids = docs.grids.map((g) => ({ id: g._id, villageId: g.villageId, streetId: g.streetId }));
  const notices = await fetchAll<NoticeDoc>(
    db
      .collection(COLLECTIONS.notices)
      .where({ streetId: docs.streetId, publishedAt: _.gte(period.start).and(_.lt(period.end)) })
      .orderBy('publishedAt', 'asc')
      .limit(REPORT_MAX_NOTICES + 1),
  );
  const weighed = notices.slice(0, REPORT_MAX_NOTICES).map((n) => ({ id: n._id, streetId: n.streetId, scope: n.scope }));
  if (weighed.length === 0 || grids.length === 0) return { byGrid: noticeReachByGrid(grids, [], [], [], [], NO_PENDING_CLAIMS), truncated: false };
  const gridIds = grids.map((g) => g.id);
  const ofNotices = { noticeId: _.in(weighed.map((n) => n.id)), gridId: _.in(gridIds) };
  const [households, receipts, marks, pending] = await Promise.all([
    fetchPagedById<HouseholdDoc>(db, COLLECTIONS.households, { gridId: _.in(gridIds) }, REPORT_MAX_DOCS),
    fetchPagedById<ReceiptDoc>(db, COLLECTIONS.noticeReceipts, ofNotices, REPORT_MAX_DOCS),
    fetchPagedById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, ofNotices, REPORT_MAX_DOCS),
    // Only the pending members (待核实): their reads do not reach a household, as in getNoticeReach.
    fetchPagedById<Membership & { _id: Id }>(db, COLLECTIONS.memberships, { gridId: _.in(gridIds), verification: 'pending' }, REPORT_MAX_DOCS),
  ]);
  const byGrid = noticeReachByGrid(
    grids,
    weighed,
    households.docs.map((h) => ({ id: h._id, gridId: h.gridId, careNeeds: h.careNeeds ?? [] })),
    receipts.docs.filter((r): r is ReceiptDoc & { householdId: Id } => r.householdId !== undefined),
    marks.docs,
    pendingClaims(pending.docs),
  );
  return {
    byGrid,
    truncated: notices.length > REPORT_MAX_NOTICES || households.truncated || receipts.truncated || marks.truncated || pending.truncated,
  };
}

/** Everything a report of the place and period needs, read once for every grouping asked. */
export interface LoadedReport {
  place: ReportPlace;
  period: Period;
  docs: PlaceDocs;
  /** The report for each grouping asked, rows by name. */
  views: Partial<Record<ReportGrouping, ReportView>>;
}

function placeName(place: ReportPlace, docs: PlaceDocs): string {
  if (place.kind === 'street') return docs.streetName;
  if (place.kind === 'village') return docs.villages[0]?.name ?? '';
  return docs.grids.map((g) => g.name).join(NAME_SEPARATOR);
}

/** Loads the place's requests, follow-ups, names, staff and reach, and builds the report for each grouping. */
export async function loadReport(
  ctx: CallContext,
  input: Pick<FunctionInputs['getReport'], 'gridId' | 'villageId' | 'period'>,
  groupings: readonly ReportGrouping[],
): Promise<Result<LoadedReport>> {
  const period = reportPeriodFromInput(input.period);
  if (!period.ok) return period;
  const actor = await loadActor(ctx.db, ctx.openid, ctx.adminOpenids);
  const place = await resolvePlace(ctx.db, actor, input);
  if (!place.ok) return place;
  const { db } = ctx;
  const docs = await placeDocs(db, place.value);
  const wantsReach = groupings.some((g) => g === 'grid' || g === 'village');
  const [{ requests, truncated }, { followUps, truncated: followUpsTruncated }, policyOf, reach] = await Promise.all([
    requestsIn(db, place.value, docs, period.value),
    followUpsIn(db, place.value, docs, period.value),
    loadVillagePolicies(
      db,
      docs.villages.map((v) => v._id),
    ) as Promise<PolicyOf>,
    wantsReach ? reachIn(db, docs, period.value) : Promise.resolve(null),
  ]);
  const [leaders, streetName] = await Promise.all([
    groupings.includes('leader') ? leaderLabels(db, place.value, docs, requests) : Promise.resolve(new Map<Id, LeaderLabel>()),
    // A street row of a village's or grid's report is named too.
    groupings.includes('street') && docs.streetName === '' && docs.streetId !== ''
      ? fetchById<{ name: string }>(db, COLLECTIONS.streets, docs.streetId).then((street) => street?.name ?? '')
      : Promise.resolve(docs.streetName),
  ]);
  const names = {
    grids: new Map(docs.grids.map((g) => [g._id, g.name])),
    villages: new Map(docs.villages.map((v) => [v._id, v.name])),
    streets: new Map([[docs.streetId, streetName]]),
    leaders,
  };
  const gridReach = reach?.byGrid ?? new Map<Id, NoticeReachFigures>();
  const villageReach = new Map(
    docs.villages.map((v) => [v._id, sumNoticeReach(docs.grids.filter((g) => g.villageId === v._id).map((g) => gridReach.get(g._id) ?? sumNoticeReach([])))]),
  );
  const overallReach = reach === null ? undefined : sumNoticeReach([...gridReach.values()]);
  const views: Partial<Record<ReportGrouping, ReportView>> = {};
  for (const by of groupings) {
    const report = buildReport(requests, by, period.value, ctx.now, { followUps, policyOf });
    views[by] = {
      by,
      period: report.period,
      asOf: report.asOf,
      groups: labelRows(report, names, by === 'village' ? villageReach : gridReach),
      overall: { ...report.overall, ...(overallReach !== undefined ? { noticeReach: overallReach } : {}) },
      place: place.value,
      placeName: placeName(place.value, docs),
      truncated: truncated || followUpsTruncated || (reach?.truncated ?? false),
    };
  }
  return ok({ place: place.value, period: period.value, docs, views });
}

export async function getReport(input: FunctionInputs['getReport'], ctx: CallContext): Promise<Result<ReportView>> {
  const loaded = await loadReport(ctx, input, [input.groupBy]);
  if (!loaded.ok) return loaded;
  const view = loaded.value.views[input.groupBy];
  return view === undefined ? fail('INTERNAL') : ok(view);
}
