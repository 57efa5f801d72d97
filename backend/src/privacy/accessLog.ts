// The record of staff views of households' phones and care needs (core/src/accessLog.ts), and the
// committee's list of it (listPersonalDataAccess). A record is inserted once per staff member,
// household (for the roster: grid), way and China day (its id says so); a warm instance remembers
// what it has recorded, so repeated views cost no database call at all.
//
// Round trips: a view's record 0–1 (an insert, alongside nothing the view waits on; the roster's
// alongside its receipts and marks);
// listPersonalDataAccess: loadActor 2 ∥ village 1 → the page 1 → the viewers' role assignments 1.
import { mayManageVillage, streetAdministered } from '../../../core/src/access';
import type { PersonalDataAccess } from '../../../core/src/accessLog';
import { fail, ok, type Result } from '../../../core/src/errors';
import { staffLabels } from '../../../core/src/residentView';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type FunctionInputs } from '../../../core/src/schemas';
import type { PersonalDataAccessPage } from '../../../core/src/schemas/privacy';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, insertOnce } from '../db';
import type { CallContext } from '../handler';
import { fetchAssignmentsOf, fetchVillage, villagePlace } from '../organisation/repo';
import { stableId } from '../organisation/ids';

/** Records this instance has stored (or found stored): bounded, emptied when full. */
const REMEMBERED_RECORDS_MAX = 10_000;
const remembered = new Set<string>();

/** One per viewer, way, day and what was viewed: the household, or for a roster view the grid. */
function recordId(access: PersonalDataAccess): string {
  return stableId('pda', access.day, access.via, access.householdId ?? access.gridId, access.viewerId);
}

/**
 * Records a view, once per its day. A failure is logged, not thrown: the staff member needing the
 * phone in an emergency is not refused it because the record could not be written.
 */
export async function recordPersonalDataAccess(db: Database, access: PersonalDataAccess | null): Promise<void> {
  if (access === null) return;
  const _id = recordId(access);
  if (remembered.has(_id)) return;
  try {
    await insertOnce(db, COLLECTIONS.personalDataAccess, { _id, ...access });
    if (remembered.size >= REMEMBERED_RECORDS_MAX) remembered.clear();
    remembered.add(_id);
  } catch (err) {
    console.error('[privacy] access not recorded', err instanceof Error ? err.message : err);
  }
}

/** Cursors are the offset of the next page, as a decimal string. */
const CURSOR_PATTERN = /^\d+$/;

/** listPersonalDataAccess: a village's records, newest first, each viewer by role and name; for its committee and street admins. */
export async function listPersonalDataAccess(input: FunctionInputs['listPersonalDataAccess'], ctx: CallContext): Promise<Result<PersonalDataAccessPage>> {
  if (input.cursor !== undefined && !CURSOR_PATTERN.test(input.cursor)) return fail('INPUT.INVALID', '翻页参数无效，请刷新后再试');
  const [actor, village] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), fetchVillage(ctx.db, input.villageId)]);
  if (village === null) return fail('VILLAGE.NOT_FOUND');
  const place = villagePlace(village);
  if (!mayManageVillage(actor.roles, place) && streetAdministered(actor.roles) !== place.streetId) {
    return fail('AUTH.FORBIDDEN', '只有本村（社区）两委或街道管理员可以查看个人信息访问记录');
  }
  const offset = Number(input.cursor ?? 0);
  const limit = Math.min(input.limit ?? PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX);
  const docs = await fetchAll<PersonalDataAccess & { _id: string }>(
    ctx.db
      .collection(COLLECTIONS.personalDataAccess)
      .where({ villageId: village._id })
      .orderBy('at', 'desc')
      .skip(offset)
      .limit(limit + 1),
  );
  const page = docs.slice(0, limit);
  const labels = staffLabels(
    await fetchAssignmentsOf(
      ctx.db,
      page.map((d) => d.viewerId),
    ),
  );
  return ok({
    items: page.map(({ _id, ...access }) => ({ id: _id, ...access, viewer: labels.get(access.viewerId) ?? '' })),
    nextCursor: docs.length > limit ? String(offset + limit) : null,
  });
}
