// getGridRoster (网格花名册): one page of a grid's households with who lives in each (member user ids
// and when they joined), their care needs, phone (一户一档) and whether anyone uses a smartphone, and
// for the latest notice that covers the grid (or the one asked for) whether each household read it,
// was told in person or by phone, or is still unreached. Households come in the register's order
// (building, unit, room, naturally: core/src/addressOrder.ts), and `totals` count the whole grid,
// every household registered or joined (不落一户), not the page. Only the grid's staff (三长, grid
// worker), its village committee and street admins may read it: it names people and their care needs,
// so each viewer's roster of the grid is recorded once a China day (listPersonalDataAccess).
//
// Why in memory: the order is natural (2栋 before 10栋), which no stored field sorts without a key
// every writer must keep; and the totals need every household, membership, receipt and mark of the
// grid anyway. A grid is a few hundred households, so the whole grid is read in bounded pages of
// 1000 by _id (GRID_HOUSEHOLDS_MAX), sorted, and one page returned; a bigger grid is refused.
//
// Round trips: loadActor 2 (3 for a street admin) ∥ grid 1 ∥ notice 1 (only with noticeId)
// → the grid's households (one per started 1000, ≤ 3) ∥ its memberships (one per started 1000) ∥
//   the grid's role assignments 1 ∥ latest notice 2 (village notices ∥ street-wide; none with noticeId)
// → the notice's receipts ∥ reach marks in the grid, one per started 1000 each, ∥ the day's record of
//   the viewer's roster view (0–1: core/src/accessLog.ts; one per viewer, grid and China day).
// So 3 sequential steps (a few more pages for a big grid); every query uses an index (database/indexes.json).
import { addressParts } from '../../../core/src/membership';
import { mayServeGrid } from '../../../core/src/access';
import { rosterAccess } from '../../../core/src/accessLog';
import { isVerifiedMember, pendingClaims, verifiedReads } from '../../../core/src/claims';
import { fail, ok, type Result } from '../../../core/src/errors';
import { THREE_LEADER_ROLES, type Id, type LeaderRole, type Membership, type RoleAssignment } from '../../../core/src/model';
import { pageByAddress } from '../../../core/src/addressOrder';
import { gridTotals, householdReachState, noticeReachesGrid, type NoticeReachState } from '../../../core/src/reach';
import { PAGE_SIZE_MAX, type FunctionInputs } from '../../../core/src/schemas';
import type { GridRoster, RosterMember } from '../../../core/src/schemas/roster';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchPagedById, MAX_GET_LIMIT, type PagedFetch } from '../db';
import type { CallContext } from '../handler';
import type { HouseholdDoc, ReachMarkDoc, ReceiptDoc } from '../notices/docs';
import { fetchNotice, noticesReaching } from '../notices/repo';
import { fetchGrid, gridPlace } from '../organisation/repo';
import { recordPersonalDataAccess } from '../privacy/accessLog';

/** Households per page when the caller names no limit (a 500-household grid is ten pages). */
const ROSTER_PAGE_SIZE = 50;
/** Households one grid may hold for the roster to read it whole (a grid is a few hundred; an imported sheet is ≤ 2000 rows). */
const GRID_HOUSEHOLDS_MAX = 3 * MAX_GET_LIMIT;
/** Residents joined in one grid, and so read receipts of one notice there: a few per household. */
const GRID_MEMBERS_MAX = 4 * GRID_HOUSEHOLDS_MAX;
/** Role assignments scoped to one grid (三长, grid workers, micro-grid leaders): a few, with room. */
const ROLES_PER_GRID_MAX = 100;
/** The cursor is the last household's _id: the next page starts after it in address order. */
const CURSOR_PATTERN = /^[0-9A-Za-z_-]+$/;

