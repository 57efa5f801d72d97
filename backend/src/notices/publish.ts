// publishNotice: a committee member (their village, or chosen grids of it) or a street admin (the
// street, a village or grids) publishes a notice. Who may publish where, the grids the scope reaches
// and the notice itself are the core's (core/src/notices.ts); this runs msgSecCheck and stores the
// notice together with the delivery jobs it owes (one per village, so villages go out in parallel)
// in one insert, then creates those jobs (dispatch.ts); deliverNotices sends them. Nothing is sent here.
// Guarantee: once the notice is stored its delivery is owed; a job creation cut short here is done by
// the next deliverNotices tick.
//
// Rate limit (core/src/limits.ts): at most MAX_NOTICES_PER_HOUR notices an hour to one village (or, for
// street-wide notices, the street), counted alongside the scope's reads; past it nothing is written
// but the refusal's count for the dashboard.
//
// Round trips: loadActor 2 (3 for a street admin) + scope 2 in parallel (village and its grids, or
// the chosen grids; street: the villages, then their grids) with the hour's notices counted (1) +
// msgSecCheck 1 + insert notice 1 + jobs insert 1 (every village's at once) + 1 mark = 8 for a
// committee, 9 for a street notice.
// A retry with the same idempotencyKey finds the notice (+1 read) and creates its jobs if still owed.
import { createHash, randomUUID } from 'node:crypto';
import { ok, type Result } from '../../../core/src/errors';
import { checkNoticeLimit } from '../../../core/src/limits';
import type { EpochMs, Id, NoticeScope } from '../../../core/src/model';
import { newNotice, publishingStreet, type ScopeGrids } from '../../../core/src/notices';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { PublishResult } from '../../../core/src/schemas/notices';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { checkContent } from '../content';
import { fromStored } from '../db';
import { noticesPublishedWithinWindow, recordRefusal } from '../limits';
import type { CallContext } from '../handler';
import { fetchVillage } from '../organisation/repo';
import { queueOwedJobs } from './dispatch';
import { noticeFromDoc, noticeToDoc, type NoticeDoc } from './docs';
import { fetchNotice, insertNoticeOnce, scopeGridDocs } from './repo';

/** Length of the hex digest used as a notice id (CloudBase ids are 32 characters). */
const NOTICE_ID_HEX_LENGTH = 32;
/** A street has 500+ grids; far more would be a different deployment. */
const GRIDS_PER_STREET_MAX = 20_000;

/** Same publisher + same client key → same notice id, so a retried publish stores one notice. */
function noticeIdFor(publisherId: Id, idempotencyKey: string | undefined): Id {
  if (idempotencyKey === undefined) return randomUUID().replace(/-/g, '');
  return createHash('sha256').update(`${publisherId}\n${idempotencyKey}`).digest('hex').slice(0, NOTICE_ID_HEX_LENGTH);
}

/** The scope's village (none for a street notice) and its grids, read in parallel. */
async function loadScopeGrids(db: Database, scope: NoticeScope, streetId: Id): Promise<ScopeGrids> {
  const [village, grids] = await Promise.all([
    scope.kind === 'street' ? null : fetchVillage(db, scope.villageId),
    scopeGridDocs(db, scope, streetId, GRIDS_PER_STREET_MAX),
  ]);
  return { village: village === null ? null : fromStored(village), grids: grids.map(fromStored) };
}

/** Creates the jobs the stored notice owes; a failure leaves them owed, for the next deliverNotices tick. */
async function queueNow(db: Database, doc: NoticeDoc, now: EpochMs): Promise<void> {
  try {
    await queueOwedJobs(db, doc, now);
  } catch (err) {
    console.error(`[publishNotice] notice ${doc._id}: jobs not created yet; deliverNotices creates them`, err);
  }
}

export async function publishNotice(input: FunctionInputs['publishNotice'], ctx: CallContext): Promise<Result<PublishResult>> {
  const { db, now } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const streetId = publishingStreet(actor.roles, input.scope);
  if (!streetId.ok) return streetId;
  const [loaded, publishedWithinWindow] = await Promise.all([
    loadScopeGrids(db, input.scope, streetId.value),
    noticesPublishedWithinWindow(db, input.scope, streetId.value, now),
  ]);
  const draft = { id: noticeIdFor(actor.userId, input.idempotencyKey), publishedBy: actor.userId, streetId: streetId.value };
  const published = newNotice(input, draft, loaded, now);
  if (!published.ok) return published;
  const refusal = checkNoticeLimit(publishedWithinWindow);
  if (refusal !== null) {
    // A retry of a notice the first call stored (it counts itself) is answered as a retry.
    if (input.idempotencyKey !== undefined && (await fetchNotice(db, draft.id)) !== null) return resumeExisting(db, draft.id, now);
    await recordRefusal(db, input.scope.kind === 'street' ? streetId.value : input.scope.villageId, refusal, now);
    return refusal.failure;
  }
  const content = await checkContent(ctx.cloud, ctx.openid, `${input.title}\n${input.body}`);
  if (!content.ok) return content;

  const { notice, shards } = published.value;
  const doc = noticeToDoc(notice, input.idempotencyKey, shards);
  if (!(await insertNoticeOnce(db, doc))) return resumeExisting(db, notice.id, now);
  await queueNow(db, doc, now);
  return ok({ notice, duplicate: false });
}

/** A retry: the first call stored the notice; create its jobs if they are still owed (it may have died between). */
async function resumeExisting(db: Database, noticeId: Id, now: EpochMs): Promise<Result<PublishResult>> {
  const existing = await fetchNotice(db, noticeId);
  if (existing === null) throw new Error(`notice ${noticeId} collided but cannot be read`);
  if (existing.jobsQueued === false) await queueNow(db, existing, now);
  return ok({ notice: noticeFromDoc(existing), duplicate: true });
}
