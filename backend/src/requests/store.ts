// The requests area's collections: requests (诉求), each stored with its event log and the effects
// that follow its changes (effects.ts), and the responders' inbox items. One mapper between stored
// requests and the core's Request and replies, the deterministic ids, the list queries (each through
// an index), and the one conditional write every transition goes through (`where version ==
// expected`), which also records the transition's effects.
import { createHash } from 'node:crypto';
import { effectCancelled, isScheduled, nextEffectAt, type Effect } from '../../../core/src/effects';
import { autoCloseDueAt, type AutoCloseRule, type TransitionOutcome } from '../../../core/src/lifecycle';
import type { EpochMs, Id, Request, RequestEvent, RequestState } from '../../../core/src/model';
import { isAwaitingResponse, isOpen } from '../../../core/src/model';
import type { InboxItem, InboxReason, Page, RequestSummary, RequestView } from '../../../core/src/schemas';
import type { ResolvedPolicy } from '../../../core/src/policy';
import { RESOLUTION_CLOCK_STATES, resolutionDueAt } from '../../../core/src/sla';
import { truncateChars } from '../../../core/src/text';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, fromStored, insertOnce, toStored, updateWhere, type Stored } from '../db';
import type { EffectFields } from '../effects/dispatcher';

// Reply types, still read from here by tests/miniprogram/api-types.test.ts.

/**
 * A stored request: what getRequest answers (the request, its event log, and `autoCloseAt`, which the
 * sweeper finds through its index) plus the auto-close rule fixed at submission from the village policy.
 */
export type RequestDoc = Stored<RequestView & AutoCloseRule> & EffectFields & EscalatedBy & ResolutionTarget;

/**
 * When the request should be resolved (办结时限), fixed at submission from the village's targets, so
 * the first reply schedules its reminder without reading the policy (older requests lack it).
 */
interface ResolutionTarget {
  resolutionTargetAt?: EpochMs;
}

/** The escalation group (requestEscalations) that took the request to each level, by `L<level>`: which group's messages are its. */
interface EscalatedBy {
  escalatedBy?: Record<string, Id>;
}

/** The field of `escalatedBy` naming the group that escalated to `level`. */
export function escalatedByField(level: number): string {
  return `escalatedBy.L${level}`;
}

/** A stored request as lists fetch it (without the event log, which only getRequest needs). */
export type RequestListDoc = Omit<RequestDoc, 'events'> & Partial<Pick<RequestDoc, 'events'>>;

/** Characters of the request text kept on inbox items. */
const INBOX_EXCERPT_LENGTH = 40;
/** Length of the hex digest used as a request id (CloudBase ids are 32 characters). */
const REQUEST_ID_HEX_LENGTH = 32;
/** The sweeper's lists leave the event log out (they need the effects). */
const WITHOUT_EVENTS = { events: false } as const;
/** Pages of requests leave out the event log and the effects: neither is shown in a list. */
const LIST_FIELDS = { events: false, effects: false } as const;

/** The request id for a resident's draft: the same (resident, key) always gives the same id. */
export function requestIdFor(residentId: Id, idempotencyKey: string): Id {
  return createHash('sha256').update(`${residentId}\n${idempotencyKey}`).digest('hex').slice(0, REQUEST_ID_HEX_LENGTH);
}

/** What starts a household-scoped resident id (代办 for a household nobody of it has joined). */
const HOUSEHOLD_RESIDENT_PREFIX = 'household:';

/**
 * The id a 代办 request names as its resident when nobody of the household has joined: scoped to the
 * household, so it can never be a person's openid, and the same for every request of that household.
 */
export function householdResidentId(householdId: Id): Id {
  return `${HOUSEHOLD_RESIDENT_PREFIX}${householdId}`;
}

/** Whether a request's resident is a household-scoped id (nobody to message: no openid). */
export function isHouseholdResidentId(residentId: Id): boolean {
  return residentId.startsWith(HOUSEHOLD_RESIDENT_PREFIX);
}

