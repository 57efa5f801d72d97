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
import { fail, ok, type Result } from '../../../core/src/errors';
import { THREE_LEADER_ROLES, type CareNeed, type EpochMs, type Id, type LeaderRole, type Membership, type RoleAssignment } from '../../../core/src/model';
import { PAGE_SIZE_MAX, type FunctionInputs } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { countOf, fetchAll, fetchById, fetchPagedById, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { mayServeGrid } from '../../../core/src/access';
import { gridPlace } from '../organisation/repo';
import type { GridDoc, HouseholdDoc, NoticeDoc, ReachMarkDoc, ReceiptDoc } from '../notices/docs';

/** Households per page when the caller names no limit (a 500-household grid is ten pages). */
const ROSTER_PAGE_SIZE = 50;
/** Members, receipts or marks read for one page of households (50 households × a few people each). */
const ROSTER_RELATED_MAX = MAX_GET_LIMIT;
/** Role assignments scoped to one grid (三长, grid workers, micro-grid leaders): a few, with room. */
const ROLES_PER_GRID_MAX = 100;
/** The household cursor is the last household's _id. */
const CURSOR_PATTERN = /^[0-9A-Za-z_-]+$/;

const NOTICE_REACH_STATES = ['read', 'toldInPerson', 'unreached'] as const;
export type NoticeReachState = (typeof NOTICE_REACH_STATES)[number];

interface RosterMember {
  userId: Id;
  joinedAt: EpochMs;
}

export interface RosterHousehold {
  householdId: Id;
  building?: string;
  unit?: string;
  room?: string;
  careNeeds: CareNeed[];
  noSmartphone: boolean;
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
export interface RosterLeader {
  userId: Id;
  role: LeaderRole;
}

export interface GridRoster {
  grid: { id: Id; name: string; villageId: Id };
  /** The grid's 三长 (grid leader, party-group leader, building leader), in that order. */
  leaders: RosterLeader[];
  /** The notice the states refer to; null when none covers the grid yet. */
  notice: RosterNotice | null;
  /** All households of the grid (every page). */
  totalHouseholds: number;
  households: RosterHousehold[];
  /** Pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

/** Whether a notice's scope reaches the grid (the same rule listNotices uses). */
function noticeCoversGrid(notice: NoticeDoc, grid: GridDoc): boolean {
  if (notice.streetId !== grid.streetId) return false;
  const scope = notice.scope;
  if (scope.kind === 'street') return true;
  if (scope.villageId !== grid.villageId) return false;
  return scope.kind === 'village' || scope.gridIds.includes(grid._id);
}

/** The newest notice covering the grid: its village's notices for it, or a street-wide one. */
async function latestNoticeFor(db: Database, grid: GridDoc): Promise<NoticeDoc | null> {
  const _ = db.command;
  const newest = (where: object): Promise<NoticeDoc[]> =>
    fetchAll<NoticeDoc>(db.collection(COLLECTIONS.notices).where(where).orderBy('publishedAt', 'desc').orderBy('_id', 'desc').limit(1));
  const [ofVillage, streetWide] = await Promise.all([
    newest(_.and([{ 'scope.villageId': grid.villageId }, _.or([{ 'scope.kind': 'village' }, { 'scope.gridIds': grid._id }])] as never[])),
    newest({ streetId: grid.streetId, 'scope.kind': 'street' }),
  ]);
  const candidates = [...ofVillage, ...streetWide].sort((a, b) => b.publishedAt - a.publishedAt || (a._id < b._id ? 1 : -1));
  return candidates[0] ?? null;
}

export async function getGridRoster(input: FunctionInputs['getGridRoster'], ctx: CallContext): Promise<Result<GridRoster>> {
  const { db } = ctx;
  const _ = db.command;
  if (input.cursor !== undefined && !CURSOR_PATTERN.test(input.cursor)) return fail('INPUT.INVALID', '翻页参数无效，请刷新后再试');
  const [actor, grid, askedNotice] = await Promise.all([
    loadActor(db, ctx.openid, ctx.adminOpenids),
    fetchById<GridDoc>(db, COLLECTIONS.grids, input.gridId),
    input.noticeId === undefined ? Promise.resolve(null) : fetchById<NoticeDoc>(db, COLLECTIONS.notices, input.noticeId),
  ]);
  // A missing grid and a grid the caller may not see answer alike, so nothing leaks about other grids.
  if (grid === null || !mayServeGrid(actor.roles, gridPlace(grid))) {
    return fail('AUTH.FORBIDDEN', '只能查看本网格（本村、社区）的花名册');
  }
  if (input.noticeId !== undefined && (askedNotice === null || !noticeCoversGrid(askedNotice, grid))) return fail('NOTICE.NOT_FOUND');

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
    askedNotice !== null ? Promise.resolve(askedNotice) : latestNoticeFor(db, grid),
    fetchAll<RoleAssignment>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.gridId': grid._id }).limit(ROLES_PER_GRID_MAX)),
  ]);
  const leaders = assignments
    .filter((a): a is RoleAssignment & { role: LeaderRole } => (THREE_LEADER_ROLES as readonly string[]).includes(a.role))
    .map((a) => ({ userId: a.userId, role: a.role }))
    .sort((a, b) => THREE_LEADER_ROLES.indexOf(a.role) - THREE_LEADER_ROLES.indexOf(b.role));
  const households = page.slice(0, limit);
  const ids = households.map((h) => h._id);

  const none = Promise.resolve({ docs: [], truncated: false });
  const [members, receipts, marks] = await Promise.all([
    ids.length === 0 ? none : fetchPagedById<Membership & { _id: Id }>(db, COLLECTIONS.memberships, { householdId: _.in(ids) }, ROSTER_RELATED_MAX),
    ids.length === 0 || notice === null
      ? none
      : fetchPagedById<ReceiptDoc>(db, COLLECTIONS.noticeReceipts, { noticeId: notice._id, householdId: _.in(ids) }, ROSTER_RELATED_MAX),
    ids.length === 0 || notice === null
      ? none
      : fetchPagedById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, { noticeId: notice._id, householdId: _.in(ids) }, ROSTER_RELATED_MAX),
  ]);

  const membersOf = new Map<Id, RosterMember[]>();
  for (const m of members.docs as Array<Membership & { _id: Id }>) {
    // A membership names its household; one in another grid (a stale move) is not this grid's.
    if (m.householdId === undefined || m.gridId !== grid._id) continue;
    const list = membersOf.get(m.householdId) ?? [];
    list.push({ userId: m.userId ?? m._id, joinedAt: m.joinedAt });
    membersOf.set(m.householdId, list);
  }
  const read = new Set((receipts.docs as ReceiptDoc[]).map((r) => r.householdId));
  const told = new Set((marks.docs as ReachMarkDoc[]).map((m) => m.householdId));
  const stateOf = (id: Id): NoticeReachState | null => {
    if (notice === null) return null;
    // Read wins over a mark, as in computeNoticeReach.
    if (read.has(id)) return 'read';
    return told.has(id) ? 'toldInPerson' : 'unreached';
  };

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
