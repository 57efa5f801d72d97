// deliverNotices: works the durable notice queue (deliveryJobs) on a 10-second timer.
//
// One invocation claims a job with a conditional update (a lease), pages through the members of the
// notice's grids by an _id cursor, and for each resident first inserts a noticeDeliveries document
// with _id `${noticeId}:${userId}` and only then sends: a duplicate insert means someone already
// handled that resident, so nobody gets a notice twice even after a crash mid-batch (at most once; a
// delivery left 'pending' is a send that may not have happened, and reach shows who is unreached).
// The cursor is saved after each batch, and the run stops within a time budget well below the
// function timeout; the next tick resumes from the cursor. A job whose holder died is taken over
// once its lease ends. The job's state machine (claim, progress, yield, retry, finish) and what each
// resident's handling comes to are core/src/delivery.ts; this file is the loop: load → core → save → send.
// Decisions take the invocation's `ctx.now`; only the time budget watches the moving `ctx.clock()`.
//
// A notice has one job per village, and one invocation works up to JOB_CONCURRENCY jobs at once.
//
// Round trips per invocation: 1 query for workable jobs + 1 conditional claim per job; per batch
// 1 membership page + 1 authorisations read + per resident 1 insert (+1 authorisation spend and the
// send when the resident holds an authorisation) + 1 outcome update per distinct outcome (≤ 4) +
// 1 cursor save; 1 final write (done or released).
import { randomUUID } from 'node:crypto';
import {
  addCounts,
  advanceJob,
  claimJob,
  EMPTY_COUNTS,
  finishJob,
  isLastPage,
  mayRunBatch,
  newDelivery,
  noticeMessageLine,
  retryJob,
  shouldSend,
  tallyBatch,
  yieldJob,
  type DeliveryCounts,
  type DeliveryJob,
  type MemberResult,
  type Recipient,
  type RunBudget,
  type SendOutcome,
} from '../../../core/src/delivery';
import { ok, type Result } from '../../../core/src/errors';
import type { Id } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll } from '../db';
import type { CallContext } from '../handler';
import { LONG_TERM_SUBSCRIPTIONS, remainingAuthorisations, sendSubscribeMessage, TEMPLATE_IDS, thingValue, timeValue } from '../notify';
import { claimJobIfUnchanged, insertDeliveryOnce, recordOutcomes, saveLeasedJob, workableJobs } from './repo';

export { LEASE_MS } from '../../../core/src/delivery';

/** Residents handled per batch (one membership page); the cursor is saved after each. */
const DEFAULT_BATCH_SIZE = 100;
/** Work time per invocation: below the 10-s tick (so runs seldom overlap) and far below config.json's 20-s timeout. */
const DEFAULT_TIME_BUDGET_MS = 8_000;
/** Sends in flight at once within a batch. */
const SEND_CONCURRENCY = 20;
/** Jobs (villages) worked at once by one invocation. */
const JOB_CONCURRENCY = 4;
/** Jobs looked at per claim attempt (the other workers may win some of them). */
const CLAIM_CANDIDATES = 2 * JOB_CONCURRENCY;

export interface DeliverySettings {
  batchSize: number;
  timeBudgetMs: number;
  /** Batches per invocation at most (tests use 1 to see a notice go out over several ticks). */
  maxBatchesPerRun: number;
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
  counts: DeliveryCounts;
  /** Why the run stopped: nothing to do, out of time or batches, or a failed batch. */
  stoppedBy: 'idle' | 'budget' | 'failure';
}

/** The first workable job this worker wins, leased to it; null when there is none. */
async function claimNextJob(db: Database, now: number): Promise<DeliveryJob | null> {
  for (const job of await workableJobs(db, now, CLAIM_CANDIDATES)) {
    const claimed = await claimJobIfUnchanged(db, job, claimJob(job, randomUUID(), now));
    if (claimed !== null) return claimed;
  }
  return null;
}

async function membersPage(db: Database, job: DeliveryJob, batchSize: number): Promise<MemberDoc[]> {
  const _ = db.command;
  const where: Record<string, unknown> = { gridId: _.in(job.gridIds) };
  if (job.cursor !== null) where._id = _.gt(job.cursor);
  return fetchAll<MemberDoc>(db.collection(COLLECTIONS.memberships).where(where).orderBy('_id', 'asc').limit(batchSize));
}

