// deliverNotices: works the durable notice queue (deliveryJobs) on a 10-second timer.
//
// One invocation claims a job with a conditional update (a lease), pages through the members of the
// notice's grids by an _id cursor, and for each resident first inserts a noticeDeliveries document
// with _id `${noticeId}:${userId}` and only then sends: a duplicate insert means someone already
// handled that resident, so nobody gets a notice twice even after a crash mid-batch (at most once; a
// delivery left 'pending' is a send that may not have happened, and reach shows who is unreached).
// The cursor is saved after each batch, and the run stops within a time budget well below the
// function timeout; the next tick resumes from the cursor. A job whose holder died is taken over
// once its lease ends.
//
// A notice has one job per village, and one invocation works up to JOB_CONCURRENCY jobs at once.
//
// Round trips per invocation: 1 query for workable jobs + 1 conditional claim per job; per batch
// 1 membership page + 1 authorisations read + per resident 1 insert (+1 authorisation spend and the
// send when the resident holds an authorisation) + 1 outcome update per distinct outcome (≤ 4) +
// 1 cursor save; 1 final write (done or released).
import { randomUUID } from 'node:crypto';
import { ok, type Result } from '../../../core/src/errors';
import type { Id } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, isDuplicateKeyError, updateWhere } from '../db';
import type { CallContext } from '../handler';
import { LONG_TERM_SUBSCRIPTIONS, remainingAuthorisations, sendSubscribeMessage, TEMPLATE_IDS, thingValue, timeValue, type SendOutcome } from '../notify';
import {
  deliveryId,
  EMPTY_COUNTS,
  WORKABLE_JOB_STATES,
  type DeliveryCounts,
  type DeliveryDoc,
  type DeliveryJobDoc,
} from './docs';

/** Residents handled per batch (one membership page); the cursor is saved after each. */
const DEFAULT_BATCH_SIZE = 100;
/** Work time per invocation: below the 10-s tick (so runs seldom overlap) and far below config.json's 20-s timeout. */
const DEFAULT_TIME_BUDGET_MS = 8_000;
/** Longer than the function timeout, so a lease only ends once its holder is certainly gone. */
export const LEASE_MS = 30_000;
/** After a failed batch, wait this long before the job is tried again. */
const RETRY_DELAY_MS = 10_000;
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

interface MemberDoc {
  _id: Id;
  userId: Id;
  gridId: Id;
  householdId?: Id;
}

export interface DeliveryRunSummary {
  jobsClaimed: number;
  jobsFinished: number;
  batches: number;
  counts: DeliveryCounts;
  /** Why the run stopped: nothing to do, out of time or batches, or a failed batch. */
  stoppedBy: 'idle' | 'budget' | 'failure';
}

async function claimJob(db: Database, now: number): Promise<DeliveryJobDoc | null> {
  const _ = db.command;
  const candidates = await fetchAll<DeliveryJobDoc>(
    db
      .collection(COLLECTIONS.deliveryJobs)
      .where({ state: _.in([...WORKABLE_JOB_STATES]), nextRunAt: _.lte(now) })
      .orderBy('nextRunAt', 'asc')
      .limit(CLAIM_CANDIDATES),
  );
  for (const job of candidates) {
    const leaseId = randomUUID();
    const lease = { state: 'running', leaseId, leaseUntil: now + LEASE_MS, nextRunAt: now + LEASE_MS, attempts: job.attempts + 1, updatedAt: now };
    // Conditional: only if nobody changed the job since we read it (another worker's claim changes nextRunAt and leaseId).
    const claimed = await updateWhere(
      db.collection(COLLECTIONS.deliveryJobs).where({ _id: job._id, state: job.state, nextRunAt: job.nextRunAt, leaseId: job.leaseId }),
      lease,
    );
    if (claimed === 1) return { ...job, ...lease, state: 'running' };
  }
  return null;
}

async function membersPage(db: Database, job: DeliveryJobDoc, batchSize: number): Promise<MemberDoc[]> {
  const _ = db.command;
  const where: Record<string, unknown> = { gridId: _.in(job.gridIds) };
  if (job.cursor !== null) where._id = _.gt(job.cursor);
  return fetchAll<MemberDoc>(db.collection(COLLECTIONS.memberships).where(where).orderBy('_id', 'asc').limit(batchSize));
}

