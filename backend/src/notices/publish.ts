// publishNotice: a committee member (their village, or chosen grids of it) or a street admin (the
// street, a village or grids) publishes a notice. Who may publish where, the grids the scope reaches
// and the notice itself are the core's (core/src/notices.ts); this runs msgSecCheck, stores the notice
// and enqueues durable delivery jobs, one per village (so villages go out in parallel); deliverNotices
// sends them. Nothing is sent here.
//
// Round trips: loadActor 2 (3 for a street admin) + scope 2 in parallel (village and its grids, or
// the chosen grids; street: the villages, then their grids) + msgSecCheck 1 + insert notice 1 +
// job inserts in parallel (1 per village) = 6 for a committee, 7 + villages for a street notice.
// A retry with the same idempotencyKey finds the notice (+1 read) and re-inserts the job if missing.
import { createHash, randomUUID } from 'node:crypto';
import { newDeliveryJob, type DeliveryShard } from '../../../core/src/delivery';
import { ok, type Result } from '../../../core/src/errors';
import type { EpochMs, Id, Notice, NoticeScope } from '../../../core/src/model';
import { newNotice, publishingStreet, type ScopeGrids } from '../../../core/src/notices';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { PublishResult } from '../../../core/src/schemas/notices';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { checkContent } from '../content';
import { fromStored } from '../db';
import type { CallContext } from '../handler';
import { fetchVillage } from '../organisation/repo';
import { noticeFromDoc } from './docs';
import { fetchNotice, insertJobsOnce, insertNoticeOnce, scopeGridDocs } from './repo';

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

/** Queues the notice's jobs (one per village); a retried publish finds those the first attempt queued. */
async function enqueue(db: Database, notice: Notice, shards: readonly DeliveryShard[], now: EpochMs): Promise<void> {
  await insertJobsOnce(
    db,
    shards.map((shard) => newDeliveryJob(notice, shard, now)),
  );
}

export async function publishNotice(input: FunctionInputs['publishNotice'], ctx: CallContext): Promise<Result<PublishResult>> {
  const { db, now } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const streetId = publishingStreet(actor.roles, input.scope);
  if (!streetId.ok) return streetId;
  const loaded = await loadScopeGrids(db, input.scope, streetId.value);
  const draft = { id: noticeIdFor(actor.userId, input.idempotencyKey), publishedBy: actor.userId, streetId: streetId.value };
  const published = newNotice(input, draft, loaded, now);
  if (!published.ok) return published;
  const content = await checkContent(ctx.cloud, ctx.openid, `${input.title}\n${input.body}`);
  if (!content.ok) return content;

  const { notice, shards } = published.value;
  if (!(await insertNoticeOnce(db, notice, input.idempotencyKey))) return resumeExisting(db, notice.id, shards, now);
  await enqueue(db, notice, shards, now);
  return ok({ notice, duplicate: false });
}

/** A retry: the first call stored the notice; make sure its jobs exist too (it may have died between). */
async function resumeExisting(db: Database, noticeId: Id, shards: readonly DeliveryShard[], now: EpochMs): Promise<Result<PublishResult>> {
  const existing = await fetchNotice(db, noticeId);
  if (existing === null) throw new Error(`notice ${noticeId} collided but cannot be read`);
  const stored = noticeFromDoc(existing);
  await enqueue(db, stored, shards, now);
  return ok({ notice: stored, duplicate: true });
}
