// Use case: the sweeper (a timer every SWEEP_INTERVAL_MS). It escalates requests nobody answered in
// time, one level per sweep, and closes resolved requests past their auto-close day. Both come from
// index range queries (nextEscalationAt, autoCloseAt), oldest first, in bounded batches — never a
// scan of the open requests. Every write is conditional on the version the decision was made on, so
// overlapping sweeps never escalate (or close) the same request twice.
//
// Round trips: the two due-lists in parallel (1); if anything escalates, the staff of the batch's
// villages and streets (1); per request a conditional update (1), then in parallel its inbox state (1)
// and one authorisation update + send per new recipient followed by their inbox items (1). Requests
// are handled SWEEP_CONCURRENCY at a time.
import { ok, type Result } from '../../../core/src/errors';
import { decideEscalation } from '../../../core/src/escalation';
import { SYSTEM_ACTOR_ID, transition } from '../../../core/src/lifecycle';
import type { Id, RoleAssignment } from '../../../core/src/model';
import type { SweepReport } from '../../../core/src/schemas';
import type { CallContext } from '../handler';
import { loadStaff } from './context';
import { deliverToResponders } from './notifications';
import { fetchDue, requestMapper, saveTransition, syncInboxState, type RequestListDoc } from './store';

/** Overdue requests escalated per sweep; the rest wait for the next sweep, oldest first. */
const ESCALATION_BATCH_LIMIT = 50;
/** Resolved requests auto-closed per sweep. */
const AUTO_CLOSE_BATCH_LIMIT = 50;
/** Requests handled at once within a sweep (bounds parallel database calls and sends). */
const SWEEP_CONCURRENCY = 10;

const SYSTEM = { kind: 'system' } as const;

async function inChunks<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

type Outcome = 'done' | 'stale';

async function escalateOne(ctx: CallContext, doc: RequestListDoc, staff: readonly RoleAssignment[]): Promise<Outcome | 'notDue'> {
  const request = requestMapper.toRequest(doc);
  const decision = decideEscalation(request, staff, ctx.now);
  if (decision.kind !== 'escalate') return 'notDue';
  const decided = transition(request, decision, SYSTEM, ctx.now, requestMapper.toAutoCloseRule(doc));
  if (!decided.ok) return 'stale';
  if (!(await saveTransition(ctx.db, doc, decided.value))) return 'stale';
  const { request: after, event } = decided.value;
  await Promise.all([deliverToResponders(ctx.cloud, ctx.db, after, decision.recipients, 'escalation', event.label, ctx.now), syncInboxState(ctx.db, after)]);
  return 'done';
}

async function autoCloseOne(ctx: CallContext, doc: RequestListDoc): Promise<Outcome> {
  const decided = transition(requestMapper.toRequest(doc), { kind: 'autoClose' }, SYSTEM, ctx.now, requestMapper.toAutoCloseRule(doc));
  if (!decided.ok) return 'stale';
  if (!(await saveTransition(ctx.db, doc, decided.value))) return 'stale';
  await syncInboxState(ctx.db, decided.value.request);
  return 'done';
}

export async function sweepRequests(ctx: CallContext): Promise<Result<SweepReport>> {
  const { db, now } = ctx;
  const [overdue, closable] = await Promise.all([
    fetchDue(db, 'escalation', now, ESCALATION_BATCH_LIMIT),
    fetchDue(db, 'autoClose', now, AUTO_CLOSE_BATCH_LIMIT),
  ]);
  const report: SweepReport = { escalated: 0, autoClosed: 0, skippedStale: 0 };
  const unique = (ids: Id[]): Id[] => [...new Set(ids)];
  const staff =
    overdue.length === 0 ? [] : await loadStaff(db, unique(overdue.map((d) => d.villageId)), unique(overdue.map((d) => d.streetId)), ctx.adminOpenids);
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
