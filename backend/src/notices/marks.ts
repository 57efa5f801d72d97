// markNoticeRead (a resident opened a notice of their grid) and markHouseholdReached (a grid leader, or a
// committee member of the village, told a household in person or by phone, so households without
// smartphones count as reached). Committee members visit households too; duty officers and street
// admins do not record reach.
// Both are idempotent inserts with deterministic ids: a repeat changes nothing.
//
// Round trips — markNoticeRead: loadActor 2 + notice and grid 2 in parallel + 1 insert = 5.
// markHouseholdReached: loadActor 2 + notice and household 2 in parallel + 1 insert (+1 read on a repeat).
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Id, Notice, ReachChannel } from '../../../core/src/model';
import { gridsInScope } from '../../../core/src/reach';
import type { FunctionInputs } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchById, insertOnce } from '../db';
import type { CallContext } from '../handler';
import { gridsServed, villagesManaged, type GridPlace, type VillagePlace } from '../../../core/src/access';
import { noticeFromDoc, reachMarkId, receiptId, type GridDoc, type HouseholdDoc, type NoticeDoc, type ReachMarkDoc, type ReceiptDoc } from './docs';

/** True when the notice reaches the grid. */
function noticeReaches(notice: Pick<Notice, 'scope' | 'streetId'>, grid: { id: Id; villageId: Id; streetId: Id }): boolean {
  return notice.streetId === grid.streetId && gridsInScope(notice.scope, [grid]).length > 0;
}

export interface ReadResult {
  noticeId: Id;
  /** False when the caller had already read it (nothing written). */
  firstRead: boolean;
}

export async function markNoticeRead(input: FunctionInputs['markNoticeRead'], ctx: CallContext): Promise<Result<ReadResult>> {
  const { db } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const membership = actor.membership;
  if (membership === null) return fail('AUTH.FORBIDDEN', '请先加入您所在的网格');
  const [noticeDoc, grid] = await Promise.all([
    fetchById<NoticeDoc>(db, COLLECTIONS.notices, input.noticeId),
    fetchById<GridDoc>(db, COLLECTIONS.grids, membership.gridId),
  ]);
  if (noticeDoc === null) return fail('NOTICE.NOT_FOUND');
  if (grid === null || !noticeReaches(noticeFromDoc(noticeDoc), { id: grid._id, villageId: grid.villageId, streetId: grid.streetId })) {
    return fail('AUTH.FORBIDDEN', '这条通知不是发给您所在网格的');
  }
  const receipt: ReceiptDoc = {
    _id: receiptId(noticeDoc._id, actor.userId),
    noticeId: noticeDoc._id,
    userId: actor.userId,
    gridId: grid._id,
    ...(membership.householdId !== undefined ? { householdId: membership.householdId } : {}),
    readAt: ctx.now,
  };
  const firstRead = await insertOnce(db, COLLECTIONS.noticeReceipts, receipt);
  return ok({ noticeId: noticeDoc._id, firstRead });
}

/** The household's grid as the committee of its village sees it, or undefined when the caller is not on that committee. */
function committeeGridPlace(villages: Map<Id, VillagePlace>, household: Pick<HouseholdDoc, 'gridId' | 'villageId'>): GridPlace | undefined {
  const village = villages.get(household.villageId);
  return village === undefined ? undefined : { ...village, gridId: household.gridId };
}

export interface ReachedResult {
  noticeId: Id;
  householdId: Id;
  channel: ReachChannel;
  markedBy: Id;
  markedAt: number;
  /** False when the household was already marked (the first mark is kept). */
  firstMark: boolean;
}

export async function markHouseholdReached(input: FunctionInputs['markHouseholdReached'], ctx: CallContext): Promise<Result<ReachedResult>> {
  const { db } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const grids = gridsServed(actor.roles);
  const villages = villagesManaged(actor.roles);
  if (grids.size === 0 && villages.size === 0) return fail('AUTH.FORBIDDEN', '只有网格长、党小组长、楼栋长、网格员或村（社区）两委可以登记');
  const [noticeDoc, household] = await Promise.all([
    fetchById<NoticeDoc>(db, COLLECTIONS.notices, input.noticeId),
    fetchById<HouseholdDoc>(db, COLLECTIONS.households, input.householdId),
  ]);
  if (noticeDoc === null) return fail('NOTICE.NOT_FOUND');
  if (household === null) return fail('INPUT.INVALID', '找不到这一户');
  const grid = grids.get(household.gridId) ?? committeeGridPlace(villages, household);
  if (!grid) return fail('AUTH.FORBIDDEN', '只能登记本网格（本村、社区）的住户');
  if (!noticeReaches(noticeFromDoc(noticeDoc), { id: grid.gridId, villageId: grid.villageId, streetId: grid.streetId })) {
    return fail('AUTH.FORBIDDEN', '这条通知不是发给这一户所在网格的');
  }
  const mark: ReachMarkDoc = {
    _id: reachMarkId(noticeDoc._id, household._id),
    noticeId: noticeDoc._id,
    householdId: household._id,
    gridId: household.gridId,
    channel: input.channel,
    markedBy: actor.userId,
    markedAt: ctx.now,
    ...(input.note !== undefined ? { note: input.note } : {}),
  };
  if (await insertOnce(db, COLLECTIONS.reachMarks, mark)) {
    return ok({ noticeId: mark.noticeId, householdId: mark.householdId, channel: mark.channel, markedBy: mark.markedBy, markedAt: mark.markedAt, firstMark: true });
  }
  const existing = await fetchById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, mark._id);
  const kept = existing ?? mark;
  return ok({ noticeId: kept.noticeId, householdId: kept.householdId, channel: kept.channel, markedBy: kept.markedBy, markedAt: kept.markedAt, firstMark: false });
}
