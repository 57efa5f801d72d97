// publishNotice: a committee member (their village, or chosen grids of it) or a street admin (the
// street, a village or grids) publishes a notice. It checks the scope, runs msgSecCheck, stores the
// notice and enqueues durable delivery jobs, one per village (so villages go out in parallel);
// deliverNotices sends them. Nothing is sent here.
//
// Round trips: loadActor 2 (3 for a street admin) + scope 2 in parallel (village and its grids, or
// the chosen grids; street: the villages, then their grids) + msgSecCheck 1 + insert notice 1 +
// job inserts in parallel (1 per village) = 6 for a committee, 7 + villages for a street notice.
// A retry with the same idempotencyKey finds the notice (+1 read) and re-inserts the job if missing.
import { createHash, randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Id, Notice, NoticeScope } from '../../../core/src/model';
import type { FunctionInputs } from '../../../core/src/schemas';
import { loadActor, type Actor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { checkContent } from '../content';
import { fetchAll, fetchById, fetchPagedById, insertOnce, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { streetAdministered, villagesManaged } from '../../../core/src/access';
import { EMPTY_COUNTS, noticeFromDoc, type DeliveryJobDoc, type GridDoc, type NoticeDoc } from './docs';

/** Length of the hex digest used as a notice id (CloudBase ids are 32 characters). */
const NOTICE_ID_HEX_LENGTH = 32;
/** A village has far fewer grids than this (a street has 500+ in all). */
/** A street has 500+ grids; far more would be a different deployment. */
const GRIDS_PER_STREET_MAX = 20_000;

function deliveryJobId(noticeId: Id, villageId: Id): string {
  return `${noticeId}:${villageId}`;
}

/** One delivery job's share of a notice: the grids of one village, so villages go out in parallel. */
interface Shard {
  villageId: Id;
  gridIds: Id[];
}

interface ResolvedScope {
  streetId: Id;
  shards: Shard[];
}

/** Same publisher + same client key → same notice id, so a retried publish stores one notice. */
function noticeIdFor(publisherId: Id, idempotencyKey: string | undefined): Id {
  if (idempotencyKey === undefined) return randomUUID().replace(/-/g, '');
  return createHash('sha256').update(`${publisherId}\n${idempotencyKey}`).digest('hex').slice(0, NOTICE_ID_HEX_LENGTH);
}

/** Checks the caller may publish to `scope` and resolves the grids it reaches. */
async function resolveScope(db: Database, actor: Actor, scope: NoticeScope): Promise<Result<ResolvedScope>> {
  const street = streetAdministered(actor.roles);
  const committee = villagesManaged(actor.roles);
  if (scope.kind === 'street') {
    if (street === null) return fail('AUTH.FORBIDDEN', '只有街道管理员可以向全街道发布通知');
    const villages = await fetchAll<{ _id: Id }>(db.collection(COLLECTIONS.villages).where({ streetId: street }).limit(MAX_GET_LIMIT));
    const { docs } = villages.length === 0 ? { docs: [] as GridDoc[] } : await fetchPagedById<GridDoc>(db, COLLECTIONS.grids, { villageId: db.command.in(villages.map((v) => v._id)) }, GRIDS_PER_STREET_MAX);
    const byVillage = new Map<Id, Id[]>();
    for (const g of docs) byVillage.set(g.villageId, [...(byVillage.get(g.villageId) ?? []), g._id]);
    return ok({ streetId: street, shards: [...byVillage].map(([villageId, gridIds]) => ({ villageId, gridIds })) });
  }
  const committeeStreet = committee.get(scope.villageId)?.streetId;
  if (street === null && committeeStreet === undefined) {
    return fail('AUTH.FORBIDDEN', committee.size > 0 ? '只能向本村（社区）发布通知' : undefined);
  }
  const gridsQuery =
    scope.kind === 'village'
      ? db.collection(COLLECTIONS.grids).where({ villageId: scope.villageId }).limit(MAX_GET_LIMIT)
      : db.collection(COLLECTIONS.grids).where({ _id: db.command.in(scope.gridIds) }).limit(MAX_GET_LIMIT);
  const [village, grids] = await Promise.all([
    fetchById<{ _id: Id; streetId: Id }>(db, COLLECTIONS.villages, scope.villageId),
    fetchAll<GridDoc>(gridsQuery),
  ]);
  const streetId = committeeStreet ?? street;
  if (village === null || village.streetId !== streetId) return fail('VILLAGE.NOT_FOUND');
  if (scope.kind === 'village') return ok({ streetId: village.streetId, shards: [{ villageId: village._id, gridIds: grids.map((g) => g._id) }] });
  const found = new Set(grids.filter((g) => g.villageId === scope.villageId).map((g) => g._id));
  const missing = scope.gridIds.filter((id) => !found.has(id));
  if (missing.length > 0) return fail('GRID.NOT_FOUND', undefined, { gridIds: missing });
  return ok({ streetId: village.streetId, shards: [{ villageId: village._id, gridIds: [...scope.gridIds] }] });
}

function jobFor(notice: Notice, shard: Shard, now: number): DeliveryJobDoc {
  return {
    _id: deliveryJobId(notice.id, shard.villageId),
    noticeId: notice.id,
    streetId: notice.streetId,
    villageId: shard.villageId,
    gridIds: shard.gridIds,
    title: notice.title,
    urgent: notice.urgent,
    publishedAt: notice.publishedAt,
    state: 'pending',
    nextRunAt: now,
    leaseUntil: null,
    leaseId: null,
    cursor: null,
    attempts: 0,
    counts: { ...EMPTY_COUNTS },
    createdAt: now,
    updatedAt: now,
  };
}

/** Inserts the notice's jobs (one per village), skipping any already there (a retried publish). */
async function enqueue(db: Database, notice: Notice, shards: readonly Shard[], now: number): Promise<void> {
  await Promise.all(
    shards.map(async (shard) => {
      // False when a retry finds the job the first attempt queued.
      await insertOnce(db, COLLECTIONS.deliveryJobs, jobFor(notice, shard, now));
    }),
  );
}

export interface PublishResult {
  notice: Notice;
  /** True when this call repeated an earlier one (same idempotencyKey): nothing new was stored. */
  duplicate: boolean;
}

export async function publishNotice(input: FunctionInputs['publishNotice'], ctx: CallContext): Promise<Result<PublishResult>> {
  const { db } = ctx;
  const actor = await loadActor(db, ctx.openid, ctx.adminOpenids);
  const scope = input.scope as NoticeScope;
  const resolved = await resolveScope(db, actor, scope);
  if (!resolved.ok) return resolved;
  const content = await checkContent(ctx.cloud, ctx.openid, `${input.title}\n${input.body}`);
  if (!content.ok) return content;

  const notice: Notice = {
    id: noticeIdFor(actor.userId, input.idempotencyKey),
    streetId: resolved.value.streetId,
    title: input.title,
    body: input.body,
    attachments: [...(input.attachments ?? [])],
    scope,
    urgent: input.urgent ?? false,
    publishedAt: ctx.now,
    publishedBy: actor.userId,
  };
  const { id, ...rest } = notice;
  const doc: NoticeDoc = { _id: id, ...rest, ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}) };
  if (!(await insertOnce(db, COLLECTIONS.notices, doc))) {
    // A retry: the first call stored the notice; make sure its job exists too (it may have died between).
    const existing = await fetchById<NoticeDoc>(db, COLLECTIONS.notices, id);
    if (existing === null) throw new Error(`notice ${id} collided but cannot be read`);
    const stored = noticeFromDoc(existing);
    await enqueue(db, stored, resolved.value.shards, ctx.now);
    return ok({ notice: stored, duplicate: true });
  }
  await enqueue(db, notice, resolved.value.shards, ctx.now);
  return ok({ notice, duplicate: false });
}