/** What only the stored request holds (how it closes and is reminded, its effects and escalation groups): never in a reply. */
function withoutStoredOnly<D extends RequestListDoc>(doc: D) {
  const {
    autoCloseAfterDays: _days,
    resolutionTargetAt: _target,
    effects: _effects,
    effectsRev: _rev,
    effectsDueAt: _due,
    escalatedBy: _groups,
    ...rest
  } = fromStored(doc);
  return rest;
}

/** The one mapper between stored requests and the core's Request and the replies made of it. */
export const requestMapper = {
  /** A new request with its first event, closing itself by the village's rule once resolved, its resolution target fixed. */
  toDocument(
    request: Request,
    event: RequestEvent,
    policy: AutoCloseRule & Pick<ResolvedPolicy, 'resolutionTargetsMs'>,
    effects: Record<string, Effect>,
  ): RequestDoc {
    const stored = toStored({
      ...request,
      events: [event],
      autoCloseAfterDays: policy.autoCloseAfterDays,
      autoCloseAt: autoCloseDueAt(request, policy),
      resolutionTargetAt: resolutionDueAt(request, policy),
    });
    return { ...stored, effects, effectsRev: 1, effectsDueAt: nextEffectAt(Object.values(effects)) };
  },

  toRequest(doc: RequestListDoc): Request {
    const { events: _events, autoCloseAt: _at, ...request } = withoutStoredOnly(doc);
    return request;
  },

  toAutoCloseRule(doc: RequestListDoc): AutoCloseRule {
    return { autoCloseAfterDays: doc.autoCloseAfterDays };
  },

  toSummary(doc: RequestListDoc): RequestSummary {
    const { events: _events, ...summary } = withoutStoredOnly(doc);
    return summary;
  },

  toView(doc: RequestDoc): RequestView {
    const view = withoutStoredOnly(doc);
    // A group's escalation event is stored once for the whole group, without the request's id.
    return { ...view, events: view.events.map((event) => ({ ...event, requestId: doc._id })) };
  },
};

// ---------------------------------------------------------------------------------------------
// Requests

export function fetchRequest(db: Database, requestId: Id): Promise<RequestDoc | null> {
  return fetchById<RequestDoc>(db, COLLECTIONS.requests, requestId);
}

/** Stores a new request; false when its id is there already (a retried submission). One round trip. */
export function insertRequestOnce(db: Database, doc: RequestDoc): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.requests, doc);
}

const SAME = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The update that turns `before` into `after` and appends `event` to the log: changed fields set
 * (objects whole, through `_.set`), dropped fields removed.
 */
function transitionUpdate(db: Database, before: RequestSummary, after: RequestSummary, event: RequestEvent): Record<string, unknown> {
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
  data.events = _.push([event]);
  return data;
}

/**
 * Stores a transition, and the effects that follow it in the same write, if the request still has
 * the version it was decided on. Every change bumps the version, so this one condition also keeps
 * overlapping sweeps from escalating or closing a request twice. Returns the request document as now
 * stored, or null when another writer got there first. One round trip.
 */
export async function saveTransition(
  db: Database,
  doc: RequestListDoc,
  { request, event, expectedVersion }: TransitionOutcome,
  effects: Record<string, Effect>,
  now: EpochMs,
): Promise<RequestDoc | null> {
  const after: RequestSummary = { ...request, autoCloseAt: autoCloseDueAt(request, requestMapper.toAutoCloseRule(doc)) };
  const cancelled = cancelledReminders(doc, request, now);
  const written = { ...cancelled, ...effects };
  const effectWrites = Object.fromEntries(Object.entries(written).map(([key, effect]) => [`effects.${key}`, db.command.set(effect)]));
  const owes = Object.keys(effects).length > 0;
  const allEffects = { ...(doc.effects ?? {}), ...written };
  // The timer's list must find this request no later than its earliest pending effect (an added one
  // due now, or claimed by the writer and due again after the claim's backoff).
  const dueAt = owes || Object.keys(cancelled).length > 0 ? nextEffectAt(Object.values(allEffects)) : (doc.effectsDueAt ?? null);
  const updated = await updateWhere(db.collection(COLLECTIONS.requests).where({ _id: doc._id, version: expectedVersion }), {
    ...transitionUpdate(db, requestMapper.toSummary(doc), after, event),
    ...effectWrites,
    ...(owes ? { effectsRev: db.command.inc(1) } : {}),
    ...(dueAt !== (doc.effectsDueAt ?? null) ? { effectsDueAt: dueAt } : {}),
  });
  if (updated !== 1) return null;
  return {
    ...doc,
    ...toStored(after),
    autoCloseAfterDays: doc.autoCloseAfterDays,
    events: [...(doc.events ?? []), event],
    effects: allEffects,
    effectsRev: (doc.effectsRev ?? 0) + (owes ? 1 : 0),
    effectsDueAt: dueAt,
  };
}

