// Escalation in groups: the requests of one sweep batch whose escalation is the same change (the
// same grid's leaders told at the same level, from the same version; core/src/escalation.ts) are
// escalated by one `requestEscalations` document, which holds the change and its effects and is
// their host for the dispatcher: first the change itself (one conditional multi-document write to the
// requests, `where _id in … and version == fromVersion`, so a request answered or escalated by
// someone else meanwhile is left alone), then one message and SMS per person told about all of the
// group's requests, their inbox items in one insert and the state of the older items in one update.
// A burst of thousands due at once costs a handful of writes per grid and level, not per request.
//
// The group document is written before the change, so a crash between the two leaves the change
// owed (the timer's list of groups finds it after its backoff and applies it; the version guard makes
// a late or repeated application a no-op). Which requests a group escalated is written on each
// (`escalatedBy.L<level>`), so a group's messages speak only of those, even if another group or a
// reply took some of them first.
import { createHash } from 'node:crypto';
import {
  countedRequestsLabel,
  groupedRequestsText,
  MIXED_CATEGORIES_LABEL,
  RESPONDER_INBOX_PAGE,
  RESPONDER_REQUEST_PAGE,
  requestPageQuery,
  smsRuleForEscalation,
} from '../../../core/src/channels';
import { claimDue, newEffect, nextEffectAt, type Effect } from '../../../core/src/effects';
import type { EscalationChange, EscalationGroup } from '../../../core/src/escalation';
import { isOpen, REQUEST_CATEGORY_LABELS, type EpochMs, type Id, type RoleAssignment } from '../../../core/src/model';
import type { ResolvedPolicy } from '../../../core/src/policy';
import type { InboxItem } from '../../../core/src/schemas';
import type { Database, WxCloud } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, insertAllOnce, insertOnce, MAX_GET_LIMIT, updateWhere } from '../db';
import { dispatchEffects, performClaimed, type Attempt, type EffectFields, type EffectHost } from '../effects/dispatcher';
import { fetchGrid } from '../organisation/repo';
import { remainingAuthorisations, sendHeldSubscribeMessage, TEMPLATE_IDS, thingValue as thing, timeValue as time, type SubscribeMessage } from '../notify';
import { assignedMessage, notifiedOf, performSmsAbout, smsContext, smsOf, type SmsContext, type SmsPayload, type SmsSubject } from './effects';
import { escalatedByField, inboxItemFor, inboxItemId, inboxSourceOf, type InboxSource } from './store';

/** A group of requests escalated together, and the host of what follows. */
export interface EscalationBatchDoc extends EffectFields {
  _id: Id;
  change: EscalationChange;
  requestIds: Id[];
  /** What the messages and inbox items say of each request, as it is after the change. */
  requests: InboxSource[];
  createdAt: EpochMs;
}

type BatchEffect =
  | Effect<'apply', Record<string, never>>
  | Effect<'message', { userId: Id }>
  | Effect<'sms', SmsPayload>
  | Effect<'inbox', Record<string, never>>
  | Effect<'inboxState', Record<string, never>>;

/** The change first, then the messages, then the SMS (which wait on them), then the inbox (which says how both went). */
const PHASES: Record<BatchEffect['kind'], number> = { apply: 0, message: 1, sms: 2, inbox: 3, inboxState: 3 };

/** Hex digits of a group's id: the hash of its change's level and version and its requests. */
const BATCH_ID_HEX_LENGTH = 32;

/** The same requests escalated from the same version to the same level always make the same group: a redone sweep finds it. */
function batchIdOf(change: EscalationChange, requestIds: readonly Id[]): Id {
  const key = [change.toLevel, change.fromVersion, ...[...requestIds].sort()].join('\n');
  return createHash('sha256').update(key).digest('hex').slice(0, BATCH_ID_HEX_LENGTH);
}

function effectKey(kind: BatchEffect['kind'], userId?: Id): string {
  return userId === undefined ? kind : `${kind}:${userId.replaceAll('.', '_')}`;
}

/** The group's document with its effects, all due now. */
function newEscalationBatch(group: EscalationGroup, now: EpochMs): EscalationBatchDoc {
  const { change } = group;
  const requestIds = group.requests.map((r) => r.id);
  const _id = batchIdOf(change, requestIds);
  const effects: Record<string, Effect> = {};
  const add = (kind: BatchEffect['kind'], payload: unknown, userId?: Id) => {
    const key = effectKey(kind, userId);
    effects[key] = newEffect(`${_id}:${key}`, kind, payload, now);
  };
  add('apply', {});
  for (const userId of change.recipients) {
    add('message', { userId }, userId);
    add('sms', { userId, rule: smsRuleForEscalation(change.audience), why: change.event.label } satisfies SmsPayload, userId);
  }
  add('inbox', {});
  add('inboxState', {});
  return {
    _id,
    change,
    requestIds,
    requests: group.requests.map(inboxSourceOf),
    createdAt: now,
    effects,
    effectsRev: 1,
    effectsDueAt: now,
  };
}

