// getGridRoster (网格花名册): one page of a grid's households with who lives in each (member user ids
// and when they joined), their care needs and whether anyone uses a smartphone, and for the latest
// notice that covers the grid (or the one asked for) whether each household read it, was told in
// person, or is still unreached. Only the grid's staff (三长, grid worker), its village committee and
// street admins may read it: it names people and their care needs.
//
// Round trips: loadActor 2 (3 for a street admin) ∥ grid 1 ∥ notice 1 (only with noticeId)
// → households page 1 ∥ household count 1 ∥ the grid's role assignments 1 ∥ latest notice 2 (village
//   notices ∥ street-wide; none with noticeId)
// → memberships ∥ receipts ∥ reach marks, 1 each in parallel (one page of ≤ 1000 for a page of households).
// So 3 sequential steps, 7 or 8 reads in parallel at most; every query uses an index (see database/indexes.json).
import { mayServeGrid } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import { THREE_LEADER_ROLES, type Id, type LeaderRole, type Membership, type RoleAssignment } from '../../../core/src/model';
import { householdReachState, noticeReachesGrid, type NoticeReachState } from '../../../core/src/reach';
import { PAGE_SIZE_MAX, type FunctionInputs } from '../../../core/src/schemas';
import type { GridRoster, RosterMember } from '../../../core/src/schemas/roster';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { countOf, fetchAll, fetchPagedById, MAX_GET_LIMIT, type PagedFetch } from '../db';
import type { CallContext } from '../handler';
import type { HouseholdDoc, ReachMarkDoc, ReceiptDoc } from '../notices/docs';
import { fetchNotice, noticesReaching } from '../notices/repo';
import { fetchGrid, gridPlace } from '../organisation/repo';

/** Households per page when the caller names no limit (a 500-household grid is ten pages). */
const ROSTER_PAGE_SIZE = 50;
/** Members, receipts or marks read for one page of households (50 households × a few people each). */
const ROSTER_RELATED_MAX = MAX_GET_LIMIT;
/** Role assignments scoped to one grid (三长, grid workers, micro-grid leaders): a few, with room. */
const ROLES_PER_GRID_MAX = 100;
/** The household cursor is the last household's _id. */
const CURSOR_PATTERN = /^[0-9A-Za-z_-]+$/;

export async function getGridRoster(input: FunctionInputs['getGridRoster'], ctx: CallContext): Promise<Result<GridRoster>> {
  const { db } = ctx;
  const _ = db.command;
  if (input.cursor !== undefined && !CURSOR_PATTERN.test(input.cursor)) return fail('INPUT.INVALID', '翻页参数无效，请刷新后再试');
  const [actor, grid, askedNotice] = await Promise.all([
    loadActor(db, ctx.openid, ctx.adminOpenids),
    fetchGrid(db, input.gridId),
    input.noticeId === undefined ? Promise.resolve(null) : fetchNotice(db, input.noticeId),
  ]);
  // A missing grid and a grid the caller may not see answer alike, so nothing leaks about other grids.
  if (grid === null || !mayServeGrid(actor.roles, gridPlace(grid))) {
    return fail('AUTH.FORBIDDEN', '只能查看本网格（本村、社区）的花名册');
  }
  if (input.noticeId !== undefined && (askedNotice === null || !noticeReachesGrid(askedNotice, gridPlace(grid)))) return fail('NOTICE.NOT_FOUND');

  const limit = Math.min(input.limit ?? ROSTER_PAGE_SIZE, PAGE_SIZE_MAX);
  const inGrid = { gridId: grid._id };
  const [page, totalHouseholds, notice, assignments] = await Promise.all([
    // One more than asked tells whether another page exists.
    fetchAll<HouseholdDoc>(
      db
        .collection(COLLECTIONS.households)
        .where(input.cursor === undefined ? inGrid : { ...inGrid, _id: _.gt(input.cursor) })
        .orderBy('_id', 'asc')
        .limit(limit + 1),
    ),
    countOf(db.collection(COLLECTIONS.households).where(inGrid)),
    // The newest notice reaching the grid.
    askedNotice !== null ? Promise.resolve(askedNotice) : noticesReaching(db, { kind: 'grid', ...gridPlace(grid) }, null, 1).then((docs) => docs[0] ?? null),
    fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.gridId': grid._id }).limit(ROLES_PER_GRID_MAX)),
  ]);
  const leaders = assignments
    .filter((a): a is RoleAssignment & { role: LeaderRole } => (THREE_LEADER_ROLES as readonly string[]).includes(a.role))
    .map((a) => ({ userId: a.userId, role: a.role }))
    .sort((a, b) => THREE_LEADER_ROLES.indexOf(a.role) - THREE_LEADER_ROLES.indexOf(b.role));
  const households = page.slice(0, limit);
  const ids = households.map((h) => h._id);

  const none = <T>(): Promise<PagedFetch<T>> => Promise.resolve({ docs: [], truncated: false });
  const [members, receipts, marks] = await Promise.all([
    ids.length === 0
      ? none<Membership & { _id: Id }>()
      : fetchPagedById<Membership & { _id: Id }>(db, COLLECTIONS.memberships, { householdId: _.in(ids) }, ROSTER_RELATED_MAX),
    ids.length === 0 || notice === null
      ? none<ReceiptDoc>()
      : fetchPagedById<ReceiptDoc>(db, COLLECTIONS.noticeReceipts, { noticeId: notice._id, householdId: _.in(ids) }, ROSTER_RELATED_MAX),
    ids.length === 0 || notice === null
      ? none<ReachMarkDoc>()
      : fetchPagedById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, { noticeId: notice._id, householdId: _.in(ids) }, ROSTER_RELATED_MAX),
  ]);

  const membersOf = new Map<Id, RosterMember[]>();
  for (const m of members.docs) {
    // A membership names its household; one in another grid (a stale move) is not this grid's.
    if (m.householdId === undefined || m.gridId !== grid._id) continue;
    const list = membersOf.get(m.householdId) ?? [];
    list.push({ userId: m.userId ?? m._id, joinedAt: m.joinedAt });
    membersOf.set(m.householdId, list);
  }
  const read = new Set(receipts.docs.map((r) => r.householdId));
  const told = new Set(marks.docs.map((m) => m.householdId));
  const stateOf = (id: Id): NoticeReachState | null => (notice === null ? null : householdReachState(read.has(id), told.has(id)));

  const last = households[households.length - 1];
  return ok({
    grid: { id: grid._id, name: grid.name, villageId: grid.villageId },
    leaders,
    notice: notice === null ? null : { id: notice._id, title: notice.title, publishedAt: notice.publishedAt, urgent: notice.urgent },
    totalHouseholds,
    households: households.map((h) => ({
      householdId: h._id,
      ...(h.building !== undefined ? { building: h.building } : {}),
      ...(h.unit !== undefined ? { unit: h.unit } : {}),
      ...(h.room !== undefined ? { room: h.room } : {}),
      careNeeds: h.careNeeds ?? [],
      noSmartphone: h.noSmartphone === true,
      members: (membersOf.get(h._id) ?? []).sort((a, b) => a.joinedAt - b.joinedAt),
      noticeState: stateOf(h._id),
    })),
    nextCursor: page.length > limit && last !== undefined ? last._id : null,
  });
}
