// Use case: a resident submits a request (提交诉求). The grid comes from the resident's membership,
// never from the payload. Content is checked first; routing and deadlines are the core's; the
// request id is derived from (resident, idempotency key) so a retry returns the first request.
//
// Round trips: msgSecCheck ∥ loadActor (1), context loads in parallel (1), insert request (1), per
// responder one authorisation update + one send (in parallel), insert inbox batch (1). A same-key
// retry: (1) + (1) + failed insert (1) + existing request ∥ its inbox items (1), plus any delivery the
// first attempt did not finish.
import { fail, ok, type Result } from '../../../core/src/errors';
import { submitRequest as coreSubmit } from '../../../core/src/lifecycle';
import type { Id, Request } from '../../../core/src/model';
import { routeRequest } from '../../../core/src/routing';
import type { FunctionInputs, SubmitRequestOutput } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { Database, WxCloud } from '../cloud';
import { checkContent } from '../content';
import type { CallContext } from '../handler';
import { loadSubmitContext } from './context';
import { deliverToResponders } from './notifications';
import { fetchInboxItemsOf, fetchRequest, insertRequestOnce, requestIdFor, requestMapper } from './store';

/** The line responders see in the subscribe message for a new request. */
const NEW_REQUEST_NOTE = '新诉求，请尽快回复';
const FALLBACK_NOTE = '网格暂无负责人，请代为回复';

/** Gives the submission's responders the request; when nobody in the grid could take it, says so. */
function deliverSubmission(cloud: WxCloud, db: Database, request: Request, userIds: readonly Id[], now: number): Promise<void> {
  const fallback = request.routingOutcome === 'noResponderFallback';
  return deliverToResponders(cloud, db, request, userIds, fallback ? 'fallback' : 'routed', fallback ? FALLBACK_NOTE : NEW_REQUEST_NOTE, now);
}

export async function submitRequest(input: FunctionInputs['submitRequest'], ctx: CallContext): Promise<Result<SubmitRequestOutput>> {
  const { db, cloud, now } = ctx;
  const [content, actor] = await Promise.all([checkContent(cloud, ctx.openid, input.text), loadActor(db, ctx.openid, ctx.adminOpenids)]);
  if (!content.ok) return content;
  const membership = actor.membership;
  if (!membership) return fail('AUTH.FORBIDDEN', '请先扫码加入网格，再提交诉求');
  if (input.gridId !== undefined && input.gridId !== membership.gridId) return fail('AUTH.FORBIDDEN', '只能向自己所在的网格提交诉求');

  const context = await loadSubmitContext(db, membership.gridId, membership.villageId, membership.householdId, ctx.adminOpenids);
  if (!context) return fail('GRID.NOT_FOUND');
  const place = { streetId: context.grid.streetId, villageId: membership.villageId, gridId: membership.gridId };
  const routing = routeRequest(
    { place, category: input.category, ...(context.microGrid ? { microGrid: context.microGrid } : {}) },
    context.rules,
    context.assignments,
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

  const doc = requestMapper.toDocument(request, event, context.policy);
  if (!(await insertRequestOnce(db, doc))) return resumeExisting(cloud, db, request.id, now);
  await deliverSubmission(cloud, db, request, request.responders, now);
  return ok({ request: requestMapper.toView(doc), duplicate: false });
}

/** A retry: return the stored request, finishing any delivery the first attempt did not complete. */
async function resumeExisting(cloud: WxCloud, db: Database, requestId: Id, now: number): Promise<Result<SubmitRequestOutput>> {
  const [doc, items] = await Promise.all([fetchRequest(db, requestId), fetchInboxItemsOf(db, requestId)]);
  if (!doc) return fail('INTERNAL');
  const existing = requestMapper.toRequest(doc);
  const delivered = new Set(items.map((i) => i.userId));
  // Only the submission's responders: escalation delivers to its own audience.
  await deliverSubmission(
    cloud,
    db,
    existing,
    existing.routedTo.filter((id) => !delivered.has(id)),
    now,
  );
  return ok({ request: requestMapper.toView(doc), duplicate: true });
}
