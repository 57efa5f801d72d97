// The notice delivery queue as a state machine: one job per notice and village, worked in batches of
// that village's residents by whoever holds its lease. Every function here is pure and takes `now`;
// backend/src/notices/deliver.ts reads, asks these, writes and sends.
//
//   pending ──claim──▶ running ──batch──▶ running (cursor moves on, lease renewed)
//      ▲                  │ out of time or batches: back to pending at once, resumed from the cursor
//      └──────────────────┤ a batch failed: back to pending after RETRY_DELAY_MS, redone from the cursor
//                         └ last page handled: done
//
// A running job whose lease ran out (its holder died) is workable again: the next claim takes it over.
//
// Deliveries are stored per batch, not per resident, so a 150,000-resident notice costs a few thousand
// database writes, not a few hundred thousand (CloudBase's basic plan allows 30,000 a day). A batch is
// one membership page of a job; its id derives from the job and the cursor it starts after, so a page
// redone after a crash or a takeover finds the batch already recorded and sends nothing twice. Each
// resident in it carries their own effect state (core/src/effects.ts):
//
//   pending ──attempt──▶ done: sent / noAuthorisation / refused
//      ▲        │ the send failed (system error -1) or its outcome could not be written: pending again after the backoff
//      └────────┘ … up to EFFECT_MAX_TRIES, then failed ('gaveUp', the last error kept)
//
// A batch is inserted claimed by the worker that makes its first attempts, and claimed again (a
// conditional write) before every retry, so one worker at a time sends to its residents. A claim that
// runs out without recorded outcomes means the worker stopped between claiming and recording: each
// resident still owed counts that attempt as failed (OUTCOME_UNKNOWN) and is sent again — at least
// once. The harm is bounded: a one-time authorisation the first send consumed makes WeChat refuse the
// second (43101, recorded as refused), and the tries are bounded too. Delivery figures are counted
// from these records, never kept beside them, so they add up across retries and crashes.

import { EFFECT_MAX_TRIES, retryDelayMs, type EffectState } from './effects';
import type { EpochMs, Id, Notice } from './model';

/** What one subscribe message send came to ('failed': WeChat answered another error, e.g. -1, or none). */
export type SendOutcome = 'sent' | 'noAuthorisation' | 'refused' | 'failed';
/**
 * What one attempt of a run came to; 'failed' is an attempt to be retried, skipped a resident whose
 * delivery was recorded already (its retries are the due-delivery sweep's).
 */
type MemberOutcome = SendOutcome | 'skipped';
export type DeliveryCounts = Record<MemberOutcome, number>;
export const EMPTY_COUNTS: Readonly<DeliveryCounts> = { sent: 0, noAuthorisation: 0, refused: 0, failed: 0, skipped: 0 };

/** Longer than the delivery function's 20-s timeout, so a lease only ends once its holder is certainly gone. */
export const LEASE_MS = 30_000;
/** After a failed batch, wait this long before the job is tried again. */
const RETRY_DELAY_MS = 10_000;

const DELIVERY_JOB_STATES = ['pending', 'running', 'done'] as const;
type DeliveryJobState = (typeof DELIVERY_JOB_STATES)[number];
/** Job states still to work (a running job whose lease ran out is taken over). */
export const WORKABLE_JOB_STATES: readonly DeliveryJobState[] = ['pending', 'running'];

/** One delivery job's share of a notice: the grids of one village, so villages go out in parallel. */
export interface DeliveryShard {
  villageId: Id;
  gridIds: Id[];
}

/** The queue entry for one notice in one village; id = `${noticeId}:${villageId}`. */
export interface DeliveryJob {
  id: Id;
  noticeId: Id;
  streetId: Id;
  villageId: Id;
  /** Grids (of that village) whose members receive it. */
  gridIds: Id[];
  /** What the subscribe message says, copied so the worker needs no extra read. */
  title: string;
  urgent: boolean;
  publishedAt: EpochMs;
  state: DeliveryJobState;
  /** When a worker may take it: now for pending work, the lease end while running. */
  nextRunAt: EpochMs;
  leaseUntil: EpochMs | null;
  /** Who holds the lease (one invocation); every write while running is conditional on it. */
  leaseId: string | null;
  /** The last membership id handled; the next batch starts after it. */
  cursor: string | null;
  attempts: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  finishedAt?: EpochMs;
  lastError?: string;
}

