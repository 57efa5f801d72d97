// getReport (按周上报、考评): report figures for a period — a China-time week (Monday 00:00 to Monday
// 00:00 +08:00) or a date range — grouped by grid, leader, village or street, computed by the core's
// buildReport. A grid leader (any grid staff) reads their grid(s), the committee their village, a
// street admin the street or any village or grid of it.
//
// Requests are read through the gridId+submittedAt / villageId+submittedAt indexes, in pages of
// 1000 ordered by (submittedAt, _id) with a cursor, never unbounded (REPORT_MAX_REQUESTS per place).
// Round trips: loadActor 2 (3 for a street admin) + 0–1 place lookup (a grid or village not named by
// the caller's roles; the street's villages) + per grid or village, in parallel, one per started page.
import { fail, ok, type Result } from '../../../core/src/errors';
import { reportPeriodFromInput } from '../../../core/src/fromInput';
import type { EpochMs, Id, Request } from '../../../core/src/model';
import { buildReport, type Period } from '../../../core/src/reports';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { ReportPlace, ReportView } from '../../../core/src/schemas/reports';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { gridsServed, mayServeGrid, streetAdministered, villagesManaged } from '../../../core/src/access';
import { gridPlace, type GridDoc } from '../organisation/repo';

/** Requests read per grid or village at most; a report that would need more says it is truncated. */
const REPORT_MAX_REQUESTS = 50_000;

type RequestDoc = Omit<Request, 'id'> & { _id: Id };

async function resolvePlace(db: Database, actor: Actor, input: FunctionInputs['getReport']): Promise<Result<ReportPlace>> {
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

async function requestsIn(db: Database, place: ReportPlace, period: Period): Promise<{ requests: Request[]; truncated: boolean }> {
  let parts: Array<{ docs: RequestDoc[]; truncated: boolean }>;
  if (place.kind === 'grids') {
    parts = await Promise.all(place.gridIds.map((id) => requestsOf(db, 'gridId', id, period)));
  } else if (place.kind === 'village') {
    parts = [await requestsOf(db, 'villageId', place.villageId, period)];
  } else {
    const villages = await fetchAll<{ _id: Id }>(db.collection(COLLECTIONS.villages).where({ streetId: place.streetId }).limit(MAX_GET_LIMIT));
    parts = await Promise.all(villages.map((v) => requestsOf(db, 'villageId', v._id, period)));
  }
  const requests = parts.flatMap((p) => p.docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }) as Request));
  return { requests, truncated: parts.some((p) => p.truncated) };
}

export async function getReport(input: FunctionInputs['getReport'], ctx: CallContext): Promise<Result<ReportView>> {
  const period = reportPeriodFromInput(input.period);
  if (!period.ok) return period;
  const actor = await loadActor(ctx.db, ctx.openid, ctx.adminOpenids);
  const place = await resolvePlace(ctx.db, actor, input);
  if (!place.ok) return place;
  const { requests, truncated } = await requestsIn(ctx.db, place.value, period.value);
  return ok({ ...buildReport(requests, input.groupBy, period.value, ctx.now), place: place.value, truncated });
}
