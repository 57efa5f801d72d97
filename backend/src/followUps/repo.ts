// The followUps collection (回访): one document per follow-up, `_id` = the core's deterministic id
// (`${requestId}:rating`, `${requestId}:${reopenCount}`), so a follow-up derived twice is stored once.
import { followUpsOwed, type FollowUp } from '../../../core/src/followUps';
import type { EpochMs, Id, Request } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, insertOnce, toStored, updateWhere, type Stored } from '../db';

export type FollowUpDoc = Stored<FollowUp>;

export function fetchFollowUp(db: Database, id: Id): Promise<FollowUpDoc | null> {
  return fetchById<FollowUpDoc>(db, COLLECTIONS.followUps, id);
}

/**
 * Stores the follow-ups the request's state calls for (a low rating, its latest reopen), each once:
 * deriving them again (a retried confirm, a retry after a crash) inserts nothing. One round trip per
 * follow-up owed, none when the request owes none.
 */
export async function ensureFollowUps(db: Database, request: Request, now: EpochMs, reopenReason?: string): Promise<void> {
  await Promise.all(followUpsOwed(request, now, reopenReason).map((f) => insertOnce(db, COLLECTIONS.followUps, toStored(f))));
}

/** Records the call if the follow-up is still as read (open). One round trip. */
export async function saveRecordedCall(db: Database, before: FollowUpDoc, after: FollowUp): Promise<boolean> {
  const { id: _id, ...fields } = after;
  const updated = await updateWhere(db.collection(COLLECTIONS.followUps).where({ _id: before._id, state: before.state }), {
    state: fields.state,
    ...(fields.outcome !== undefined ? { outcome: fields.outcome } : {}),
    ...(fields.note !== undefined ? { note: fields.note } : {}),
    ...(fields.doneAt !== undefined ? { doneAt: fields.doneAt } : {}),
    ...(fields.doneBy !== undefined ? { doneBy: fields.doneBy } : {}),
  });
  return updated === 1;
}

/** A village's follow-ups in one state, through the villageId+state+createdAt index. One round trip. */
export function followUpsOfVillage(db: Database, villageId: Id, state: FollowUp['state'], order: 'asc' | 'desc', limit: number): Promise<FollowUpDoc[]> {
  return fetchAll<FollowUpDoc>(db.collection(COLLECTIONS.followUps).where({ villageId, state }).orderBy('createdAt', order).limit(limit));
}
