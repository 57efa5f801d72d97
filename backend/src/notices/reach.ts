// getNoticeReach (不落一户): per grid of the notice's scope that the caller may see, how many
// households read it, how many a leader told in person or by phone, and which are still unreached
// (care needs first, then households without a smartphone, then by building/unit/room, with the
// register's phone, so a leader can call or knock). Every household of the grid counts, whether the
// register added it or a resident joined (不落一户). The core's computeNoticeReach does the counting. Grid staff see their grids' rows, the committee its
// village's, street admins all.
//
// Round trips: loadActor 2 (3 for a street admin) with the notice 1 in parallel + the scope's grids
// 1 (grids or village scope) / 2 (street: villages, then their grids) + households, receipts and
// marks and delivery batches in parallel, each one per started page of 1000 (one page each for a grid of ≤ 1000
// households; a village's batches are a few dozen). The delivery figures (sent, noAuthorisation, refused, failed, pending) are counted from
// the residents' deliveries, with who is pending or failed; `readInGroup` says how many reads came
// through the grid's WeChat group.
import { addressParts } from '../../../core/src/membership';
import { mayServeGrid, type VillagePlace } from '../../../core/src/access';
import { deliveriesByGrid, deliveryFigures, residentDeliveries } from '../../../core/src/delivery';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Id, Membership } from '../../../core/src/model';
import { pendingClaims, verifiedReads } from '../../../core/src/claims';
import { computeNoticeReach, noticeReachesGrid } from '../../../core/src/reach';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { GridReachRow, NoticeReachView, ReachShare } from '../../../core/src/schemas/notices';
import { loadActor, type Actor } from '../actor';
import { COLLECTIONS } from '../collections';
import type { Database } from '../cloud';
import { countOf, fetchAll, fetchPagedById, fromStored, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { gridPlace, type GridDoc } from '../organisation/repo';
import type { DeliveryBatchDoc, HouseholdDoc, NoticeDoc, ReachMarkDoc, ReceiptDoc } from './docs';
import { fetchNotice, scopeGridDocs } from './repo';

/** Most grids one call covers (a village has about 15); a wider view asks grid by grid. */
const REACH_MAX_GRIDS = 60;
/** Households, receipts, marks or deliveries one call reads at most (60 grids × 500 households, with room). */
const REACH_MAX_DOCS = 40_000;
/** Every grid of a street: one page of villages, each with at most a page of grids. */
const STREET_GRIDS_MAX = MAX_GET_LIMIT * MAX_GET_LIMIT;

export async function getNoticeReach(input: FunctionInputs['getNoticeReach'], ctx: CallContext): Promise<Result<NoticeReachView>> {
  const { db } = ctx;
  const _ = db.command;
  const [actor, notice] = await Promise.all([loadActor(db, ctx.openid, ctx.adminOpenids), fetchNotice(db, input.noticeId)]);
  if (notice === null) return fail('NOTICE.NOT_FOUND');
  if (!couldSeeAny(actor)) return fail('AUTH.FORBIDDEN');
  const inScope = (await scopeGridDocs(db, notice.scope, notice.streetId, STREET_GRIDS_MAX)).filter((g) => noticeReachesGrid(notice, gridPlace(g)));
  let visible = inScope.filter((g) => mayServeGrid(actor.roles, gridPlace(g)));
  if (input.gridId !== undefined) {
    if (!inScope.some((g) => g._id === input.gridId)) return fail('GRID.NOT_FOUND', '这个网格不在通知范围内');
    visible = visible.filter((g) => g._id === input.gridId);
  }
  if (visible.length === 0) return fail('AUTH.FORBIDDEN', '只能查看本网格（本村、社区）的送达情况');
  if (visible.length > REACH_MAX_GRIDS) return fail('INPUT.INVALID', `范围内网格超过 ${REACH_MAX_GRIDS} 个，请选择网格查看`);
  visible.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));

  const gridIds = visible.map((g) => g._id);
  const ofNotice = { noticeId: notice._id, gridId: _.in(gridIds) };
  const [households, receipts, marks, deliveries, members] = await Promise.all([
    fetchPagedById<HouseholdDoc>(db, COLLECTIONS.households, { gridId: _.in(gridIds) }, REACH_MAX_DOCS),
    fetchPagedById<ReceiptDoc>(db, COLLECTIONS.noticeReceipts, ofNotice, REACH_MAX_DOCS),
    fetchPagedById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, ofNotice, REACH_MAX_DOCS),
    // Batches span a village's grids: read the villages' and keep the residents of the grids shown.
    fetchPagedById<DeliveryBatchDoc>(
      db,
      COLLECTIONS.noticeDeliveryBatches,
      { noticeId: notice._id, villageId: _.in([...new Set(visible.map((g) => g.villageId))]) },
      REACH_MAX_DOCS,
    ),
    // Whose claim on a household is pending (待核实): their reads do not reach it.
    fetchPagedById<Membership & { _id: Id }>(db, COLLECTIONS.memberships, { gridId: _.in(gridIds) }, REACH_MAX_DOCS),
  ]);
  if (households.truncated || receipts.truncated || marks.truncated || deliveries.truncated || members.truncated)
    return fail('INPUT.INVALID', '范围太大，请选择网格查看');
  const shown = new Set(gridIds);
  const delivered = deliveries.docs.flatMap((batch) => residentDeliveries(fromStored(batch)).filter((d) => shown.has(d.gridId)));
  const deliveriesOfGrid = new Map(deliveriesByGrid(gridIds, delivered).map((g) => [g.gridId, g]));

  const pending = pendingClaims(members.docs);
  const reach = computeNoticeReach(
    gridIds,
    households.docs.map((h) => ({ ...h, id: h._id, careNeeds: h.careNeeds ?? [] })),
    receipts.docs.filter((r): r is ReceiptDoc & { householdId: Id } => r.householdId !== undefined),
    marks.docs,
    pending,
  );
  const householdById = new Map(households.docs.map((h) => [h._id, h]));
  const gridById = new Map(visible.map((g) => [g._id, g]));
  const door = (householdId: Id | undefined) => {
    const h = householdId === undefined ? undefined : householdById.get(householdId);
    return {
      ...addressParts(h),
    };
  };
  const rows = reach.grids.map((row): GridReachRow => {
    const grid = gridById.get(row.gridId);
    const showCare = grid !== undefined && mayServeGrid(actor.roles, gridPlace(grid));
    const gridDeliveries = deliveriesOfGrid.get(row.gridId);
    return {
      gridId: row.gridId,
      gridName: grid?.name ?? '',
      total: row.total,
      read: row.read,
      readInGroup: row.readInGroup,
      toldInPerson: row.toldInPerson,
      reached: row.reached,
      unreachedWithCareNeeds: row.unreachedWithCareNeeds,
      unreachedClaimPending: row.unreachedClaimPending ?? 0,
      unreached: row.unreached.map((id) => {
        const h = householdById.get(id);
        return {
          householdId: id,
          ...door(id),
          ...(h?.noSmartphone ? { noSmartphone: true } : {}),
          ...(showCare ? { careNeeds: h?.careNeeds ?? [] } : {}),
          // The register's phone (一户一档), so 电话告知 is one tap: only for those who see care needs.
          ...(showCare && h?.phone !== undefined ? { phone: h.phone } : {}),
          ...(pending.households.has(id) ? { claimPending: true as const } : {}),
        };
      }),
      ...(gridDeliveries !== undefined
        ? {
            deliveries: gridDeliveries.figures,
            // Only staff who may see the grid's households see whose message is owed or failed.
            undelivered: showCare ? gridDeliveries.undelivered.map(({ userId: _user, ...d }) => ({ ...d, ...door(d.householdId) })) : [],
          }
        : {}),
    };
  });
  return ok({
    noticeId: notice._id,
    title: notice.title,
    publishedAt: notice.publishedAt,
    grids: rows,
    totals: reach.totals,
    deliveries: deliveryFigures(delivered),
  });
}