/** How a finished delivery ended: a send outcome, or given up after EFFECT_MAX_TRIES (see lastError). */
type DeliveryOutcome = Exclude<SendOutcome, 'failed'> | 'gaveUp';

/**
 * Work due this close ahead is taken by the tick at hand: a timer tick starts a little after its
 * instant, and what fell due at that instant (a retry 10 s after the last tick) should not wait a
 * whole interval more.
 */
export const DUE_AHEAD_MS = 1_000;

/** How long a claimed batch belongs to its claimer: longer than the function's timeout, so a live attempt is never taken over. */
export const DELIVERY_CLAIM_MS = LEASE_MS;
/** The reason recorded for an attempt whose claim ran out with nothing recorded. */
export const OUTCOME_UNKNOWN = 'outcome unknown: the attempt stopped between claiming and recording';
/** The reason recorded for a send WeChat failed with another error than a refusal (e.g. -1, system busy). */
const SEND_FAILED = 'subscribeMessage.send failed';

/** A resident the notice goes to: a membership of one of the job's grids. */
export interface Recipient {
  userId: Id;
  gridId: Id;
  householdId?: Id;
}

/** A resident's delivery inside its batch: an effect's state without the effect's envelope. */
export interface BatchRecipient extends Recipient {
  /** Attempts made so far (none for a resident who held no authorisation). */
  tries: number;
  /** Set once finished. */
  outcome?: DeliveryOutcome;
  /** When a resident still owed is next tried; absent once finished. */
  nextAttemptAt?: EpochMs;
  /** Why the last attempt failed. */
  lastError?: string;
  sentAt?: EpochMs;
}

/** One membership page of a job, its residents' deliveries together; id = `${jobId}:${after}`. */
export interface DeliveryBatch {
  id: Id;
  noticeId: Id;
  villageId: Id;
  /** The cursor the page starts after (null: the job's first page). */
  after: string | null;
  /** The page's last membership id: the job's cursor once the batch is recorded. */
  last: string;
  recipients: BatchRecipient[];
  /** Pending while a resident is owed an attempt. */
  state: 'pending' | 'done';
  /** When a worker may take it: the earliest owed attempt, or the end of the claim while claimed. */
  nextAttemptAt: EpochMs;
  /** The attempts in progress: set by a claim, cleared when their outcomes are recorded. */
  claimId: string | null;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  finishedAt?: EpochMs;
}

function deliveryJobId(noticeId: Id, villageId: Id): Id {
  return `${noticeId}:${villageId}`;
}

