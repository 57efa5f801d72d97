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
// A job's work is to give every resident of its grids a delivery record and a first attempt; a batch
// is redone from the cursor until every member has a record.
//
// Each resident's delivery is an effect (core/src/effects.ts) with the id `${noticeId}:${userId}`:
//
//   pending (claimed) ──send──▶ done: sent / noAuthorisation / refused
//      ▲        │ the send failed (system error -1) or a write failed: pending again after the backoff
//      └────────┘ … up to EFFECT_MAX_TRIES, then failed ('gaveUp', the last error kept)
//
// It is created claimed by the worker that makes the first attempt, and claimed again (a conditional
// write) before every retry, so one attempt at a time is made per id. A claim that runs out without
// a recorded outcome means the worker stopped between claiming and recording: the attempt counts as
// failed (OUTCOME_UNKNOWN) and the message is sent again — at least once. The harm is bounded: a
// one-time authorisation the first send consumed makes WeChat refuse the second (43101, recorded as
// refused), and the tries are bounded too. Delivery figures are counted from these records, never
// kept beside them, so they add up across retries and crashes.

import { effectDone, effectRetry, type Effect, type EffectState } from './effects';
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
 * One resident's delivery of a notice, an effect with id `${noticeId}:${userId}`. The recipient is in
 * top-level fields (reach queries them by notice and grid); what to send is the notice's.
 */
export interface NoticeDelivery extends Effect<'noticeDelivery', null> {
  noticeId: Id;
  userId: Id;
  gridId: Id;
  householdId?: Id;
  outcome?: DeliveryOutcome;
  /** The attempt in progress: set by the claim, cleared when its outcome is recorded. */
  claimId: string | null;
  sentAt?: EpochMs;
}

/**
 * Work due this close ahead is taken by the tick at hand: a timer tick starts a little after its
 * instant, and what fell due at that instant (a retry 10 s after the last tick) should not wait a
 * whole interval more.
 */
export const DUE_AHEAD_MS = 1_000;

/** How long a claimed attempt belongs to its claimer: longer than the function's timeout, so a live attempt is never taken over. */
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

function deliveryJobId(noticeId: Id, villageId: Id): Id {
  return `${noticeId}:${villageId}`;
}

export function deliveryId(noticeId: Id, userId: Id): Id {
  return `${noticeId}:${userId}`;
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
  return clockNow < budget.deadline && batchesRun < budget.maxBatches;
}

export function addCounts(a: DeliveryCounts, b: DeliveryCounts): DeliveryCounts {
  const out = { ...a };
  for (const key of Object.keys(b) as MemberOutcome[]) out[key] += b[key];
  return out;
}

/** A resident's delivery, created claimed (by `claimId`) for its first attempt. */
export function newDelivery(noticeId: Id, recipient: Recipient, claimId: string, now: EpochMs): NoticeDelivery {
  return {
    id: deliveryId(noticeId, recipient.userId),
    kind: 'noticeDelivery',
    payload: null,
    state: 'pending',
    tries: 0,
    nextAttemptAt: now + DELIVERY_CLAIM_MS,
    createdAt: now,
    noticeId,
    userId: recipient.userId,
    gridId: recipient.gridId,
    ...(recipient.householdId !== undefined ? { householdId: recipient.householdId } : {}),
    claimId,
  };
}

/**
 * A due delivery claimed for another attempt. One whose earlier claim ran out unrecorded counts that
 * attempt as failed (OUTCOME_UNKNOWN) first, and may so be given up instead (state failed: nothing to send).
 */
export function claimDelivery(delivery: NoticeDelivery, claimId: string, now: EpochMs): NoticeDelivery {
  const counted = delivery.claimId === null ? delivery : effectRetry(delivery, OUTCOME_UNKNOWN, now);
  if (counted.state !== 'pending') return { ...counted, claimId: null };
  return { ...counted, claimId, nextAttemptAt: now + DELIVERY_CLAIM_MS };
}

/** What one attempt came to: what the send said, or an error (a write failed, the send call threw). */
export type AttemptResult = SendOutcome | { error: unknown };

function errorText(error: unknown): string {
  return String(error instanceof Error ? error.message : error);
}

/**
 * The claimed delivery after its attempt: done with a send's answer; retried after the backoff when
 * the send failed for a passing reason (a system error, a failed write), until the tries run out.
 */
export function settleDelivery(delivery: NoticeDelivery, result: AttemptResult, now: EpochMs): NoticeDelivery {
  const released = { ...delivery, claimId: null };
  if (typeof result !== 'string') return effectRetry(released, errorText(result.error), now);
  if (result === 'failed') return effectRetry(released, SEND_FAILED, now);
  const done = effectDone(released, result, now);
  return result === 'sent' ? { ...done, sentAt: now } : done;
}

/** A notice's delivery figures, counted from its residents' records: finished by outcome, and still owed. */
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

export function deliveryFigures(deliveries: readonly Pick<NoticeDelivery, 'state' | 'outcome'>[]): DeliveryFigures {
  const figures = { ...NO_DELIVERIES };
  for (const d of deliveries) {
    if (d.state === 'pending') figures.pending += 1;
    else if (d.state === 'failed' || d.outcome === undefined || d.outcome === 'gaveUp') figures.failed += 1;
    else figures[d.outcome] += 1;
  }
  return figures;
}

/** A delivery not finished well: still owed an attempt, or given up (with the last error). */
type UndeliveredResident = Pick<NoticeDelivery, 'userId' | 'householdId' | 'tries' | 'lastError'> & { state: UndeliveredState };
export type UndeliveredState = Exclude<EffectState, 'done'>;

function isUndelivered<D extends Pick<NoticeDelivery, 'state'>>(delivery: D): delivery is D & { state: UndeliveredState } {
  return delivery.state !== 'done';
}

export interface GridDeliveries {
  gridId: Id;
  figures: DeliveryFigures;
  /** Pending and failed deliveries, in the order given. */
  undelivered: UndeliveredResident[];
}

/** Per grid, the delivery figures and who is not delivered yet (or never will be). */
export function deliveriesByGrid(gridIds: readonly Id[], deliveries: readonly NoticeDelivery[]): GridDeliveries[] {
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

/** How handling one member of a batch ended: an outcome, or an error (the batch then fails). */
export type MemberResult = { userId: Id; outcome: MemberOutcome } | { userId: Id; error: unknown };

export interface BatchTally {
  counts: DeliveryCounts;
  /** The first member's error, when any could not be recorded: the batch then counts as failed and is redone. */
  failure: { error: unknown } | null;
}

/** What a batch came to, member by member. */
export function tallyBatch(results: readonly MemberResult[]): BatchTally {
  const counts: DeliveryCounts = { ...EMPTY_COUNTS };
  let failure: BatchTally['failure'] = null;
  for (const result of results) {
    if ('error' in result) failure ??= { error: result.error };
    else counts[result.outcome] += 1;
  }
  return { counts, failure };
}
