// Use cases for every person's action on a stored request (respond, start, resolve, hand over,
// mark as spam, confirm, reopen, cancel): load the request, let the core's transition() decide, store the change
// with `where version == expected`, keep the inbox in step and tell whoever should know.
//
// The change and what follows it (messages, inbox items, the inbox state update, as effects) are one
// conditional write; the effects are then performed at once and, if that fails, by the timer.
//
// Round trips: loadActor ∥ request [∥ hand-over: the target's roles] (1), the conditional update with
// its effects claimed ∥ the recipients' authorisations (1), then the messages (a send each) with their
// spends ∥ the inbox state (1), the new inbox items (1, a hand-over), the record (1).
import { claimDue, dueEffects } from '../../../core/src/effects';
import { fail, ok, type Result } from '../../../core/src/errors';
import { transition, type Actor as CoreActor, type RequestAction } from '../../../core/src/lifecycle';
import type { Id, Request, RoleAssignment } from '../../../core/src/model';
import type { FunctionInputs, RequestView } from '../../../core/src/schemas';
import { mayHandleRequestsAt, maySeeRequest } from '../../../core/src/access';
import { requestViewForResident } from '../../../core/src/residentView';
import { loadActor, type Actor } from '../actor';
import { ensureFollowUps } from '../followUps/repo';
import { COLLECTIONS } from '../collections';
import { fetchAll, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { performOwedEffects } from './dispatch';
import { effectsOf, readHeldAuthorisations, resolutionFollowUp, type FollowUp } from './effects';
import { fetchRequest, requestMapper, saveTransition, type RequestDoc } from './store';

/** Who is told about a change: the resident, the responders, the one it was handed to, or nobody (they watch the inbox). */
type Audience = 'resident' | 'responders' | 'handedTo' | 'none';

const AUDIENCE_BY_ACTION: Record<RequestAction['kind'], Audience> = {
  respond: 'resident',
  startProgress: 'resident',
  resolve: 'resident',
  handOver: 'handedTo',
  confirm: 'none',
  reopen: 'responders',
  cancel: 'none',
  autoClose: 'none',
  escalate: 'none',
  // Marking spam tells nobody (not the sender, not the other staff): the inbox items just close.
  markSpam: 'none',
};

const REOPEN_NOTE = '居民重新打开了诉求';
const HAND_OVER_NOTE = '诉求已转交给您';

/** Loads the caller and the request; a request they may not see is reported as not found. One round trip. */
export async function loadVisible(ctx: CallContext, requestId: Id): Promise<Result<{ actor: Actor; doc: RequestDoc }>> {
  const [actor, doc] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), fetchRequest(ctx.db, requestId)]);
  // 代办: every member of the household may see a request staff submitted for it (only its named resident may act on it).
  const ofMyHousehold = doc?.submittedBy !== undefined && doc.householdId !== undefined && actor.membership?.householdId === doc.householdId;
  if (!doc || !(maySeeRequest(actor.roles, actor.userId, doc) || ofMyHousehold)) return fail('REQUEST.NOT_FOUND');
  return ok({ actor, doc });
}

/** The role assignments `userId` holds as `role`, for the core to check a hand-over's target. One round trip (userId index). */
function assignmentsAs(ctx: CallContext, userId: Id, role: RoleAssignment['role']): Promise<RoleAssignment[]> {
  return fetchAll<RoleAssignment>(ctx.db.collection(COLLECTIONS.roleAssignments).where({ userId, role }).limit(MAX_GET_LIMIT));
}

function coreActor(actor: Actor): CoreActor {
  return { kind: 'user', userId: actor.userId, assignments: actor.roles };
}

/** Who hears of an action: its audience is told; every action after the submission moves the inbox items' state. */
function followUpOf(action: RequestAction, request: Request): FollowUp {
  const audience = AUDIENCE_BY_ACTION[action.kind];
  if (audience === 'resident') return { toldResident: true, syncInbox: true };
  if (audience === 'responders') return { toldResponders: { userIds: request.responders, why: REOPEN_NOTE }, syncInbox: true };
  if (audience === 'handedTo' && action.kind === 'handOver') {
    return { assigned: { userIds: [action.toUserId], reason: 'handOver', why: HAND_OVER_NOTE }, syncInbox: true };
  }
  return { syncInbox: true };
}

/**
 * Applies one action for the calling user and stores it. `action` may still be loading (a hand-over
 * loads its target's roles); it loads alongside the request.
 */