/** The pending job that takes the notice to one village's grids. */
export function newDeliveryJob(notice: Notice, shard: DeliveryShard, now: EpochMs): DeliveryJob {
  return {
    id: deliveryJobId(notice.id, shard.villageId),
    noticeId: notice.id,
    streetId: notice.streetId,
    villageId: shard.villageId,
    gridIds: shard.gridIds,
    title: notice.title,
    urgent: notice.urgent,
    publishedAt: notice.publishedAt,
    state: 'pending',
    nextRunAt: now,
    leaseUntil: null,
    leaseId: null,
    cursor: null,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
}

type Transition<K extends keyof DeliveryJob> = Pick<DeliveryJob, K>;
export type Lease = Transition<'state' | 'leaseId' | 'leaseUntil' | 'nextRunAt' | 'attempts' | 'updatedAt'>;
type Release = Transition<'state' | 'leaseId' | 'leaseUntil' | 'nextRunAt' | 'updatedAt'>;

/** Taking a workable job: running under `leaseId` until the lease ends, when others may take it over. */
export function claimJob(job: Pick<DeliveryJob, 'attempts'>, leaseId: string, now: EpochMs): Lease {
  return { state: 'running', leaseId, leaseUntil: now + LEASE_MS, nextRunAt: now + LEASE_MS, attempts: job.attempts + 1, updatedAt: now };
}

/** The run is out of time or batches: the job goes back to pending now, for the next tick to resume from the cursor. */
export function yieldJob(now: EpochMs): Release {
  return { state: 'pending', nextRunAt: now, leaseId: null, leaseUntil: null, updatedAt: now };
}

/** A batch failed: the job goes back to pending and is retried from its cursor after RETRY_DELAY_MS. */
export function retryJob(error: unknown, now: EpochMs): Release & Transition<'lastError'> {
  return {
    state: 'pending',
    nextRunAt: now + RETRY_DELAY_MS,
    leaseId: null,
    leaseUntil: null,
    lastError: errorText(error),
    updatedAt: now,
  };
}

/**
 * A batch went out: the cursor moves past its last member and the lease is renewed.
 * `lastMemberId` is null for an empty page (the cursor stays).
 */
export function advanceJob(
  job: Pick<DeliveryJob, 'cursor'>,
  lastMemberId: string | null,
  now: EpochMs,
): Transition<'cursor' | 'leaseUntil' | 'nextRunAt' | 'updatedAt'> {
  return { cursor: lastMemberId ?? job.cursor, leaseUntil: now + LEASE_MS, nextRunAt: now + LEASE_MS, updatedAt: now };
}

/** Every member has been handled. */
export function finishJob(now: EpochMs): Transition<'state' | 'finishedAt' | 'leaseId' | 'leaseUntil' | 'updatedAt'> {
  return { state: 'done', finishedAt: now, leaseId: null, leaseUntil: null, updatedAt: now };
}

/** A page shorter than the batch size was the last one. */
export function isLastPage(pageSize: number, batchSize: number): boolean {
  return pageSize < batchSize;
}

export interface RunBudget {
  /** The moving clock's reading past which the run starts nothing new. */
  deadline: EpochMs;
  maxBatches: number;
}

/** Whether the run may start another batch (or claim another job): time and batches left. */
export function mayRunBatch(budget: RunBudget, clockNow: EpochMs, batchesRun: number): boolean {
  return hasTimeLeft(budget, clockNow) && batchesRun < budget.maxBatches;
}

/** Whether the run may start anything more (another round of sends within a batch): time is left. */
export function hasTimeLeft(budget: RunBudget, clockNow: EpochMs): boolean {
  return clockNow < budget.deadline;
}

export function addCounts(a: DeliveryCounts, b: DeliveryCounts): DeliveryCounts {
  const out = { ...a };
  for (const key of Object.keys(b) as MemberOutcome[]) out[key] += b[key];
  return out;
}

/** What one attempt came to: what the send said, or an error (the send call threw). */
export type AttemptResult = SendOutcome | { error: unknown };

function errorText(error: unknown): string {
  return String(error instanceof Error ? error.message : error);
}

/** The batch of the page after `after`: the same page redone (a retry, a takeover) gets the same id. */
export function deliveryBatchId(jobId: Id, after: string | null): Id {
  return `${jobId}:${after ?? ''}`;
}

function isOwed(recipient: BatchRecipient): boolean {
  return recipient.outcome === undefined;
}

/** The batch's state, when it is next workable and when it finished, from its residents' and its claim. */
function withState(batch: DeliveryBatch, now: EpochMs): DeliveryBatch {
  const owed = batch.recipients.filter(isOwed);
  if (owed.length === 0) return { ...batch, state: 'done', claimId: null, updatedAt: now, finishedAt: now };
  const earliest = Math.min(...owed.map((r) => r.nextAttemptAt ?? now));
  return { ...batch, state: 'pending', nextAttemptAt: batch.claimId === null ? earliest : now + DELIVERY_CLAIM_MS, updatedAt: now };
}

/**
 * The batch of one membership page, claimed by `claimId` for its first attempts. A resident without an
 * authorisation (`authorisationsLeft` 0) is done at once as noAuthorisation: nothing is spent or sent.
 */
export function newDeliveryBatch(
  job: Pick<DeliveryJob, 'id' | 'noticeId' | 'villageId' | 'cursor'>,
  members: readonly Recipient[],
  last: string,
  authorisationsLeft: (userId: Id) => number | null,
  claimId: string,
  now: EpochMs,
): DeliveryBatch {
  const recipients = members.map(({ userId, gridId, householdId }): BatchRecipient => {
    const recipient = { userId, gridId, ...(householdId !== undefined ? { householdId } : {}), tries: 0 };
    return shouldSend(authorisationsLeft(userId)) ? { ...recipient, nextAttemptAt: now } : { ...recipient, outcome: 'noAuthorisation' };
  });
  const batch: DeliveryBatch = {
    id: deliveryBatchId(job.id, job.cursor),
    noticeId: job.noticeId,
    villageId: job.villageId,
    after: job.cursor,
    last,
    recipients,
    state: 'pending',
    nextAttemptAt: now,
    claimId,
    createdAt: now,
    updatedAt: now,
  };
  return withState(batch, now);
}

/** The residents of a claimed batch to attempt now: still owed, and due by `dueBy`. */
export function owedRecipients(batch: DeliveryBatch, dueBy: EpochMs): BatchRecipient[] {
  return batch.recipients.filter((r) => isOwed(r) && (r.nextAttemptAt ?? dueBy) <= dueBy);
}

/** A failed attempt: tried again after the backoff, or given up after the last try. */
function retried(recipient: BatchRecipient, error: string, now: EpochMs): BatchRecipient {
  const tries = recipient.tries + 1;
  const { nextAttemptAt: _next, ...rest } = recipient;
  if (tries >= EFFECT_MAX_TRIES) return { ...rest, tries, lastError: error, outcome: 'gaveUp' };
  return { ...rest, tries, lastError: error, nextAttemptAt: now + retryDelayMs(tries) };
}

/**
 * A due batch claimed by `claimId` for another round of attempts. When an earlier claim ran out with
 * nothing recorded, each resident it owed counts that attempt as failed (OUTCOME_UNKNOWN), may so be
 * given up, and is otherwise due at once.
 */
export function claimBatch(batch: DeliveryBatch, claimId: string, now: EpochMs): DeliveryBatch {
  const lostClaimEnd = batch.claimId === null ? null : batch.nextAttemptAt;
  const recipients =
    lostClaimEnd === null
      ? batch.recipients
      : batch.recipients.map((r) => {
          if (!isOwed(r) || (r.nextAttemptAt ?? lostClaimEnd) > lostClaimEnd) return r;
          const counted = retried(r, OUTCOME_UNKNOWN, now);
          return isOwed(counted) ? { ...counted, nextAttemptAt: now } : counted;
        });
  return withState({ ...batch, recipients, claimId }, now);
}

function settled(recipient: BatchRecipient, result: AttemptResult, now: EpochMs): BatchRecipient {
  if (typeof result !== 'string') return retried(recipient, errorText(result.error), now);
  if (result === 'failed') return retried(recipient, SEND_FAILED, now);
  const { nextAttemptAt: _next, ...rest } = recipient;
  return { ...rest, tries: recipient.tries + 1, outcome: result, ...(result === 'sent' ? { sentAt: now } : {}) };
}

/**
 * The claimed batch after a round of attempts, the claim released: each attempted resident done with
 * the send's answer, or retried after the backoff (a system error), or given up after the last try;
 * a resident not attempted (the run's time ran out first) stays owed as it was.
 */
export function settleBatch(claimed: DeliveryBatch, results: ReadonlyMap<Id, AttemptResult>, now: EpochMs): DeliveryBatch {
  const recipients = claimed.recipients.map((r) => {
    const result = results.get(r.userId);
    return result === undefined || !isOwed(r) ? r : settled(r, result, now);
  });
  return withState({ ...claimed, recipients, claimId: null }, now);
}

/** The authorisations a round of attempts used: one per accepted send; WeChat's refusal (43101) means none is left. */
export function authorisationSpends(results: ReadonlyMap<Id, AttemptResult>): { spent: Id[]; cleared: Id[] } {
  const spent: Id[] = [];
  const cleared: Id[] = [];
  for (const [userId, result] of results) {
    if (result === 'sent') spent.push(userId);
    if (result === 'refused') cleared.push(userId);
  }
  return { spent, cleared };
}

/** What a round came to for the residents in `userIds`: each one's outcome, one still owed counted as failed (retried later). */
export function roundCounts(batch: DeliveryBatch, userIds: ReadonlySet<Id>): DeliveryCounts {
  const counts: DeliveryCounts = { ...EMPTY_COUNTS };
  for (const r of batch.recipients) {
    if (!userIds.has(r.userId)) continue;
    if (r.outcome === undefined || r.outcome === 'gaveUp') counts.failed += 1;
    else counts[r.outcome] += 1;
  }
  return counts;
}

/** One resident's delivery as reach and reports read it off its batch; id = `${noticeId}:${userId}`. */
export interface ResidentDelivery extends Recipient {
  id: Id;
  noticeId: Id;
  state: EffectState;
  tries: number;
  outcome?: DeliveryOutcome;
  lastError?: string;
  sentAt?: EpochMs;
}

export function deliveryId(noticeId: Id, userId: Id): Id {
  return `${noticeId}:${userId}`;
}

/** The batch's residents' deliveries, one each. */
export function residentDeliveries(batch: DeliveryBatch): ResidentDelivery[] {
  return batch.recipients.map(({ nextAttemptAt: _next, ...r }) => ({
    ...r,
    id: deliveryId(batch.noticeId, r.userId),
    noticeId: batch.noticeId,
    state: r.outcome === undefined ? 'pending' : r.outcome === 'gaveUp' ? 'failed' : 'done',
  }));
}

/** A notice's delivery figures, counted from its residents' deliveries: finished by outcome, and still owed. */
export interface DeliveryFigures {
  sent: number;
  noAuthorisation: number;
  refused: number;
  /** Given up after EFFECT_MAX_TRIES. */
  failed: number;
  /** Not finished yet: a first attempt or a retry is owed. */
  pending: number;
}
const NO_DELIVERIES: Readonly<DeliveryFigures> = { sent: 0, noAuthorisation: 0, refused: 0, failed: 0, pending: 0 };

export function deliveryFigures(deliveries: readonly Pick<ResidentDelivery, 'state' | 'outcome'>[]): DeliveryFigures {
  const figures = { ...NO_DELIVERIES };
  for (const d of deliveries) {
    if (d.state === 'pending') figures.pending += 1;
    else if (d.state === 'failed' || d.outcome === undefined || d.outcome === 'gaveUp') figures.failed += 1;
    else figures[d.outcome] += 1;
  }
  return figures;
}

/** A delivery not finished well: still owed an attempt, or given up (with the last error). */
type UndeliveredResident = Pick<ResidentDelivery, 'userId' | 'householdId' | 'tries' | 'lastError'> & { state: UndeliveredState };
export type UndeliveredState = Exclude<EffectState, 'done'>;

function isUndelivered<D extends Pick<ResidentDelivery, 'state'>>(delivery: D): delivery is D & { state: UndeliveredState } {
  return delivery.state !== 'done';
}

export interface GridDeliveries {
  gridId: Id;
  figures: DeliveryFigures;
  /** Pending and failed deliveries, in the order given. */
  undelivered: UndeliveredResident[];
}

/** Per grid, the delivery figures and who is not delivered yet (or never will be). */
export function deliveriesByGrid(gridIds: readonly Id[], deliveries: readonly ResidentDelivery[]): GridDeliveries[] {
  return gridIds.map((gridId) => {
    const inGrid = deliveries.filter((d) => d.gridId === gridId);
    const undelivered = inGrid.filter(isUndelivered).map(({ userId, householdId, state, tries, lastError }) => ({
      userId,
      ...(householdId !== undefined ? { householdId } : {}),
      state,
      tries,
      ...(lastError !== undefined ? { lastError } : {}),
    }));
    return { gridId, figures: deliveryFigures(inGrid), undelivered };
  });
}

/**
 * Whether to send to a resident, from the authorisations they have left (null: not counted, as with
 * long-term subscriptions): without one, the outcome is noAuthorisation and nothing is spent or sent.
 */
export function shouldSend(authorisationsLeft: number | null): boolean {
  return authorisationsLeft === null || authorisationsLeft > 0;
}

/** The line under the title in the subscribe message. */
export function noticeMessageLine(urgent: boolean): string {
  return urgent ? '紧急通知，请尽快查看' : '新通知，请查看';
}