/** The effect kinds of a due-soon reminder (scheduled at submission) and a resolution reminder (at the first reply); requests/effects.ts. */
const DUE_SOON_KIND = 'dueSoon';
const RESOLUTION_DUE_KIND = 'resolutionDue';
const REMINDER_NOT_NEEDED = 'answered';
const RESOLUTION_REMINDER_NOT_NEEDED = 'resolved';

/**
 * Reminders still scheduled (not yet due, so nobody can have claimed them) that the change made
 * pointless: the due-soon ones once the request no longer awaits its first reply, the resolution
 * ones once it is resolved, closed or cancelled. Cancelled in the change's own write, so none is sent after.
 */
function cancelledReminders(doc: RequestListDoc, request: Request, now: EpochMs): Record<string, Effect> {
  const answered = !isAwaitingResponse(request.state);
  const settled = !RESOLUTION_CLOCK_STATES.includes(request.state) && answered;
  return Object.fromEntries(
    Object.entries(doc.effects ?? {})
      .filter(([, e]) => isScheduled(e, now) && ((answered && e.kind === DUE_SOON_KIND) || (settled && e.kind === RESOLUTION_DUE_KIND)))
      .map(([key, e]) => [key, effectCancelled(e, e.kind === DUE_SOON_KIND ? REMINDER_NOT_NEEDED : RESOLUTION_REMINDER_NOT_NEEDED, now)]),
  );
}

/** The sweeper's two lists: requests in `state` whose `dueField` instant has come, each through that field's index. */
const DUE_LISTS = {
  escalation: { dueField: 'nextEscalationAt', state: 'submitted' },
  autoClose: { dueField: 'autoCloseAt', state: 'resolved' },
  effects: { dueField: 'effectsDueAt', state: null },
} as const;

/**
 * Requests due for escalation or auto-close at `now` (or owing effects, `effects`), the longest
 * overdue first, at most `limit`, leaving out `excluded` (those that failed earlier in this sweep).
 * One round trip.
 */
export function fetchDue(db: Database, list: keyof typeof DUE_LISTS, now: EpochMs, limit: number, excluded: readonly Id[] = []): Promise<RequestListDoc[]> {
  const { dueField, state } = DUE_LISTS[list];
  const _ = db.command;
  return fetchAll<RequestListDoc>(
    db
      .collection(COLLECTIONS.requests)
      .where({ [dueField]: _.lte(now), ...(state === null ? {} : { state }), ...(excluded.length > 0 ? { _id: _.nin([...excluded]) } : {}) })
      .orderBy(dueField, 'asc')
      .limit(limit)
      .field(WITHOUT_EVENTS),
  );
}

/** One page of a list: `offset` documents in, at most `limit` of them. */
export interface Paging {
  offset: number;
  limit: number;
}

/** Runs a page query fetching one extra document to know whether another page follows. Cursors are offsets. */
async function fetchPage<T>(query: { skip(n: number): { limit(n: number): { get(): unknown } } }, { offset, limit }: Paging): Promise<Page<T>> {
  const docs = await fetchAll<T>(query.skip(offset).limit(limit + 1));
  return { items: docs.slice(0, limit), nextCursor: docs.length > limit ? String(offset + limit) : null };
}

