// deliverNotices: works the durable notice queue on a 10-second timer: the jobs notices still owe
// (dispatch.ts), the delivery batches due a retry (the sweep), then the delivery jobs.
//
// One invocation claims a job with a conditional update (a lease) and pages through the members of
// the notice's grids by an _id cursor. Each page becomes one delivery batch (core/src/delivery.ts),
// inserted claimed before anything is sent, with an id from the job and the cursor: a page redone
// after a crash or a takeover finds its batch and sends nothing again (its retries are the sweep's).
// The residents are then sent to, a round of SEND_CONCURRENCY at a time while the time budget lasts,
// and their outcomes written in one update under the claim, the authorisations they used in one
// more; then the cursor moves on. The run stops within a time budget well below the function timeout
// — checked before every round of sends, so no invocation sends after it — and the next tick resumes.
// A job whose holder died is taken over once its lease ends.
//
// A resident's delivery is an effect held in its batch: a send that failed for a passing reason (a
// system error -1) is retried with backoff by the sweep, which claims each due batch before its
// attempts; after EFFECT_MAX_TRIES it is failed with the reason kept. Residents of a batch whose
// claim ran out unrecorded (a crash between claim and record) are sent again (at least once; see
// core/src/delivery.ts for why that is bounded). Nothing stays pending for good.
// Decisions take the invocation's `ctx.now`; only the time budget watches the moving `ctx.clock()`.
//
// A notice has one job per village, and one invocation works up to JOB_CONCURRENCY jobs at once;
// jobs are claimed one at a time, so a run's writes do not depend on which worker asks first.
//
// Round trips per invocation: 1 query for notices owing jobs; 1 query for workable jobs + 1
// conditional claim per job; per batch of BATCH_SIZE residents 1 membership page + 1 authorisations
// read + 1 batch insert, the sends, 1 outcomes write + 1 spends write (none for long-term
// subscriptions) + 1 cursor save (the last one also finishes the job); the sweep: 1 query + 1
// notices read + per due batch 1 claim, 1 authorisations read, the sends, 1 outcomes write + 1 spends
// write. So a notice to 150,000 residents costs about 4 writes per 500 residents and 2 per job a tick:
// 1,429 in all, measured (npm run bench -- --plan basic --only notice).
import { randomUUID } from 'node:crypto';
import {
  addCounts,
  advanceJob,
  authorisationSpends,
  claimBatch,
  claimJob,
  DUE_AHEAD_MS,
  EMPTY_COUNTS,
  finishJob,
  hasTimeLeft,
  isLastPage,
  mayRunBatch,
  newDeliveryBatch,
  noticeMessageLine,
  owedRecipients,
  retryJob,
  roundCounts,
  settleBatch,
  shouldSend,
  yieldJob,
  type AttemptResult,
  type DeliveryBatch,
  type DeliveryCounts,
  type DeliveryJob,
  type Recipient,
  type RunBudget,
} from '../../../core/src/delivery';
import { ok, type Result } from '../../../core/src/errors';
import type { Id, Notice } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll } from '../db';
import type { CallContext } from '../handler';
import { isLongTerm, remainingAuthorisations, sendCounted, spendAuthorisations, TEMPLATE_IDS, thingValue, timeValue, type SubscribeMessage } from '../notify';
import { pacer } from '../pacing';
import { queueJobsOwedByNotices } from './dispatch';
import {
  claimBatchIfUnchanged,
  claimJobIfUnchanged,
  dueBatches,
  insertBatchOnce,
  noticeMessagesById,
  saveLeasedJob,
  saveSettledBatch,
  workableJobs,
} from './repo';

export { LEASE_MS } from '../../../core/src/delivery';

/**
 * Residents per batch (one membership page, one batch document): large enough that a street's notice
 * fits in a few thousand writes, small enough that a batch's sends finish well inside a tick.
 */
const DEFAULT_BATCH_SIZE = 500;
/** Work time per invocation: below the 10-s tick (so runs seldom overlap) and far below config.json's 20-s timeout. */
const DEFAULT_TIME_BUDGET_MS = 8_000;
/** Sends in flight at once within a batch: one round; the time budget is checked before each. */
const SEND_CONCURRENCY = 25;
/**
 * Database calls a run makes per second at most: two thirds of the basic plan's 30 QPS, leaving the
 * rest to the residents' and leaders' calls meanwhile.
 */
