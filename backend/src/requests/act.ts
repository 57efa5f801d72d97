// Use cases for every person's action on a stored request (respond, start, resolve, hand over,
// confirm, reopen, cancel). The core's transition() decides; this file loads, stores with
// `where version == expected`, keeps the inbox in step and notifies.
//
// Round trips: loadActor ∥ request (1), [hand-over: target's role (1)], conditional update (1),
// then in parallel: inbox state (1), the resident's or responders' notification (update + send).
import { fail, ok, type Result } from '../../../core/src/errors';
import { transition, type Actor as CoreActor, type RequestAction } from '../../../core/src/lifecycle';
import type { Id, LeaderRole, Request, RequestEvent } from '../../../core/src/model';
import { resolvePolicy } from '../../../core/src/policy';
import type { FunctionInputs } from '../../../core/src/schemas';
import { maySeeRequest } from '../../../core/src/access';
import { loadActor, type Actor } from '../actor';
import { COLLECTIONS } from '../collections';
import { countOf } from '../db';
import type { CallContext } from '../handler';
import { notifyResident, notifyResponders } from './notifications';
import {
  autoCloseAtFor,
  inboxItemFor,
  insertInboxItems,
  loadRequestDoc,
  saveTransition,
  syncInboxState,
  toRequest,
  type RequestDoc,
  type RequestView,
} from './store';

/** Who is told about a change: the resident, the responders, or nobody (they watch the inbox). */
type Audience = 'resident' | 'responders' | 'none';

const AUDIENCE_BY_ACTION: Record<RequestAction['kind'], Audience> = {
  respond: 'resident',
  startProgress: 'resident',
  resolve: 'resident',
  handOver: 'none',
  confirm: 'none',
  reopen: 'responders',
  cancel: 'none',
  autoClose: 'none',
  escalate: 'none',
};

const REOPEN_NOTE = '居民重新打开了诉求';
const HAND_OVER_NOTE = '诉求已转交给您';

/** Whether the user may see the request at all: its resident, a responder, or staff of its place. */

/** Loads the caller and the request; a request they may not see is reported as not found. One round trip. */
export async function loadVisible(ctx: CallContext, requestId: Id): Promise<Result<{ actor: Actor; doc: RequestDoc }>> {
  const [actor, doc] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), loadRequestDoc(ctx.db, requestId)]);
  if (!doc || !maySeeRequest(actor.roles, actor.userId, doc)) return fail('REQUEST.NOT_FOUND');
  return ok({ actor, doc });
}

/** Whether `userId` holds the 三长 role `role` in the grid. One round trip (scope.gridId index). */
async function holdsGridRole(ctx: CallContext, userId: Id, role: LeaderRole, gridId: Id): Promise<boolean> {
  const count = await countOf(ctx.db.collection(COLLECTIONS.roleAssignments).where({ 'scope.gridId': gridId, userId, role }));
  return count > 0;
}

function coreActor(actor: Actor): CoreActor {
  return { kind: 'user', userId: actor.userId, assignments: actor.roles };
}

async function tellAudience(ctx: CallContext, audience: Audience, request: Request, event: RequestEvent): Promise<void> {
  if (audience === 'resident') await notifyResident(ctx.cloud, ctx.db, request, event, ctx.now);
  else if (audience === 'responders') await notifyResponders(ctx.cloud, ctx.db, request, request.responders, REOPEN_NOTE, ctx.now);
}

/** Applies one action for the calling user and stores it. */
async function act(ctx: CallContext, requestId: Id, action: RequestAction, expectedVersion?: number): Promise<Result<RequestView>> {
  const loaded = await loadVisible(ctx, requestId);
  if (!loaded.ok) return loaded;
  const { actor, doc } = loaded.value;
  if (expectedVersion !== undefined && expectedVersion !== doc.version) return fail('REQUEST.STALE');

  const before = toRequest(doc);
  const policy = resolvePolicy({ autoCloseAfterDays: doc.autoCloseAfterDays });
  const outcome = transition(before, action, coreActor(actor), ctx.now, policy);
  if (!outcome.ok) return outcome;
  if (action.kind === 'handOver' && !(await holdsGridRole(ctx, action.toUserId, action.toRole, before.gridId))) {
    return fail('INPUT.INVALID', '转交对象不是本网格的这一角色');
  }
  const { request: after, event } = outcome.value;
  if (!(await saveTransition(ctx.db, doc, after, event, outcome.value.expectedVersion))) return fail('REQUEST.STALE');

  const handedTo = action.kind === 'handOver' ? action.toUserId : null;
  await Promise.all([
    syncInboxState(ctx.db, after),
    tellAudience(ctx, AUDIENCE_BY_ACTION[action.kind], after, event),
    handedTo !== null
      ? notifyResponders(ctx.cloud, ctx.db, after, [handedTo], HAND_OVER_NOTE, ctx.now).then((outcomes) =>
          insertInboxItems(ctx.db, [inboxItemFor(after, handedTo, 'handOver', ctx.now, outcomes[handedTo] ?? 'failed')]),
        )
      : Promise.resolve(),
  ]);
  return ok({ ...after, events: [...doc.events, event], autoCloseAt: autoCloseAtFor(after, doc.autoCloseAfterDays) });
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
    case 'handOver':
      return act(
        ctx,
        input.requestId,
        { kind: 'handOver', toUserId: input.toUserId, toRole: input.toRole, ...(input.note !== undefined ? { note: input.note } : {}) },
        input.expectedVersion,
      );
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
