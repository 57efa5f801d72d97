// deliverNotices: works the durable notice queue on a 10-second timer: the jobs notices still owe
// (dispatch.ts), the residents' deliveries due a retry (the sweep), then the delivery jobs.
//
// One invocation claims a job with a conditional update (a lease), pages through the members of the
// notice's grids by an _id cursor, and for each resident inserts a noticeDeliveries document with _id
// `${noticeId}:${userId}`, claimed for its first attempt, and only then sends; the send's outcome is
// then written under that claim. A duplicate insert means the resident has a delivery already (its
// retries are the sweep's). A batch one of whose members could not be recorded is redone from the
// cursor, so every member ends up with a delivery. The cursor is saved after each batch, and the run
// stops within a time budget well below the function timeout; the next tick resumes from the cursor.
// A job whose holder died is taken over once its lease ends.
//
// Every delivery is an effect (core/src/delivery.ts, core/src/effects.ts): a send that failed for a
// passing reason (a system error -1, a failed write) is retried with backoff by the sweep, which
// claims each due delivery before its attempt; after EFFECT_MAX_TRIES it is failed with the reason
// kept. One whose claim ran out unrecorded (a crash between claim and record) is sent again (at
// least once; see core/src/delivery.ts for why that is bounded). Nothing stays pending for good.
// Decisions take the invocation's `ctx.now`; only the time budget watches the moving `ctx.clock()`.
//
// A notice has one job per village, and one invocation works up to JOB_CONCURRENCY jobs at once;
// jobs are claimed one at a time, so a run's writes do not depend on which worker asks first.
//
// Round trips per invocation: 1 query for notices owing jobs; 1 query for workable jobs + 1
// conditional claim per job; per batch 1 membership page + 1 authorisations read + per resident 1
// insert (+ the send and 1 outcome write, when the resident holds an authorisation) + 1 cursor save
// (the last one also finishes the job); the sweep: 1 query + 1 notices read + 1 authorisations read
// + per due delivery 1 claim, the send and 1 outcome write.
import { randomUUID } from 'node:crypto';
import {
  addCounts,
  advanceJob,
  claimDelivery,
  claimJob,
  DUE_AHEAD_MS,
  EMPTY_COUNTS,
  finishJob,
  isLastPage,
  mayRunBatch,
  newDelivery,
  noticeMessageLine,
  retryJob,
  settleDelivery,
  shouldSend,
  tallyBatch,
  yieldJob,
  type AttemptResult,
  type DeliveryCounts,
  type DeliveryJob,
  type MemberResult,
  type NoticeDelivery,
  type Recipient,
  type RunBudget,
  type SendOutcome,
} from '../../../core/src/delivery';
import { ok, type Result } from '../../../core/src/errors';
import type { Id, Notice } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll } from '../db';
import type { CallContext } from '../handler';
import { isLongTerm, remainingAuthorisations, sendSubscribeMessage, TEMPLATE_IDS, thingValue, timeValue, type SubscribeMessage } from '../notify';
import { queueJobsOwedByNotices } from './dispatch';
import {
  claimDeliveryIfUnchanged,
  claimJobIfUnchanged,
  dueDeliveries,
  insertDeliveryOnce,
  noticeMessagesById,
  saveLeasedJob,
  saveSettledDelivery,
  workableJobs,
} from './repo';

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
/** Deliveries due a retry that one run attempts at most. */
const DUE_DELIVERIES_PER_RUN = 100;
/**
 * Writes of an attempt's outcome before it is left to its claim running out: a sent message whose
 * outcome could not be written at all is sent again, so a passing write fault is retried at once.
 */
const OUTCOME_WRITE_TRIES = 3;

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

/** Authorisations left per user (one read), or null when they are not counted (long-term subscriptions). */
function authorisationsOf(db: Database, userIds: readonly Id[]): Promise<Record<string, number> | null> {
  return isLongTerm(TEMPLATE_IDS.noticePublished) ? Promise.resolve(null) : remainingAuthorisations(db, [...new Set(userIds)], TEMPLATE_IDS.noticePublished);
}

function authorisationsLeft(remaining: Record<string, number> | null, userId: Id): number | null {
  return remaining === null ? null : (remaining[userId] ?? 0);
}

/** Writes how the claimed attempt went, retrying a failed write; false when the claim was lost or every write failed. */
async function recordAttempt(db: Database, claimed: NoticeDelivery, settled: NoticeDelivery): Promise<boolean> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await saveSettledDelivery(db, claimed, settled);
    } catch (err) {
      if (tries >= OUTCOME_WRITE_TRIES) {
        console.error(`[deliverNotices] delivery ${claimed.id}: outcome not recorded; its claim runs out and it is tried again`, err);
        return false;
      }
    }
  }
}

