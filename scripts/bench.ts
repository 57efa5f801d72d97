// Benchmark (prints figures; not a test): a street at scale on the local emulator, under a CloudBase
// plan's quotas when asked (--plan basic). Three parts, each on a fresh in-memory emulator:
//   notice      a street-wide notice to every resident (33 villages × 15 grids × 300 households by default)
//   escalation  a burst of requests falling due at once, escalated by the sweeper
//   roundtrips  database waves and calls of submitRequest, respondRequest and the dashboard
// Usage: npm run bench -- [--plan basic] [--only notice|escalation|roundtrips] [--villages 33] [--grids 15]
//        [--households 300] [--burst 5000]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { isPlanName, PLANS, startEmulator, type EmulatorInstance, type PlanName } from '../emulator/src';
import { DEMO_ADMIN_OPENID } from '../backend/src/seed';
import { productEmulatorOptions } from './lib/local-emulator';
import { benchEscalationBurst } from './bench/escalation';
import { benchStreetNotice } from './bench/notice';
import { measureRoundTrips } from './round-trips';

/** Tuesday 10:00 China time: inside service hours, so deadlines are plain wall-clock minutes. */
const START_MS = Date.UTC(2026, 10, 24, 2, 0, 0);
const PARTS = ['notice', 'escalation', 'roundtrips'] as const;
type Part = (typeof PARTS)[number];

const { values: args } = parseArgs({
  options: {
    plan: { type: 'string' },
    only: { type: 'string' },
    villages: { type: 'string', default: '33' },
    grids: { type: 'string', default: '15' },
    households: { type: 'string', default: '300' },
    burst: { type: 'string', default: '5000' },
  },
});
const plan: PlanName | null = args.plan === undefined ? null : planNamed(args.plan);

function planNamed(name: string): PlanName {
  if (!isPlanName(name)) throw new Error(`--plan takes one of ${Object.keys(PLANS).join(', ')}`);
  return name;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A fresh in-memory emulator under `startPlan` (a part that seeds through the functions first starts without one). */
async function withEmulator<T>(functionEnv: Record<string, string>, startPlan: PlanName | null, run: (emulator: EmulatorInstance) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID], functionEnv }),
    port: 0,
    dataDir: null,
    realtimeTimers: false,
    clockStartMs: START_MS,
    plan: startPlan,
    log: () => undefined,
  });
  try {
    return await run(emulator);
  } finally {
    await emulator.stop();
  }
}

async function noticePart(): Promise<void> {
  const shape = { villages: Number(args.villages), gridsPerVillage: Number(args.grids), householdsPerGrid: Number(args.households) };
  // Counted one-time authorisations, one per resident: each is spent by the notice's send.
  const f = await withEmulator({}, plan, (emulator) => benchStreetNotice(emulator, shape));
  console.log(
    `notice: ${shape.villages} villages × ${shape.gridsPerVillage} grids × ${shape.householdsPerGrid} households = ${f.residents} residents (imported in ${seconds(f.seedMs)})`,
  );
  console.log(`  delivered to ${f.delivered}/${f.residents}: ${f.duplicates} told twice, ${f.lost} lost, other outcomes ${JSON.stringify(f.otherOutcomes)}`);
  console.log(
    `  ${f.ticks} ticks of 10 s = ${seconds(f.simulatedMs)} simulated (${(f.simulatedMs / 60_000).toFixed(1)} min), ${seconds(f.wallMs)} of wall time`,
  );
  console.log(`  database: ${f.databaseWrites} writes, ${f.databaseReads} reads (${f.batches} batches); refused by the plan: ${JSON.stringify(f.refused)}`);
  console.log(`  load average after: ${loadAverage()}`);
}

async function escalationPart(): Promise<void> {
  // As a 政务民生 account with long-term subscriptions: the messages escalation sends are all sent.
  const f = await withEmulator({ LONG_TERM_SUBSCRIPTIONS: 'true' }, null, (emulator) => benchEscalationBurst(emulator, { requests: Number(args.burst), plan }));
  console.log(`escalation: ${f.requests} requests due at once, swept every 10 s for ${f.windowS} s after the deadline (${seconds(f.wallMs)} of wall time)`);
  console.log(`  at level 1 within 60 s of its deadline: ${f.level1Within60s}/${f.requests}`);
  console.log(
    `  level 1 after its deadline: p50 ${f.level1LagS.p50} s, p90 ${f.level1LagS.p90} s, max ${f.level1LagS.max} s; ${f.level1Missing} never reached it`,
  );
  console.log(
    `  level 2 after its deadline: p50 ${f.level2LagS.p50} s, p90 ${f.level2LagS.p90} s, max ${f.level2LagS.max} s; ${f.level2Missing} never reached it`,
  );
  console.log(`  database: ${f.databaseWrites} writes, ${f.databaseReads} reads; refused by the plan: ${JSON.stringify(f.refused)}`);
  console.log(`  load average after: ${loadAverage()}`);
}

async function roundTripsPart(): Promise<void> {
  // Counted without quotas: a count of calls, not a race against them.
  for (const [name, trips] of Object.entries(await measureRoundTrips())) {
    console.log(`round trips: ${name}: ${trips.databaseWaves} database waves, ${trips.databaseCalls} database calls, ${trips.openApiCalls} open-API calls`);
  }
}

async function main(): Promise<void> {
  const parts: readonly Part[] = args.only === undefined ? PARTS : PARTS.filter((p) => p === args.only);
  if (parts.length === 0) throw new Error(`--only takes one of ${PARTS.join(', ')}`);
  console.log(`plan: ${plan ?? 'none (no quotas)'}; machine: ${os.cpus().length} cores; load average ${loadAverage()}\n`);
  for (const part of parts) {
    if (part === 'notice') await noticePart();
    if (part === 'escalation') await escalationPart();
    if (part === 'roundtrips') await roundTripsPart();
    console.log('');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
