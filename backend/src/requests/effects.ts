// What follows a change to a request, as effects stored in the request document by the same write as
// the change (effects/dispatcher.ts performs them): a subscribe message per person told, an SMS owed
// to each responder told (core/src/channels.ts decides when one goes out), an inbox item per new
// responder, one inbox state update for everyone's items, and, on a submission, a due-soon reminder
// per responder scheduled before the response target; on the first reply, a resolution reminder per
// responder scheduled at the resolution target (办结时限). Keys are deterministic — the request version
// the change produced, the kind and the recipient — so recording or performing one twice is a no-op.
//
// Unknown outcome: a message or SMS whose attempt was claimed but never recorded (a crash between the
// send and the record) is sent again when its backoff passes: at least once. A one-time
// authorisation is used up by the first send, so WeChat refuses the second with 43101; only a
// long-term subscription can show the message twice, and an SMS may arrive twice (and is counted
// twice against the budget).
import {
  requestPageFor,
  requestPageQuery,
  RESPONDER_REQUEST_PAGE,
  smsDecision,
  smsNeeded,
  smsVariable,
  type SmsOutcome,
  type SmsRule,
} from '../../../core/src/channels';
import { EFFECT_MAX_TRIES, isEffectDue, isScheduled, newEffect, newScheduledEffect, retryDelayMs, type Effect } from '../../../core/src/effects';
import type { EpochMs, Id, Request, RequestEvent, RoleAssignment, VillagePolicy } from '../../../core/src/model';
import { isAwaitingResponse, isOpen, REQUEST_CATEGORY_LABELS, REQUEST_STATES } from '../../../core/src/model';
import { resolvePolicy, type ResolvedPolicy } from '../../../core/src/policy';
import { RESOLUTION_CLOCK_STATES, resolutionDueAt } from '../../../core/src/sla';
import type { InboxItem, InboxReason, RequestEffectView } from '../../../core/src/schemas';
import type { TemplateKey } from '../../../core/src/subscriptions';
import type { Database, WxCloud } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, MAX_GET_LIMIT, setById, updateWhere } from '../db';
import { errorText, type Attempt, type EffectHost } from '../effects/dispatcher';
import {
  generateUrlLink,
  isLongTerm,
  releaseSms,
  remainingAuthorisations,
  reserveSms,
  sendHeldSubscribeMessage,
  sendSms,
  sendSubscribeMessage,
  TEMPLATE_IDS,
  thingValue as thing,
  timeValue as time,
  type SubscribeMessage,
} from '../notify';
import { fetchGrid } from '../organisation/repo';
import { isLeftResidentId } from '../../../core/src/myInformation';
import { inboxItemFor, inboxItemId, isHouseholdResidentId, requestMapper, type RequestDoc } from './store';

interface MessagePayload {
  userId: Id;
  message: SubscribeMessage;
}
interface InboxPayload {
  userId: Id;
  reason: InboxReason;
}
/** An SMS owed to a responder: always, or only when their subscribe message (the sibling effect) could not reach them. */
export interface SmsPayload {
  userId: Id;
  rule: SmsRule;
  why: string;
}
type RequestEffect =
  | Effect<'message', MessagePayload>
  | Effect<'dueSoon', MessagePayload>
  | Effect<'resolutionDue', MessagePayload>
  | Effect<'sms', SmsPayload>
  | Effect<'inbox', InboxPayload>
  | Effect<'inboxState', Record<string, never>>;

/** Field names may not hold dots; keys are made of the version, the kind and the recipient. */
function effectKey(version: number, kind: RequestEffect['kind'], userId?: Id): string {
  return [`v${version}`, kind, ...(userId === undefined ? [] : [userId.replaceAll('.', '_')])].join(':');
}

function add(effects: Record<string, Effect>, request: Request, effect: RequestEffect['kind'], payload: unknown, now: EpochMs, userId?: Id): void {
  const key = effectKey(request.version, effect, userId);
  effects[key] = newEffect(`${request.id}:${key}`, effect, payload, now);
}