export async function getGridRoster(input: FunctionInputs['getGridRoster'], ctx: CallContext): Promise<Result<GridRoster>> {
  const { db } = ctx;
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
  const [households, members, notice, assignments] = await Promise.all([
    fetchPagedById<HouseholdDoc>(db, COLLECTIONS.households, inGrid, GRID_HOUSEHOLDS_MAX),
    fetchPagedById<Membership & { _id: Id }>(db, COLLECTIONS.memberships, inGrid, GRID_MEMBERS_MAX),
    // The newest notice reaching the grid.
    askedNotice !== null ? Promise.resolve(askedNotice) : noticesReaching(db, { kind: 'grid', ...gridPlace(grid) }, null, 1).then((docs) => docs[0] ?? null),
    fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.gridId': grid._id }).limit(ROLES_PER_GRID_MAX)),
  ]);
  if (households.truncated || members.truncated) return fail('INPUT.INVALID', `本网格超过 ${GRID_HOUSEHOLDS_MAX} 户，请先拆分网格`);
  const leaders = assignments
    .filter((a): a is RoleAssignment & { role: LeaderRole } => (THREE_LEADER_ROLES as readonly string[]).includes(a.role))
    .map((a) => ({ userId: a.userId, role: a.role }))
    .sort((a, b) => THREE_LEADER_ROLES.indexOf(a.role) - THREE_LEADER_ROLES.indexOf(b.role));

  const register = households.docs.map((h) => ({ ...h, id: h._id, careNeeds: h.careNeeds ?? [] }));
  const paged = pageByAddress(register, input.cursor ?? null, limit);
  if (paged === null) return fail('INPUT.INVALID', '花名册已更新，请刷新后再试');

  const ofNotice = notice === null ? null : { noticeId: notice._id, gridId: grid._id };
  const none = <T>(): Promise<PagedFetch<T>> => Promise.resolve({ docs: [], truncated: false });
  const viewed = rosterAccess({ viewerId: ctx.openid, gridId: grid._id, villageId: grid.villageId }, register, ctx.now);
  const [receipts, marks] = await Promise.all([
    ofNotice === null ? none<ReceiptDoc>() : fetchPagedById<ReceiptDoc>(db, COLLECTIONS.noticeReceipts, ofNotice, GRID_MEMBERS_MAX),
    ofNotice === null ? none<ReachMarkDoc>() : fetchPagedById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, ofNotice, GRID_HOUSEHOLDS_MAX),
    // The phones and care needs listed are recorded (个人信息访问记录) alongside, costing no step of its own.
    recordPersonalDataAccess(db, viewed),
  ]);
  if (receipts.truncated || marks.truncated) return fail('INPUT.INVALID', `本网格超过 ${GRID_HOUSEHOLDS_MAX} 户，请先拆分网格`);

  const membersOf = new Map<Id, RosterMember[]>();
  const joined = new Set<Id>();
  for (const m of members.docs) {
    if (m.householdId === undefined) continue;
    const list = membersOf.get(m.householdId) ?? [];
    const verified = isVerifiedMember(m);
    list.push({ userId: m.userId ?? m._id, joinedAt: m.joinedAt, ...(verified ? {} : { claimPending: true as const }) });
    membersOf.set(m.householdId, list);
    // A pending claim is not yet a household joined: a stranger may have named the door.
    if (verified) joined.add(m.householdId);
  }
  const pending = pendingClaims(members.docs.map((m) => ({ ...m, userId: m.userId ?? m._id })));
  const read = new Set(verifiedReads(receipts.docs, pending).flatMap((r) => (r.householdId === undefined ? [] : [r.householdId])));
  const told = new Set(marks.docs.map((m) => m.householdId));
  const stateOf = (id: Id): NoticeReachState | null => (notice === null ? null : householdReachState(read.has(id), told.has(id)));

  return ok({
    grid: { id: grid._id, name: grid.name, villageId: grid.villageId },
    leaders,
    notice: notice === null ? null : { id: notice._id, title: notice.title, publishedAt: notice.publishedAt, urgent: notice.urgent },
    totalHouseholds: register.length,
    totals: gridTotals(register, joined, notice === null ? null : { read, told }),
    households: paged.page.map((h) => ({
      householdId: h._id,
      ...addressParts(h),
      careNeeds: h.careNeeds,
      noSmartphone: h.noSmartphone === true,
      ...(h.phone !== undefined ? { phone: h.phone } : {}),
      members: (membersOf.get(h._id) ?? []).sort((a, b) => a.joinedAt - b.joinedAt),
      noticeState: stateOf(h._id),
      ...(pending.households.has(h._id) ? { claimPending: true as const } : {}),
    })),
    nextCursor: paged.next,
  });
}
