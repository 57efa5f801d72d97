// Use case: the sweeper (a timer every SWEEP_INTERVAL_MS). It escalates requests nobody answered in
// time, one level per sweep, closes resolved requests past their auto-close day, and performs the
// effects requests and escalation groups still owe (messages, SMS, inbox items a fault or a crash
// left undone, and the due-soon reminders scheduled at submission, which fall due on this list). All
// come from index range queries (nextEscalationAt, autoCloseAt, effectsDueAt), oldest first across
// every level, in batches repeated until nothing is due or the time budget is spent — never a scan of
// the open requests. Every write is conditional on the version the decision was made on, so
// overlapping sweeps never escalate (or close) the same request twice; each task is handled on its
// own, so one failing is logged, counted and left due for the next sweep while the others go on.
//
// Escalations go in groups (escalations.ts): one write per grid and level, so a burst of thousands
// due at once fits the database's quota. Every database call of a sweep is paced at SWEEP_DATABASE_QPS.
// Round trips per batch: the due list (1); the staff and policies (duty rota) of the batch's
// villages and streets (1); per group its insert, claim, change, the recipients' authorisations, a
// spend per send, the inbox items, the older items, the record (and for SMS their context, a budget
// each); per auto-close its write, claim, inbox state, record.
import { claimDue, dueEffects } from '../../../core/src/effects';
import { ok, type Result } from '../../../core/src/errors';
import { decideEscalation, escalationChange, groupEscalations, type EscalationChange } from '../../../core/src/escalation';
import { SYSTEM_ACTOR_ID, transition } from '../../../core/src/lifecycle';
import type { Id, Request } from '../../../core/src/model';
import { SECOND_MS } from '../../../core/src/policy';
import type { SweepReport } from '../../../core/src/schemas';
import { MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { loadVillagePolicies } from '../organisation/repo';
import { pacedDatabase, pacer } from '../pacing';
import { loadStaff } from './context';
import { dispatchRequestEffects, performOwedEffects } from './dispatch';
import { effectsOf } from './effects';
import { dispatchBatch, escalateGroup, fetchDueBatches, type EscalationBatchDoc } from './escalations';
import { fetchDue, requestMapper, saveTransition, type RequestDoc, type RequestListDoc } from './store';

/**
 * Wall time one sweep spends starting new work: below the SWEEP_INTERVAL_MS tick, so sweeps seldom
 * overlap (each paces its own database calls, so two at once would go past the quota), and far below
 * the function's 60 s timeout (cloudfunctions/sweepRequests/config.json), so the work under way when
 * it runs out still finishes.
 */
const SWEEP_TIME_BUDGET_MS = 8 * SECOND_MS;
/** Requests fetched per batch: a fifth of the most one get() returns, so a batch takes a few seconds. */
const SWEEP_BATCH_LIMIT = MAX_GET_LIMIT / 5;
/** Tasks (a group, or one request) handled at once within a sweep (bounds parallel database calls and sends). */
const SWEEP_CONCURRENCY = 10;
/**
 * Database calls a sweep makes per second at most: two thirds of the basic plan's 30 QPS, leaving the
 * rest to the residents' and leaders' calls meanwhile.
 */
const SWEEP_DATABASE_QPS = 20;

const SYSTEM = { kind: 'system' } as const;

async function inChunks<T>(items: readonly T[], size: number, goOn: () => boolean, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length && goOn(); i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/** What one task came to: how many of its requests it moved on, how many another writer took first. */
interface Done {
  done: number;
  stale: number;
}
const NOT_DUE: Done = { done: 0, stale: 0 };
const ONE_DONE: Done = { done: 1, stale: 0 };
const ONE_STALE: Done = { done: 0, stale: 1 };

/** One unit of a sweep's work: the documents it covers (left out of later batches unless it moved them all) and its run. */
interface Task {
  ids: Id[];
  run(): Promise<Done>;
}

/**
 * Escalation tasks for a batch of due requests: the core decides each, and requests whose change is
 * the same form one group, escalated by one multi-document write (escalations.ts).
 */
async function escalationTasks(ctx: CallContext, batch: readonly RequestListDoc[]): Promise<Task[]> {
  const unique = (ids: Id[]): Id[] => [...new Set(ids)];
  const villageIds = unique(batch.map((d) => d.villageId));
  const [staff, policyOf] = await Promise.all([
    loadStaff(ctx.db, villageIds, unique(batch.map((d) => d.streetId)), ctx.adminOpenids),
    loadVillagePolicies(ctx.db, villageIds),
  ]);
  const skipped: Task[] = [];
  const escalated: { change: EscalationChange; request: Request }[] = [];
  for (const doc of batch) {
    const request = requestMapper.toRequest(doc);
    const decision = decideEscalation(request, staff, ctx.now, policyOf(request.villageId));
    const decided = decision.kind === 'escalate' ? transition(request, decision, SYSTEM, ctx.now, requestMapper.toAutoCloseRule(doc)) : null;
    if (decision.kind !== 'escalate' || !decided?.ok) {
      skipped.push({ ids: [doc._id], run: async () => (decided ? ONE_STALE : NOT_DUE) });
      continue;
    }
    escalated.push({ change: escalationChange(request, decided.value.request, decided.value.event, decision), request: decided.value.request });
  }
  const groups = groupEscalations(escalated, SWEEP_BATCH_LIMIT).map(
    (group): Task => ({
      ids: group.requests.map((r) => r.id),
      run: async () => {
        // Stored at this instant, not the sweep's start: the claim's backoff must run from when it is taken.
        const done = await escalateGroup(ctx.cloud, ctx.db, group, ctx.clock(), { staff, policyOf });
        return { done, stale: group.requests.length - done };
      },
    }),
  );
  return [...skipped, ...groups];
}

async function autoCloseOne(ctx: CallContext, doc: RequestListDoc): Promise<Done> {
  const decided = transition(requestMapper.toRequest(doc), { kind: 'autoClose' }, SYSTEM, ctx.now, requestMapper.toAutoCloseRule(doc));
  if (!decided.ok) return ONE_STALE;
  const { request, event } = decided.value;
  // What the closing adds, and what the request owed already: its write claims both.
  const effects = { ...dueEffects(doc.effects ?? {}, ctx.now), ...effectsOf(request, event, { syncInbox: true }, ctx.now) };
  const saved = await saveTransition(ctx.db, doc, decided.value, claimDue(effects, ctx.now), ctx.now);
  if (!saved) return ONE_STALE;
  await performOwedEffects(ctx, saved, effects);
  return ONE_DONE;
}

async function dispatchOne(ctx: CallContext, doc: RequestListDoc): Promise<Done> {
  // The due list leaves the event log out; effects do not need it.
  if (!(await dispatchRequestEffects(ctx, { ...doc, events: [] } satisfies RequestDoc))) throw new Error('effects not dispatched');
  return ONE_DONE;
}

/** One task per document of a batch. */
function eachOf<D extends { _id: Id }>(run: (doc: D) => Promise<Done>): (batch: readonly D[]) => Promise<Task[]> {
  return async (batch) => batch.map((doc) => ({ ids: [doc._id], run: () => run(doc) }));
}

/** A sweep's state: its budget and its report. */
interface Sweep {
  withinBudget(): boolean;
  report: SweepReport;
}

/**
 * Works through one due list in batches until it is empty or the budget is spent. A task that threw
 * is counted as failed; its documents, and any the core refused or another writer took, are left out
 * of the later batches of this sweep (a failed one is still due, so the next sweep tries again).
 */
async function drain<D extends { _id: Id }>(
  sweep: Sweep,
  list: string,
  fetchBatch: (excluded: readonly Id[]) => Promise<D[]>,
  tasksOf: (batch: readonly D[]) => Promise<Task[]>,
  count: (done: Done) => void,
): Promise<void> {
  const leftOut: Id[] = [];
  while (sweep.withinBudget()) {
    const batch = await fetchBatch(leftOut);
    if (batch.length === 0) break;
    const tasks = await tasksOf(batch);
    let progressed = false;
    // Work under way finishes; none starts once the budget is spent.
    await inChunks(tasks, SWEEP_CONCURRENCY, sweep.withinBudget, async (task) => {
      try {
        const done = await task.run();
        if (done.done > 0) progressed = true;
        if (done.done < task.ids.length) leftOut.push(...task.ids);
        count(done);
      } catch (err) {
        sweep.report.failed += 1;
        leftOut.push(...task.ids);
        console.error(`[sweepRequests] ${list} of ${task.ids.join(',')} failed; the next sweep retries it:`, err instanceof Error ? err.message : err);
      }
    });
    // A short batch was the whole list; a batch where nothing moved would only repeat.
    if (batch.length < SWEEP_BATCH_LIMIT || !progressed) break;
  }
}

export async function sweepRequests(call: CallContext): Promise<Result<SweepReport>> {
  const startedAt = call.clock();
  const ctx: CallContext = { ...call, db: pacedDatabase(call.db, pacer(SWEEP_DATABASE_QPS)) };
  const report: SweepReport = { escalated: 0, autoClosed: 0, skippedStale: 0, effectsDispatched: 0, failed: 0 };
  const sweep: Sweep = { withinBudget: () => ctx.clock() - startedAt < SWEEP_TIME_BUDGET_MS, report };
  const tally = (field: 'escalated' | 'autoClosed' | 'effectsDispatched') => (done: Done) => {
    report[field] += done.done;
    report.skippedStale += done.stale;
  };

  await drain(
    sweep,
    'escalation',
    (excluded) => fetchDue(ctx.db, 'escalation', ctx.now, SWEEP_BATCH_LIMIT, excluded),
    (batch) => escalationTasks(ctx, batch),
    tally('escalated'),
  );
  // Groups a crash or a failure left owing (their change included): before anything else is due.
  await drain(
    sweep,
    'escalation group',
    (excluded) => fetchDueBatches(ctx.db, ctx.now, SWEEP_BATCH_LIMIT, excluded),
    eachOf<EscalationBatchDoc>(async (batch) => ({ done: await dispatchBatch(ctx.cloud, ctx.db, batch, ctx.now), stale: 0 })),
    tally('escalated'),
  );
  await drain(
    sweep,
    'autoClose',
    (excluded) => fetchDue(ctx.db, 'autoClose', ctx.now, SWEEP_BATCH_LIMIT, excluded),
    eachOf((doc) => autoCloseOne(ctx, doc)),
    tally('autoClosed'),
  );
  await drain(
    sweep,
    'effects',
    (excluded) => fetchDue(ctx.db, 'effects', ctx.now, SWEEP_BATCH_LIMIT, excluded),
    eachOf((doc) => dispatchOne(ctx, doc)),
    tally('effectsDispatched'),
  );
  if (report.escalated + report.autoClosed + report.skippedStale + report.failed > 0) {
    console.log(`[sweepRequests] by ${SYSTEM_ACTOR_ID} at ${ctx.now}:`, JSON.stringify(report));
  }
  return ok(report);
}
