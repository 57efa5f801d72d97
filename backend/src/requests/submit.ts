// Use case: a resident submits a request (提交诉求), or grid staff submit one on a registered
// household's behalf (代办, `onBehalfOf`) after a phone call or at the door. The grid comes from the
// resident's membership or the household's register entry, never from the payload. Content is checked first; routing and deadlines are the core's; the
// request id is derived from (resident, idempotency key) so a retry returns the first request.
//
// The request and what follows it (a message and an inbox item per responder, as effects) are one
// insert, so a fault after it loses nothing: the effects are performed at once and, if that fails,
// by the timer. A same-key retry performs whatever is still owed and nothing twice.
//
// Rate limits (core/src/limits.ts): a resident's own submission is refused past their open requests
// in the category or their submissions this hour, unless it is urgent; the read they decide from goes
// with the context loads. A refusal writes nothing but its count for the dashboard. 代办 is not limited
// (staff submit for households that cannot), nor counted against the household's resident.
//
// Round trips: msgSecCheck ∥ loadActor [∥ 代办: the household ∥ its first joined member] (1), context
// loads in parallel with the limits' read (1), the request with its effects claimed ∥ the responders'
// authorisations (1), then per responder a send and a spend (in parallel, 1), the inbox items (1, in
// parallel), the record (1). A same-key retry: (1) + (1) + failed insert (1) + the stored request (1) + the dispatch of what is still due.
import { claimDue } from '../../../core/src/effects';
import { fail, ok, type Result } from '../../../core/src/errors';
import { submitRequest as coreSubmit } from '../../../core/src/lifecycle';
import { checkSubmissionLimits, type LimitRefusal } from '../../../core/src/limits';
import { mayServeGrid } from '../../../core/src/access';
import { requestViewForResident, staffLabels } from '../../../core/src/residentView';
import type { Household, Id, Membership, Request, RoleAssignment } from '../../../core/src/model';
import { routeRequest } from '../../../core/src/routing';
import type { FunctionInputs, SubmitRequestOutput } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchAll } from '../db';
import { loadHousehold } from '../membership/repo';
import { checkContent } from '../content';
import { recentOwnRequests, recordRefusal } from '../limits';
import type { CallContext } from '../handler';
import { loadSubmitContext } from './context';
import { dispatchRequestEffects, performOwedEffects } from './dispatch';
import { effectsOf, readHeldAuthorisations, type FollowUp } from './effects';
import { fetchRequest, householdResidentId, insertRequestOnce, requestIdFor, requestMapper, type RequestDoc } from './store';

/** The line responders see in the subscribe message for a new request. */
const NEW_REQUEST_NOTE = '新诉求，请尽快回复';
const FALLBACK_NOTE = '网格暂无负责人，请代为回复';

/** Who hears of a submission: its responders, each with a message and an inbox item; when nobody in the grid could take it, the message says so. */
function submissionFollowUp(request: Request): FollowUp {
  const fallback = request.routingOutcome === 'noResponderFallback';
  return {
    assigned: { userIds: request.responders, reason: fallback ? 'fallback' : 'routed', why: fallback ? FALLBACK_NOTE : NEW_REQUEST_NOTE },
    syncInbox: false,
  };
}

/** Who a request is for and where: the caller's own membership, or (代办) the household they submit for. */
interface Submitter {
  gridId: Id;
  villageId: Id;
  householdId?: Id;
  residentId: Id;
  /** 代办: the staff member submitting. */
  submittedBy?: Id;
}

/**
 * 代办: the household and its first joined member. The resident a request names is the one who can
 * confirm it, rate it and is told of its replies, so it is the household's first joined member when
 * someone has joined (their earliest membership: one person, stable as others join); else a
 * household-scoped id (nobody is messaged, the leader resolves and it closes itself), and every member
 * who joins later still sees it through the household (listMyRequests). One round trip (in parallel).
 */
async function loadBehalf(ctx: CallContext, householdId: Id): Promise<{ household: Household; residentId: Id } | null> {
  const [household, members] = await Promise.all([
    loadHousehold(ctx.db, householdId),
    fetchAll<Membership>(ctx.db.collection(COLLECTIONS.memberships).where({ householdId }).orderBy('joinedAt', 'asc').limit(1)),
  ]);
  if (!household) return null;
  const first = members[0] as (Membership & { _id?: Id }) | undefined;
  return { household, residentId: first?.userId ?? first?._id ?? householdResidentId(householdId) };
}

