// Use case: the sweeper (a timer every SWEEP_INTERVAL_MS). It escalates requests nobody answered in
// time, one level per sweep, and closes resolved requests past their auto-close day. Both come from
// index range queries (nextEscalationAt, autoCloseAt), oldest first, in bounded batches — never a
// scan of the open requests. Every write is conditional on the level and version the decision was
// made on, so overlapping sweeps never escalate (or close) the same request twice.
//
// Round trips: the two due-lists in parallel (1); if anything escalates, the staff of the batch's
// villages and streets (1); per request a conditional update (1), then in parallel its inbox items
// (1), inbox state (1) and one authorisation update + send per new recipient. Requests are handled
// SWEEP_CONCURRENCY at a time.
import { ok, type Result } from '../../../core/src/errors';
import { decideEscalation, escalationRecipients } from '../../../core/src/escalation';
import { SYSTEM_ACTOR_ID, transition } from '../../../core/src/lifecycle';
import type { Id, RoleAssignment } from '../../../core/src/model';
import { resolvePolicy } from '../../../core/src/policy';
import { COLLECTIONS } from '../collections';
import { fetchAll } from '../db';
import type { CallContext } from '../handler';
import { loadStaff } from './context';
import { notifyResponders } from './notifications';
import { inboxItemFor, insertInboxItems, saveTransition, syncInboxState, toRequest, type RequestDoc } from './store';

/** Overdue requests escalated per sweep; the rest wait for the next sweep, oldest first. */
const ESCALATION_BATCH_LIMIT = 50;
/** Resolved requests auto-closed per sweep. */
const AUTO_CLOSE_BATCH_LIMIT = 50;
/** Requests handled at once within a sweep (bounds parallel database calls and sends). */
const SWEEP_CONCURRENCY = 10;

export interface SweepReport {
  escalated: number;
  autoClosed: number;
  /** Decisions another sweep or a reply overtook: nothing was written for them. */
  skippedStale: number;
}

const SYSTEM = { kind: 'system' } as const;

async function inChunks<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

type Outcome = 'done' | 'stale';

async function escalateOne(ctx: CallContext, doc: RequestDoc, staff: readonly RoleAssignment[]): Promise<Outcome | 'notDue'> {
  const request = toRequest(doc);
  const decision = decideEscalation(request, ctx.now);
  if (decision.kind !== 'escalate') return 'notDue';
  const recipients = escalationRecipients(decision.audience, request, staff);
  const outcome = transition(request, { kind: 'escalate', guard: decision.guard, recipients }, SYSTEM, ctx.now, resolvePolicy());
  if (!outcome.ok) return 'stale';
  const { request: after, event } = outcome.value;
  const saved = await saveTransition(ctx.db, doc, after, event, decision.guard.expectedVersion, {
    escalationLevel: decision.guard.expectedLevel,
    state: 'submitted',
  });
  if (!saved) return 'stale';
  const [outcomes] = await Promise.all([
    notifyResponders(ctx.cloud, ctx.db, after, recipients, event.label, ctx.now),
    syncInboxState(ctx.db, after),
  ]);
  await insertInboxItems(
    ctx.db,
    recipients.map((userId) => inboxItemFor(after, userId, 'escalation', ctx.now, outcomes[userId] ?? 'failed')),
  );
  return 'done';
}

async function autoCloseOne(ctx: CallContext, doc: RequestDoc): Promise<Outcome> {
  const request = toRequest(doc);
  const outcome = transition(request, { kind: 'autoClose' }, SYSTEM, ctx.now, resolvePolicy({ autoCloseAfterDays: doc.autoCloseAfterDays }));
  if (!outcome.ok) return 'stale';
  const { request: after, event } = outcome.value;
  if (!(await saveTransition(ctx.db, doc, after, event, outcome.value.expectedVersion))) return 'stale';
  await syncInboxState(ctx.db, after);
  return 'done';
}

export async function sweepRequests(ctx: CallContext): Promise<Result<SweepReport>> {
  const { db, now } = ctx;
  const _ = db.command;
  const [overdue, closable] = await Promise.all([
    fetchAll<RequestDoc>(
      db.collection(COLLECTIONS.requests)
        .where({ nextEscalationAt: _.lte(now), state: 'submitted' })
        .orderBy('nextEscalationAt', 'asc')
        .limit(ESCALATION_BATCH_LIMIT)
        .field({ events: false }),
    ),
    fetchAll<RequestDoc>(
      db.collection(COLLECTIONS.requests)
        .where({ autoCloseAt: _.lte(now), state: 'resolved' })
        .orderBy('autoCloseAt', 'asc')
        .limit(AUTO_CLOSE_BATCH_LIMIT)
        .field({ events: false }),
    ),
  ]);
  const report: SweepReport = { escalated: 0, autoClosed: 0, skippedStale: 0 };
  const unique = (ids: Id[]): Id[] => [...new Set(ids)];
  const staff =
    overdue.length === 0
      ? []
      : await loadStaff(db, unique(overdue.map((d) => d.villageId)), unique(overdue.map((d) => d.streetId)), ctx.adminOpenids);
  await inChunks(overdue, SWEEP_CONCURRENCY, async (doc) => {
    const result = await escalateOne(ctx, doc, staff);
    if (result === 'done') report.escalated += 1;
    else if (result === 'stale') report.skippedStale += 1;
  });
  await inChunks(closable, SWEEP_CONCURRENCY, async (doc) => {
    const result = await autoCloseOne(ctx, doc);
    if (result === 'done') report.autoClosed += 1;
    else report.skippedStale += 1;
  });
  if (report.escalated + report.autoClosed + report.skippedStale > 0) {
    console.log(`[sweepRequests] by ${SYSTEM_ACTOR_ID} at ${now}:`, JSON.stringify(report));
  }
  return ok(report);
}