/** One attempt of a claimed delivery: the send (unless the resident holds no authorisation), then its outcome, written under the claim. */
async function attempt(ctx: CallContext, claimed: NoticeDelivery, source: MessageSource, left: number | null): Promise<SendOutcome> {
  const { cloud, db, now } = ctx;
  let result: AttemptResult;
  try {
    result = shouldSend(left) ? await sendSubscribeMessage(cloud, db, noticeMessage(source, claimed.userId), now) : 'noAuthorisation';
  } catch (error) {
    result = { error };
  }
  await recordAttempt(db, claimed, settleDelivery(claimed, result, now));
  return typeof result === 'string' ? result : 'failed';
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
async function claimNextJob(db: Database, now: number): Promise<DeliveryJob | null> {
  try {
    for (const job of await workableJobs(db, now + DUE_AHEAD_MS, CLAIM_CANDIDATES)) {
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

/** Gives each member of the batch a delivery and its first attempt; throws when a member's delivery could not be recorded. */
async function deliverBatch(ctx: CallContext, job: DeliveryJob, members: readonly MemberDoc[]): Promise<DeliveryCounts> {
  const { db, now } = ctx;
  // One read for the whole batch, so residents without an authorisation cost no send.
  const remaining = await authorisationsOf(
    db,
    members.map((m) => m.userId),
  );
  const claimId = randomUUID();

  const handle = async (member: MemberDoc): Promise<SendOutcome | 'skipped'> => {
    const left = authorisationsLeft(remaining, member.userId);
    const first = newDelivery(job.noticeId, member, claimId, now);
    // Without an authorisation there is nothing to send: recorded done at once.
    if (!shouldSend(left)) return (await insertDeliveryOnce(db, settleDelivery(first, 'noAuthorisation', now))) ? 'noAuthorisation' : 'skipped';
    // Recorded (claimed) before the send: a resident whose delivery exists has one already.
    if (!(await insertDeliveryOnce(db, first))) return 'skipped';
    return attempt(ctx, first, job, left);
  };
  // Every member settles, so what went out is recorded even when one of them fails.
  const results = await mapConcurrently(members, SEND_CONCURRENCY, async (member): Promise<MemberResult> => {
    try {
      return { userId: member.userId, outcome: await handle(member) };
    } catch (error) {
      return { userId: member.userId, error };
    }
  });
  const tally = tallyBatch(results);
  if (tally.failure !== null) throw tally.failure.error;
  return tally.counts;
}

type JobOutcome = 'finished' | 'budget' | 'failure' | 'leaseLost';

/** Works one claimed job until it is done, the budget runs out or a write fails. */
async function workJob(
  ctx: CallContext,
  claimed: DeliveryJob,
  settings: DeliverySettings,
  budget: RunBudget,
  summary: DeliveryRunSummary,
): Promise<JobOutcome> {
  const { db, now } = ctx;
  let job = claimed;
  try {
    for (;;) {
      if (!mayRunBatch(budget, ctx.clock(), summary.batches)) {
        await saveLeasedJob(db, job, yieldJob(now));
        return 'budget';
      }
      const members = await membersPage(db, job, settings.batchSize);
      if (members.length > 0) {
        summary.counts = addCounts(summary.counts, await deliverBatch(ctx, job, members));
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

/** What the messages of the due deliveries' notices say, by notice id. */
async function messageSources(db: Database, noticeIds: readonly Id[]): Promise<Map<Id, MessageSource>> {
  const docs = await noticeMessagesById(db, [...new Set(noticeIds)]);
  return new Map(docs.map(({ _id, title, urgent, publishedAt }) => [_id, { noticeId: _id, title, urgent, publishedAt }]));
}

/** The sweep: claims each delivery due a retry (or whose claim ran out) and attempts it again. */
async function retryDueDeliveries(ctx: CallContext, summary: DeliveryRunSummary): Promise<void> {
  const { db, now } = ctx;
  const due = await dueDeliveries(db, now + DUE_AHEAD_MS, DUE_DELIVERIES_PER_RUN);
  if (due.length === 0) return;
  const [sources, remaining] = await Promise.all([
    messageSources(
      db,
      due.map((d) => d.noticeId),
    ),
    authorisationsOf(
      db,
      due.map((d) => d.userId),
    ),
  ]);
  const claimId = randomUUID();
  const retry = async (read: NoticeDelivery): Promise<SendOutcome | 'skipped'> => {
    const claimed = claimDelivery(read, claimId, now);
    if (!(await claimDeliveryIfUnchanged(db, read, claimed))) return 'skipped';
    // Its tries were used up: given up, with the reason kept.
    if (claimed.state !== 'pending') return 'failed';
    const source = sources.get(read.noticeId);
    if (source === undefined) throw new Error(`notice ${read.noticeId} of delivery ${read.id} not found`);
    return attempt(ctx, claimed, source, authorisationsLeft(remaining, read.userId));
  };
  const outcomes = await mapConcurrently(due, SEND_CONCURRENCY, async (read) => {
    try {
      return await retry(read);
    } catch (err) {
      // Not claimed, or claimed and then stopped: due again later either way.
      console.error(`[deliverNotices] delivery ${read.id}: retry failed`, err);
      return 'failed' as const;
    }
  });
  for (const outcome of outcomes) summary.counts[outcome] += 1;
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
  const summary: DeliveryRunSummary = { jobsClaimed: 0, jobsFinished: 0, batches: 0, counts: { ...EMPTY_COUNTS }, stoppedBy: 'budget' };
  await untilNextTick('creating owed jobs', () => queueJobsOwedByNotices(ctx.db, ctx.now));
  // Retries first, a bounded number, so long jobs never starve them; they are done before any job
  // starts, so a redone batch and the sweep never race within one run.
  await untilNextTick('retrying due deliveries', () => retryDueDeliveries(ctx, summary));
  const claim = serially(() => claimNextJob(ctx.db, ctx.now));
  // Several workers, each claiming and working one job (one village) at a time.
  const worker = async (): Promise<void> => {
    while (mayRunBatch(budget, ctx.clock(), summary.batches)) {
      const job = await claim();
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
