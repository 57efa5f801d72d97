// Stored shapes of the notices area (`_id` = the model id) and the mappers to what clients see.
import type { DeliveryBatch, DeliveryJob, DeliveryShard } from '../../../core/src/delivery';
import type { Household, Id, Notice, ReachMark, ReadReceipt } from '../../../core/src/model';
import { fromStored, toStored, type Stored } from '../db';

// One GridDoc for the deployment; reports import it from here (to move to organisation/repo).

export type NoticeDoc = Stored<Notice> & {
  /** The publisher's client key, when the client sent one (the _id derives from it). */
  idempotencyKey?: string;
  /**
   * The delivery jobs the notice owes (one per village), stored in the notice's own insert so a
   * notice is never stored without its delivery; the dispatcher (publish, then every deliverNotices
   * tick) creates the jobs, by their deterministic ids, until jobsQueued.
   */
  deliveryShards?: DeliveryShard[];
  /** False while a job may be missing; absent on notices stored before jobs were owed this way. */
  jobsQueued?: boolean;
};

export type HouseholdDoc = Stored<Household>;

/** `_id` = `${noticeId}:${userId}`; gridId is stored so reach can query receipts by notice and grid. */
export type ReceiptDoc = Omit<ReadReceipt, 'householdId'> & {
  _id: string;
  gridId: Id;
  /** Absent when the reader's membership names no household: the read then counts for no household. */
  householdId?: Id;
};

/** `_id` = `${noticeId}:${householdId}`. */
export type ReachMarkDoc = ReachMark & {
  _id: string;
  gridId: Id;
};

/** The durable queue entry for one notice in one village; `_id` = `${noticeId}:${villageId}`. */
export type DeliveryJobDoc = Stored<DeliveryJob>;

/** One membership page's deliveries; `_id` = `${noticeId}:${villageId}:${cursor it starts after}`. */
export type DeliveryBatchDoc = Stored<DeliveryBatch>;

export function receiptId(noticeId: Id, userId: Id): string {
  return `${noticeId}:${userId}`;
}
export function reachMarkId(noticeId: Id, householdId: Id): string {
  return `${noticeId}:${householdId}`;
}

export function noticeToDoc(notice: Notice, idempotencyKey: string | undefined, shards: readonly DeliveryShard[]): NoticeDoc {
  return { ...toStored(notice), ...(idempotencyKey !== undefined ? { idempotencyKey } : {}), deliveryShards: [...shards], jobsQueued: false };
}

/** The notice as clients see it: the idempotency key and the owed jobs stay on the server. */
export function noticeFromDoc(doc: NoticeDoc): Notice {
  const { idempotencyKey: _key, deliveryShards: _shards, jobsQueued: _queued, ...stored } = doc;
  return fromStored(stored);
}
