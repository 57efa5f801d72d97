// The notices area's collections: notices (and the queries that find the ones reaching a place),
// delivery jobs (claimed and moved on only by their lease holder) and residents' deliveries.
import type { DeliveryJob, Lease, NoticeDelivery, SendOutcome } from '../../../core/src/delivery';
import { WORKABLE_JOB_STATES } from '../../../core/src/delivery';
import type { EpochMs, Id, Notice, NoticeScope } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, fetchById, fetchPagedById, fromStored, insertOnce, MAX_GET_LIMIT, toStored, updateWhere } from '../db';
import type { GridDoc } from '../organisation/repo';
import { noticeToDoc, type DeliveryJobDoc, type NoticeDoc } from './docs';

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

/** Stores the notice; false when a notice with its id is there already (a retried publish). */
export function insertNoticeOnce(db: Database, notice: Notice, idempotencyKey: string | undefined): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.notices, noticeToDoc(notice, idempotencyKey));
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

/** Inserts each job unless it is there already (a retried publish finds the first attempt's). */
export async function insertJobsOnce(db: Database, jobs: readonly DeliveryJob[]): Promise<void> {
  await Promise.all(jobs.map((job) => insertOnce(db, COLLECTIONS.deliveryJobs, toStored(job))));
}

/** Jobs a worker may take `now`, soonest due first. */
export async function workableJobs(db: Database, now: EpochMs, limit: number): Promise<DeliveryJob[]> {
  const _ = db.command;
  const docs = await fetchAll<DeliveryJobDoc>(
    db
      .collection(COLLECTIONS.deliveryJobs)
      .where({ state: _.in([...WORKABLE_JOB_STATES]), nextRunAt: _.lte(now) })
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

/** Records a resident's delivery before the send; false when it was recorded before (handled already). */
export function insertDeliveryOnce(db: Database, delivery: NoticeDelivery): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.noticeDeliveries, toStored(delivery));
}

/** Records how each send went: one update per outcome. */
export async function recordOutcomes(db: Database, deliveriesByOutcome: ReadonlyMap<SendOutcome, readonly Id[]>, sentAt: EpochMs): Promise<void> {
  const _ = db.command;
  await Promise.all(
    [...deliveriesByOutcome].map(([outcome, ids]) =>
      updateWhere(db.collection(COLLECTIONS.noticeDeliveries).where({ _id: _.in([...ids]) }), { outcome, sentAt }),
    ),
  );
}
