// The notice delivery queue as a state machine: one job per notice and village, worked in batches of
// that village's residents by whoever holds its lease. Every function here is pure and takes `now`;
// backend/src/notices/deliver.ts reads, asks these, writes and sends.
//
//   pending ──claim──▶ running ──batch──▶ running (cursor and counts move on, lease renewed)
//      ▲                  │ out of time or batches: back to pending at once, resumed from the cursor
//      └──────────────────┤ a batch failed: back to pending after RETRY_DELAY_MS, redone from the cursor
//                         └ last page handled: done
//
// A running job whose lease ran out (its holder died) is workable again: the next claim takes it over.
// Each resident is handled at most once: their delivery record is inserted before the send, so a
// second attempt finds it and skips them.

import type { EpochMs, Id, Notice } from './model';

/** What one subscribe message send came to. */
export type SendOutcome = 'sent' | 'noAuthorisation' | 'refused' | 'failed';
/** What handling one resident came to; skipped when their delivery was already recorded (handled before). */
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
  counts: DeliveryCounts;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  finishedAt?: EpochMs;
  lastError?: string;
}

/** One resident's copy of a notice; id = `${noticeId}:${userId}`, so nobody gets it twice. */
export interface NoticeDelivery {
  id: Id;
  noticeId: Id;
  userId: Id;
  gridId: Id;
  householdId?: Id;
  createdAt: EpochMs;
  /** 'pending' until the send returns; one left pending means the worker died mid-send. */
  outcome: SendOutcome | 'pending';
  sentAt?: EpochMs;
}

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
    counts: { ...EMPTY_COUNTS },
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
    lastError: String(error instanceof Error ? error.message : error),
    updatedAt: now,
  };
}

/**
 * A batch went out: the cursor moves past its last member, its counts are added, and the lease is renewed.
 * `lastMemberId` is null for an empty page (the cursor stays).
 */
export function advanceJob(
  job: Pick<DeliveryJob, 'cursor' | 'counts'>,
  lastMemberId: string | null,
  counts: DeliveryCounts,
  now: EpochMs,
): Transition<'cursor' | 'counts' | 'leaseUntil' | 'nextRunAt' | 'updatedAt'> {
  return { cursor: lastMemberId ?? job.cursor, counts: addCounts(job.counts, counts), leaseUntil: now + LEASE_MS, nextRunAt: now + LEASE_MS, updatedAt: now };
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

/** A resident's delivery record, inserted before the send; the insert failing as a duplicate means handled before. */
export function newDelivery(noticeId: Id, recipient: Recipient, now: EpochMs): NoticeDelivery {
  return {
    id: deliveryId(noticeId, recipient.userId),
    noticeId,
    userId: recipient.userId,
    gridId: recipient.gridId,
    ...(recipient.householdId !== undefined ? { householdId: recipient.householdId } : {}),
    createdAt: now,
    outcome: 'pending',
  };
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
  /** The delivery ids to record with each send outcome (skipped members were recorded by whoever handled them). */
  deliveriesByOutcome: Map<SendOutcome, Id[]>;
  /** The first member's error, when any failed: the batch then counts as failed and is redone. */
  failure: { error: unknown } | null;
}

/** What a batch came to, member by member. */
export function tallyBatch(noticeId: Id, results: readonly MemberResult[]): BatchTally {
  const counts: DeliveryCounts = { ...EMPTY_COUNTS };
  const deliveriesByOutcome = new Map<SendOutcome, Id[]>();
  let failure: BatchTally['failure'] = null;
  for (const result of results) {
    if ('error' in result) {
      failure ??= { error: result.error };
      continue;
    }
    counts[result.outcome] += 1;
    if (result.outcome === 'skipped') continue;
    const ids = deliveriesByOutcome.get(result.outcome) ?? [];
    ids.push(deliveryId(noticeId, result.userId));
    deliveriesByOutcome.set(result.outcome, ids);
  }
  return { counts, deliveriesByOutcome, failure };
}
