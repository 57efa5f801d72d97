// The dispatcher of the work a notice owes: its delivery jobs, one per village. publishNotice stores
// them in the notice itself (one write, so a stored notice always carries its delivery) and creates
// them right away; when that is cut short (a failed write, a crash), every deliverNotices tick creates
// what is still owed. Job ids are deterministic (`${noticeId}:${villageId}`) and inserted only once,
// so creating them again is a no-op; the notice is marked jobsQueued only after all of them exist.
//
// Round trips: the job insert (1 for every village; one per job on a retry that finds some) + 1 mark; a tick adds 1 query for the
// notices owing jobs.
import { newDeliveryJob } from '../../../core/src/delivery';
import type { EpochMs } from '../../../core/src/model';
import type { Database } from '../cloud';
import { noticeFromDoc, type NoticeDoc } from './docs';
import { insertJobsOnce, markJobsQueued, noticesOwingJobs } from './repo';

/** Notices whose jobs one tick creates at most (a notice owes them only when its publish was cut short). */
const OWED_NOTICES_PER_TICK = 20;

/** Creates the notice's missing jobs, then marks it queued. Throws when a write fails: the next tick does it again. */
export async function queueOwedJobs(db: Database, doc: NoticeDoc, now: EpochMs): Promise<void> {
  const notice = noticeFromDoc(doc);
  await insertJobsOnce(
    db,
    (doc.deliveryShards ?? []).map((shard) => newDeliveryJob(notice, shard, now)),
  );
  await markJobsQueued(db, doc._id);
}

/** The timer's share: the jobs of notices whose publish was cut short. A failure is left for the next tick. */
export async function queueJobsOwedByNotices(db: Database, now: EpochMs): Promise<void> {
  for (const doc of await noticesOwingJobs(db, OWED_NOTICES_PER_TICK)) {
    try {
      await queueOwedJobs(db, doc, now);
    } catch (err) {
      console.error(`[deliverNotices] notice ${doc._id}: its jobs could not be created; the next tick tries again`, err);
    }
  }
}
