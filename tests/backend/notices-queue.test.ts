// The durable notice queue: with a small batch and one batch per run, a notice for many residents
// goes out over several timer ticks, survives an injected write fault and a worker that died
// holding the lease (its claimed, unrecorded deliveries are sent again once their claims run out),
// and nobody receives it twice (outbox sends per touser, the residents' deliveries in their batches).
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { fetchById, insertMany, updateWhere } from '../../backend/src/db';
import { LEASE_MS } from '../../backend/src/notices/deliver';
import type { DeliveryJobDoc } from '../../backend/src/notices/docs';
import { newDeliveryBatch, OUTCOME_UNKNOWN, type ResidentDelivery } from '../../core/src/delivery';
import { toStored } from '../../backend/src/db';
import type { PublishResult } from '../../core/src/schemas/notices';
import type { SeedOptions } from '../../backend/src/seed';
import { residentDeliveriesOf, startTestBackend, type TestBackend, useTestBackend, sendsByUser } from '../helpers/backend';

const STREET: SeedOptions = { villages: 2, gridsPerVillage: 3, householdsPerGrid: 20, joinedHouseholdsPerGrid: 15 };
const BATCH = 10;
const TICK_MS = 10_000;
/** More ticks than the notice can need; the test stops as soon as the job is done. */
const MAX_TICKS = 40;

let backend: TestBackend;
useTestBackend(
  (started) => {
    backend = started;
  },
  {
    seed: STREET,
    functionEnv: { LONG_TERM_SUBSCRIPTIONS: 'true', NOTICE_DELIVERY_BATCH_SIZE: String(BATCH), NOTICE_DELIVERY_MAX_BATCHES_PER_RUN: '1' },
  },
);

