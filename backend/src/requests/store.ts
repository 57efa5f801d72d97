// Storage of requests (诉求) and responders' inbox items: document shapes, deterministic ids, and
// the conditional writes every transition goes through (`where version == expected`).
import { createHash } from 'node:crypto';
import type { EpochMs, Id, Request, RequestEvent, RequestState } from '../../../core/src/model';
import { isOpen } from '../../../core/src/model';
import { DAY_MS } from '../../../core/src/policy';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { truncateChars } from '../../../core/src/text';
import { fetchById, isDuplicateKeyError, updateWhere } from '../db';
import type { SendOutcome } from '../notify';

/**
 * A stored request: the core's Request with `_id` for `id`, the event log the resident reads in one
 * go, and the auto-close fields the sweeper queries through the `autoCloseAt` index.
 */
export type RequestDoc = Omit<Request, 'id'> & {
  _id: Id;
  events: RequestEvent[];
  /** Days after resolution at which the request closes itself, fixed at submission from the village policy. */
  autoCloseAfterDays: number;
  /** When a resolved request closes itself; null unless resolved. */
  autoCloseAt: EpochMs | null;
};

/** Why someone has an inbox item for a request. */
export type InboxReason = 'routed' | 'fallback' | 'escalation' | 'handOver';

/** What a responder's inbox shows (watched live by the mini-program, so kept small). */
export interface InboxItem {
  _id: string;
  userId: Id;
  requestId: Id;
  gridId: Id;
  villageId: Id;
  state: RequestState;
  /** isOpen(state), stored so the inbox can sort open items first through an index. */
  open: boolean;
  category: Request['category'];
  urgent: boolean;
  excerpt: string;
  responseDueAt: EpochMs;
  createdAt: EpochMs;
  reason: InboxReason;
  escalationLevel: number;
  /** How the subscribe message to this responder went (committees see missing authorisations). */
  notified: SendOutcome | 'notAttempted';
}

/** Characters of the request text kept on inbox items. */
const INBOX_EXCERPT_LENGTH = 40;
/** Length of the hex digest used as a request id (CloudBase ids are 32 characters). */
const REQUEST_ID_HEX_LENGTH = 32;

/** The request id for a resident's draft: the same (resident, key) always gives the same id. */
export function requestIdFor(residentId: Id, idempotencyKey: string): Id {
  return createHash('sha256').update(`${residentId}\n${idempotencyKey}`).digest('hex').slice(0, REQUEST_ID_HEX_LENGTH);
}

function inboxItemId(requestId: Id, userId: Id): string {
  return `${requestId}:${userId}`;
}

function excerptOf(text: string): string {
  return truncateChars(text, INBOX_EXCERPT_LENGTH);
}

export function toRequest(doc: RequestDoc): Request {
  const { _id, events: _events, autoCloseAfterDays: _days, autoCloseAt: _at, ...rest } = doc;
  return { id: _id, ...rest };
}

/** When a request in this state closes itself (only resolved ones do). */
export function autoCloseAtFor(request: Pick<Request, 'state' | 'resolvedAt'>, autoCloseAfterDays: number): EpochMs | null {
  return request.state === 'resolved' && request.resolvedAt !== undefined ? request.resolvedAt + autoCloseAfterDays * DAY_MS : null;
}

export function newRequestDoc(request: Request, event: RequestEvent, autoCloseAfterDays: number): RequestDoc {
  const { id, ...rest } = request;
  return { _id: id, ...rest, events: [event], autoCloseAfterDays, autoCloseAt: null };
}

export function inboxItemFor(request: Request, userId: Id, reason: InboxReason, now: EpochMs, notified: InboxItem['notified']): InboxItem {
  return {
    _id: inboxItemId(request.id, userId),
    userId,
    requestId: request.id,
    gridId: request.gridId,
    villageId: request.villageId,
    state: request.state,
    open: isOpen(request.state),
    category: request.category,
    urgent: request.urgent,
    excerpt: excerptOf(request.text),
    responseDueAt: request.responseDueAt,
    createdAt: now,
    reason,
    escalationLevel: request.escalationLevel,
    notified,
  };
}

export async function loadRequestDoc(db: Database, requestId: Id): Promise<RequestDoc | null> {
  return fetchById<RequestDoc>(db, COLLECTIONS.requests, requestId);
}

const SAME = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The update that turns `before` into `after` and appends `event` to the log: changed fields set
 * (objects whole, through `_.set`), dropped fields removed.
 */
function transitionUpdate(db: Database, before: Request, after: Request, event: RequestEvent, autoCloseAt: EpochMs | null): Record<string, unknown> {
  const _ = db.command;
  const data: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('id');
  for (const key of keys) {
    const was = (before as unknown as Record<string, unknown>)[key];
    const now = (after as unknown as Record<string, unknown>)[key];
    if (now === undefined) {
      if (was !== undefined) data[key] = _.remove();
    } else if (!SAME(was, now)) {
      data[key] = now !== null && typeof now === 'object' && !Array.isArray(now) ? _.set(now) : now;
    }
  }
  data.autoCloseAt = autoCloseAt;
  data.events = _.push([event]);
  return data;
}

/**
 * Stores a transition if the request still has `expectedVersion` (and, for escalation, the level
 * the decision was made on). Returns false when another writer got there first. One round trip.
 */
export async function saveTransition(
  db: Database,
  doc: RequestDoc,
  after: Request,
  event: RequestEvent,
  expectedVersion: number,
  extraGuard: Record<string, unknown> = {},
): Promise<boolean> {
  const autoCloseAt = autoCloseAtFor(after, doc.autoCloseAfterDays);
  const updated = await updateWhere(
    db.collection(COLLECTIONS.requests).where({ _id: doc._id, version: expectedVersion, ...extraGuard }),
    transitionUpdate(db, toRequest(doc), after, event, autoCloseAt),
  );
  return updated === 1;
}

/** Keeps every inbox item of the request in step with its state. One round trip (requestId index). */
export async function syncInboxState(db: Database, request: Pick<Request, 'id' | 'state' | 'escalationLevel'>): Promise<void> {
  await updateWhere(db.collection(COLLECTIONS.inbox).where({ requestId: request.id }), {
    state: request.state,
    open: isOpen(request.state),
    escalationLevel: request.escalationLevel,
  });
}

/**
 * Inserts inbox items in one batch (one round trip). Ids are deterministic, so if a retry finds some
 * already there, each item is written on its own with `set` (idempotent) instead.
 */
export async function insertInboxItems(db: Database, items: readonly InboxItem[]): Promise<void> {
  if (items.length === 0) return;
  try {
    await db.collection(COLLECTIONS.inbox).add({ data: items as never });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await Promise.all(
      items.map(({ _id, ...item }) => db.collection(COLLECTIONS.inbox).doc(_id).set({ data: item as never })),
    );
  }
}

/** The request as clients see it: `id` rather than `_id`, events included. */
export type RequestView = Request & { events: RequestEvent[]; autoCloseAt: EpochMs | null };

export function toView(doc: RequestDoc): RequestView {
  return { ...toRequest(doc), events: doc.events, autoCloseAt: doc.autoCloseAt };
}