/** Runs `fn` over `items` with at most `limit` in flight; every item settles. */
async function settleAll<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index] as T) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Delivers one batch; throws (after recording what went out) if any resident could not be handled. */
async function deliverBatch(ctx: CallContext, job: DeliveryJobDoc, members: readonly MemberDoc[]): Promise<DeliveryCounts> {
  const { db, cloud } = ctx;
  const _ = db.command;
  const templateId = TEMPLATE_IDS.noticePublished;
  // One read for the whole batch, so residents without an authorisation cost no spend attempt.
  const remaining = LONG_TERM_SUBSCRIPTIONS ? null : await remainingAuthorisations(db, members.map((m) => m.userId), templateId);
  const data = {
    thing1: thingValue(job.title),
    time2: timeValue(job.publishedAt),
    thing3: thingValue(job.urgent ? '紧急通知，请尽快查看' : '新通知，请查看'),
  };

  const settled = await settleAll(members, SEND_CONCURRENCY, async (member): Promise<SendOutcome | 'skipped'> => {
    const delivery: DeliveryDoc = {
      _id: deliveryId(job.noticeId, member.userId),
      noticeId: job.noticeId,
      userId: member.userId,
      gridId: member.gridId,
      ...(member.householdId !== undefined ? { householdId: member.householdId } : {}),
      createdAt: Date.now(),
      outcome: 'pending',
    };
    try {
      await db.collection(COLLECTIONS.noticeDeliveries).add({ data: delivery as never });
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'skipped';
      throw err;
    }
    if (remaining !== null && (remaining[member.userId] ?? 0) <= 0) return 'noAuthorisation';
    return sendSubscribeMessage(cloud, db, { touser: member.userId, templateId, page: `pages/notice/index?id=${job.noticeId}`, data }, Date.now());
  });

  const counts: DeliveryCounts = { ...EMPTY_COUNTS };
  const idsByOutcome = new Map<SendOutcome, string[]>();
  let failure: unknown;
  settled.forEach((result, index) => {
    if (result.status === 'rejected') {
      failure ??= result.reason;
      return;
    }
    counts[result.value] += 1;
    const member = members[index];
    if (result.value !== 'skipped' && member) {
      const ids = idsByOutcome.get(result.value) ?? [];
      ids.push(deliveryId(job.noticeId, member.userId));
      idsByOutcome.set(result.value, ids);
    }
  });
  const sentAt = Date.now();
  await Promise.all(
    [...idsByOutcome].map(([outcome, ids]) =>
      updateWhere(db.collection(COLLECTIONS.noticeDeliveries).where({ _id: _.in(ids) }), { outcome, sentAt }),
    ),
  );
  if (failure !== undefined) throw failure;
  return counts;
}

function addCounts(a: DeliveryCounts, b: DeliveryCounts): DeliveryCounts {
  const out = { ...a };
  for (const key of Object.keys(b) as (keyof DeliveryCounts)[]) out[key] += b[key];
  return out;
}

type JobOutcome = 'finished' | 'budget' | 'failure' | 'leaseLost';

/** Works one claimed job until it is done, the budget runs out or a batch fails. */
async function workJob(ctx: CallContext, job: DeliveryJobDoc, settings: DeliverySettings, deadline: number, summary: DeliveryRunSummary): Promise<JobOutcome> {
  const { db } = ctx;
  const mine = db.collection(COLLECTIONS.deliveryJobs).where({ _id: job._id, leaseId: job.leaseId });
  let current = job;
  for (;;) {
    if (Date.now() >= deadline || summary.batches >= settings.maxBatchesPerRun) {
      // Out of time: hand the job back at once, so the next tick resumes from the cursor.
      await updateWhere(mine, { state: 'pending', nextRunAt: Date.now(), leaseId: null, leaseUntil: null, updatedAt: Date.now() });
      return 'budget';
    }
    const members = await membersPage(db, current, settings.batchSize);
    if (members.length > 0) {
      let counts: DeliveryCounts;
      try {
        counts = await deliverBatch(ctx, current, members);
      } catch (err) {
        console.error(`[deliverNotices] job ${job._id}: batch after ${String(current.cursor)} failed; retrying from there`, err);
        const at = Date.now();
        await updateWhere(mine, { state: 'pending', nextRunAt: at + RETRY_DELAY_MS, leaseId: null, leaseUntil: null, lastError: String(err instanceof Error ? err.message : err), updatedAt: at });
        return 'failure';
      }
      summary.batches += 1;
      summary.counts = addCounts(summary.counts, counts);
      const at = Date.now();
      current = { ...current, cursor: members[members.length - 1]?._id ?? current.cursor, counts: addCounts(current.counts, counts) };
      // Saving the cursor also renews the lease; 0 updated means another worker took the job over.
      const saved = await updateWhere(mine, { cursor: current.cursor, counts: current.counts, leaseUntil: at + LEASE_MS, nextRunAt: at + LEASE_MS, updatedAt: at });
      if (saved === 0) return 'leaseLost';
    }
    if (members.length < settings.batchSize) {
      const at = Date.now();
      await updateWhere(mine, { state: 'done', finishedAt: at, leaseId: null, leaseUntil: null, updatedAt: at });
      return 'finished';
    }
  }
}

export async function runDeliveryQueue(ctx: CallContext, settings: DeliverySettings = deliverySettingsFromEnv()): Promise<Result<DeliveryRunSummary>> {
  const deadline = Date.now() + settings.timeBudgetMs;
  const summary: DeliveryRunSummary = { jobsClaimed: 0, jobsFinished: 0, batches: 0, counts: { ...EMPTY_COUNTS }, stoppedBy: 'budget' };
  // Several workers, each claiming and working one job (one village) at a time.
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline && summary.batches < settings.maxBatchesPerRun) {
      const job = await claimJob(ctx.db, Date.now());
      if (job === null) {
        if (summary.stoppedBy === 'budget') summary.stoppedBy = 'idle';
        return;
      }
      summary.jobsClaimed += 1;
      const outcome = await workJob(ctx, job, settings, deadline, summary);
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
