// What follows a change to a request, as effects stored in the request document by the same write as
// the change (effects/dispatcher.ts performs them): a subscribe message per person told, an inbox
// item per new responder, and one inbox state update for everyone's items. Keys are deterministic —
// the request version the change produced, the kind and the recipient — so recording or performing
// one twice is a no-op.
//
// Unknown outcome: a message whose attempt was claimed but never recorded (a crash between the send
// and the record) is sent again when its backoff passes: at least once. A one-time authorisation is
// used up by the first send, so WeChat refuses the second with 43101; only a long-term subscription
// can show the message twice.
import { newEffect, type Effect } from '../../../core/src/effects';
import type { EpochMs, Id, Request, RequestEvent } from '../../../core/src/model';
import { isOpen, REQUEST_CATEGORY_LABELS, REQUEST_STATES } from '../../../core/src/model';
import type { InboxItem, InboxReason, RequestEffectView } from '../../../core/src/schemas';
import type { Database, WxCloud } from '../cloud';
import { COLLECTIONS } from '../collections';
import { setById, updateWhere } from '../db';
import type { Attempt, EffectHost } from '../effects/dispatcher';
import { sendSubscribeMessage, TEMPLATE_IDS, thingValue as thing, timeValue as time, type SubscribeMessage } from '../notify';
import { inboxItemFor, inboxItemId, requestMapper, type RequestDoc } from './store';

interface MessagePayload {
  userId: Id;
  message: SubscribeMessage;
}
interface InboxPayload {
  userId: Id;
  reason: InboxReason;
}
type RequestEffect = Effect<'message', MessagePayload> | Effect<'inbox', InboxPayload> | Effect<'inboxState', Record<string, never>>;

/** The mini-program page that shows one request (leaders and residents alike). */
const REQUEST_PAGE = 'pages/request/index';
function pageFor(requestId: Id): string {
  return `${REQUEST_PAGE}?id=${requestId}`;
}

/** Field names may not hold dots; keys are made of the version, the kind and the recipient. */
function effectKey(version: number, kind: RequestEffect['kind'], userId?: Id): string {
  return [`v${version}`, kind, ...(userId === undefined ? [] : [userId.replaceAll('.', '_')])].join(':');
}

function add(effects: Record<string, Effect>, request: Request, effect: RequestEffect['kind'], payload: unknown, now: EpochMs, userId?: Id): void {
  const key = effectKey(request.version, effect, userId);
  effects[key] = newEffect(`${request.id}:${key}`, effect, payload, now);
}

/** "A request is yours" (new, escalated or handed over), to one responder. */
function assignedMessage(request: Request, userId: Id, why: string): SubscribeMessage {
  return {
    touser: userId,
    templateId: TEMPLATE_IDS.requestAssigned,
    page: pageFor(request.id),
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
    page: pageFor(request.id),
    data: {
      thing1: thing(request.text),
      thing2: thing(REQUEST_STATES[request.state].label),
      thing3: thing(event.note ?? event.label),
      time4: time(event.at),
    },
  };
}

/** Who hears of a change: new responders (a message and an inbox item each), people only told (a message each), and whether existing inbox items follow the state. */
export interface FollowUp {
  assigned?: { userIds: readonly Id[]; reason: InboxReason; why: string };
  toldResponders?: { userIds: readonly Id[]; why: string };
  toldResident?: boolean;
  /** Existing inbox items take the request's new state (every change after the submission). */
  syncInbox: boolean;
}

/** The effects of a change that produced `request` (at its new version) and `event`. */
export function effectsOf(request: Request, event: RequestEvent, followUp: FollowUp, now: EpochMs): Record<string, Effect> {
  const effects: Record<string, Effect> = {};
  for (const userId of followUp.assigned?.userIds ?? []) {
    const why = followUp.assigned?.why ?? '';
    add(effects, request, 'message', { userId, message: assignedMessage(request, userId, why) } satisfies MessagePayload, now, userId);
    add(effects, request, 'inbox', { userId, reason: followUp.assigned?.reason ?? 'routed' } satisfies InboxPayload, now, userId);
  }
  for (const userId of followUp.toldResponders?.userIds ?? []) {
    add(
      effects,
      request,
      'message',
      { userId, message: assignedMessage(request, userId, followUp.toldResponders?.why ?? '') } satisfies MessagePayload,
      now,
      userId,
    );
  }
  if (followUp.toldResident) {
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
function notifiedOf(message: Effect | undefined): InboxItem['notified'] {
  if (!message || message.state === 'pending') return 'notAttempted';
  return message.state === 'failed' ? 'failed' : ((message.outcome as InboxItem['notified'] | undefined) ?? 'notAttempted');
}

const PHASES: Record<RequestEffect['kind'], number> = { message: 0, inbox: 1, inboxState: 2 };

function keyOf(doc: RequestDoc, effect: Effect): string {
  return effect.id.slice(doc._id.length + 1);
}

/** The requests collection as a host of effects: messages first, so a new inbox item says how its message went. */
export function requestEffectHost(cloud: WxCloud, db: Database, now: EpochMs): EffectHost<RequestDoc> {
  return {
    collection: COLLECTIONS.requests,
    phaseOf: (effect) => PHASES[effect.kind as RequestEffect['kind']],
    async perform(doc, effect, finished): Promise<Attempt> {
      const e = effect as RequestEffect;
      const request = requestMapper.toRequest(doc);
      if (e.kind === 'message') {
        const outcome = await sendSubscribeMessage(cloud, db, e.payload.message, now);
        // A system error keeps the authorisation; try again later.
        if (outcome === 'failed') return { retry: 'sendFailed' };
        // Its inbox item was stored by an earlier pass, before the message went: it says how it went now.
        const inbox = finished[siblingKey(keyOf(doc, effect), 'inbox', e.payload.userId)];
        if (inbox?.state === 'done') {
          await updateWhere(db.collection(COLLECTIONS.inbox).where({ _id: inboxItemId(request.id, e.payload.userId) }), { notified: outcome }).catch(
            (err: unknown) => {
              console.error('[requests] inbox notified not updated', err instanceof Error ? err.message : err);
            },
          );
        }
        return { done: outcome };
      }
      if (e.kind === 'inbox') {
        const message = finished[siblingKey(keyOf(doc, effect), 'message', e.payload.userId)];
        const { _id, ...item } = inboxItemFor(request, e.payload.userId, e.payload.reason, effect.createdAt, notifiedOf(message));
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
export function openEffects(doc: RequestDoc): RequestEffectView[] {
  return Object.values(doc.effects ?? {}).flatMap((e): RequestEffectView[] => {
    if (e.state === 'done') return [];
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