/** The one write that applies the change to every request of the group still as it was decided on. */
function applyChange(db: Database, batch: EscalationBatchDoc): Promise<number> {
  const _ = db.command;
  const { change } = batch;
  return updateWhere(
    db.collection(COLLECTIONS.requests).where({
      _id: _.in(batch.requestIds),
      version: change.fromVersion,
      escalationLevel: change.fromLevel,
      state: change.event.fromState,
    }),
    {
      version: _.inc(1),
      escalationLevel: change.toLevel,
      nextEscalationAt: change.nextEscalationShiftMs === null ? null : _.inc(change.nextEscalationShiftMs),
      responders: _.set(change.responders),
      events: _.push([change.event]),
      [escalatedByField(change.toLevel)]: batch._id,
    },
  );
}

/** The requests this group escalated (another group or a reply may have taken some first). One read. */
async function escalatedBy(db: Database, batch: EscalationBatchDoc): Promise<Set<Id>> {
  const _ = db.command;
  const docs = await fetchAll<{ _id: Id }>(
    db
      .collection(COLLECTIONS.requests)
      .where({ _id: _.in(batch.requestIds), [escalatedByField(batch.change.toLevel)]: batch._id })
      .field({ _id: true })
      .limit(MAX_GET_LIMIT),
  );
  return new Set(docs.map((d) => d._id));
}

/** The message to one person told about the group's requests: the request itself when there is one, else how many and the first. */
function groupMessage(requests: readonly InboxSource[], userId: Id, why: string): SubscribeMessage {
  const [first] = requests;
  if (!first) throw new Error('a group message needs a request');
  if (requests.length === 1) return assignedMessage(first, userId, why, 'requestEscalated');
  const categories = new Set(requests.map((r) => r.category));
  return {
    touser: userId,
    templateId: TEMPLATE_IDS.requestEscalated,
    page: RESPONDER_INBOX_PAGE,
    data: {
      thing1: thing(categories.size === 1 ? REQUEST_CATEGORY_LABELS[first.category] : MIXED_CATEGORIES_LABEL),
      thing2: thing(groupedRequestsText(requests.length, first.text)),
      time3: time(Math.min(...requests.map((r) => r.submittedAt))),
      thing4: thing(why),
    },
  };
}

/** Writes on the inbox items of `userId` for the group's requests how they were reached; a failure is logged (the outcome stands). */
async function noteOnItems(db: Database, requests: readonly InboxSource[], userId: Id, fields: Partial<InboxItem>): Promise<void> {
  const ids = requests.map((r) => inboxItemId(r.id, userId));
  await updateWhere(db.collection(COLLECTIONS.inbox).where({ _id: db.command.in(ids) }), fields).catch((err: unknown) => {
    console.error('[requests] inbox items not updated', err instanceof Error ? err.message : err);
  });
}

/** Read once per dispatch, whichever effect asks first. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * The group collection as a host of effects. Which requests the group escalated is known from the
 * change's own write when it matched them all; otherwise (some were taken first, or a later pass
 * retries a message) it is read once. The recipients' authorisations, and what their SMS need, are
 * read once for all of them.
 */
