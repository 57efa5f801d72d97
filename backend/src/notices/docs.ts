// Stored shapes of the notices area (`_id` = the model id) and small conversions to what clients see.
import type { EpochMs, Grid, Household, Id, Notice, ReachMark, ReadReceipt } from '../../../core/src/model';
import type { SendOutcome } from '../notify';

type Doc<T extends { id: Id }> = Omit<T, 'id'> & { _id: Id };

export interface NoticeDoc extends Doc<Notice> {
  /** The publisher's client key, when the client sent one (the _id derives from it). */
  idempotencyKey?: string;
}

export type GridDoc = Doc<Grid>;
export type HouseholdDoc = Doc<Household>;

/** `_id` = `${noticeId}:${userId}`; gridId is stored so reach can query receipts by notice and grid. */
export interface ReceiptDoc extends Omit<ReadReceipt, 'householdId'> {
  _id: string;
  gridId: Id;
  /** Absent when the reader's membership names no household: the read then counts for no household. */
  householdId?: Id;
}

/** `_id` = `${noticeId}:${householdId}`. */
export interface ReachMarkDoc extends ReachMark {
  _id: string;
  gridId: Id;
}

const DELIVERY_JOB_STATES = ['pending', 'running', 'done'] as const;
export type DeliveryJobState = (typeof DELIVERY_JOB_STATES)[number];
/** Job states the worker still has to work (a running job whose lease ran out is taken over). */
export const WORKABLE_JOB_STATES: readonly DeliveryJobState[] = ['pending', 'running'];

export type DeliveryCounts = Record<SendOutcome | 'skipped', number>;
export const EMPTY_COUNTS: DeliveryCounts = { sent: 0, noAuthorisation: 0, refused: 0, failed: 0, skipped: 0 };

/** The durable queue entry for one notice in one village; `_id` = `${noticeId}:${villageId}`. */
export interface DeliveryJobDoc {
  _id: Id;
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
  /** When the worker may take it: now for pending work, the lease end while running. */
  nextRunAt: EpochMs;
  leaseUntil: EpochMs | null;
  /** Who holds the lease (one invocation); every write while running is conditional on it. */
  leaseId: string | null;
  /** The last membership _id handled; the next batch starts after it. */
  cursor: string | null;
  attempts: number;
  counts: DeliveryCounts;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  finishedAt?: EpochMs;
  lastError?: string;
}

type DeliveryOutcome = SendOutcome | 'pending';

/** One resident's copy of a notice; `_id` = `${noticeId}:${userId}` so nobody gets it twice. */
export interface DeliveryDoc {
  _id: string;
  noticeId: Id;
  userId: Id;
  gridId: Id;
  householdId?: Id;
  createdAt: EpochMs;
  /** 'pending' until the send returns; one left pending means the worker died mid-send. */
  outcome: DeliveryOutcome;
  sentAt?: EpochMs;
}

export function receiptId(noticeId: Id, userId: Id): string {
  return `${noticeId}:${userId}`;
}
export function reachMarkId(noticeId: Id, householdId: Id): string {
  return `${noticeId}:${householdId}`;
}
export function deliveryId(noticeId: Id, userId: Id): string {
  return `${noticeId}:${userId}`;
}

export function noticeFromDoc(doc: NoticeDoc): Notice {
  return {
    id: doc._id,
    streetId: doc.streetId,
    title: doc.title,
    body: doc.body,
    attachments: doc.attachments,
    scope: doc.scope,
    urgent: doc.urgent,
    publishedAt: doc.publishedAt,
    publishedBy: doc.publishedBy,
  };
}
