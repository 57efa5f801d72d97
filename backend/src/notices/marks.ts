// markNoticeRead (a resident opened a notice of their grid) and markHouseholdReached (a grid leader, or a
// committee member of the village, told a household in person or by phone, so households without
// smartphones count as reached). Committee members visit households too; duty officers and street
// admins do not record reach.
// Both are idempotent inserts with deterministic ids: a repeat changes nothing.
// A notice opened from a card in a WeChat group carries the group's cloudID: when that group is the
// reader's grid's bound group, the receipt records the `group` channel (reach counts what the group
// carries). Another group, or a cloudID WeChat cannot open, records a plain read: the read is what counts.
//
// Round trips — markNoticeRead: loadActor 2 + notice and grid 2 (∥ the group's open data, when sent) + 1 insert = 5.
// markHouseholdReached: loadActor 2 + notice and household 2 in parallel + 1 insert (+1 read on a repeat).
import { gridsServed, villagesManaged, type GridPlace, type VillagePlace } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Id } from '../../../core/src/model';
import { noticeReachesGrid } from '../../../core/src/reach';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { ReachedResult, ReadResult } from '../../../core/src/schemas/notices';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchById, insertOnce } from '../db';
import type { CallContext } from '../handler';
import { openGroupId } from '../membership/groups';
import { fetchGrid, gridPlace } from '../organisation/repo';
import { reachMarkId, receiptId, type HouseholdDoc, type ReachMarkDoc, type ReceiptDoc } from './docs';
import { fetchNotice } from './repo';

export async function markNoticeRead(input: FunctionInputs['markNoticeRead'], ctx: CallContext): Promise<Result<ReadResult>> {
  const { db } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const membership = actor.membership;
  if (membership === null) return fail('AUTH.FORBIDDEN', '请先加入您所在的网格');
  const [noticeDoc, grid, openGId] = await Promise.all([
    fetchNotice(db, input.noticeId),
    fetchGrid(db, membership.gridId),
    input.groupCloudId === undefined ? Promise.resolve(null) : groupOf(ctx, input.groupCloudId),
  ]);
  if (noticeDoc === null) return fail('NOTICE.NOT_FOUND');
  if (grid === null || !noticeReachesGrid(noticeDoc, gridPlace(grid))) {
    return fail('AUTH.FORBIDDEN', '这条通知不是发给您所在网格的');
  }
  // Only the reader's own grid's group counts: a card forwarded into another group is a plain read.
  const fromBoundGroup = openGId !== null && grid.openGId !== undefined && grid.openGId === openGId;
  const receipt: ReceiptDoc = {
    _id: receiptId(noticeDoc._id, actor.userId),
    noticeId: noticeDoc._id,
    userId: actor.userId,
    gridId: grid._id,
    ...(membership.householdId !== undefined ? { householdId: membership.householdId } : {}),
    readAt: ctx.now,
    ...(fromBoundGroup ? { channel: 'group' as const } : {}),
  };
  const firstRead = await insertOnce(db, COLLECTIONS.noticeReceipts, receipt);
  return ok({ noticeId: noticeDoc._id, firstRead, ...(firstRead && fromBoundGroup ? { channel: 'group' as const } : {}) });
}

/** The group's openGId, or null when WeChat cannot open the cloudID or the open-data call fails: the read stands without it. */
async function groupOf(ctx: CallContext, groupCloudId: string): Promise<string | null> {
  try {
    const group = await openGroupId(ctx.cloud, groupCloudId);
    return group.ok ? group.value : null;
  } catch (err) {
    console.error('[markNoticeRead] group not read', err instanceof Error ? err.message : err);
    return null;
  }
}

/** The household's grid as the committee of its village sees it, or undefined when the caller is not on that committee. */
function committeeGridPlace(villages: Map<Id, VillagePlace>, household: Pick<HouseholdDoc, 'gridId' | 'villageId'>): GridPlace | undefined {
  const village = villages.get(household.villageId);
  return village === undefined ? undefined : { ...village, gridId: household.gridId };
}

export async function markHouseholdReached(input: FunctionInputs['markHouseholdReached'], ctx: CallContext): Promise<Result<ReachedResult>> {
  const { db } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const grids = gridsServed(actor.roles);
  const villages = villagesManaged(actor.roles);
  if (grids.size === 0 && villages.size === 0) return fail('AUTH.FORBIDDEN', '只有网格长、党小组长、楼栋长、网格员或村（社区）两委可以登记');
  const [noticeDoc, household] = await Promise.all([fetchNotice(db, input.noticeId), fetchById<HouseholdDoc>(db, COLLECTIONS.households, input.householdId)]);
  if (noticeDoc === null) return fail('NOTICE.NOT_FOUND');
  if (household === null) return fail('INPUT.INVALID', '找不到这一户');
  const grid = grids.get(household.gridId) ?? committeeGridPlace(villages, household);
  if (!grid) return fail('AUTH.FORBIDDEN', '只能登记本网格（本村、社区）的住户');
  if (!noticeReachesGrid(noticeDoc, grid)) {
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
  if (await insertOnce(db, COLLECTIONS.reachMarks, mark)) return ok(reachedResult(mark, true));
  const existing = await fetchById<ReachMarkDoc>(db, COLLECTIONS.reachMarks, mark._id);
  return ok(reachedResult(existing ?? mark, false));
}

function reachedResult(mark: ReachMarkDoc, firstMark: boolean): ReachedResult {
  return { noticeId: mark.noticeId, householdId: mark.householdId, channel: mark.channel, markedBy: mark.markedBy, markedAt: mark.markedAt, firstMark };
}
