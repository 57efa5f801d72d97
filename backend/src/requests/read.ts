// Read use cases: one request with its event log, a resident's own requests, and a responder's inbox
// (their own items, or a grid's / village's requests for staff). Every list goes through an index
// and is paginated with an opaque cursor.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Id } from '../../../core/src/model';
import { PAGE_SIZE_DEFAULT, type FunctionInputs, type InboxPage, type Page, type RequestSummary, type RequestView } from '../../../core/src/schemas';
import { mayHandleRequestsAt, mayOverseeVillage } from '../../../core/src/access';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import type { CallContext } from '../handler';
import { fetchGrid, fetchVillage, gridPlace, villagePlace } from '../organisation/repo';
import { loadVisible } from './act';
import { openEffects } from './effects';
import { fetchInboxPage, fetchRequestPage, requestMapper, type Paging, type RequestOwner } from './store';

// Reply types, still read from here by tests/miniprogram/api-types.test.ts.

/** Cursors are the offset of the next page, as a decimal string. */
function paging(input: { limit?: number; cursor?: string }): Result<Paging> {
  const offset = input.cursor === undefined ? 0 : Number(input.cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) return fail('INPUT.INVALID', '分页参数无效');
  return ok({ offset, limit: input.limit ?? PAGE_SIZE_DEFAULT });
}

/** getRequest (with the effects still owed or failed, for staff). Round trips: loadActor ∥ request (1). */
export async function getRequest(input: FunctionInputs['getRequest'], ctx: CallContext): Promise<Result<RequestView>> {
  const loaded = await loadVisible(ctx, input.requestId);
  if (!loaded.ok) return loaded;
  const { actor, doc } = loaded.value;
  const view = requestMapper.toView(doc);
  // Pending and failed deliveries are the staff's to follow up, not the resident's.
  return ok(mayHandleRequestsAt(actor.roles, doc) ? { ...view, openEffects: openEffects(doc, ctx.now) } : view);
}

/** listMyRequests. Round trips: 1 (residentId+submittedAt index). No loadActor: the openid is the resident. */
export async function listMyRequests(input: FunctionInputs['listMyRequests'], ctx: CallContext): Promise<Result<Page<RequestSummary>>> {
  const p = paging(input);
  if (!p.ok) return p;
  return ok(await fetchRequestPage(ctx.db, { residentId: ctx.openid }, input.states, p.value));
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
