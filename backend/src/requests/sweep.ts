// Use case: the sweeper (a timer every SWEEP_INTERVAL_MS). It escalates requests nobody answered in
// time, one level per sweep, closes resolved requests past their auto-close day, and performs the
// effects requests still owe (messages, SMS, inbox items a fault or a crash left undone, and the
// due-soon reminders scheduled at submission, which fall due on this list). All three come
// from index range queries (nextEscalationAt, autoCloseAt, effectsDueAt), oldest first, in batches
// repeated until nothing is due or the time budget is spent — never a scan of the open requests.
// Every write is conditional on the version the decision was made on, so overlapping sweeps never
// escalate (or close) the same request twice; each request is handled on its own, so one failing
// request is logged, counted and left due for the next sweep while the others go on.
//
// Round trips per batch: the due list (1); for escalations the staff and policies (duty rota) of the batch's villages and
// streets (1); per request a conditional update (1), then the dispatch of its effects (claim 1,
// messages in parallel, inbox writes 1, record 1). Requests are handled SWEEP_CONCURRENCY at a time.
import { smsRuleForEscalation } from '../../../core/src/channels';
import { ok, type Result } from '../../../core/src/errors';
import { decideEscalation } from '../../../core/src/escalation';
import { SYSTEM_ACTOR_ID, transition } from '../../../core/src/lifecycle';
import type { Id, RoleAssignment } from '../../../core/src/model';
import { SECOND_MS, type ResolvedPolicy } from '../../../core/src/policy';
import type { SweepReport } from '../../../core/src/schemas';
import { MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { loadVillagePolicies } from '../organisation/repo';
import { loadStaff } from './context';
import { dispatchRequestEffects } from './dispatch';
import { effectsOf } from './effects';
import { fetchDue, requestMapper, saveTransition, type RequestDoc, type RequestListDoc } from './store';

/**
 * Wall time one sweep spends starting new batches: well inside the function's 60 s timeout
 * (cloudfunctions/sweepRequests/config.json), so the batch under way when it runs out still finishes.
 */
const SWEEP_TIME_BUDGET_MS = 30 * SECOND_MS;
/** Requests fetched per batch: a fifth of the most one get() returns, so a batch takes a few seconds. */
const SWEEP_BATCH_LIMIT = MAX_GET_LIMIT / 5;
/** Requests handled at once within a sweep (bounds parallel database calls and sends). */
const SWEEP_CONCURRENCY = 10;

const SYSTEM = { kind: 'system' } as const;

async function inChunks<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

type Outcome = 'done' | 'stale' | 'notDue';

async function escalateOne(
  ctx: CallContext,
  doc: RequestListDoc,
  staff: readonly RoleAssignment[],
  policyOf: (villageId: Id) => ResolvedPolicy,
): Promise<Outcome> {
  const request = requestMapper.toRequest(doc);
  const decision = decideEscalation(request, staff, ctx.now, policyOf(request.villageId));
  if (decision.kind !== 'escalate') return 'notDue';
  const decided = transition(request, decision, SYSTEM, ctx.now, requestMapper.toAutoCloseRule(doc));
  if (!decided.ok) return 'stale';
  const { request: after, event } = decided.value;
  const effects = effectsOf(
    after,
    event,
    { assigned: { userIds: decision.recipients, reason: 'escalation', why: event.label, sms: smsRuleForEscalation(decision.audience) }, syncInbox: true },
    ctx.now,
  );
  const saved = await saveTransition(ctx.db, doc, decided.value, effects, ctx.now);
  if (!saved) return 'stale';
  await dispatchRequestEffects(ctx, saved);
  return 'done';
}

async function autoCloseOne(ctx: CallContext, doc: RequestListDoc): Promise<Outcome> {
  const decided = transition(requestMapper.toRequest(doc), { kind: 'autoClose' }, SYSTEM, ctx.now, requestMapper.toAutoCloseRule(doc));
  if (!decided.ok) return 'stale';
  const { request, event } = decided.value;
  const saved = await saveTransition(ctx.db, doc, decided.value, effectsOf(request, event, { syncInbox: true }, ctx.now), ctx.now);
  if (!saved) return 'stale';
  await dispatchRequestEffects(ctx, saved);
  return 'done';
}

async function dispatchOne(ctx: CallContext, doc: RequestListDoc): Promise<Outcome> {
  // The due list leaves the event log out; effects do not need it.
  if (!(await dispatchRequestEffects(ctx, { ...doc, events: [] } satisfies RequestDoc))) throw new Error('effects not dispatched');
  return 'done';
}

/**
 * Works through one due list in batches until it is empty or the budget is spent. A request whose
 * handling threw is counted as failed; it and any the core refused or another writer took are left
 * out of the later batches of this sweep (a failed one is still due, so the next sweep tries again).
 */
async function drain(
  ctx: CallContext,
  list: 'escalation' | 'autoClose' | 'effects',
  withinBudget: () => boolean,
  handle: (batch: readonly RequestListDoc[]) => Promise<(doc: RequestListDoc) => Promise<Outcome>>,
  count: (outcome: Outcome) => void,
): Promise<number> {
  const leftOut: Id[] = [];
  let failed = 0;
  while (withinBudget()) {
    const batch = await fetchDue(ctx.db, list, ctx.now, SWEEP_BATCH_LIMIT, leftOut);
    if (batch.length === 0) break;
    const run = await handle(batch);
    let progressed = false;
    await inChunks(batch, SWEEP_CONCURRENCY, async (doc) => {
      try {
        const outcome = await run(doc);
        if (outcome === 'done') progressed = true;
        else leftOut.push(doc._id);
        count(outcome);
      } catch (err) {
        failed += 1;
        leftOut.push(doc._id);
        console.error(`[sweepRequests] ${list} of ${doc._id} failed; the next sweep retries it:`, err instanceof Error ? err.message : err);
      }
    });
    // A short batch was the whole list; a batch where nothing moved would only repeat.
    if (batch.length < SWEEP_BATCH_LIMIT || !progressed) break;
  }
  return failed;
}

export async function sweepRequests(ctx: CallContext): Promise<Result<SweepReport>> {
  const startedAt = ctx.clock();
  const withinBudget = () => ctx.clock() - startedAt < SWEEP_TIME_BUDGET_MS;
  const report: SweepReport = { escalated: 0, autoClosed: 0, skippedStale: 0, effectsDispatched: 0, failed: 0 };
  const unique = (ids: Id[]): Id[] => [...new Set(ids)];
  const tally = (field: 'escalated' | 'autoClosed') => (outcome: Outcome) => {
    if (outcome === 'done') report[field] += 1;
    else if (outcome === 'stale') report.skippedStale += 1;
  };

  report.failed += await drain(
    ctx,
    'escalation',
    withinBudget,
    async (batch) => {
      const villageIds = unique(batch.map((d) => d.villageId));
      const [staff, policyOf] = await Promise.all([
        loadStaff(ctx.db, villageIds, unique(batch.map((d) => d.streetId)), ctx.adminOpenids),
        loadVillagePolicies(ctx.db, villageIds),
      ]);
      return (doc) => escalateOne(ctx, doc, staff, policyOf);
    },
    tally('escalated'),
  );
  report.failed += await drain(ctx, 'autoClose', withinBudget, async () => (doc) => autoCloseOne(ctx, doc), tally('autoClosed'));
  report.failed += await drain(
    ctx,
    'effects',
    withinBudget,
    async () => (doc) => dispatchOne(ctx, doc),
    (outcome) => {
      if (outcome === 'done') report.effectsDispatched += 1;
    },
  );
  if (report.escalated + report.autoClosed + report.skippedStale + report.failed > 0) {
    console.log(`[sweepRequests] by ${SYSTEM_ACTOR_ID} at ${ctx.now}:`, JSON.stringify(report));
  }
  return ok(report);
}
