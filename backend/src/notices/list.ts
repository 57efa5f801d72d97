// listNotices: the notices that reach a grid (its village's notices for that grid, and street-wide
// ones), a village, or the whole street, newest first, each with `read` for the caller.
// Residents see their own grid; grid staff their grids; committee and duty officers their village;
// street admins the street. Without gridId/villageId the caller's own place is used.
//
// Round trips: loadActor 2 (3 for a street admin) + 1 place lookup (grid or village) when the
// caller's roles don't already name it + 1–2 notice queries in parallel (village notices by
// scope.villageId+publishedAt, street-wide ones by streetId+scope.kind+publishedAt) + 1 receipts read.
// With `withReach` (the committee's 通知触达 list, a village only): + the village's grids 1, then the
// households counted per grid ∥ each notice's receipts and marks in the village, in parallel
// (villageReachShares in ./reach.ts).
import { gridsServed, mayManageVillage, mayServeGrid, streetAdministered, villagesOverseen } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import { noticeForResident } from '../../../core/src/residentView';
import type { Notice } from '../../../core/src/model';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type FunctionInputs } from '../../../core/src/schemas';
import type { NoticePage } from '../../../core/src/schemas/notices';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll } from '../db';
import type { CallContext } from '../handler';
import { fetchGrid, fetchVillage, gridPlace } from '../organisation/repo';
import { noticeFromDoc, receiptId, type ReceiptDoc } from './docs';
import { villageReachShares } from './reach';
import { noticesReaching, type Audience, type NoticeCursor } from './repo';

// The phone's API type test reads the reply type here (tests/miniprogram/api-types.test.ts).

function encodeCursor(notice: Pick<Notice, 'publishedAt' | 'id'>): string {
  return `${notice.publishedAt}.${notice.id}`;
}

function decodeCursor(text: string | undefined): Result<NoticeCursor | null> {
  if (text === undefined) return ok(null);
  const match = /^(\d+)\.([0-9A-Za-z_-]+)$/.exec(text);
  if (!match) return fail('INPUT.INVALID', '翻页参数无效，请刷新后再试');
  return ok({ publishedAt: Number(match[1]), id: match[2] ?? '' });
}

/** Which place the caller asked for, if they may see it. */
async function resolveAudience(db: Database, actor: Actor, input: FunctionInputs['listNotices']): Promise<Result<Audience | null>> {
  const street = streetAdministered(actor.roles);
  const villages = villagesOverseen(actor.roles);
  const grids = gridsServed(actor.roles);
  if (input.gridId !== undefined) {
    const known = grids.get(input.gridId);
    if (known) return ok({ kind: 'grid', ...known });
    const grid = await fetchGrid(db, input.gridId);
    if (grid === null) return fail('GRID.NOT_FOUND');
    const place = gridPlace(grid);
    const member = actor.membership?.gridId === grid._id;
    if (!member && !villages.has(grid.villageId) && !mayServeGrid(actor.roles, place)) return fail('AUTH.FORBIDDEN', '只能查看本网格的通知');
    return ok({ kind: 'grid', ...place });
  }
  if (input.villageId !== undefined) {
    const streetOfVillage = villages.get(input.villageId)?.streetId;
    if (streetOfVillage !== undefined) return ok({ kind: 'village', streetId: streetOfVillage, villageId: input.villageId });
    if (street === null) return fail('AUTH.FORBIDDEN', '只能查看本村（社区）的通知');
    const village = await fetchVillage(db, input.villageId);
    if (village === null || village.streetId !== street) return fail('VILLAGE.NOT_FOUND');
    return ok({ kind: 'village', streetId: street, villageId: village._id });
  }
  // The caller's own place, widest first.
  if (street !== null) return ok({ kind: 'street', streetId: street });
  const [firstVillage] = villages.values();
  if (firstVillage) return ok({ kind: 'village', ...firstVillage });
  const [firstGrid] = grids.values();
  if (firstGrid) return ok({ kind: 'grid', ...firstGrid });
  if (actor.membership) {
    const grid = await fetchGrid(db, actor.membership.gridId);
    return ok(grid === null ? null : { kind: 'grid', ...gridPlace(grid) });
  }
  return ok(null);
}

/** Reach shares are the committee's view of a village (or a street admin's of one village), never a grid's or the whole street's. */
function mayFollowReach(actor: Actor, audience: Audience | null): boolean {
  if (audience === null || audience.kind !== 'village') return false;
  return mayManageVillage(actor.roles, audience) || streetAdministered(actor.roles) === audience.streetId;
}

export async function listNotices(input: FunctionInputs['listNotices'], ctx: CallContext): Promise<Result<NoticePage>> {
  const { db } = ctx;
  const cursor = decodeCursor(input.cursor);
  if (!cursor.ok) return cursor;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const audience = await resolveAudience(db, actor, input);
  if (!audience.ok) return audience;
  if (input.withReach === true && !mayFollowReach(actor, audience.value)) return fail('AUTH.FORBIDDEN', '只有本村（社区）两委或街道管理员可以查看通知触达');
  if (audience.value === null) return ok({ notices: [], nextCursor: null });
  const limit = Math.min(input.limit ?? PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX);
  // One more than asked tells whether another page exists.
  const docs = (await noticesReaching(db, audience.value, cursor.value, limit + 1)).slice(0, limit + 1);
  const pageDocs = docs.slice(0, limit);
  const _ = db.command;
  const receipts =
    pageDocs.length === 0
      ? []
      : await fetchAll<ReceiptDoc>(
          db
            .collection(COLLECTIONS.noticeReceipts)
            .where({ _id: _.in(pageDocs.map((d) => receiptId(d._id, actor.userId))) })
            .limit(limit),
        );
  const read = new Set(receipts.map((r) => r.noticeId));
  const shares = input.withReach === true && audience.value.kind === 'village' ? await villageReachShares(db, audience.value, pageDocs) : null;
  // A resident (no staff role anywhere) is shown who published as the committee, not by openid.
  const asSeen = actor.roles.length === 0 ? noticeForResident : <T>(notice: T) => notice;
  const notices = pageDocs.map((d) => asSeen({ ...noticeFromDoc(d), read: read.has(d._id), ...(shares !== null ? { reach: shares.get(d._id) ?? null } : {}) }));
  const last = notices[notices.length - 1];
  return ok({ notices, nextCursor: docs.length > limit && last ? encodeCursor(last) : null });
}