export async function submitRequest(input: FunctionInputs['submitRequest'], ctx: CallContext): Promise<Result<SubmitRequestOutput>> {
  const { db, now } = ctx;
  const behalfOf = input.onBehalfOf?.householdId;
  const [content, actor, behalf] = await Promise.all([
    checkContent(ctx.cloud, ctx.openid, input.text),
    loadActor(db, ctx.openid, ctx.adminOpenids),
    behalfOf === undefined ? Promise.resolve(null) : loadBehalf(ctx, behalfOf),
  ]);
  if (!content.ok) return content;
  let submitter: Submitter;
  if (behalfOf !== undefined) {
    // An unknown household and one of a grid the caller does not serve look the same: nothing to learn from the answer.
    if (!behalf) return fail('AUTH.FORBIDDEN', '只能为自己服务网格内登记的住户代办');
    const { household, residentId } = behalf;
    submitter = { gridId: household.gridId, villageId: household.villageId, householdId: household.id, residentId, submittedBy: actor.userId };
  } else {
    // A leader is refused for themselves unless they have joined a grid as a resident too.
    const membership = actor.membership;
    if (!membership) return fail('AUTH.FORBIDDEN', '请先扫码加入网格，再提交诉求');
    submitter = {
      gridId: membership.gridId,
      villageId: membership.villageId,
      ...(membership.householdId !== undefined ? { householdId: membership.householdId } : {}),
      residentId: actor.userId,
    };
  }
  if (input.gridId !== undefined && input.gridId !== submitter.gridId) return fail('AUTH.FORBIDDEN', '只能向自己所在的网格提交诉求');

  const urgent = input.urgent === true;
  // An urgent request is never limited, and 代办 is staff's own work: neither needs the limits' read.
  const limited = !urgent && submitter.submittedBy === undefined;
  const [context, recent] = await Promise.all([
    loadSubmitContext(db, submitter.gridId, submitter.villageId, submitter.householdId, ctx.adminOpenids),
    limited ? recentOwnRequests(db, submitter.residentId, input.category, now) : Promise.resolve([]),
  ]);
  if (!context) return fail('GRID.NOT_FOUND');
  const place = { streetId: context.grid.streetId, villageId: submitter.villageId, gridId: submitter.gridId };
  if (submitter.submittedBy !== undefined && !mayServeGrid(actor.roles, place)) return fail('AUTH.FORBIDDEN', '只能为自己服务网格内登记的住户代办');
  const refusal = limited ? checkSubmissionLimits({ category: input.category, urgent }, recent, now) : null;
  if (refusal !== null) return refuse(ctx, requestIdFor(actor.userId, input.idempotencyKey), submitter.villageId, refusal, context.assignments);
  const routing = routeRequest(
    { place, category: input.category, urgent, ...(context.microGrid ? { microGrid: context.microGrid } : {}) },
    context.rules,
    context.assignments,
    context.policy,
  );
  const submitted = coreSubmit(
    {
      // Keyed by the caller (the resident, or the staff member for 代办): their retry finds the first request.
      id: requestIdFor(actor.userId, input.idempotencyKey),
      ...place,
      ...(submitter.householdId !== undefined ? { householdId: submitter.householdId } : {}),
      residentId: submitter.residentId,
      category: input.category,
      text: input.text,
      ...(input.photos !== undefined ? { photos: input.photos } : {}),
      ...(input.location !== undefined ? { location: input.location } : {}),
      ...(input.urgent !== undefined ? { urgent: input.urgent } : {}),
      idempotencyKey: input.idempotencyKey,
    },
    routing,
    context.policy,
    now,
  );
  if (!submitted.ok) return submitted;
  // 代办: the request says who submitted it, and so does its first event.
  const { submittedBy } = submitter;
  const request: Request = submittedBy === undefined ? submitted.value.request : { ...submitted.value.request, submittedBy };
  const event = submittedBy === undefined ? submitted.value.event : { ...submitted.value.event, actorId: submittedBy };

  const effects = effectsOf(request, event, { ...submissionFollowUp(request), dueSoonBeforeMs: context.policy.dueSoonBeforeMs }, now);
  // The request stores its effects claimed; the responders' authorisations are read alongside it.
  const doc = requestMapper.toDocument(request, event, context.policy, claimDue(effects, now));
  const held = readHeldAuthorisations(db, effects, now);
  const [inserted] = await Promise.all([insertRequestOnce(db, doc), held.catch(() => null)]);
  if (!inserted) return resumeExisting(ctx, request.id, context.assignments);
  await performOwedEffects(ctx, doc, effects, held);
  return ok({ request: asSubmitterSees(doc, actor.userId, context.assignments), duplicate: false });
}

/**
 * The request as its submitter is shown it: a resident sees who was told by role and name (the
 * grid's assignments, already loaded for routing), never their ids; staff (代办) see it whole.
 */
function asSubmitterSees(doc: RequestDoc, submitterId: Id, assignments: readonly RoleAssignment[]) {
  const view = requestMapper.toView(doc);
  return doc.submittedBy === undefined ? requestViewForResident(view, submitterId, staffLabels(assignments)) : view;
}

/**
 * Past a limit: a retry of a submission already stored (it counts itself among the recent ones) is
 * answered as a retry; anything else is refused, counted for the village's dashboard, and nothing else written.
 */
async function refuse(
  ctx: CallContext,
  requestId: Id,
  villageId: Id,
  refusal: LimitRefusal,
  assignments: readonly RoleAssignment[],
): Promise<Result<SubmitRequestOutput>> {
  if ((await fetchRequest(ctx.db, requestId)) !== null) return resumeExisting(ctx, requestId, assignments);
  await recordRefusal(ctx.db, villageId, refusal, ctx.now);
  return refusal.failure;
}

/** A retry: return the stored request, performing whatever the first attempt still owes. */
async function resumeExisting(ctx: CallContext, requestId: Id, assignments: readonly RoleAssignment[]): Promise<Result<SubmitRequestOutput>> {
  const doc = await fetchRequest(ctx.db, requestId);
  if (!doc) return fail('INTERNAL');
  await dispatchRequestEffects(ctx, doc);
  return ok({ request: asSubmitterSees(doc, ctx.openid, assignments), duplicate: true });
}