/** "A request is yours" (new, handed over, reopened: requestAssigned; escalated: requestEscalated), to one responder. */
export function assignedMessage(
  request: Pick<Request, 'id' | 'category' | 'text' | 'submittedAt'>,
  userId: Id,
  why: string,
  template: TemplateKey,
): SubscribeMessage {
  return {
    touser: userId,
    templateId: TEMPLATE_IDS[template],
    page: requestPageFor('responder', request.id),
    data: {
      thing1: thing(REQUEST_CATEGORY_LABELS[request.category]),
      thing2: thing(request.text),
      time3: time(request.submittedAt),
      thing4: thing(why),
    },
  };
}

/** "Your request changed", to the resident. */
function updatedMessage(request: Request, event: RequestEvent): SubscribeMessage {
  return {
    touser: request.residentId,
    templateId: TEMPLATE_IDS.requestUpdated,
    page: requestPageFor('resident', request.id),
    data: {
      thing1: thing(request.text),
      thing2: thing(REQUEST_STATES[request.state].label),
      thing3: thing(event.note ?? event.label),
      time4: time(event.at),
    },
  };
}

const DUE_SOON_NOTE = '回复时限将到，请尽快回复';
const RESOLUTION_DUE_NOTE = '已到办结时限，请尽快办结';

/**
 * A deadline reminder to one responder: "your answer is due soon" (before the response target) or
 * "your request is past its resolution target". Both use the requestDueSoon template, not
 * requestUpdated: it is the responder's deadline template (category, text, the deadline, a note),
 * which responders already accept when they subscribe; requestUpdated is the resident's news of a change.
 */
function deadlineMessage(request: Request, userId: Id, dueAt: EpochMs, note: string): SubscribeMessage {
  return {
    touser: userId,
    templateId: TEMPLATE_IDS.requestDueSoon,
    page: requestPageFor('responder', request.id),
    data: {
      thing1: thing(REQUEST_CATEGORY_LABELS[request.category]),
      thing2: thing(request.text),
      time3: time(dueAt),
      thing4: thing(note),
    },
  };
}

/**
 * Who hears of a change: new responders (a message, an SMS if owed and an inbox item each), people
 * only told (a message and an SMS if owed each), the resident, whether existing inbox items follow
 * the state, and (on a submission) how long before the response target the responders are reminded.
 */
export interface FollowUp {
  /** Their SMS goes only when the message could not reach them; escalations (escalations.ts) have their own rule. */
  assigned?: { userIds: readonly Id[]; reason: InboxReason; why: string };
  toldResponders?: { userIds: readonly Id[]; why: string };
  toldResident?: boolean;
  /** Existing inbox items take the request's new state (every change after the submission). */
  syncInbox: boolean;
  /** The village's due-soon lead (policy.dueSoonBeforeMs; 0: no reminder). */
  dueSoonBeforeMs?: number;
  /** On the first reply: when the request should be resolved; its responders are reminded then. */
  resolutionDueAt?: EpochMs;
}

/** The effects of a change that produced `request` (at its new version) and `event`. */
export function effectsOf(request: Request, event: RequestEvent, followUp: FollowUp, now: EpochMs): Record<string, Effect> {
  const effects: Record<string, Effect> = {};
  const { assigned, toldResponders: told } = followUp;
  for (const userId of assigned?.userIds ?? []) {
    const { why, reason } = assigned ?? { why: '', reason: 'routed' };
    add(effects, request, 'message', { userId, message: assignedMessage(request, userId, why, 'requestAssigned') } satisfies MessagePayload, now, userId);
    add(effects, request, 'sms', { userId, rule: 'fallback', why } satisfies SmsPayload, now, userId);
    add(effects, request, 'inbox', { userId, reason } satisfies InboxPayload, now, userId);
  }
  for (const userId of told?.userIds ?? []) {
    const why = told?.why ?? '';
    add(effects, request, 'message', { userId, message: assignedMessage(request, userId, why, 'requestAssigned') } satisfies MessagePayload, now, userId);
    add(effects, request, 'sms', { userId, rule: 'fallback', why } satisfies SmsPayload, now, userId);
  }
  const lead = followUp.dueSoonBeforeMs ?? 0;
  const remindAt = request.responseDueAt - lead;
  if (lead > 0 && remindAt > now && isAwaitingResponse(request.state)) {
    for (const userId of assigned?.userIds ?? []) {
      const key = effectKey(request.version, 'dueSoon', userId);
      effects[key] = newScheduledEffect(
        `${request.id}:${key}`,
        'dueSoon',
        { userId, message: deadlineMessage(request, userId, request.responseDueAt, DUE_SOON_NOTE) } satisfies MessagePayload,
        now,
        remindAt,
      );
    }
  }
  const resolutionAt = followUp.resolutionDueAt;
  if (resolutionAt !== undefined && RESOLUTION_CLOCK_STATES.includes(request.state)) {
    for (const userId of request.responders) {
      const key = effectKey(request.version, 'resolutionDue', userId);
      const message = deadlineMessage(request, userId, resolutionAt, RESOLUTION_DUE_NOTE);
      effects[key] = newScheduledEffect(`${request.id}:${key}`, 'resolutionDue', { userId, message } satisfies MessagePayload, now, resolutionAt);
      // Its SMS sibling follows the channel rule (only when the message could not reach them); it waits for the message.
      const smsKey = effectKey(request.version, 'sms', userId);
      effects[smsKey] = newScheduledEffect(
        `${request.id}:${smsKey}`,
        'sms',
        { userId, rule: 'fallback', why: RESOLUTION_DUE_NOTE } satisfies SmsPayload,
        now,
        resolutionAt,
      );
    }
  }
  // Nobody to message: a household-scoped resident (代办) or one who left the grid (leaveGrid).
  if (followUp.toldResident && !isHouseholdResidentId(request.residentId) && !isLeftResidentId(request.residentId)) {
    add(effects, request, 'message', { userId: request.residentId, message: updatedMessage(request, event) } satisfies MessagePayload, now, request.residentId);
  }
  if (followUp.syncInbox) add(effects, request, 'inboxState', {}, now);
  return effects;
}

