// "My information" (我的信息, PIPL): what is held about the caller as a resident, their corrections
// to it, and leaving the grid, which deletes or anonymises it. Only the caller's own data (the openid
// from getWXContext): no other user's id is read into a reply. The rules are core/src/myInformation.ts.
//
// Round trips:
// - getMyInformation: membership 1 → grid ∥ village ∥ household ∥ request count (1 each) = 2 waves.
// - updateMyInformation: membership 1 → household 1 → the household update 1 (none when unchanged).
// - leaveGrid: membership ∥ the caller's requests (2) → household ∥ the other members (2) → household
//   erase ∥ history insert ∥ (the photos' storage deleteFile, then one update per request ∥ inbox
//   excerpts) ∥ the resident messages' authorisations (notify.ts forgetResidentAuthorisations, 2) →
//   membership removal 1.
import { ok, type Result } from '../../../core/src/errors';
import { isVerifiedMember } from '../../../core/src/claims';
import { addressParts } from '../../../core/src/membership';
import { anonymisedRequest, decideCorrection, decideLeave, ERASED_HOUSEHOLD_FIELDS, householdDetails } from '../../../core/src/myInformation';
import type { Household, Id, RequestEvent } from '../../../core/src/model';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { GridLeft, MyInformation, MyInformationUpdate } from '../../../core/src/schemas/profile';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { countOf, fetchAll, MAX_GET_LIMIT, removeWhere, updateWhere } from '../db';
import type { CallContext } from '../handler';
import { appendMembershipChange, loadHousehold, loadMembership } from '../membership/repo';
import { forgetResidentAuthorisations } from '../notify';
import { fetchGrid, fetchVillage } from '../organisation/repo';

export async function getMyInformation(_input: FunctionInputs['getMyInformation'], ctx: CallContext): Promise<Result<MyInformation>> {
  const { db, openid } = ctx;
  const membership = await loadMembership(db, openid);
  const [grid, village, household, requestCount] = await Promise.all([
    membership === null ? null : fetchGrid(db, membership.gridId),
    membership === null ? null : fetchVillage(db, membership.villageId),
    membership?.householdId === undefined ? null : loadHousehold(db, membership.householdId),
    countOf(db.collection(COLLECTIONS.requests).where({ residentId: openid })),
  ]);
  if (membership === null) return ok({ membership: null, household: null, requestCount });
  const verified = isVerifiedMember(membership);
  return ok({
    membership: {
      gridId: membership.gridId,
      gridName: grid?.name ?? '',
      villageName: village?.name ?? '',
      joinedAt: membership.joinedAt,
      verification: verified ? 'verified' : 'pending',
      ...(membership.privacyConsent !== undefined ? { privacyConsent: membership.privacyConsent } : {}),
    },
    household:
      household === null || household.gridId !== membership.gridId
        ? null
        : { householdId: household.id, ...addressParts(household), details: verified ? householdDetails(household) : null },
    requestCount,
  });
}

export async function updateMyInformation(input: FunctionInputs['updateMyInformation'], ctx: CallContext): Promise<Result<MyInformationUpdate>> {
  const { db, openid } = ctx;
  const membership = await loadMembership(db, openid);
  const household = membership?.householdId === undefined ? null : await loadHousehold(db, membership.householdId);
  const correction = decideCorrection(membership, household, input);
  if (!correction.ok) return correction;
  const { householdId, set, remove, details } = correction.value;
  if (Object.keys(set).length === 0 && remove.length === 0) return ok({ outcome: 'unchanged', details });
  const removed = Object.fromEntries(remove.map((field) => [field, db.command.remove()]));
  await updateWhere(db.collection(COLLECTIONS.households).where({ _id: householdId }), { ...set, ...removed });
  return ok({ outcome: 'updated', details });
}

type OwnRequestDoc = {
  _id: Id;
  residentId: Id;
  text: string;
  photos?: string[];
  events?: RequestEvent[];
  effects?: Record<string, { payload?: unknown }>;
};

/** The photos the resident took: the request's own and those of their own events (staff's stay). */
function residentPhotos(requests: readonly OwnRequestDoc[]): string[] {
  const photos = new Set<string>();
  for (const doc of requests) {
    for (const photo of doc.photos ?? []) photos.add(photo);
    for (const event of doc.events ?? []) if (event.actorId === doc.residentId) for (const photo of event.photos ?? []) photos.add(photo);
  }
  return [...photos];
}

