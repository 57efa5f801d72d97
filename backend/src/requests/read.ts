// Read use cases: one request with its event log, a resident's own requests, and a responder's inbox
// (their own items, or a grid's / village's requests for staff). Every list goes through an index
// and is paginated with an opaque cursor.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Household, Id, VillagePolicy } from '../../../core/src/model';
import { requestSummaryForResident, requestViewForResident, staffLabels } from '../../../core/src/residentView';
import { isVerifiedMember } from '../../../core/src/claims';
import { requestPhotos } from '../../../core/src/lifecycle';
import { resolvePolicy } from '../../../core/src/policy';
import {
  PAGE_SIZE_DEFAULT,
  type EarlierRequest,
  type FunctionInputs,
  type GetRequestOutput,
  type InboxPage,
  type Page,
  type RequestHouseholdView,
  type RequestSummary,
} from '../../../core/src/schemas';
import { mayHandleRequestsAt, mayOverseeVillage } from '../../../core/src/access';
import { personalDataAccess } from '../../../core/src/accessLog';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, type Stored } from '../db';
import { temporaryUrls } from '../files';
import type { CallContext } from '../handler';
import { loadHousehold, loadMembership } from '../membership/repo';
import { fetchAssignmentsOf, fetchGrid, fetchVillage, gridPlace, villagePlace } from '../organisation/repo';
import { loadVisible } from './act';
import { recordPersonalDataAccess } from '../privacy/accessLog';
import { openEffects } from './effects';
import { fetchInboxPage, fetchRequestPage, requestMapper, type Paging, type RequestDoc, type RequestOwner } from './store';

// Reply types, still read from here by tests/miniprogram/api-types.test.ts.

/** Cursors are the offset of the next page, as a decimal string. */
function paging(input: { limit?: number; cursor?: string }): Result<Paging> {
  const offset = input.cursor === undefined ? 0 : Number(input.cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) return fail('INPUT.INVALID', '分页参数无效');
  return ok({ offset, limit: input.limit ?? PAGE_SIZE_DEFAULT });
}

/** How many of the household's other requests getRequest shows its staff. */
const EARLIER_REQUESTS_SHOWN = 5;
/** The fields an earlier request is shown with. */
const EARLIER_FIELDS = { _id: true, category: true, state: true, submittedAt: true } as const;

/**
 * How long the photo URLs getRequest gives stay valid: a page left open through a home visit still
 * shows them; a forwarded link soon stops working.
 */
const REQUEST_PHOTO_URL_MAX_AGE_S = 60 * 60;

/**
 * The request's photos as the caller's phone can load them. The storage rule lets only the uploader
 * read a file (database/storage-rules.json), so staff see the resident's photos, and the resident the
 * resolution's, only by these URLs, issued once loadVisible has let the caller see the request.
 */
async function photoUrlsOf(ctx: CallContext, view: Parameters<typeof requestPhotos>[0]): Promise<{ photoUrls?: Record<string, string> }> {
  const photos = requestPhotos(view);
  return photos.length === 0 ? {} : { photoUrls: await temporaryUrls(ctx.cloud, photos, REQUEST_PHOTO_URL_MAX_AGE_S) };
}

/**
 * getRequest. Staff of the request's grid (its responders, or whoever may handle requests there) also
 * get the effects still owed or failed, who asked and where (address, care needs, the register's
 * phone, earlier requests, whether the resident's claim on the household is still 待核实) and the
 * village's quick replies (常用回复). Everyone it shows gets the photos' temporary URLs.
 * Round trips: loadActor ∥ request (1); for staff, household ∥ earlier requests ∥ the resident's
 * membership ∥ policy (1; residentId+submittedAt index), then the record of the phone or care needs
 * shown (0–1, core/src/accessLog.ts); for a resident, the named staff's assignments (1, for their
 * labels). The photos' URLs (a storage call, no database quota) go alongside the second wave.
 */
export async function getRequest(input: FunctionInputs['getRequest'], ctx: CallContext): Promise<Result<GetRequestOutput>> {
  const loaded = await loadVisible(ctx, input.requestId);
  if (!loaded.ok) return loaded;
  const { actor, doc } = loaded.value;
  const view = requestMapper.toView(doc);
  const handles = mayHandleRequestsAt(actor.roles, doc);
  // Care needs and the earlier requests are for staff; the resident is not shown them back.
  const staff = handles || doc.responders.includes(actor.userId);
  // Pending and failed deliveries are the staff's to follow up, not the resident's.
  const withEffects = handles ? { ...view, openEffects: openEffects(doc, ctx.now) } : view;
  if (!staff) {
    // Its resident, or a member of the household it was submitted for (loadVisible let them see it):
    // staff by role and name, nobody else's id.
    const [assignments, photos] = await Promise.all([
      fetchAssignmentsOf(ctx.db, [...doc.responders, ...doc.events.map((e) => e.actorId)]),
      photoUrlsOf(ctx, withEffects),
    ]);
    const shown = { ...requestViewForResident(withEffects, actor.userId, staffLabels(assignments)), ...photos };
    return ok(doc.residentId === actor.userId ? shown : { ...shown, householdMemberView: true as const });
  }
  const [household, policyDoc, photos] = await Promise.all([
    householdOf(ctx.db, doc),
    fetchById<VillagePolicy>(ctx.db, COLLECTIONS.villagePolicies, doc.villageId),
    photoUrlsOf(ctx, withEffects),
  ]);
  if (doc.householdId !== undefined) {
    const facts = { viewerId: actor.userId, householdId: doc.householdId, gridId: doc.gridId, villageId: doc.villageId, via: 'getRequest' as const };
    await recordPersonalDataAccess(ctx.db, personalDataAccess(facts, { phone: household.residentPhone, careNeeds: household.careNeeds }, ctx.now));
  }
  return ok({ ...withEffects, ...photos, household, quickReplies: [...resolvePolicy(policyDoc ?? undefined).quickReplies] });
}