/** The key of the `kind` effect for `userId` recorded by the same change as the effect keyed `key`. */
function siblingKey(key: string, kind: RequestEffect['kind'], userId: Id): string {
  return effectKey(Number(key.slice(1, key.indexOf(':'))), kind, userId);
}

/** How the message to an inbox item's owner went, as far as the dispatcher knows. */
export function notifiedOf(message: Effect | undefined): InboxItem['notified'] {
  if (!message || message.state === 'pending') return 'notAttempted';
  return message.state === 'failed' ? 'failed' : ((message.outcome as InboxItem['notified'] | undefined) ?? 'notAttempted');
}

/** An SMS that was not needed (the subscribe message reached its recipient) leaves no mark on the inbox item. */
const SMS_NOT_NEEDED = 'notNeeded';

/** How the SMS to an inbox item's owner went, as far as the dispatcher knows (nothing when none was needed). */
export function smsOf(sms: Effect | undefined): Pick<InboxItem, 'sms' | 'smsError'> {
  if (!sms) return {};
  if (sms.state === 'pending') return { sms: 'pending' };
  if (sms.state === 'failed') return { sms: 'failed', ...(sms.lastError !== undefined ? { smsError: sms.lastError } : {}) };
  return sms.outcome === SMS_NOT_NEEDED || sms.outcome === undefined ? {} : { sms: sms.outcome as SmsOutcome };
}

// The older items' state does not wait on any send: it goes alongside the messages.
const PHASES: Record<RequestEffect['kind'], number> = { message: 0, dueSoon: 0, resolutionDue: 0, inboxState: 0, sms: 1, inbox: 2 };

function keyOf(doc: RequestDoc, effect: Effect): string {
  return effect.id.slice(doc._id.length + 1);
}

/** Writes to an existing inbox item how its owner was reached; a failure is logged (the effect's outcome stands). */
async function noteOnInbox(db: Database, requestId: Id, userId: Id, fields: Partial<InboxItem>): Promise<void> {
  await updateWhere(db.collection(COLLECTIONS.inbox).where({ _id: inboxItemId(requestId, userId) }), fields).catch((err: unknown) => {
    console.error('[requests] inbox item not updated', err instanceof Error ? err.message : err);
  });
}

/** What an SMS needs to know about its recipients and their village: their phones, the SMS policy, the grid's name. */
export interface SmsContext {
  phonesOf(userId: Id): (string | undefined)[];
  sms: ResolvedPolicy['sms'];
  gridName: string;
}

