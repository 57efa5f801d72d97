// Benchmark (prints figures; not a test): a burst of requests through the whole stack on the local
// emulator — /wx/callFunction → function instances → wx-server-sdk → embedded database — then the
// escalation sweeper working through the unanswered ones, and a notice delivered to every joined
// resident. Usage: npx tsx scripts/bench-requests.ts [requests=1000] [concurrency=16] [households per grid=50] [due=spread|atOnce]
// (atOnce: the clock jumps past every deadline without a sweep, so one sweep finds them all due).
// (4 villages × 10 grids; every household has joined).
import { randomUUID } from 'node:crypto';
import { startEmulator } from '../emulator/src';
import { buildDemoStreet, DEMO_ADMIN_OPENID, writeDemoStreet, type SeedOptions } from '../backend/src/seed';
import { DEFAULT_RESPONSE_TARGET_MS, MINUTE_MS, SWEEP_INTERVAL_MS } from '../core/src/policy';
import { percentileNearestRank } from '../core/src/reports';
import type { NoticeReachView, PublishResult } from '../core/src/schemas/notices';
import { fetchAll, MAX_GET_LIMIT } from '../backend/src/db';
import { callAs } from './lib/demo-street';
import { productEmulatorOptions } from './lib/local-emulator';

/** The burst the issue measures: 1,000 requests falling due within a minute. */
const REQUESTS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
/** Tuesday 10:00 China time: inside service hours, so deadlines are plain wall-clock minutes. */
const START_MS = Date.UTC(2026, 10, 24, 2, 0, 0);
const HOUSEHOLDS_PER_GRID = Number(process.argv[4] ?? 50);
const DUE_AT_ONCE = process.argv[5] === 'atOnce';
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
    // As a 政务民生 account with long-term subscriptions: every message is sent (none skipped for want of
    // a one-time authorisation), so the figures measure the sends and the outbox has them to count.
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID], functionEnv: { LONG_TERM_SUBSCRIPTIONS: 'true' } }),
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
    const advance = (body: Record<string, unknown>) =>
      fetch(`${emulator.url}/__emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
        r.json(),
      );
    const db = getDb();
    const escalatedCount = async () =>
      (
        (await db
          .collection('requests')
          .where({ escalationLevel: db.command.gte(1) })
          .count()) as { total: number }
      ).total;
    if (DUE_AT_ONCE) {
      await advance({ advanceMs: DEFAULT_RESPONSE_TARGET_MS, skipTimers: true });
      const [, onceMs] = await timed(() => advance({ advanceMs: SWEEP_INTERVAL_MS }));
      const atOnce = await escalatedCount();
      console.log(`sweepRequests, all due at once: ${atOnce}/${REQUESTS} escalated to level 1 by one sweep, in ${(onceMs / 1000).toFixed(1)} s of wall time`);
    }
    const [, sweepMs] = await timed(() => advance({ advanceMs: DEFAULT_RESPONSE_TARGET_MS + 2 * MINUTE_MS }));
    const escalated = await escalatedCount();
    const ticks = (DEFAULT_RESPONSE_TARGET_MS + 2 * MINUTE_MS) / SWEEP_INTERVAL_MS;
    console.log(
      `sweepRequests: ${escalated}/${REQUESTS} escalated to level 1 within ${ticks} sweeps of 10 s; the sweeps took ${(sweepMs / 1000).toFixed(1)} s of wall time`,
    );
    // How late each request reached level 1 after its deadline (the escalating sweep's instant).
    const lags: number[] = [];
    for (let offset = 0; offset < REQUESTS; offset += MAX_GET_LIMIT) {
      const page = await fetchAll<{ responseDueAt: number; events: Array<{ kind: string; at: number }> }>(
        db.collection('requests').skip(offset).limit(MAX_GET_LIMIT),
      );
      for (const doc of page) {
        const escalation = doc.events.find((e) => e.kind === 'escalate');
        if (escalation) lags.push(escalation.at - doc.responseDueAt);
      }
    }
    const lagSeconds = (q: number) => ((percentileNearestRank(lags, q) ?? 0) / 1000).toFixed(1);
    console.log(`  level 1 after the deadline: p50 ${lagSeconds(50)} s, p90 ${lagSeconds(90)} s, max ${lagSeconds(100)} s`);

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
        const batches = (await (await fetch(`${emulator.url}/__emulator/collections/noticeDeliveryBatches`)).json()) as {
          documents: Array<{ recipients: unknown[] }>;
        };
        delivered = batches.documents.reduce((sum, b) => sum + b.recipients.length, 0);
      }
    });
    console.log(
      `deliverNotices: ${delivered}/${residents.length} residents reached in ${deliveryTicks} ticks of 10 s (${(deliveryMs / 1000).toFixed(1)} s of wall time)`,
    );
    if (published.ok)
      await printNoticeDeliveryFigures(emulator.url, (published.data as PublishResult).notice.id, () => advance({ advanceMs: SWEEP_INTERVAL_MS }));
  } finally {
    await emulator.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/** Ticks the notice figures may take to leave nothing pending (retries back off to 80 s: 5 tries ≈ 15 ticks). */
const NOTICE_SETTLE_TICKS_MAX = 30;

/**
 * The street-wide notice's delivery figures (getNoticeReach, counted from the residents' deliveries)
 * beside what the emulator's outbox shows WeChat accepted, once nothing is pending any more.
 */
async function printNoticeDeliveryFigures(url: string, noticeId: string, tick: () => Promise<unknown>): Promise<void> {
  let figures: NoticeReachView['deliveries'];
  let ticks = 0;
  for (;;) {
    const reach = await callAs(url, 'getNoticeReach', { noticeId }, DEMO_ADMIN_OPENID);
    if (!reach.ok) return console.log(`getNoticeReach failed: ${reach.code} ${reach.message}`);
    figures = (reach.data as NoticeReachView).deliveries;
    if (figures === undefined || figures.pending === 0 || ticks >= NOTICE_SETTLE_TICKS_MAX) break;
    await tick();
    ticks += 1;
  }
  const { messages } = (await (await fetch(`${url}/__emulator/outbox?api=subscribeMessage.send`)).json()) as {
    messages: Array<{ request: { touser: string; page: string }; error?: unknown }>;
  };
  const ofNotice = messages.filter((m) => m.request.page.endsWith(`id=${noticeId}`));
  const accepted = ofNotice.filter((m) => m.error === undefined);
  console.log(`  figures after ${ticks} more ticks: ${JSON.stringify(figures)}`);
  console.log(
    `  outbox: ${accepted.length} sends accepted, to ${new Set(accepted.map((m) => m.request.touser)).size} residents; ${ofNotice.length - accepted.length} failed attempts`,
  );
}
