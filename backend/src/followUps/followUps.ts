// 回访 (follow-ups) for the village committee: listFollowUps (open ones first, with the request's
// category, text, rating or reopen reason and the household's door and phone) and recordFollowUp
// (the call's outcome and a note). Follow-ups are created by the request's confirm and reopen
// (requests/act.ts through ensureFollowUps), never by these functions.
//
// Round trips: listFollowUps: loadActor 2 (3 for a street admin) + 0–1 (a street admin naming a
// village) + the lost ones derived again (1–2, and an insert per missing one) + open ∥ done ∥ open
// count ∥ the village's grids (1) + the households named (0–1).
// recordFollowUp: loadActor ∥ the follow-up (1) + the conditional update (1) + grid ∥ household (1).
import { addressParts } from '../../../core/src/membership';
import { mayManageVillage, streetAdministered, villagesManaged, type VillagePlace } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import { recordCall, type FollowUp } from '../../../core/src/followUps';
import type { Id } from '../../../core/src/model';
import type { FollowUpList, FollowUpView, FunctionInputs } from '../../../core/src/schemas';
import { loadActor, type Actor } from '../actor';
import { COLLECTIONS } from '../collections';
import { countOf, fetchAll, fromStored, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import type { HouseholdDoc } from '../notices/docs';
import { fetchVillage, type GridDoc } from '../organisation/repo';
import { deriveMissingFollowUps, fetchFollowUp, followUpsOfVillage, saveRecordedCall, type FollowUpDoc } from './repo';

/** Open follow-ups listed at most (a village has a handful a week). */
const OPEN_LIST_MAX = 100;
/** The latest done follow-ups listed after the open ones. */
const DONE_LIST_MAX = 20;

const COMMITTEE_ONLY = '只有本村（社区）两委可以回访';

/** The village whose follow-ups the caller may work: the one named (theirs, or of their street), or their committee's only one. */
async function villageOf(ctx: CallContext, actor: Actor, villageId: Id | undefined): Promise<Result<VillagePlace>> {
  const committee = villagesManaged(actor.roles);
  if (villageId === undefined) {
    const [only] = committee.values();
    return only !== undefined ? ok(only) : fail('AUTH.FORBIDDEN', COMMITTEE_ONLY);
  }
  const mine = committee.get(villageId);
  if (mine !== undefined) return ok(mine);
  if (streetAdministered(actor.roles) === null) return fail('AUTH.FORBIDDEN', COMMITTEE_ONLY);
  const village = await fetchVillage(ctx.db, villageId);
  if (village === null) return fail('VILLAGE.NOT_FOUND');
  const place = { streetId: village.streetId, villageId: village._id };
  return mayManageVillage(actor.roles, place) ? ok(place) : fail('AUTH.FORBIDDEN', COMMITTEE_ONLY);
}

function toView(doc: FollowUpDoc, gridName: string, household: HouseholdDoc | undefined): FollowUpView {
  // Who routing chose and who recorded the call are openids: they stay on the server.
  const { routedTo: _routedTo, doneBy: _doneBy, streetId: _street, villageId: _village, householdId: _household, ...followUp } = fromStored(doc);
  return {
    ...followUp,
    gridName,
    ...addressParts(household),
    ...(household?.phone !== undefined ? { phone: household.phone } : {}),
  };
}

export async function listFollowUps(input: FunctionInputs['listFollowUps'], ctx: CallContext): Promise<Result<FollowUpList>> {
  const { db } = ctx;
  const _ = db.command;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const place = await villageOf(ctx, actor, input.villageId);
  if (!place.ok) return place;
  const { villageId } = place.value;
  // A follow-up whose write failed after its request's change is derived again here, before listing.
  await deriveMissingFollowUps(db, villageId, ctx.now);
  const [open, done, openCount, grids] = await Promise.all([
    followUpsOfVillage(db, villageId, 'open', 'asc', OPEN_LIST_MAX),
    followUpsOfVillage(db, villageId, 'done', 'desc', DONE_LIST_MAX),
    countOf(db.collection(COLLECTIONS.followUps).where({ villageId, state: 'open' })),
    fetchAll<GridDoc>(db.collection(COLLECTIONS.grids).where({ villageId }).limit(MAX_GET_LIMIT)),
  ]);
  const docs = [...open, ...done];
  const householdIds = [...new Set(docs.flatMap((d) => (d.householdId === undefined ? [] : [d.householdId])))];
  const households =
    householdIds.length === 0
      ? []
      : await fetchAll<HouseholdDoc>(
          db
            .collection(COLLECTIONS.households)
            .where({ _id: _.in(householdIds) })
            .limit(MAX_GET_LIMIT),
        );
  const gridName = new Map(grids.map((g) => [g._id, g.name]));
  const householdById = new Map(households.map((h) => [h._id, h]));
  return ok({
    villageId,
    items: docs.map((d) => toView(d, gridName.get(d.gridId) ?? '', d.householdId === undefined ? undefined : householdById.get(d.householdId))),
    openCount,
  });
}

export async function recordFollowUp(input: FunctionInputs['recordFollowUp'], ctx: CallContext): Promise<Result<FollowUpView>> {
  const { db } = ctx;
  const [actor, doc] = await Promise.all([loadActor(db, ctx.openid, ctx.adminOpenids), fetchFollowUp(db, input.followUpId)]);
  // Someone who may not work the village's follow-ups learns nothing about them.
  if (doc === null || !mayManageVillage(actor.roles, { streetId: doc.streetId, villageId: doc.villageId })) {
    return doc === null ? fail('FOLLOW_UP.NOT_FOUND') : fail('AUTH.FORBIDDEN', COMMITTEE_ONLY);
  }
  const followUp: FollowUp = fromStored(doc);
  const recorded = recordCall(followUp, input.outcome, input.note, actor.userId, ctx.now);
  if (!recorded.ok) return recorded;
  if (recorded.value !== followUp && !(await saveRecordedCall(db, doc, recorded.value))) return fail('FOLLOW_UP.ALREADY_RECORDED');
  const [grid, household] = await Promise.all([
    fetchAll<GridDoc>(db.collection(COLLECTIONS.grids).where({ _id: doc.gridId }).limit(1)),
    doc.householdId === undefined
      ? Promise.resolve([])
      : fetchAll<HouseholdDoc>(db.collection(COLLECTIONS.households).where({ _id: doc.householdId }).limit(1)),
  ]);
  const { id, ...after } = recorded.value;
  return ok(toView({ _id: id, ...after }, grid[0]?.name ?? '', household[0]));
}