const DEFAULT_DATABASE_QPS = 20;
/** A new batch's calls: members page, authorisations, batch insert, outcomes, spends, cursor. */
const CALLS_PER_BATCH = 6;
/** A retried batch's calls: claim, authorisations, outcomes, spends. */
const CALLS_PER_RETRY = 4;
/** A claim's calls once there is a job to claim: the workable jobs, the conditional claim. */
const CALLS_PER_CLAIM = 2;
/** A run's first calls: the notices owing jobs, the batches due a retry, their notices. */
const CALLS_AT_START = 3;
/** Jobs (villages) worked at once by one invocation. */
const JOB_CONCURRENCY = 4;
/** Jobs looked at per claim attempt (the other workers may win some of them). */
const CLAIM_CANDIDATES = 2 * JOB_CONCURRENCY;
/** Batches due a retry that one run attempts at most. */
const DUE_BATCHES_PER_RUN = 8;
/**
 * Writes of a round's outcomes before they are left to the claim running out: a sent message whose
 * outcome could not be written at all is sent again, so a passing write fault is retried at once.
 */
const OUTCOME_WRITE_TRIES = 3;

export interface DeliverySettings {
  batchSize: number;
  timeBudgetMs: number;
  /** Batches per invocation at most (tests use 1 to see a notice go out over several ticks). */
  maxBatchesPerRun: number;
  /** Database calls per second the run keeps to. */
  databaseQps: number;
}

function positiveIntFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Settings from the function environment (NOTICE_DELIVERY_BATCH_SIZE, …), else the defaults. */
function deliverySettingsFromEnv(): DeliverySettings {
  return {
    batchSize: positiveIntFromEnv('NOTICE_DELIVERY_BATCH_SIZE', DEFAULT_BATCH_SIZE),
    timeBudgetMs: positiveIntFromEnv('NOTICE_DELIVERY_TIME_BUDGET_MS', DEFAULT_TIME_BUDGET_MS),
    maxBatchesPerRun: positiveIntFromEnv('NOTICE_DELIVERY_MAX_BATCHES_PER_RUN', Number.MAX_SAFE_INTEGER),
    databaseQps: positiveIntFromEnv('NOTICE_DELIVERY_DATABASE_QPS', DEFAULT_DATABASE_QPS),
  };
}

/** A membership as the worker reads it: `_id` is the resident's openid, the cursor it pages by. */
interface MemberDoc extends Recipient {
  _id: Id;
}

export interface DeliveryRunSummary {
  jobsClaimed: number;
  jobsFinished: number;
  batches: number;
  /** This run's attempts by outcome ('failed': retried later); the notice's figures are counted from its deliveries. */
  counts: DeliveryCounts;
  /** Why the run stopped: nothing to do, out of time or batches, or a failed batch. */
  stoppedBy: 'idle' | 'budget' | 'failure';
}

/** What a subscribe message about a notice says. */
type MessageSource = Pick<Notice, 'title' | 'urgent' | 'publishedAt'> & { noticeId: Id };

function noticeMessage(source: MessageSource, touser: Id): SubscribeMessage {
  return {
    touser,
    templateId: TEMPLATE_IDS.noticePublished,
    page: `pages/notice/index?id=${source.noticeId}`,
    data: { thing1: thingValue(source.title), time2: timeValue(source.publishedAt), thing3: thingValue(noticeMessageLine(source.urgent)) },
  };
}

/** How many authorisations a user has left: a number, or null when they are not counted (long-term subscriptions). */
type AuthorisationsLeft = (userId: Id) => number | null;

/** Authorisations left per user (one read), or none counted for long-term subscriptions. */
async function authorisationsOf(db: Database, userIds: readonly Id[]): Promise<AuthorisationsLeft> {
  if (isLongTerm(TEMPLATE_IDS.noticePublished)) return () => null;
  const remaining = await remainingAuthorisations(db, [...new Set(userIds)], TEMPLATE_IDS.noticePublished);
  return (userId) => remaining[userId] ?? 0;
}

/** Writes a round's outcomes under the claim, retrying a failed write; false when the claim was lost or every write failed. */
async function recordRound(db: Database, claimed: DeliveryBatch, settled: DeliveryBatch): Promise<boolean> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await saveSettledBatch(db, claimed, settled);
    } catch (err) {
      if (tries >= OUTCOME_WRITE_TRIES) {
        console.error(`[deliverNotices] batch ${claimed.id}: outcomes not recorded; its claim runs out and they are tried again`, err);
        return false;
      }
    }
  }
}

/**
 * One round of attempts on a claimed batch: its owed residents are sent to (those without an
 * authorisation left are done without a send), SEND_CONCURRENCY at a time while the budget lasts;
 * then their outcomes are written under the claim and, once they are, the authorisations spent.
 * Residents not reached before the budget ran out stay owed, due at once, for the next run.
 */