/** The SMS context of `userIds` in one grid. Three reads in parallel, whatever the number of recipients. */
export async function smsContext(db: Database, villageId: Id, gridId: Id, userIds: readonly Id[]): Promise<SmsContext> {
  // The recipients' assignments by the userId index (a responder may hold roles in several places).
  const [assignments, policyDoc, grid] = await Promise.all([
    fetchAll<RoleAssignment>(
      db
        .collection(COLLECTIONS.roleAssignments)
        .where({ userId: db.command.in([...userIds]) })
        .limit(MAX_GET_LIMIT),
    ),
    fetchById<VillagePolicy>(db, COLLECTIONS.villagePolicies, villageId),
    fetchGrid(db, gridId),
  ]);
  return {
    phonesOf: (userId) => assignments.filter((a) => a.userId === userId).map((a) => a.phone),
    sms: resolvePolicy(policyDoc ?? undefined).sms,
    gridName: grid?.name ?? '',
  };
}

/** What an SMS is about: one request, or an escalation group's requests of one grid. */
export interface SmsSubject {
  villageId: Id;
  /** The recipients' phones, the village's SMS policy and the grid's name (read when an SMS is owed). */
  context(): Promise<SmsContext>;
  /** What kind of request, as the SMS names it (a category, or how many requests). */
  what: string;
  /** The page the SMS's link opens, and its query. */
  linkPath: string;
  linkQuery: string;
  /** Writes how the SMS went on the recipient's inbox items (once they exist). */
  note(fields: Pick<InboxItem, 'sms' | 'smsError'>): Promise<void>;
}

/**
 * One SMS to a responder, if owed: after the subscribe message (`message`, the sibling effect) could
 * not reach them, or always for an escalation to the duty officers or the street; only to a mobile,
 * with SMS on in the village and today's budget not used up. A failed call gives its budget back and
 * is retried; the last failed try is written on the inbox item with its reason.
 * Round trips: the context (1, phones ∥ policy ∥ grid), the budget (1, 2 on the day's first SMS), the link and the send.
 */
export async function performSmsAbout(
  cloud: WxCloud,
  db: Database,
  subject: SmsSubject,
  effect: Effect<'sms', SmsPayload>,
  message: Effect | undefined,
  now: EpochMs,
): Promise<Attempt> {
  const { userId, rule, why } = effect.payload;
  const needed = smsNeeded(rule, message);
  // The subscribe message is still being tried: decide once it has gone (or failed for good), without using a try.
  if (needed === null) return { waitUntil: Math.max(message?.nextAttemptAt ?? now, now + retryDelayMs(1)) };
  if (!needed) return { done: SMS_NOT_NEEDED };
  const settle = (outcome: SmsOutcome, smsError?: string): Promise<void> => subject.note({ sms: outcome, ...(smsError !== undefined ? { smsError } : {}) });
  const context = await subject.context();
  const decision = smsDecision(context.sms, context.phonesOf(userId));
  if ('skip' in decision) {
    await settle(decision.skip);
    return { done: decision.skip };
  }
  if (!(await reserveSms(db, subject.villageId, context.sms, now))) {
    await settle('overBudget');
    return { done: 'overBudget' };
  }
  const lastTry = effect.tries >= EFFECT_MAX_TRIES;
  let reason: string;
  try {
    const link = await generateUrlLink(cloud, subject.linkPath, subject.linkQuery);
    const sent = await sendSms(cloud, decision.send, smsVariable(subject.what, context.gridName, why), link);
    if (sent.sent) {
      await settle('sent');
      return { done: 'sent' };
    }
    reason = sent.reason;
  } catch (err) {
    reason = errorText(err);
  }
  await releaseSms(db, subject.villageId, now);
  if (lastTry) await settle('failed', reason);
  return { retry: reason };
}

/** performSmsAbout for one request's SMS effect, its message and inbox item the siblings recorded by the same change. */
function performSms(
  cloud: WxCloud,
  db: Database,
  doc: RequestDoc,
  effect: Effect<'sms', SmsPayload>,
  finished: Readonly<Record<string, Effect>>,
  now: EpochMs,
) {
  const request = requestMapper.toRequest(doc);
  const { userId } = effect.payload;
  const key = keyOf(doc, effect);
  // The message it follows: the change's own, or the resolution reminder it was scheduled with.
  const message = finished[siblingKey(key, 'message', userId)] ?? finished[siblingKey(key, 'resolutionDue', userId)];
  const inboxDone = finished[siblingKey(key, 'inbox', userId)]?.state === 'done';
  const subject: SmsSubject = {
    villageId: request.villageId,
    context: () => smsContext(db, request.villageId, request.gridId, [userId]),
    what: REQUEST_CATEGORY_LABELS[request.category],
    linkPath: RESPONDER_REQUEST_PAGE,
    linkQuery: requestPageQuery(request.id),
    note: async (fields) => {
      if (inboxDone) await noteOnInbox(db, request.id, userId, fields);
    },
  };
  return performSmsAbout(cloud, db, subject, effect, message, now);
}