/**
 * Deletes the resident's photos from cloud storage, before the requests forget them, so a retry after
 * a failed write still finds them. A file already gone is reported per file, not thrown: a retry is harmless.
 */
async function deletePhotos(ctx: CallContext, requests: readonly OwnRequestDoc[]): Promise<void> {
  const fileList = residentPhotos(requests);
  if (fileList.length > 0) await ctx.cloud.deleteFile({ fileList });
}

async function anonymiseRequests(ctx: CallContext, requests: OwnRequestDoc[]): Promise<void> {
  if (requests.length === 0) return;
  const { db, openid } = ctx;
  const _ = db.command;
  await deletePhotos(ctx, requests);
  await Promise.all([
    ...requests.map((doc) => {
      const { droppedEffects, effects, ...kept } = anonymisedRequest({
        id: doc._id,
        residentId: doc.residentId,
        text: doc.text,
        ...(doc.events !== undefined ? { events: doc.events } : {}),
        ...(doc.effects !== undefined ? { effects: doc.effects } : {}),
      });
      // Each effect is written whole (a nested object would be merged field by field), the dropped ones removed.
      const effectWrites = Object.fromEntries([
        ...Object.entries(effects ?? {}).map(([key, effect]) => [`effects.${key}`, _.set(effect)]),
        ...droppedEffects.map((key) => [`effects.${key}`, _.remove()]),
      ]);
      // Conditional on the resident still being the caller: a retry finds nothing left to change.
      return updateWhere(db.collection(COLLECTIONS.requests).where({ _id: doc._id, residentId: openid }), {
        ...kept,
        ...effectWrites,
        location: _.remove(),
      });
    }),
    // Each responder's inbox item carries the first words of the text.
    updateWhere(db.collection(COLLECTIONS.inbox).where({ requestId: _.in(requests.map((r) => r._id)) }), { excerpt: '' }),
  ]);
}

function eraseHousehold(db: Database, household: Household): Promise<number> {
  const _ = db.command;
  const removed = Object.fromEntries(ERASED_HOUSEHOLD_FIELDS.map((field) => [field, _.remove()]));
  return updateWhere(db.collection(COLLECTIONS.households).where({ _id: household.id }), { ...removed, careNeeds: [] });
}

export async function leaveGrid(_input: FunctionInputs['leaveGrid'], ctx: CallContext): Promise<Result<GridLeft>> {
  const { db, openid, now } = ctx;
  const [membership, requests] = await Promise.all([
    loadMembership(db, openid),
    fetchAll<OwnRequestDoc>(
      db
        .collection(COLLECTIONS.requests)
        .where({ residentId: openid })
        .field({ _id: true, residentId: true, text: true, photos: true, events: true, effects: true })
        .limit(MAX_GET_LIMIT),
    ),
  ]);
  if (membership === null) {
    // A retry after leaving (or someone who never joined): finish what a failed call left; no error,
    // so a retried tap shows the same outcome.
    await Promise.all([anonymiseRequests(ctx, requests), forgetResidentAuthorisations(db, openid)]);
    return ok({ left: false, householdErased: false, requestsAnonymised: requests.length });
  }
  const householdId = membership.householdId;
  const [household, otherMembers] = await Promise.all([
    householdId === undefined ? null : loadHousehold(db, householdId),
    householdId === undefined ? 0 : countOf(db.collection(COLLECTIONS.memberships).where({ householdId, _id: db.command.neq(openid) })),
  ]);
  const leaving = decideLeave(membership, household, otherMembers, now);
  await Promise.all([
    leaving.eraseHousehold && household !== null && eraseHousehold(db, household),
    appendMembershipChange(db, membership, leaving.history),
    anonymiseRequests(ctx, requests),
    forgetResidentAuthorisations(db, openid),
  ]);
  // Last: a retry after a failure above still finds the membership and redoes the same writes.
  await removeWhere(db.collection(COLLECTIONS.memberships).where({ _id: openid }));
  return ok({ left: true, householdErased: leaving.eraseHousehold, requestsAnonymised: requests.length });
}
