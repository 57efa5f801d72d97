// CloudBase's quotas through the real wx-server-sdk: without a plan the emulator only counts; with one
// it refuses what CloudBase refuses, with the SDK's codes, and a refused write writes nothing.
import { describe, expect, it } from 'vitest';
import { PLANS, type QuotaPlan } from '../src/quotas';
import { FIXTURE_FUNCTIONS, failure, startTestEmulator, useTestEmulator } from './helpers';

const COLLECTION = 'example_orders';
/** Past midnight in China: 16:00 UTC. */
const DAY_MS = 86_400_000;

describe('without a plan', () => {
  const suite = useTestEmulator();

  it('counts database requests, reads and writes, and refuses nothing', async () => {
    await Promise.all(Array.from({ length: 60 }, (_, i) => suite.db.collection(COLLECTION).add({ data: { _id: `o${i}`, n: i } })));
    await suite.db.collection(COLLECTION).where({ n: 1 }).get();
    await suite.db.collection(COLLECTION).count();
    const usage = suite.emu.emulator.usage();
    expect(usage).toMatchObject({ plan: null, databaseWrites: 60, databaseReads: 2, databaseRequests: 62 });
    expect(Object.values(usage.refused).every((n) => n === 0)).toBe(true);
    const viaRoute = (await (await fetch(`${suite.emu.url}/__emulator/usage`)).json()) as { databaseWrites: number };
    expect(viaRoute.databaseWrites).toBe(60);
  });
});

describe('under a plan', () => {
  async function withPlan(limits: Partial<QuotaPlan>, run: (emu: Awaited<ReturnType<typeof startTestEmulator>>) => Promise<void>): Promise<void> {
    const emu = await startTestEmulator({ plan: { ...PLANS.basic, ...limits }, functionsDir: FIXTURE_FUNCTIONS });
    try {
      await run(emu);
    } finally {
      await emu.stop();
    }
  }

  it('refuses writes past the daily quota (-501003) for the rest of the China day, writing nothing', async () => {
    await withPlan({ databaseWritesPerDay: 2 }, async (emu) => {
      const orders = emu.cloud.database().collection(COLLECTION);
      await orders.add({ data: { _id: 'a' } });
      await orders.add({ data: { _id: 'b' } });
      const refused = await failure(orders.add({ data: { _id: 'c' } }));
      expect(refused.errCode).toBe(-501003);
      expect(refused.errMsg).toMatch(/writes per day/);
      // Reads still go through; the refused document is not there.
      expect(((await orders.count()) as { total: number }).total).toBe(2);
      expect(emu.emulator.usage().refused.databaseWritesPerDay).toBe(1);
      // The next China day the quota is fresh.
      const now = emu.emulator.clock.now();
      const nextDay = Math.ceil((now + 8 * 3_600_000) / DAY_MS) * DAY_MS - 8 * 3_600_000;
      await emu.control.setClock(nextDay);
      await orders.add({ data: { _id: 'c' } });
      expect(((await orders.count()) as { total: number }).total).toBe(3);
    });
  });

  it('refuses reads past the daily read quota, and requests past the QPS within one second', async () => {
    await withPlan({ databaseReadsPerDay: 1, databaseQps: 5 }, async (emu) => {
      const orders = emu.cloud.database().collection(COLLECTION);
      await orders.count();
      expect((await failure(orders.count())).errCode).toBe(-501003);
    });
    await withPlan({ databaseQps: 5 }, async (emu) => {
      const orders = emu.cloud.database().collection(COLLECTION);
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => orders.add({ data: { _id: `q${i}` } })));
      const refused = results.filter((r) => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(refused.every((r) => (r as PromiseRejectedResult).reason.errCode === -501003)).toBe(true);
      // A second later the window has room again.
      await emu.control.advance(1_000);
      expect(((await orders.count()) as { total: number }).total).toBe(5);
    });
  });

  it('refuses a function invocation past its concurrency (-501004)', async () => {
    await withPlan({ functionConcurrency: 1 }, async (emu) => {
      const slow = emu.callFunction('sleep', { ms: 500 }, 'o-user');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await emu.callFunction('sleep', { ms: 1 }, 'o-user');
      expect(second.body).toMatchObject({ errCode: -501004 });
      expect((await slow).status).toBe(200);
      expect(emu.emulator.usage().refused.functionConcurrency).toBe(1);
    });
  });
});