/** `fn` over `items` with at most `limit` in flight, results in the order of `items`. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Delivers one batch; throws (after recording what went out) if any resident could not be handled. */
async function deliverBatch(ctx: CallContext, job: DeliveryJob, members: readonly MemberDoc[]): Promise<DeliveryCounts> {
  const { db, cloud, now } = ctx;
  const templateId = TEMPLATE_IDS.noticePublished;
  // One read for the whole batch, so residents without an authorisation cost no spend attempt.
  const remaining = LONG_TERM_SUBSCRIPTIONS
    ? null
    : await remainingAuthorisations(
        db,
        members.map((m) => m.userId),
        templateId,
      );
  const data = { thing1: thingValue(job.title), time2: timeValue(job.publishedAt), thing3: thingValue(noticeMessageLine(job.urgent)) };
  const page = `pages/notice/index?id=${job.noticeId}`;

  const handle = async (member: MemberDoc): Promise<SendOutcome | 'skipped'> => {
    // Recorded before the send: a resident whose record exists was handled by someone already.
    if (!(await insertDeliveryOnce(db, newDelivery(job.noticeId, member, now)))) return 'skipped';
    if (!shouldSend(remaining === null ? null : (remaining[member.userId] ?? 0))) return 'noAuthorisation';
    return sendSubscribeMessage(cloud, db, { touser: member.userId, templateId, page, data }, now);
  };
  // Every member settles, so what went out is recorded even when one of them fails.
  const results = await mapConcurrently(members, SEND_CONCURRENCY, async (member): Promise<MemberResult> => {
    try {
      return { userId: member.userId, outcome: await handle(member) };
    } catch (error) {
      return { userId: member.userId, error };
    }
  });
  const tally = tallyBatch(job.noticeId, results);
  await recordOutcomes(db, tally.deliveriesByOutcome, now);
  if (tally.failure !== null) throw tally.failure.error;
  return tally.counts;
}

type JobOutcome = 'finished' | 'budget' | 'failure' | 'leaseLost';

/** Works one claimed job until it is done, the budget runs out or a batch fails. */
async function workJob(
  ctx: CallContext,
  claimed: DeliveryJob,
  settings: DeliverySettings,
  budget: RunBudget,
  summary: DeliveryRunSummary,
): Promise<JobOutcome> {
  const { db, now } = ctx;
  let job = claimed;
  for (;;) {
    if (!mayRunBatch(budget, ctx.clock(), summary.batches)) {
      await saveLeasedJob(db, job, yieldJob(now));
      return 'budget';
    }
    const members = await membersPage(db, job, settings.batchSize);
    if (members.length > 0) {
      let counts: DeliveryCounts;
      try {
        counts = await deliverBatch(ctx, job, members);
      } catch (err) {
        console.error(`[deliverNotices] job ${job.id}: batch after ${String(job.cursor)} failed; retrying from there`, err);
        await saveLeasedJob(db, job, retryJob(err, now));
        return 'failure';
      }
      summary.batches += 1;
      summary.counts = addCounts(summary.counts, counts);
      const progress = advanceJob(job, members[members.length - 1]?._id ?? null, counts, now);
      job = { ...job, ...progress };
      if (!(await saveLeasedJob(db, job, progress))) return 'leaseLost';
    }
    if (isLastPage(members.length, settings.batchSize)) {
      await saveLeasedJob(db, job, finishJob(now));
      return 'finished';
    }
  }
}

export async function runDeliveryQueue(ctx: CallContext, settings: DeliverySettings = deliverySettingsFromEnv()): Promise<Result<DeliveryRunSummary>> {
  // The budget is watched on the moving clock; every decision takes the invocation's `now`.
  const budget: RunBudget = { deadline: ctx.clock() + settings.timeBudgetMs, maxBatches: settings.maxBatchesPerRun };
  const summary: DeliveryRunSummary = { jobsClaimed: 0, jobsFinished: 0, batches: 0, counts: { ...EMPTY_COUNTS }, stoppedBy: 'budget' };
  // Several workers, each claiming and working one job (one village) at a time.
  const worker = async (): Promise<void> => {
    while (mayRunBatch(budget, ctx.clock(), summary.batches)) {
      const job = await claimNextJob(ctx.db, ctx.now);
      if (job === null) {
        if (summary.stoppedBy === 'budget') summary.stoppedBy = 'idle';
        return;
      }
      summary.jobsClaimed += 1;
      const outcome = await workJob(ctx, job, settings, budget, summary);
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