/** Both conditions: a plain merge when the owner is a plain filter, `_.and` when it is a command (an `or`). */
function allOf(db: Database, owner: Record<string, unknown>, states: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(states).length === 0) return owner;
  const plain = Object.getPrototypeOf(owner) === Object.prototype;
  return plain ? { ...owner, ...states } : (db.command.and([owner, states]) as unknown as Record<string, unknown>);
}

function stateFilter(db: Database, states: readonly RequestState[] | undefined): Record<string, unknown> {
  return states === undefined ? {} : { state: db.command.in([...states]) };
}

/** Whose requests a list shows: a resident's own (and those staff submitted for their household, 代办), or a grid's or a village's. */
export type RequestOwner = { residentId: Id; onBehalfOfHousehold?: Id } | { gridId: Id } | { villageId: Id };

function ownerFilter(db: Database, owner: RequestOwner): Record<string, unknown> {
  if (!('onBehalfOfHousehold' in owner) || owner.onBehalfOfHousehold === undefined) return owner;
  const _ = db.command;
  return _.or([{ residentId: owner.residentId }, { householdId: owner.onBehalfOfHousehold, submittedBy: _.exists(true) }]) as unknown as Record<
    string,
    unknown
  >;
}

/** A page of the owner's requests, newest first (residentId / gridId / villageId + submittedAt index). One round trip. */
export async function fetchRequestPage(
  db: Database,
  owner: RequestOwner,
  states: readonly RequestState[] | undefined,
  paging: Paging,
): Promise<Page<RequestSummary>> {
  const query = db
    .collection(COLLECTIONS.requests)
    .where(allOf(db, ownerFilter(db, owner), stateFilter(db, states)))
    .orderBy('submittedAt', 'desc')
    .field(LIST_FIELDS);
  const page = await fetchPage<RequestListDoc>(query, paging);
  return { items: page.items.map(requestMapper.toSummary), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------------------------
// Inbox items

export function inboxItemId(requestId: Id, userId: Id): string {
  return `${requestId}:${userId}`;
}

/** What an inbox item (and a message about the request) says of its request. */
export type InboxSource = Pick<
  Request,
  'id' | 'gridId' | 'villageId' | 'state' | 'category' | 'urgent' | 'text' | 'responseDueAt' | 'escalationLevel' | 'submittedAt'
>;

/** The inbox source of `request`, its text cut to what an inbox item keeps. */
export function inboxSourceOf(request: Request): InboxSource {
  const { id, gridId, villageId, state, category, urgent, text, responseDueAt, escalationLevel, submittedAt } = request;
  return { id, gridId, villageId, state, category, urgent, text: truncateChars(text, INBOX_EXCERPT_LENGTH), responseDueAt, escalationLevel, submittedAt };
}

/** The inbox item a responder gets for a request: the one place it is derived from the request. */
export function inboxItemFor(
  request: InboxSource,
  userId: Id,
  reason: InboxReason,
  now: EpochMs,
  notified: InboxItem['notified'],
  sms: Pick<InboxItem, 'sms' | 'smsError'> = {},
): InboxItem {
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
    excerpt: truncateChars(request.text, INBOX_EXCERPT_LENGTH),
    responseDueAt: request.responseDueAt,
    createdAt: now,
    reason,
    escalationLevel: request.escalationLevel,
    notified,
    ...sms,
  };
}

/** A page of the user's inbox, open items first, then the soonest due (userId + open + responseDueAt index). One round trip. */
export function fetchInboxPage(db: Database, userId: Id, states: readonly RequestState[] | undefined, paging: Paging): Promise<Page<InboxItem>> {
  const query = db
    .collection(COLLECTIONS.inbox)
    .where({ userId, ...stateFilter(db, states) })
    .orderBy('open', 'desc')
    .orderBy('responseDueAt', 'asc');
  return fetchPage<InboxItem>(query, paging);
}