function escalationBatchHost(cloud: WxCloud, db: Database, now: EpochMs, known?: KnownContext): EffectHost<EscalationBatchDoc> & { escalated(): number } {
  let applied: Set<Id> | undefined;
  let escalated = 0;
  let members: (() => Promise<InboxSource[]>) | undefined;
  let authorisations: (() => Promise<Record<string, number>>) | undefined;
  let smsContexts: (() => Promise<SmsContext>) | undefined;
  const contextOf = (batch: EscalationBatchDoc, gridId: Id) => {
    smsContexts ??= once(async () => {
      if (!known) return smsContext(db, batch.change.villageId, gridId, batch.change.recipients);
      const grid = await fetchGrid(db, gridId);
      return {
        phonesOf: (userId: Id) => known.staff.filter((a) => a.userId === userId).map((a) => a.phone),
        sms: known.policyOf(batch.change.villageId).sms,
        gridName: grid?.name ?? '',
      };
    });
    return smsContexts();
  };
  const membersOf = (batch: EscalationBatchDoc) => {
    members ??= once(async () => {
      const ids = applied ?? (await escalatedBy(db, batch));
      return batch.requests.filter((r) => ids.has(r.id));
    });
    return members();
  };
  const heldBy = (batch: EscalationBatchDoc) => {
    authorisations ??= once(() => remainingAuthorisations(db, batch.change.recipients, TEMPLATE_IDS.requestEscalated));
    return authorisations();
  };
  return {
    collection: COLLECTIONS.requestEscalations,
    phaseOf: (effect) => PHASES[effect.kind as BatchEffect['kind']],
    escalated: () => escalated,
    async perform(batch, effect, finished): Promise<Attempt> {
      const e = effect as BatchEffect;
      const sibling = (kind: BatchEffect['kind'], userId: Id) => finished[effectKey(kind, userId)];
      if (e.kind === 'apply') {
        escalated = await applyChange(db, batch);
        if (escalated === batch.requestIds.length) applied = new Set(batch.requestIds);
        return { done: 'applied' };
      }
      // Nothing follows a change not yet written: wait for it (its retry), without using a try.
      const apply = finished[effectKey('apply')];
      if (apply && apply.state !== 'done') return { waitUntil: apply.nextAttemptAt };
      const requests = await membersOf(batch);
      if (requests.length === 0) return { done: 'nothingEscalated' };
      const { change } = batch;
      if (e.kind === 'message') {
        const { userId } = e.payload;
        const held = (await heldBy(batch))[userId] ?? 0;
        const outcome = await sendHeldSubscribeMessage(cloud, db, groupMessage(requests, userId, change.event.label), held, now);
        // A system error keeps the authorisation; try again later.
        if (outcome === 'failed') return { retry: 'sendFailed' };
        if (finished[effectKey('inbox')]?.state === 'done') await noteOnItems(db, requests, userId, { notified: outcome });
        return { done: outcome };
      }
      if (e.kind === 'sms') {
        const { userId } = e.payload;
        const [first] = requests as [InboxSource];
        const inboxDone = finished[effectKey('inbox')]?.state === 'done';
        const subject: SmsSubject = {
          villageId: change.villageId,
          context: () => contextOf(batch, first.gridId),
          what: requests.length === 1 ? REQUEST_CATEGORY_LABELS[first.category] : countedRequestsLabel(requests.length),
          linkPath: requests.length === 1 ? RESPONDER_REQUEST_PAGE : RESPONDER_INBOX_PAGE,
          linkQuery: requests.length === 1 ? requestPageQuery(first.id) : '',
          note: async (fields) => {
            if (inboxDone) await noteOnItems(db, requests, userId, fields);
          },
        };
        return performSmsAbout(cloud, db, subject, e, sibling('message', userId), now);
      }
      if (e.kind === 'inbox') {
        const items = change.recipients.flatMap((userId) =>
          requests.map((r) => inboxItemFor(r, userId, 'escalation', batch.createdAt, notifiedOf(sibling('message', userId)), smsOf(sibling('sms', userId)))),
        );
        // An item already there (an earlier pass stored it) is kept.
        await insertAllOnce(db, COLLECTIONS.inbox, items);
        return { done: 'stored' };
      }
      const [first] = requests as [InboxSource];
      await updateWhere(db.collection(COLLECTIONS.inbox).where({ requestId: db.command.in(requests.map((r) => r.id)) }), {
        state: first.state,
        open: isOpen(first.state),
        escalationLevel: change.toLevel,
      });
      return { done: 'synced' };
    },
  };
}

/** What the sweep that decided a group read already: its villages' staff (with their phones) and policies. */
export interface KnownContext {
  staff: readonly RoleAssignment[];
  policyOf(villageId: Id): ResolvedPolicy;
}

/**
 * Escalates one group: stores it with its effects claimed, then performs its change and what follows.
 * `now` is the instant it is stored (not the sweep's start), so the claim's backoff runs from there.
 * Returns how many of its requests it escalated; 0 when the same group is stored already (an
 * overlapping sweep holds it, or a failed or crashed one left it for the timer). Throws when the
 * change could not be written; it then stays owed, with its backoff, on the timer's list of groups.
 */
export async function escalateGroup(cloud: WxCloud, db: Database, group: EscalationGroup, now: EpochMs, known: KnownContext): Promise<number> {
  const due = newEscalationBatch(group, now);
  // Stored claimed by this sweep: no other dispatcher takes them before the claim's backoff has passed.
  const claimed = claimDue(due.effects ?? {}, now);
  const batch: EscalationBatchDoc = { ...due, effects: claimed, effectsDueAt: nextEffectAt(Object.values(claimed)) };
  if (!(await insertOnce(db, COLLECTIONS.requestEscalations, batch))) return 0;
  const host = escalationBatchHost(cloud, db, now, known);
  return escalatedByHost(host, await performClaimed(db, host, batch, due.effects ?? {}, now));
}

/** Performs what a group owes (the timer's path); returns how many requests its change escalated now. */
export async function dispatchBatch(cloud: WxCloud, db: Database, batch: EscalationBatchDoc, now: EpochMs): Promise<number> {
  const host = escalationBatchHost(cloud, db, now);
  return escalatedByHost(host, await dispatchEffects(db, host, batch, now));
}

/** How many requests the host's pass escalated; throws when the change was due and is still not written. */
function escalatedByHost(host: { escalated(): number }, results: Record<string, Effect>): number {
  const apply = results[effectKey('apply')];
  if (apply && apply.state !== 'done') throw new Error(`escalation not written (${apply.lastError ?? 'unknown'}); the timer retries it`);
  return host.escalated();
}

/** Groups owing effects at `now` (a crash or a failure left them), the longest overdue first. One read. */
export function fetchDueBatches(db: Database, now: EpochMs, limit: number, excluded: readonly Id[]): Promise<EscalationBatchDoc[]> {
  const _ = db.command;
  return fetchAll<EscalationBatchDoc>(
    db
      .collection(COLLECTIONS.requestEscalations)
      .where({ effectsDueAt: _.lte(now), ...(excluded.length > 0 ? { _id: _.nin([...excluded]) } : {}) })
      .orderBy('effectsDueAt', 'asc')
      .limit(limit),
  );
}
