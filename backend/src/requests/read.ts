// Read use cases: one request with its event log, a resident's own requests, and a responder's inbox
// (their own items, or a grid's / village's requests for staff). Every list goes through an index
// and is paginated with an opaque cursor.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Grid, Id, Request, RequestState, Village } from '../../../core/src/model';
import { PAGE_SIZE_DEFAULT, type FunctionInputs } from '../../../core/src/schemas';
import { mayHandleRequestsAt, mayOverseeVillage } from '../../../core/src/access';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById } from '../db';
import type { CallContext } from '../handler';
import { loadVisible } from './act';
import { toView, type InboxItem, type RequestDoc, type RequestView } from './store';

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** A request in a list: everything but the event log (getRequest has it). */
export type RequestSummary = Omit<Request, 'id'> & { id: Id; autoCloseAt: number | null };

interface Paging {
  offset: number;
  limit: number;
}

/** Cursors are the offset of the next page, as a decimal string. */
function paging(input: { limit?: number; cursor?: string }): Result<Paging> {
  const offset = input.cursor === undefined ? 0 : Number(input.cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) return fail('INPUT.INVALID', '分页参数无效');
  return ok({ offset, limit: input.limit ?? PAGE_SIZE_DEFAULT });
}

/** Runs a page query fetching one extra document to know whether another page follows. */
async function page<T>(query: { skip(n: number): { limit(n: number): { get(): unknown } } }, { offset, limit }: Paging): Promise<Page<T>> {
  const docs = await fetchAll<T>(query.skip(offset).limit(limit + 1));
  return { items: docs.slice(0, limit), nextCursor: docs.length > limit ? String(offset + limit) : null };
}

/** Lists are fetched without `events`, so the destructured log is absent. */
function summaryOf(doc: RequestDoc): RequestSummary {
  const { _id, events: _events, autoCloseAfterDays: _days, ...rest } = doc;
  return { id: _id, ...rest };
}

function stateFilter(db: Database, states: readonly RequestState[] | undefined): Record<string, unknown> {
  return states === undefined ? {} : { state: db.command.in([...states]) };
}

/** getRequest. Round trips: loadActor ∥ request (1). */
export async function getRequest(input: FunctionInputs['getRequest'], ctx: CallContext): Promise<Result<RequestView>> {
  const loaded = await loadVisible(ctx, input.requestId);
  if (!loaded.ok) return loaded;
  return ok(toView(loaded.value.doc));
}

/** listMyRequests. Round trips: 1 (residentId+submittedAt index). No loadActor: the openid is the resident. */
export async function listMyRequests(input: FunctionInputs['listMyRequests'], ctx: CallContext): Promise<Result<Page<RequestSummary>>> {
  const p = paging(input);
  if (!p.ok) return p;
  const query = ctx.db
    .collection(COLLECTIONS.requests)
    .where({ residentId: ctx.openid, ...stateFilter(ctx.db, input.states) })
    .orderBy('submittedAt', 'desc')
    .field({ events: false });
  const result = await page<RequestDoc>(query, p.value);
  return ok({ items: result.items.map(summaryOf), nextCursor: result.nextCursor });
}

export type InboxPage = { view: 'mine'; page: Page<InboxItem> } | { view: 'grid' | 'village'; page: Page<RequestSummary> };

async function mayWatchGrid(db: Database, actor: Actor, gridId: Id): Promise<boolean> {
  if (actor.roles.some((a) => a.scope.gridId === gridId)) return true;
  const grid = await fetchById<Omit<Grid, 'id'>>(db, COLLECTIONS.grids, gridId);
  return grid !== null && mayHandleRequestsAt(actor.roles, { streetId: grid.streetId, villageId: grid.villageId, gridId });
}

async function mayWatchVillage(db: Database, actor: Actor, villageId: Id): Promise<boolean> {
  const village = await fetchById<Omit<Village, 'id'>>(db, COLLECTIONS.villages, villageId);
  return village !== null && mayOverseeVillage(actor.roles, { streetId: village.streetId, villageId });
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
  const states = stateFilter(db, input.states);
  if (input.view === 'mine') {
    const query = db.collection(COLLECTIONS.inbox).where({ userId: ctx.openid, ...states }).orderBy('open', 'desc').orderBy('responseDueAt', 'asc');
    return ok({ view: 'mine', page: await page<InboxItem>(query, p.value) });
  }
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  let where: Record<string, unknown>;
  if (input.view === 'grid') {
    if (input.gridId === undefined) return fail('INPUT.INVALID', '请指定网格');
    if (!(await mayWatchGrid(db, actor, input.gridId))) return fail('AUTH.FORBIDDEN');
    where = { gridId: input.gridId };
  } else {
    if (input.villageId === undefined) return fail('INPUT.INVALID', '请指定村（社区）');
    if (!(await mayWatchVillage(db, actor, input.villageId))) return fail('AUTH.FORBIDDEN');
    where = { villageId: input.villageId };
  }
  const query = db.collection(COLLECTIONS.requests).where({ ...where, ...states }).orderBy('submittedAt', 'desc').field({ events: false });
  const result = await page<RequestDoc>(query, p.value);
  return ok({ view: input.view, page: { items: result.items.map(summaryOf), nextCursor: result.nextCursor } });
}
