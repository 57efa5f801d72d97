// The notices area's collections: notices (and the queries that find the ones reaching a place),
// delivery jobs (claimed and moved on only by their lease holder) and delivery batches (each written
// only by the holder of its claim).
import type { DeliveryBatch, DeliveryJob, Lease } from '../../../core/src/delivery';
import { WORKABLE_JOB_STATES } from '../../../core/src/delivery';
import type { EpochMs, Id, NoticeScope } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, fetchPagedById, fromStored, insertAllOnce, insertOnce, MAX_GET_LIMIT, toStored, updateWhere } from '../db';
import type { GridDoc } from '../organisation/repo';
import type { DeliveryBatchDoc, DeliveryJobDoc, NoticeDoc } from './docs';

/** A condition the SDK's logic commands (and, or) take. */
type QueryCondition = Parameters<Database['command']['and']>[number];

/** Where the notices listed for a place are: the street, a village, or a grid of a village. */
export type Audience =
  | { kind: 'grid'; streetId: Id; villageId: Id; gridId: Id }
  | { kind: 'village'; streetId: Id; villageId: Id }
  | { kind: 'street'; streetId: Id };

/** The position after which the next (older) page starts. */
export interface NoticeCursor {
  publishedAt: EpochMs;
  id: Id;
}

export function fetchNotice(db: Database, noticeId: Id): Promise<NoticeDoc | null> {
  return fetchById<NoticeDoc>(db, COLLECTIONS.notices, noticeId);
}

/** Stores the notice (with the jobs it owes); false when a notice with its id is there already (a retried publish). */
export function insertNoticeOnce(db: Database, doc: NoticeDoc): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.notices, doc);
}

/** Notices some of whose jobs may not exist yet (indexed `jobsQueued`). */
export function noticesOwingJobs(db: Database, limit: number): Promise<NoticeDoc[]> {
  return fetchAll<NoticeDoc>(db.collection(COLLECTIONS.notices).where({ jobsQueued: false }).limit(limit));
}

/** Every job of the notice exists: nothing is owed any more. Repeatable. */
export async function markJobsQueued(db: Database, noticeId: Id): Promise<void> {
  await updateWhere(db.collection(COLLECTIONS.notices).where({ _id: noticeId, jobsQueued: false }), { jobsQueued: true });
}

/** What a subscribe message about a notice says, as stored. */
export type NoticeMessageDoc = Pick<NoticeDoc, '_id' | 'title' | 'urgent' | 'publishedAt'>;

/** The message fields of notices by id (a run's due deliveries name a few; a street notice's shards are not read). */
export function noticeMessagesById(db: Database, ids: readonly Id[]): Promise<NoticeMessageDoc[]> {
  const _ = db.command;
  return fetchAll<NoticeMessageDoc>(
    db
      .collection(COLLECTIONS.notices)
      .where({ _id: _.in([...ids]) })
      .field({ title: true, urgent: true, publishedAt: true })
      .limit(MAX_GET_LIMIT),
  );
}

/**
 * The grids a scope names or holds: the chosen grids by id (of any village: the caller checks), the
 * village's grids, or every grid of the street's villages, up to `maxStreetGrids`.
 * Round trips: 1, or 1 + one per started page of grids for a street.
 */
export async function scopeGridDocs(db: Database, scope: NoticeScope, streetId: Id, maxStreetGrids: number): Promise<GridDoc[]> {
  const _ = db.command;
  const grids = db.collection(COLLECTIONS.grids);
  if (scope.kind === 'grids') return fetchAll<GridDoc>(grids.where({ _id: _.in(scope.gridIds) }).limit(MAX_GET_LIMIT));
  if (scope.kind === 'village') return fetchAll<GridDoc>(grids.where({ villageId: scope.villageId }).limit(MAX_GET_LIMIT));
  const villages = await fetchAll<{ _id: Id }>(db.collection(COLLECTIONS.villages).where({ streetId }).limit(MAX_GET_LIMIT));
  if (villages.length === 0) return [];
  const { docs } = await fetchPagedById<GridDoc>(db, COLLECTIONS.grids, { villageId: _.in(villages.map((v) => v._id)) }, maxStreetGrids);
  return docs;
}

/** Newest first; the id breaks ties so paging is stable. */
function newestFirst(a: NoticeDoc, b: NoticeDoc): number {
  return b.publishedAt - a.publishedAt || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
}

/**
 * The newest notices reaching the audience, older than `cursor`: core's noticeReachesGrid in the
 * database's words. A street sees all its notices; a village its village's and the street-wide ones;
 * a grid its village's village-wide ones, those naming it, and the street-wide ones. At most `limit`
 * from each query (two for a village or grid), merged newest first.
 * Round trips: 1 for a street, 2 in parallel otherwise; each uses an index (see database/indexes.json).
 */