async function attemptRound(
  ctx: CallContext,
  claimed: DeliveryBatch,
  source: MessageSource,
  left: AuthorisationsLeft,
  budget: RunBudget,
): Promise<DeliveryCounts> {
  const { cloud, db, now } = ctx;
  const owed = owedRecipients(claimed, now + DUE_AHEAD_MS);
  const results = new Map<Id, AttemptResult>();
  for (let start = 0; start < owed.length && hasTimeLeft(budget, ctx.clock()); start += SEND_CONCURRENCY) {
    const round = owed.slice(start, start + SEND_CONCURRENCY);
    const outcomes = await Promise.all(
      round.map(async (r) => [r.userId, shouldSend(left(r.userId)) ? await sendCounted(cloud, noticeMessage(source, r.userId)) : 'noAuthorisation'] as const),
    );
    for (const [userId, outcome] of outcomes) results.set(userId, outcome);
  }
  const settled = settleBatch(claimed, results, now);
  if (await recordRound(db, claimed, settled)) await spendAuthorisations(db, TEMPLATE_IDS.noticePublished, authorisationSpends(results), now);
  return roundCounts(settled, new Set(results.keys()));
}

/** `fn`, one call at a time in call order: jobs are claimed so, and a run's writes then do not depend on which worker asks first. */
function serially<T>(fn: () => Promise<T>): () => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return () => {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  };
}

/** The first workable job this worker wins, leased to it; null when there is none (or the claim could not be written). */
async function claimNextJob(db: Database, now: number, pace: RunLimits['pace']): Promise<DeliveryJob | null> {
  try {
    for (const job of await workableJobs(db, now + DUE_AHEAD_MS, CLAIM_CANDIDATES)) {
      // Paced only with work to do, so an idle tick is over at once.
      await pace(CALLS_PER_CLAIM);
      const claimed = await claimJobIfUnchanged(db, job, claimJob(job, randomUUID(), now));
      if (claimed !== null) return claimed;
    }
  } catch (err) {
    // The job stays workable; the next tick claims it.
    console.error('[deliverNotices] claiming a job failed', err);
  }
  return null;
}

async function membersPage(db: Database, job: DeliveryJob, batchSize: number): Promise<MemberDoc[]> {
  const _ = db.command;
  const where: Record<string, unknown> = { gridId: _.in(job.gridIds) };
  if (job.cursor !== null) where._id = _.gt(job.cursor);
  return fetchAll<MemberDoc>(db.collection(COLLECTIONS.memberships).where(where).orderBy('_id', 'asc').limit(batchSize));
}

/**
 * Records the page as a batch, claimed, and makes its first round of attempts. A batch already
 * recorded for this page (a redo) is left to the sweep: its residents are counted skipped.
 */
async function deliverPage(ctx: CallContext, job: DeliveryJob, members: readonly MemberDoc[], budget: RunBudget): Promise<DeliveryCounts> {
  const { db, now } = ctx;
  const last = members[members.length - 1];
  if (last === undefined) return { ...EMPTY_COUNTS };
  // One read for the whole batch, so residents without an authorisation cost no send.
  const left = await authorisationsOf(
    db,
    members.map((m) => m.userId),
  );
  const batch = newDeliveryBatch(job, members, last._id, left, randomUUID(), now);
  // Recorded (claimed) before any send: a resident in a recorded batch has their delivery already.
  if (!(await insertBatchOnce(db, batch))) return { ...EMPTY_COUNTS, skipped: members.length };
  const noAuthorisation = batch.recipients.length - owedRecipients(batch, now).length;
  const counts = batch.state === 'done' ? { ...EMPTY_COUNTS } : await attemptRound(ctx, batch, job, left, budget);
  return { ...counts, noAuthorisation: counts.noAuthorisation + noAuthorisation };
}

type JobOutcome = 'finished' | 'budget' | 'failure' | 'leaseLost';

/** What bounds a run: its time and batches, and the pace of its database calls. */
interface RunLimits {
  budget: RunBudget;
  pace: (calls: number) => Promise<void>;
}

/** Works one claimed job until it is done, the budget runs out or a write fails. */
async function workJob(ctx: CallContext, claimed: DeliveryJob, settings: DeliverySettings, run: RunLimits, summary: DeliveryRunSummary): Promise<JobOutcome> {
  const { budget, pace } = run;
  const { db, now } = ctx;
  let job = claimed;
  try {
    for (;;) {
      if (!mayRunBatch(budget, ctx.clock(), summary.batches)) {
        await saveLeasedJob(db, job, yieldJob(now));
        return 'budget';
      }
      await pace(CALLS_PER_BATCH);
      const members = await membersPage(db, job, settings.batchSize);
      if (members.length > 0) {
        summary.counts = addCounts(summary.counts, await deliverPage(ctx, job, members, budget));
        summary.batches += 1;
      }
      const progress = advanceJob(job, members[members.length - 1]?._id ?? null, now);
      const last = isLastPage(members.length, settings.batchSize);
      // The last page's cursor and the job's end are one write.
      if (!(await saveLeasedJob(db, job, last ? { ...progress, ...finishJob(now) } : progress))) return 'leaseLost';
      if (last) return 'finished';
      job = { ...job, ...progress };
    }
  } catch (err) {
    console.error(`[deliverNotices] job ${job.id}: batch after ${String(job.cursor)} failed; retrying from there`, err);
    // Released for a retry from the saved cursor; if even this fails, the lease runs out and another run takes over.
    await saveLeasedJob(db, job, retryJob(err, now)).catch((releaseErr: unknown) =>
      console.error(`[deliverNotices] job ${job.id}: release failed`, releaseErr),
    );
    return 'failure';
  }
}