/** Only staff (grid roles, committee, street admins) see reach; residents and duty officers do not. */
function couldSeeAny(actor: Actor): boolean {
  return actor.roles.some((r) => r.role !== 'resident' && r.role !== 'dutyOfficer');
}

/** Receipts or marks of one notice one share reads at most (a village of 15 grids × 500 households, a few readers each). */
const SHARE_MAX_DOCS = 20_000;
/** Pending claims (待核实) in one village at a time: a few newcomers a grid, with room. */
const SHARE_MAX_PENDING = 2_000;

/**
 * For the committee's list: each notice's reach share in one village, reached households (a member
 * read it, or a leader told them) over every household of the village's grids it covers, registered
 * or joined; a pending member's read (待核实) does not count. Null for a notice too large to count here
 * (getNoticeReach, grid by grid, still answers).
 * Round trips: the village's grids 1 → households counted per grid ∥ the pending memberships ∥ per
 * notice its receipts ∥ marks, all in parallel (one per started page of 1000 each).
 */
export async function villageReachShares(db: Database, village: VillagePlace, notices: readonly NoticeDoc[]): Promise<Map<Id, ReachShare | null>> {
  const _ = db.command;
  const grids = (await fetchAll<GridDoc>(db.collection(COLLECTIONS.grids).where({ villageId: village.villageId }).limit(MAX_GET_LIMIT))).filter(
    (g) => g.streetId === village.streetId,
  );
  const gridIds = grids.map((g) => g._id);
  const [counts, pending, shares] = await Promise.all([
    Promise.all(grids.map((g) => countOf(db.collection(COLLECTIONS.households).where({ gridId: g._id })))),
    // Only the pending members: their reads do not reach a household (待核实); everyone else's do.
    gridIds.length === 0
      ? Promise.resolve({ docs: [], truncated: false })
      : fetchPagedById<Membership & { _id: Id }>(db, COLLECTIONS.memberships, { gridId: _.in(gridIds), verification: 'pending' }, SHARE_MAX_PENDING),
    Promise.all(
      notices.map(async (notice) => {
        const covered = grids.filter((g) => noticeReachesGrid(notice, gridPlace(g))).map((g) => g._id);
        if (covered.length === 0) return { covered, receipts: [] as ReceiptDoc[], marks: [] as ReachMarkDoc[], complete: true };
        const ofNotice = { noticeId: notice._id, gridId: _.in(covered) };
        const [receipts, marks] = await Promise.all([
          fetchPagedById<ReceiptDoc>(db, COLLECTIONS.noticeReceipts, ofNotice, SHARE_MAX_DOCS),
          fetchPagedById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, ofNotice, SHARE_MAX_DOCS),
        ]);
        return { covered, receipts: receipts.docs, marks: marks.docs, complete: !receipts.truncated && !marks.truncated };
      }),
    ),
  ]);
  const claims = pendingClaims(pending.docs);
  const householdsOf = new Map(grids.map((g, i) => [g._id, counts[i] ?? 0]));
  return new Map(
    notices.map((notice, i) => {
      const share = shares[i];
      if (share === undefined || !share.complete || pending.truncated) return [notice._id, null];
      const reachedIds = new Set<Id>([
        ...verifiedReads(share.receipts, claims).flatMap((r) => (r.householdId === undefined ? [] : [r.householdId])),
        ...share.marks.map((m) => m.householdId),
      ]);
      const total = share.covered.reduce((sum, gridId) => sum + (householdsOf.get(gridId) ?? 0), 0);
      // A household read and told counts once; one that moved away since is not counted over the total.
      return [notice._id, { reached: Math.min(reachedIds.size, total), total }];
    }),
  );
}
