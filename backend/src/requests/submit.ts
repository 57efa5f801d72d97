// Use case: a resident submits a request (提交诉求). The grid comes from the resident's membership,
// never from the payload. Content is checked first; routing and deadlines are the core's; the
// request id is derived from (resident, idempotency key) so a retry returns the first request.
//
// The request and what follows it (a message and an inbox item per responder, as effects) are one
// insert, so a fault after it loses nothing: the effects are performed at once and, if that fails,
// by the timer. A same-key retry performs whatever is still owed and nothing twice.
//
// Round trips: msgSecCheck ∥ loadActor (1), context loads in parallel (1), insert request (1), then
// the dispatch: claim (1), per responder an authorisation read + send + spend (in parallel), the inbox
// items (1, in parallel), the record (1). A same-key retry: (1) + (1) + failed insert (1) + the stored
// request (1) + the dispatch of what is still due.
import { fail, ok, type Result } from '../../../core/src/errors';
import { submitRequest as coreSubmit } from '../../../core/src/lifecycle';
import type { Id, Request } from '../../../core/src/model';
import { routeRequest } from '../../../core/src/routing';
import type { FunctionInputs, SubmitRequestOutput } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import { checkContent } from '../content';
import type { CallContext } from '../handler';
import { loadSubmitContext } from './context';
import { dispatchRequestEffects } from './dispatch';
import { effectsOf, type FollowUp } from './effects';
import { fetchRequest, insertRequestOnce, requestIdFor, requestMapper } from './store';

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

export async function submitRequest(input: FunctionInputs['submitRequest'], ctx: CallContext): Promise<Result<SubmitRequestOutput>> {
  const { db, now } = ctx;
  const [content, actor] = await Promise.all([checkContent(ctx.cloud, ctx.openid, input.text), loadActor(db, ctx.openid, ctx.adminOpenids)]);
  if (!content.ok) return content;
  const membership = actor.membership;
  if (!membership) return fail('AUTH.FORBIDDEN', '请先扫码加入网格，再提交诉求');
  if (input.gridId !== undefined && input.gridId !== membership.gridId) return fail('AUTH.FORBIDDEN', '只能向自己所在的网格提交诉求');

  const context = await loadSubmitContext(db, membership.gridId, membership.villageId, membership.householdId, ctx.adminOpenids);
  if (!context) return fail('GRID.NOT_FOUND');
  const place = { streetId: context.grid.streetId, villageId: membership.villageId, gridId: membership.gridId };
  const routing = routeRequest(
    { place, category: input.category, urgent: input.urgent === true, ...(context.microGrid ? { microGrid: context.microGrid } : {}) },
    context.rules,
    context.assignments,
    context.policy,
  );
  const submitted = coreSubmit(
    {
      id: requestIdFor(actor.userId, input.idempotencyKey),
      ...place,
      ...(membership.householdId !== undefined ? { householdId: membership.householdId } : {}),
      residentId: actor.userId,
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
  const { request, event } = submitted.value;

  const doc = requestMapper.toDocument(
    request,
    event,
    context.policy,
    effectsOf(request, event, { ...submissionFollowUp(request), dueSoonBeforeMs: context.policy.dueSoonBeforeMs }, now),
  );
  if (!(await insertRequestOnce(db, doc))) return resumeExisting(ctx, request.id);
  await dispatchRequestEffects(ctx, doc);
  return ok({ request: requestMapper.toView(doc), duplicate: false });
}

/** A retry: return the stored request, performing whatever the first attempt still owes. */
async function resumeExisting(ctx: CallContext, requestId: Id): Promise<Result<SubmitRequestOutput>> {
  const doc = await fetchRequest(ctx.db, requestId);
  if (!doc) return fail('INTERNAL');
  await dispatchRequestEffects(ctx, doc);
  return ok({ request: requestMapper.toView(doc), duplicate: true });
}