function deliveries(noticeId: string): Promise<ResidentDelivery[]> {
  return residentDeliveriesOf(backend.db, noticeId);
}
/** The notice's job for village v01 (jobs are per village). */
async function job(noticeId: string): Promise<DeliveryJobDoc> {
  const doc = await fetchById<DeliveryJobDoc>(backend.db, COLLECTIONS.deliveryJobs, `${noticeId}:v01`);
  if (!doc) throw new Error('no job');
  return doc;
}
describe('deliverNotices', () => {
  it('delivers over several ticks, resumes after a write fault and after a dead worker’s lease, never twice', async () => {
    const village = 'v01';
    const residents = backend.street.people.grids
      .filter((g) => g.villageId === village)
      .flatMap((g) => g.residents.map((r) => r.openid))
      .sort();
    expect(residents.length).toBe(45);
    const res = await backend.call<PublishResult>(
      'publishNotice',
      { title: '疫苗接种安排', body: '本周六全村接种，请按网格顺序前往。', scope: { kind: 'village', villageId: village } },
      backend.street.people.committee[village]!,
    );
    const noticeId = res.data!.notice.id;

    // One batch per tick.
    await backend.emu.control.advance(TICK_MS);
    expect(await deliveries(noticeId)).toHaveLength(BATCH);
    expect(await job(noticeId)).toMatchObject({ state: 'pending', cursor: residents[BATCH - 1] });
    await backend.emu.control.advance(TICK_MS);
    expect(await deliveries(noticeId)).toHaveLength(2 * BATCH);

    // A write fault on the batch's insert fails it before anything is sent: the cursor stays.
    await backend.emu.control.injectFault({ target: 'databaseWrite', name: COLLECTIONS.noticeDeliveryBatches, count: 1 });
    await backend.emu.control.advance(TICK_MS);
    expect(await deliveries(noticeId)).toHaveLength(2 * BATCH);
    const afterFault = await job(noticeId);
    expect(afterFault).toMatchObject({ state: 'pending', cursor: residents[2 * BATCH - 1] });
    expect(afterFault.lastError).toMatch(/injected/);

    // The retry redoes that page as one batch.
    for (let i = 0; i < MAX_TICKS && (await job(noticeId)).cursor === residents[2 * BATCH - 1]; i += 1) {
      await backend.emu.control.advance(TICK_MS);
    }
    expect(await deliveries(noticeId)).toHaveLength(3 * BATCH);
    expect((await job(noticeId)).cursor).toBe(residents[3 * BATCH - 1]);

    // A worker died mid-batch holding the lease: it had recorded the next page's batch, claimed, and sent nothing.
    const now = await backend.emu.control.now();
    const crashed = residents.slice(3 * BATCH, 4 * BATCH);
    const gridOf = new Map(backend.street.people.grids.flatMap((g) => g.residents.map((r) => [r.openid, g.gridId] as const)));
    const deadBatch = newDeliveryBatch(
      { id: `${noticeId}:${village}`, noticeId, villageId: village, cursor: residents[3 * BATCH - 1]! },
      crashed.map((userId) => ({ userId, gridId: gridOf.get(userId)! })),
      crashed[crashed.length - 1]!,
      () => null,
      'dead-worker',
      now,
    );
    await insertMany(backend.db, COLLECTIONS.noticeDeliveryBatches, [toStored(deadBatch)]);
    await updateWhere(backend.db.collection(COLLECTIONS.deliveryJobs).where({ _id: `${noticeId}:v01` }), {
      state: 'running',
      leaseId: 'dead-worker',
      leaseUntil: now + LEASE_MS,
      nextRunAt: now + LEASE_MS,
    });
    // While the lease holds, nobody touches the job.
    await backend.emu.control.advance(TICK_MS);
    expect(await job(noticeId)).toMatchObject({ state: 'running', leaseId: 'dead-worker', cursor: residents[3 * BATCH - 1] });
    expect(await deliveries(noticeId)).toHaveLength(4 * BATCH);

    // Once it ends, the next tick takes over from the cursor, finds that page's batch recorded and goes
    // on to the end; the dead worker's residents are attempted again once its claim runs out.
    let ticks = 0;
    const pending = async (): Promise<number> => (await deliveries(noticeId)).filter((d) => d.state === 'pending').length;
    while (((await job(noticeId)).state !== 'done' || (await pending()) > 0) && ticks < MAX_TICKS) {
      await backend.emu.control.advance(TICK_MS);
      ticks += 1;
    }
    expect((await job(noticeId)).state).toBe('done');
    expect(ticks).toBeGreaterThan(1);

    const docs = await deliveries(noticeId);
    expect(docs.map((d) => d.userId).sort()).toEqual(residents);
    const sends = await sendsByUser(backend);
    for (const userId of residents) expect(sends.get(userId) ?? 0).toBe(1);
    // The crashed worker's ten were unknown (claimed, nothing recorded): counted as a failed try, then sent; nobody stays pending.
    expect(
      docs
        .filter((d) => d.lastError === OUTCOME_UNKNOWN)
        .map((d) => d.userId)
        .sort(),
    ).toEqual(crashed);
    expect(docs.filter((d) => d.outcome !== 'sent')).toEqual([]);
    expect(docs.filter((d) => crashed.includes(d.userId)).every((d) => d.tries === 2 && d.state === 'done')).toBe(true);
    for (const g of backend.street.people.grids.filter((x) => x.villageId !== village)) {
      for (const r of g.residents) expect(sends.has(r.openid)).toBe(false);
    }
  });

  it('records residents without an authorisation as noAuthorisation and spends counted ones', async () => {
    // Fresh backend without long-term subscriptions: only residents who granted one get a message.
    const one = await startTestBackend({ functionEnv: { NOTICE_DELIVERY_BATCH_SIZE: '3' } });
    try {
      const grid = one.street.people.grids[0]!;
      const [granted, notGranted] = grid.residents;
      await one.db.collection(COLLECTIONS.subscriptions).add({
        data: {
          _id: `${granted!.openid}:tmpl-notice-published`,
          userId: granted!.openid,
          templateId: 'tmpl-notice-published',
          remaining: 1,
          updatedAt: 0,
        } as never,
      });
      const res = await one.call<PublishResult>(
        'publishNotice',
        { title: '通知', body: '今晚停电一小时。', scope: { kind: 'grids', villageId: grid.villageId, gridIds: [grid.gridId] } },
        one.street.people.committee[grid.villageId]!,
      );
      await one.emu.control.advance(TICK_MS);
      const docs = await residentDeliveriesOf(one.db, res.data!.notice.id);
      const outcome = new Map(docs.map((d) => [d.userId, d.outcome]));
      expect(outcome.get(granted!.openid)).toBe('sent');
      expect(outcome.get(notGranted!.openid)).toBe('noAuthorisation');
      expect(docs).toHaveLength(grid.residents.length);
      const sub = await fetchById<{ remaining: number }>(one.db, COLLECTIONS.subscriptions, `${granted!.openid}:tmpl-notice-published`);
      expect(sub?.remaining).toBe(0);
    } finally {
      await one.emu.stop();
    }
  });
});