async function act(ctx: CallContext, requestId: Id, action: RequestAction | Promise<RequestAction>, expectedVersion?: number): Promise<Result<RequestView>> {
  const [loaded, asked] = await Promise.all([loadVisible(ctx, requestId), action]);
  if (!loaded.ok) return loaded;
  const { actor, doc } = loaded.value;
  if (expectedVersion !== undefined && expectedVersion !== doc.version) return fail('REQUEST.STALE');

  const decided = transition(requestMapper.toRequest(doc), asked, coreActor(actor), ctx.now, requestMapper.toAutoCloseRule(doc));
  if (!decided.ok) {
    // A retried confirm or reopen whose first attempt stored the change but not its follow-up (回访).
    if (asked.kind === 'confirm' || asked.kind === 'reopen') await ensureFollowUps(ctx.db, requestMapper.toRequest(doc), ctx.now);
    return decided;
  }

  const { request, event } = decided.value;
  // The first reply starts the resolution clock: its reminder is scheduled in the same write.
  const followUp = { ...followUpOf(asked, request), ...(await resolutionFollowUp(ctx.db, doc, request, event)) };
  // What the change adds, and what the request owed already: the change's write claims both.
  const effects = { ...dueEffects(doc.effects ?? {}, ctx.now), ...effectsOf(request, event, followUp, ctx.now) };
  // The change stores its effects claimed; the recipients' authorisations are read alongside it.
  const held = readHeldAuthorisations(ctx.db, effects, ctx.now);
  const [saved] = await Promise.all([saveTransition(ctx.db, doc, decided.value, claimDue(effects, ctx.now), ctx.now), held.catch(() => null)]);
  if (!saved) return fail('REQUEST.STALE');
  await performOwedEffects(ctx, saved, effects, held);
  // A low rating or a reopen owes the committee a follow-up (回访); derived by id, so stored once.
  if (asked.kind === 'confirm' || asked.kind === 'reopen') {
    await ensureFollowUps(ctx.db, request, ctx.now, asked.kind === 'reopen' ? asked.reason : undefined);
  }
  const view = requestMapper.toView(saved);
  // A resident acting on their own request (confirm, reopen, cancel) is shown staff without their ids.
  const staff = mayHandleRequestsAt(actor.roles, saved) || saved.responders.includes(actor.userId);
  return ok(staff ? view : requestViewForResident(view, actor.userId));
}

export function respondRequest(input: FunctionInputs['respondRequest'], ctx: CallContext): Promise<Result<RequestView>> {
  return act(ctx, input.requestId, { kind: 'respond', message: input.message }, input.expectedVersion);
}

export function updateRequestStatus(input: FunctionInputs['updateRequestStatus'], ctx: CallContext): Promise<Result<RequestView>> {
  switch (input.action) {
    case 'startProgress':
      return act(ctx, input.requestId, { kind: 'startProgress', ...(input.note !== undefined ? { note: input.note } : {}) }, input.expectedVersion);
    case 'resolve':
      return act(
        ctx,
        input.requestId,
        { kind: 'resolve', note: input.note, ...(input.photos !== undefined ? { photos: input.photos } : {}) },
        input.expectedVersion,
      );
    case 'markSpam':
      return act(ctx, input.requestId, { kind: 'markSpam', ...(input.note !== undefined ? { note: input.note } : {}) }, input.expectedVersion);
    case 'handOver': {
      const { toUserId, toRole, note } = input;
      const handOver = assignmentsAs(ctx, toUserId, toRole).then(
        (toUserAssignments): RequestAction => ({ kind: 'handOver', toUserId, toRole, toUserAssignments, ...(note !== undefined ? { note } : {}) }),
      );
      return act(ctx, input.requestId, handOver, input.expectedVersion);
    }
  }
}

export function confirmRequest(input: FunctionInputs['confirmRequest'], ctx: CallContext): Promise<Result<RequestView>> {
  return act(ctx, input.requestId, { kind: 'confirm', rating: input.rating, ...(input.comment !== undefined ? { comment: input.comment } : {}) });
}

export function reopenRequest(input: FunctionInputs['reopenRequest'], ctx: CallContext): Promise<Result<RequestView>> {
  return act(ctx, input.requestId, { kind: 'reopen', reason: input.reason });
}

export function cancelRequest(input: FunctionInputs['cancelRequest'], ctx: CallContext): Promise<Result<RequestView>> {
  return act(ctx, input.requestId, { kind: 'cancel', ...(input.reason !== undefined ? { reason: input.reason } : {}) });
}
