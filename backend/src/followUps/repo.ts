// The followUps collection (回访): one document per follow-up, `_id` = the core's deterministic id
// (`${requestId}:rating`, `${requestId}:${reopenCount}`), so a follow-up derived twice is stored once.
import { followUpsOwed, type FollowUp } from '../../../core/src/followUps';
import type { EpochMs, Id, Request, RequestEvent } from '../../../core/src/model';
import { DAY_MS, LOW_RATING_THRESHOLD } from '../../../core/src/policy';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, insertOnce, MAX_GET_LIMIT, toStored, updateWhere, type Stored } from '../db';

export type FollowUpDoc = Stored<FollowUp>;

export function fetchFollowUp(db: Database, id: Id): Promise<FollowUpDoc | null> {
  return fetchById<FollowUpDoc>(db, COLLECTIONS.followUps, id);
}

/**
 * Stores the follow-ups the request's state calls for (a low rating, its latest reopen), each once:
 * deriving them again (a retried confirm, a retry after a crash) inserts nothing. The request's
 * change is stored already, so a failed write is logged, not thrown: the committee's list derives
 * the follow-up again (deriveMissingFollowUps). One round trip per follow-up owed, none when the
 * request owes none.
 */
export async function ensureFollowUps(db: Database, request: Request, now: EpochMs, reopenReason?: string): Promise<void> {
  try {
    await Promise.all(followUpsOwed(request, now, reopenReason).map((f) => insertOnce(db, COLLECTIONS.followUps, toStored(f))));
  } catch (err) {
    console.error(`[followUps] follow-up of ${request.id} left for the committee's list:`, err instanceof Error ? err.message : err);
  }
}

/** How far back the committee's list looks for requests whose follow-up a failed write lost. */
const DERIVE_LOOKBACK_MS = 30 * DAY_MS;

type OwingRequestDoc = Omit<Request, 'id'> & { _id: Id; events?: RequestEvent[] };

/** The reason the latest reopen gave, from the request's log. */
function latestReopenReason(events: readonly RequestEvent[] | undefined): string | undefined {
  return [...(events ?? [])].reverse().find((e) => e.kind === 'reopen')?.note;
}

/**
 * The village's requests of the last DERIVE_LOOKBACK_MS rated low or reopened whose follow-up is not
 * stored (its write failed after the request's change): stored now, by the same ids, so none is lost
 * and none is doubled. Round trips: the requests (villageId+submittedAt, 1), the follow-ups named (1),
 * an insert per missing one (none when nothing is missing).
 */
export async function deriveMissingFollowUps(db: Database, villageId: Id, now: EpochMs): Promise<void> {
  const _ = db.command;
  const owing = await fetchAll<OwingRequestDoc>(
    db
      .collection(COLLECTIONS.requests)
      .where(
        _.and([{ villageId }, { submittedAt: _.gte(now - DERIVE_LOOKBACK_MS) }, _.or([{ rating: _.lte(LOW_RATING_THRESHOLD) }, { reopenCount: _.gt(0) }])]),
      )
      .limit(MAX_GET_LIMIT)
      .field({ effects: false }),
  );
  const owed = owing.flatMap(({ _id, events, ...rest }) => followUpsOwed({ id: _id, ...rest } as Request, now, latestReopenReason(events)));
  if (owed.length === 0) return;
  const stored = await fetchAll<{ _id: Id }>(
    db
      .collection(COLLECTIONS.followUps)
      .where({ _id: _.in(owed.map((f) => f.id)) })
      .limit(MAX_GET_LIMIT)
      .field({ _id: true }),
  );
  const have = new Set(stored.map((d) => d._id));
  await Promise.all(owed.filter((f) => !have.has(f.id)).map((f) => insertOnce(db, COLLECTIONS.followUps, toStored(f))));
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