/**
 * The due-soon reminder to one responder: sent only while the request still awaits its first reply
 * and before its target (after it, escalation has taken over); otherwise done without a send.
 */
async function performDueSoon(cloud: WxCloud, db: Database, doc: RequestDoc, effect: Effect<'dueSoon', MessagePayload>, now: EpochMs): Promise<Attempt> {
  const request = requestMapper.toRequest(doc);
  if (!isAwaitingResponse(request.state)) return { done: 'answered' };
  if (now >= request.responseDueAt) return { done: 'late' };
  if (!request.responders.includes(effect.payload.userId)) return { done: 'notResponder' };
  const outcome = await sendSubscribeMessage(cloud, db, effect.payload.message, now);
  return outcome === 'failed' ? { retry: 'sendFailed' } : { done: outcome };
}

/** What a resolution reminder came to when none was sent because the request no longer needs resolving (store.ts cancels with the same word). */
const RESOLUTION_REMINDER_NOT_NEEDED = 'resolved';

/**
 * The resolution reminder to one responder: sent only while the request is answered and still not
 * resolved (a resolved, closed or cancelled request owes none), then their inbox item comes back up
 * as a reminder saying how the message went. A retry after a lost record may send the message again,
 * as every message here (at least once); the inbox item is an upsert by id.
 */
async function performResolutionDue(
  cloud: WxCloud,
  db: Database,
  doc: RequestDoc,
  effect: Effect<'resolutionDue', MessagePayload>,
  now: EpochMs,
): Promise<Attempt> {
  const request = requestMapper.toRequest(doc);
  if (!RESOLUTION_CLOCK_STATES.includes(request.state)) return { done: RESOLUTION_REMINDER_NOT_NEEDED };
  const { userId, message } = effect.payload;
  if (!request.responders.includes(userId)) return { done: 'notResponder' };
  const outcome = await sendSubscribeMessage(cloud, db, message, now);
  if (outcome === 'failed') return { retry: 'sendFailed' };
  const { _id, ...item } = inboxItemFor(request, userId, 'resolutionDue', now, outcome);
  await setById(db, COLLECTIONS.inbox, _id, item);
  return { done: outcome };
}

/**
 * On a request's first reply (it leaves the awaiting-response state for an answered one): when it
 * should be resolved, for effectsOf to schedule the reminder — the target fixed at submission, or for
 * an older request its village's current targets (one read). Nothing on later changes, so each
 * request is reminded once.
 */
export async function resolutionFollowUp(
  db: Database,
  doc: Pick<RequestDoc, 'resolutionTargetAt'>,
  request: Request,
  event: RequestEvent,
): Promise<Pick<FollowUp, 'resolutionDueAt'>> {
  const firstReply = event.fromState !== null && isAwaitingResponse(event.fromState) && RESOLUTION_CLOCK_STATES.includes(request.state);
  if (!firstReply) return {};
  if (doc.resolutionTargetAt !== undefined) return { resolutionDueAt: doc.resolutionTargetAt };
  const policyDoc = await fetchById<VillagePolicy>(db, COLLECTIONS.villagePolicies, request.villageId);
  return { resolutionDueAt: resolutionDueAt(request, resolvePolicy(policyDoc ?? undefined)) };
}

/** Authorisations each recipient holds for a template, by heldKey(userId, templateId). */
export type HeldAuthorisations = ReadonlyMap<string, number>;

function heldKey(userId: Id, templateId: string): string {
  return `${userId}\n${templateId}`;
}

/**
 * The authorisations the recipients of `effects`' due messages hold: one read per one-time template
 * (usually one), made alongside the change's write so the sends need no read of their own.
 */
