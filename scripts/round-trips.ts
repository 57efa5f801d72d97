// Round trips on the hot path (prints figures; not a test): the database calls, sequential database
// waves and open-API calls of one submitRequest, respondRequest and getVillageDashboard, counted by a
// proxy between the function instances and the emulator (scripts/lib/counting-proxy.ts). The typical
// case: a resident's request to a grid whose three leaders each hold a one-time authorisation.
// Usage: npx tsx scripts/round-trips.ts (npm run build:functions first)
import { startEmulator } from '../emulator/src';
import { buildDemoStreet, DEMO_ADMIN_OPENID, SMALL_STREET, writeDemoStreet } from '../backend/src/seed';
import type { Database } from '../backend/src/cloud';
import { COLLECTIONS } from '../backend/src/collections';
import { insertMany } from '../backend/src/db';
import { TEMPLATE_IDS } from '../backend/src/notify';
import { THREE_LEADER_ROLES } from '../core/src/model';
import type { SubmitRequestOutput } from '../core/src/schemas';
import { type RoundTrips, proxiedFunctionEnv, startCountingProxy } from './lib/counting-proxy';
import { callAs } from './lib/demo-street';
import { productEmulatorOptions } from './lib/local-emulator';

/** Tuesday 10:00 China time: inside service hours. */
const START_MS = Date.UTC(2026, 10, 24, 2, 0, 0);

export interface HotPathRoundTrips {
  submitRequest: RoundTrips;
  respondRequest: RoundTrips;
  getVillageDashboard: RoundTrips;
}

/** Measures one warm call of each (a first call warms each function's instance, so cold starts are not counted). */
export async function measureRoundTrips(): Promise<HotPathRoundTrips> {
  const proxy = await startCountingProxy();
  const emulator = await startEmulator({
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID], functionEnv: proxiedFunctionEnv(proxy) }),
    port: 0,
    dataDir: null,
    realtimeTimers: false,
    clockStartMs: START_MS,
    log: () => undefined,
  });
  proxy.forwardTo(emulator.url);
  try {
    Object.assign(process.env, emulator.sdkEnvironment());
    const { getDb } = await import('../backend/src/cloud');
    const db: Database = getDb();
    const street = buildDemoStreet(SMALL_STREET, START_MS);
    await writeDemoStreet(db, street);
    const grid = street.people.grids[0];
    const resident = grid?.residents[0]?.openid;
    if (grid === undefined || resident === undefined) throw new Error('the demo street has no resident');
    const leaders = THREE_LEADER_ROLES.map((role) => grid.leaders[role]);
    const templates = [TEMPLATE_IDS.requestAssigned, TEMPLATE_IDS.requestUpdated];
    // Many authorisations each, so every measured send has one to spend.
    const authorisations = [...leaders, resident].flatMap((userId) =>
      templates.map((templateId) => ({ _id: `${userId}:${templateId}`, userId, templateId, remaining: 10, updatedAt: START_MS })),
    );
    await insertMany(db, COLLECTIONS.subscriptions, authorisations);

    const submit = (key: string) =>
      callAs(emulator.url, 'submitRequest', { category: 'medicine', text: '家里老人缺降压药，请帮忙代购', idempotencyKey: key }, resident);
    const committee = street.people.committee[grid.villageId] ?? '';
    // Warm every instance.
    const warm = await submit('round-trips-warm');
    const warmId = (warm.data as SubmitRequestOutput).request.id;
    await callAs(emulator.url, 'respondRequest', { requestId: warmId, message: '收到' }, grid.leaders.gridLeader);
    await callAs(emulator.url, 'getVillageDashboard', { villageId: grid.villageId }, committee);

    let requestId = '';
    const submitRequest = await proxy.measure(async () => {
      const reply = await submit('round-trips-measured');
      requestId = (reply.data as SubmitRequestOutput).request.id;
    });
    const respondRequest = await proxy.measure(() =>
      callAs(emulator.url, 'respondRequest', { requestId, message: '马上帮您去药店买' }, grid.leaders.gridLeader),
    );
    const getVillageDashboard = await proxy.measure(() => callAs(emulator.url, 'getVillageDashboard', { villageId: grid.villageId }, committee));
    return { submitRequest, respondRequest, getVillageDashboard };
  } finally {
    await emulator.stop();
    await proxy.close();
  }
}

async function main(): Promise<void> {
  const measured = await measureRoundTrips();
  for (const [name, trips] of Object.entries(measured)) {
    console.log(`${name}: ${trips.databaseWaves} database waves, ${trips.databaseCalls} database calls, ${trips.openApiCalls} open-API calls`);
    console.log(`  ${trips.actions.map((a: string) => a.replace('database.', '')).join(' ')}`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
