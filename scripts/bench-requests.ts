// Benchmark (prints figures; not a test): a burst of requests through the whole stack on the local
// emulator — /wx/callFunction → function instances → wx-server-sdk → embedded database — then the
// escalation sweeper working through the unanswered ones, and a notice delivered to every joined
// resident. Usage: npx tsx scripts/bench-requests.ts [requests=600] [concurrency=16] [households per grid=50]
// (4 villages × 10 grids; every household has joined).
import { randomUUID } from 'node:crypto';
import { startEmulator } from '../emulator/src';
import { buildDemoStreet, DEMO_ADMIN_OPENID, writeDemoStreet, type SeedOptions } from '../backend/src/seed';
import { DEFAULT_RESPONSE_TARGET_MS, MINUTE_MS, SWEEP_INTERVAL_MS } from '../core/src/policy';
import { percentileNearestRank } from '../core/src/reports';
import { callAs } from './lib/demo-street';
import { productEmulatorOptions } from './lib/local-emulator';

const REQUESTS = Number(process.argv[2] ?? 600);
const CONCURRENCY = Number(process.argv[3] ?? 16);
/** Tuesday 10:00 China time: inside service hours, so deadlines are plain wall-clock minutes. */
const START_MS = Date.UTC(2026, 10, 24, 2, 0, 0);
const HOUSEHOLDS_PER_GRID = Number(process.argv[4] ?? 50);
const STREET: SeedOptions = { villages: 4, gridsPerVillage: 10, householdsPerGrid: HOUSEHOLDS_PER_GRID, joinedHouseholdsPerGrid: HOUSEHOLDS_PER_GRID };

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

function figures(label: string, latencies: number[], wallMs: number): void {
  const p = (q: number): string => (percentileNearestRank(latencies, q) ?? 0).toFixed(0);
  console.log(
    `${label}: ${latencies.length} in ${(wallMs / 1000).toFixed(1)} s = ${((latencies.length / wallMs) * 1000).toFixed(0)}/s; latency p50 ${p(50)} ms, p90 ${p(90)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  const emulator = await startEmulator({
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID] }),
    port: 0,
    dataDir: null,
    realtimeTimers: false,
    clockStartMs: START_MS,
    log: () => undefined,
  });
  try {
    Object.assign(process.env, emulator.sdkEnvironment());
    const { getDb } = await import('../backend/src/cloud');
    const street = buildDemoStreet(STREET, START_MS);
    const [, seedMs] = await timed(() => writeDemoStreet(getDb(), street));
    const residents = street.people.grids.flatMap((g) => g.residents);
    /** The i-th call's resident, round robin over the street's residents. */
    const residentFor = (i: number) => {
      const resident = residents[i % residents.length];
      if (!resident) throw new Error('the demo street has no residents');
      return resident;
    };
    console.log(
      `street: ${street.grids.length} grids, ${street.households.length} households, ${residents.length} residents (seeded in ${seedMs.toFixed(0)} ms)`,
    );
    console.log(`machine: ${(await import('node:os')).cpus().length} cores; emulator in memory; ${CONCURRENCY} concurrent callers\n`);

    // Warm the instances the burst will use (an empty input is refused inside the function, writing
    // nothing), so the figures are not cold starts.
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => callAs(emulator.url, 'submitRequest', {}, residentFor(i).openid)));

    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const [, burstMs] = await timed(() =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < REQUESTS; i = next++) {
            const resident = residentFor(i);
            const [reply, ms] = await timed(() =>
              callAs(emulator.url, 'submitRequest', { category: 'supplies', text: `第${i}户需要生活物资`, idempotencyKey: randomUUID() }, resident.openid),
            );
            latencies.push(ms);
            if (!reply.ok) failures += 1;
          }
        }),
      ),
    );
    figures('submitRequest', latencies, burstMs);
    console.log(`  failures: ${failures}`);

    // Every request is unanswered: the sweeper escalates them all when the target passes.
    const [, sweepMs] = await timed(async () => {
      const res = await fetch(`${emulator.url}/__emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: DEFAULT_RESPONSE_TARGET_MS + 2 * MINUTE_MS }),
      });
      await res.json();
    });
    const db = getDb();
    const escalated = ((await db.collection('requests').where({ escalationLevel: 1 }).count()) as { total: number }).total;
    const ticks = (DEFAULT_RESPONSE_TARGET_MS + 2 * MINUTE_MS) / SWEEP_INTERVAL_MS;
    console.log(
      `sweepRequests: ${escalated}/${REQUESTS} escalated to level 1 within ${ticks} sweeps of 10 s; the sweeps took ${(sweepMs / 1000).toFixed(1)} s of wall time`,
    );

    const [published] = await timed(() =>
      callAs(
        emulator.url,
        'publishNotice',
        { title: '紧急通知', body: '今晚全员核酸检测，请按时下楼。', scope: { kind: 'street' }, urgent: true },
        DEMO_ADMIN_OPENID,
      ),
    );
    if (!published.ok) console.log(`publishNotice failed: ${published.code} ${published.message}`);
    let delivered = 0;
    let deliveryTicks = 0;
    const [, deliveryMs] = await timed(async () => {
      while (delivered < residents.length && deliveryTicks < 100) {
        await fetch(`${emulator.url}/__emulator/clock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ advanceMs: SWEEP_INTERVAL_MS }),
        }).then((r) => r.json());
        deliveryTicks += 1;
        delivered = ((await db.collection('noticeDeliveries').count()) as { total: number }).total;
      }
    });
    console.log(
      `deliverNotices: ${delivered}/${residents.length} residents reached in ${deliveryTicks} ticks of 10 s (${(deliveryMs / 1000).toFixed(1)} s of wall time)`,
    );
  } finally {
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