/** The number staff call: the register's household phone, else the first member's who has one. */
function phoneOf(household: Household | null): string | undefined {
  return household?.phone ?? household?.members?.find((m) => m.phone !== undefined)?.phone;
}

/** The household's address and care needs, and the resident's other requests in this grid (staff see their own grid's only), newest first. */
async function householdOf(db: Database, doc: RequestDoc): Promise<RequestHouseholdView> {
  const [household, membership, earlier] = await Promise.all([
    doc.householdId === undefined ? Promise.resolve(null) : loadHousehold(db, doc.householdId),
    doc.householdId === undefined ? Promise.resolve(null) : loadMembership(db, doc.residentId),
    // One more than shown, so the list is still full once this request is left out.
    fetchAll<Stored<EarlierRequest>>(
      db
        .collection(COLLECTIONS.requests)
        .where({ residentId: doc.residentId, gridId: doc.gridId })
        .orderBy('submittedAt', 'desc')
        .limit(EARLIER_REQUESTS_SHOWN + 1)
        .field(EARLIER_FIELDS),
    ),
  ]);
  const address = household === null ? {} : { building: household.building, unit: household.unit, room: household.room };
  const phone = phoneOf(household);
  return {
    address: Object.fromEntries(Object.entries(address).filter(([, part]) => part !== undefined)),
    careNeeds: household?.careNeeds ?? [],
    ...(household?.noSmartphone === true ? { noSmartphone: true } : {}),
    ...(phone !== undefined ? { residentPhone: phone } : {}),
    // What a pending member says of the household is not confirmed yet: staff may verify them (verifyMember).
    ...(membership !== null && membership.householdId === doc.householdId && !isVerifiedMember(membership) ? { claimPending: true as const } : {}),
    earlier: earlier
      .filter((r) => r._id !== doc._id)
      .slice(0, EARLIER_REQUESTS_SHOWN)
      .map((r) => ({ id: r._id, category: r.category, state: r.state, submittedAt: r.submittedAt })),
  };
}

/**
 * listMyRequests: the resident's own requests and those grid staff submitted for their household (代办),
 * newest first. Round trips: the membership (1), the page (1; residentId / householdId + submittedAt
 * indexes). No loadActor: the openid is the resident.
 */
export async function listMyRequests(input: FunctionInputs['listMyRequests'], ctx: CallContext): Promise<Result<Page<RequestSummary>>> {
  const p = paging(input);
  if (!p.ok) return p;
  const membership = await loadMembership(ctx.db, ctx.openid);
  const householdId = membership?.householdId;
  const owner: RequestOwner = householdId === undefined ? { residentId: ctx.openid } : { residentId: ctx.openid, onBehalfOfHousehold: householdId };
  const page = await fetchRequestPage(ctx.db, owner, input.states, p.value);
  return ok({ ...page, items: page.items.map((item) => requestSummaryForResident(item, ctx.openid)) });
}

async function mayWatchGrid(db: Database, actor: Actor, gridId: Id): Promise<boolean> {
  if (actor.roles.some((a) => a.scope.gridId === gridId)) return true;
  const grid = await fetchGrid(db, gridId);
  return grid !== null && mayHandleRequestsAt(actor.roles, gridPlace(grid));
}

async function mayWatchVillage(db: Database, actor: Actor, villageId: Id): Promise<boolean> {
  const village = await fetchVillage(db, villageId);
  return village !== null && mayOverseeVillage(actor.roles, villagePlace(village));
}

/**
 * listInbox. 'mine': the caller's inbox items, open first then by due time — 1 round trip
 * (userId+open+responseDueAt index), no loadActor. 'grid' / 'village': the place's requests, newest
 * first, for its staff — loadActor (1), the place document when the role does not settle it (0–1),
 * the page (1; gridId / villageId + submittedAt index).
 */
export async function listInbox(input: FunctionInputs['listInbox'], ctx: CallContext): Promise<Result<InboxPage>> {
  const p = paging(input);
  if (!p.ok) return p;
  const { db } = ctx;
  if (input.view === 'mine') return ok({ view: 'mine', page: await fetchInboxPage(db, ctx.openid, input.states, p.value) });
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  let owner: RequestOwner;
  if (input.view === 'grid') {
    if (input.gridId === undefined) return fail('INPUT.INVALID', '请指定网格');
    if (!(await mayWatchGrid(db, actor, input.gridId))) return fail('AUTH.FORBIDDEN');
    owner = { gridId: input.gridId };
  } else {
    if (input.villageId === undefined) return fail('INPUT.INVALID', '请指定村（社区）');
    if (!(await mayWatchVillage(db, actor, input.villageId))) return fail('AUTH.FORBIDDEN');
    owner = { villageId: input.villageId };
  }
  return ok({ view: input.view, page: await fetchRequestPage(db, owner, input.states, p.value) });
}