export async function noticesReaching(db: Database, audience: Audience, cursor: NoticeCursor | null, limit: number): Promise<NoticeDoc[]> {
  const _ = db.command;
  const before: QueryCondition[] =
    cursor === null ? [] : [_.or([{ publishedAt: _.lt(cursor.publishedAt) }, { publishedAt: cursor.publishedAt, _id: _.lt(cursor.id) }])];
  const page = (conditions: QueryCondition[]): Promise<NoticeDoc[]> =>
    fetchAll<NoticeDoc>(
      db
        .collection(COLLECTIONS.notices)
        .where(_.and(...conditions, ...before))
        .orderBy('publishedAt', 'desc')
        .orderBy('_id', 'desc')
        .limit(limit),
    );
  if (audience.kind === 'street') return page([{ streetId: audience.streetId }]);
  const ofVillage: QueryCondition[] = [{ 'scope.villageId': audience.villageId }];
  if (audience.kind === 'grid') ofVillage.push(_.or([{ 'scope.kind': 'village' }, { 'scope.gridIds': audience.gridId }]));
  const [village, streetWide] = await Promise.all([page(ofVillage), page([{ streetId: audience.streetId, 'scope.kind': 'street' }])]);
  return [...village, ...streetWide].sort(newestFirst);
}

/** Inserts each job unless it is there already (a retried publish finds the first attempt's): one write for a street's villages. */
export function insertJobsOnce(db: Database, jobs: readonly DeliveryJob[]): Promise<void> {
  return insertAllOnce(db, COLLECTIONS.deliveryJobs, jobs.map(toStored));
}

/** Jobs due by `dueBy`, soonest due first. */
export async function workableJobs(db: Database, dueBy: EpochMs, limit: number): Promise<DeliveryJob[]> {
  const _ = db.command;
  const docs = await fetchAll<DeliveryJobDoc>(
    db
      .collection(COLLECTIONS.deliveryJobs)
      .where({ state: _.in([...WORKABLE_JOB_STATES]), nextRunAt: _.lte(dueBy) })
      .orderBy('nextRunAt', 'asc')
      .limit(limit),
  );
  return docs.map(fromStored);
}

/**
 * Takes the job under `lease` if nobody changed it since it was read (another worker's claim changes
 * nextRunAt and leaseId); the job as leased, or null when another worker won it.
 */
export async function claimJobIfUnchanged(db: Database, job: DeliveryJob, lease: Lease): Promise<DeliveryJob | null> {
  const unchanged = { _id: job.id, state: job.state, nextRunAt: job.nextRunAt, leaseId: job.leaseId };
  const claimed = await updateWhere(db.collection(COLLECTIONS.deliveryJobs).where(unchanged), lease);
  return claimed === 1 ? { ...job, ...lease } : null;
}

/** Writes a transition of a job this worker leased; false when the lease was lost (another worker took the job over). */
export async function saveLeasedJob(db: Database, job: Pick<DeliveryJob, 'id' | 'leaseId'>, transition: Partial<DeliveryJob>): Promise<boolean> {
  const mine = db.collection(COLLECTIONS.deliveryJobs).where({ _id: job.id, leaseId: job.leaseId });
  return (await updateWhere(mine, transition)) > 0;
}

/** Records a page's delivery batch (claimed for its first attempts, or already done); false when it was recorded before. */
export function insertBatchOnce(db: Database, batch: DeliveryBatch): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.noticeDeliveryBatches, toStored(batch));
}

/** Batches owed an attempt by `dueBy` (a retry, or a claim that ran out), soonest due first. */
export async function dueBatches(db: Database, dueBy: EpochMs, limit: number): Promise<DeliveryBatch[]> {
  const _ = db.command;
  const docs = await fetchAll<DeliveryBatchDoc>(
    db
      .collection(COLLECTIONS.noticeDeliveryBatches)
      .where({ state: 'pending', nextAttemptAt: _.lte(dueBy) })
      .orderBy('nextAttemptAt', 'asc')
      .limit(limit),
  );
  return docs.map(fromStored);
}

/** The batch's fields to write (all but its id). */
function batchFields(batch: DeliveryBatch): Omit<DeliveryBatchDoc, '_id'> {
  const { _id, ...fields } = toStored(batch);
  return fields;
}

/** Writes `claimed` if the batch is as it was read (another claim changes nextAttemptAt and claimId); false when another worker won it. */
export async function claimBatchIfUnchanged(db: Database, read: DeliveryBatch, claimed: DeliveryBatch): Promise<boolean> {
  const unchanged = { _id: read.id, state: 'pending', nextAttemptAt: read.nextAttemptAt, claimId: read.claimId };
  return (await updateWhere(db.collection(COLLECTIONS.noticeDeliveryBatches).where(unchanged), batchFields(claimed))) === 1;
}

/** Records how the claimed round went; false when the claim was lost (it ran out and another worker took it over). */
export async function saveSettledBatch(db: Database, claimed: Pick<DeliveryBatch, 'id' | 'claimId'>, settled: DeliveryBatch): Promise<boolean> {
  const mine = db.collection(COLLECTIONS.noticeDeliveryBatches).where({ _id: claimed.id, claimId: claimed.claimId });
  return (await updateWhere(mine, batchFields(settled))) === 1;
}
