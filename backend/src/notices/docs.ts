// Stored shapes of the notices area (`_id` = the model id) and the mappers to what clients see.
import type { DeliveryJob, NoticeDelivery } from '../../../core/src/delivery';
import type { Household, Id, Notice, ReachMark, ReadReceipt } from '../../../core/src/model';
import { fromStored, toStored, type Stored } from '../db';

export { deliveryId } from '../../../core/src/delivery';
// One GridDoc for the deployment; reports import it from here (to move to organisation/repo).

export type NoticeDoc = Stored<Notice> & {
  /** The publisher's client key, when the client sent one (the _id derives from it). */
  idempotencyKey?: string;
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

/** One resident's copy of a notice; `_id` = `${noticeId}:${userId}`. */
export type DeliveryDoc = Stored<NoticeDelivery>;

export function receiptId(noticeId: Id, userId: Id): string {
  return `${noticeId}:${userId}`;
}
export function reachMarkId(noticeId: Id, householdId: Id): string {
  return `${noticeId}:${householdId}`;
}

export function noticeToDoc(notice: Notice, idempotencyKey: string | undefined): NoticeDoc {
  return { ...toStored(notice), ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) };
}

/** The notice as clients see it: the idempotency key stays on the server. */
export function noticeFromDoc(doc: NoticeDoc): Notice {
  const { idempotencyKey: _key, ...stored } = doc;
  return fromStored(stored);
}