export async function readHeldAuthorisations(db: Database, effects: Readonly<Record<string, Effect>>, now: EpochMs): Promise<HeldAuthorisations> {
  const byTemplate = new Map<string, Id[]>();
  for (const e of Object.values(effects)) {
    if (e.kind !== 'message' || !isEffectDue(e, now)) continue;
    const { message } = e.payload as MessagePayload;
    if (isLongTerm(message.templateId)) continue;
    byTemplate.set(message.templateId, [...(byTemplate.get(message.templateId) ?? []), message.touser]);
  }
  const held = new Map<string, number>();
  await Promise.all(
    [...byTemplate].map(async ([templateId, userIds]) => {
      const counts = await remainingAuthorisations(db, [...new Set(userIds)], templateId);
      for (const [userId, remaining] of Object.entries(counts)) held.set(heldKey(userId, templateId), remaining);
    }),
  );
  return held;
}

/** The requests collection as a host of effects: messages first, then SMS, so a new inbox item says how both went. */
export function requestEffectHost(cloud: WxCloud, db: Database, now: EpochMs, held?: Promise<HeldAuthorisations>): EffectHost<RequestDoc> {
  const spends: Array<() => Promise<void>> = [];
  /** A message, with its authorisations read already when the use case read them alongside its write; the spend goes with the record. */
  const send = async (message: SubscribeMessage) => {
    const count = held ? (await held).get(heldKey(message.touser, message.templateId)) : undefined;
    if (count === undefined) return sendSubscribeMessage(cloud, db, message, now);
    return sendHeldSubscribeMessage(cloud, db, message, count, now, (spend) => spends.push(spend));
  };
  return {
    collection: COLLECTIONS.requests,
    phaseOf: (effect) => PHASES[effect.kind as RequestEffect['kind']],
    settle: async () => {
      await Promise.all(spends.splice(0).map((spend) => spend()));
    },
    async perform(doc, effect, finished): Promise<Attempt> {
      const e = effect as RequestEffect;
      const request = requestMapper.toRequest(doc);
      if (e.kind === 'message') {
        const outcome = await send(e.payload.message);
        // A system error keeps the authorisation; try again later.
        if (outcome === 'failed') return { retry: 'sendFailed' };
        // Its inbox item was stored by an earlier pass, before the message went: it says how it went now.
        if (finished[siblingKey(keyOf(doc, effect), 'inbox', e.payload.userId)]?.state === 'done') {
          await noteOnInbox(db, request.id, e.payload.userId, { notified: outcome });
        }
        return { done: outcome };
      }
      if (e.kind === 'sms') return performSms(cloud, db, doc, e, finished, now);
      if (e.kind === 'dueSoon') return performDueSoon(cloud, db, doc, e, now);
      if (e.kind === 'resolutionDue') return performResolutionDue(cloud, db, doc, e, now);
      if (e.kind === 'inbox') {
        const key = keyOf(doc, effect);
        const message = finished[siblingKey(key, 'message', e.payload.userId)];
        const sms = finished[siblingKey(key, 'sms', e.payload.userId)];
        const { _id, ...item } = inboxItemFor(request, e.payload.userId, e.payload.reason, effect.createdAt, notifiedOf(message), smsOf(sms));
        // An upsert by id: a repeat writes the same item.
        await setById(db, COLLECTIONS.inbox, _id, item);
        return { done: 'stored' };
      }
      await updateWhere(db.collection(COLLECTIONS.inbox).where({ requestId: request.id }), {
        state: request.state,
        open: isOpen(request.state),
        escalationLevel: request.escalationLevel,
      });
      return { done: 'synced' };
    },
  };
}

/** Pending and failed effects as staff see them on getRequest (done ones are history). */
export function openEffects(doc: RequestDoc, now: EpochMs): RequestEffectView[] {
  return Object.values(doc.effects ?? {}).flatMap((e): RequestEffectView[] => {
    // A reminder scheduled for later is not owed yet.
    if (e.state === 'done' || isScheduled(e, now)) return [];
    const payload = e.payload as Partial<MessagePayload & InboxPayload>;
    return [
      {
        id: e.id,
        kind: e.kind,
        state: e.state,
        tries: e.tries,
        nextAttemptAt: e.nextAttemptAt,
        ...(payload.userId !== undefined ? { recipient: payload.userId } : {}),
        ...(e.lastError !== undefined ? { lastError: e.lastError } : {}),
        ...(e.outcome !== undefined ? { outcome: e.outcome } : {}),
      },
    ];
  });
}