/** What the messages of the due batches' notices say, by notice id. */
async function messageSources(db: Database, noticeIds: readonly Id[]): Promise<Map<Id, MessageSource>> {
  const docs = await noticeMessagesById(db, [...new Set(noticeIds)]);
  return new Map(docs.map(({ _id, title, urgent, publishedAt }) => [_id, { noticeId: _id, title, urgent, publishedAt }]));
}

/** The sweep: claims each batch due a retry (or whose claim ran out) and attempts its owed residents again, one batch at a time. */
async function retryDueBatches(ctx: CallContext, { budget, pace }: RunLimits, summary: DeliveryRunSummary): Promise<void> {
  const { db, now } = ctx;
  const due = await dueBatches(db, now + DUE_AHEAD_MS, DUE_BATCHES_PER_RUN);
  if (due.length === 0) return;
  const sources = await messageSources(
    db,
    due.map((b) => b.noticeId),
  );
  for (const read of due) {
    if (!hasTimeLeft(budget, ctx.clock())) return;
    await pace(CALLS_PER_RETRY);
    try {
      const claimed = claimBatch(read, randomUUID(), now);
      if (!(await claimBatchIfUnchanged(db, read, claimed))) continue;
      const source = sources.get(read.noticeId);
      if (source === undefined) throw new Error(`notice ${read.noticeId} of batch ${read.id} not found`);
      const owed = owedRecipients(claimed, now + DUE_AHEAD_MS);
      // Given up (tries used up) by the claim itself: nothing left to send.
      if (owed.length === 0) continue;
      const left = await authorisationsOf(
        db,
        owed.map((r) => r.userId),
      );
      summary.counts = addCounts(summary.counts, await attemptRound(ctx, claimed, source, left, budget));
    } catch (err) {
      // Not claimed, or claimed and then stopped: due again later either way.
      console.error(`[deliverNotices] batch ${read.id}: retry failed`, err);
    }
  }
}

/** Runs `step`, logging a failure: what it owes stays owed for the next tick. */
async function untilNextTick(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    console.error(`[deliverNotices] ${what} failed; the next tick tries again`, err);
  }
}

export async function runDeliveryQueue(ctx: CallContext, settings: DeliverySettings = deliverySettingsFromEnv()): Promise<Result<DeliveryRunSummary>> {
  // The budget is watched on the moving clock; every decision takes the invocation's `now`.
  const budget: RunBudget = { deadline: ctx.clock() + settings.timeBudgetMs, maxBatches: settings.maxBatchesPerRun };
  const run: RunLimits = { budget, pace: pacer(settings.databaseQps) };
  const summary: DeliveryRunSummary = { jobsClaimed: 0, jobsFinished: 0, batches: 0, counts: { ...EMPTY_COUNTS }, stoppedBy: 'budget' };
  await run.pace(CALLS_AT_START);
  await untilNextTick('creating owed jobs', () => queueJobsOwedByNotices(ctx.db, ctx.now));
  // Retries first, a bounded number, so long jobs never starve them; they are done before any job
  // starts, so a redone batch and the sweep never race within one run.
  await untilNextTick('retrying due batches', () => retryDueBatches(ctx, run, summary));
  const claim = serially(() => claimNextJob(ctx.db, ctx.now, run.pace));
  // Several workers, each claiming and working one job (one village) at a time.
  const worker = async (): Promise<void> => {
    while (mayRunBatch(budget, ctx.clock(), summary.batches)) {
      const job = await claim();
      if (job === null) {
        if (summary.stoppedBy === 'budget') summary.stoppedBy = 'idle';
        return;
      }
      summary.jobsClaimed += 1;
      const outcome = await workJob(ctx, job, settings, run, summary);
      if (outcome === 'finished') summary.jobsFinished += 1;
      if (outcome === 'failure') {
        summary.stoppedBy = 'failure';
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: JOB_CONCURRENCY }, worker));
  return ok(summary);
}
