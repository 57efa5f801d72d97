// Backend test harness: an in-memory emulator running the built cloud functions (npm test builds
// them first), the clock at a weekday morning in China time, and a small demo street seeded.
import { afterAll, beforeAll } from 'vitest';
import { buildDemoStreet, DEMO_ADMIN_OPENID, SMALL_STREET, writeDemoStreet, type DemoStreet, type SeedOptions } from '../../backend/src/seed';
import type { Database } from '../../backend/src/cloud';
import { COLLECTIONS } from '../../backend/src/collections';
import { fetchPagedById, fromStored, MAX_GET_LIMIT } from '../../backend/src/db';
import type { DeliveryBatchDoc } from '../../backend/src/notices/docs';
import { residentDeliveries, type ResidentDelivery } from '../../core/src/delivery';
import type { QuotaPlan } from '../../emulator/src';
import { startTestEmulator, type TestEmulator } from '../../emulator/src/testing';
import { productEmulatorOptions } from '../../scripts/lib/local-emulator';

/** Tuesday 2026-11-24 10:00 in China (02:00 UTC): inside the default service hours. */
export const MORNING_IN_CHINA_MS = Date.UTC(2026, 10, 24, 2, 0, 0);

interface FunctionReply<T = unknown> {
  ok: boolean;
  data?: T;
  code?: string;
  message?: string;
}

export interface TestBackend {
  emu: TestEmulator;
  street: DemoStreet;
  db: Database;
  /** Calls a cloud function as `openid` through /wx/callFunction and returns what the function returned. */
  call<T = unknown>(name: string, data: unknown, openid: string): Promise<FunctionReply<T>>;
}

type TestBackendOptions = {
  seed?: SeedOptions;
  startMs?: number;
  functionEnv?: Record<string, string>;
  /** Quotas enforced once the street is seeded (seeding spends none). */
  plan?: QuotaPlan;
};

/** Starting the emulator and seeding the street takes a few seconds on a busy machine. */
const BACKEND_STARTUP_LIMIT_MS = 60_000;

/** One backend for the file's tests: started before them and handed to `use`, stopped after them. */
export function useTestBackend(use: (backend: TestBackend) => void, options: TestBackendOptions = {}): void {
  let started: TestBackend | undefined;
  beforeAll(async () => {
    started = await startTestBackend(options);
    use(started);
  }, BACKEND_STARTUP_LIMIT_MS);
  afterAll(() => started?.emu.stop());
}

export async function startTestBackend(options: TestBackendOptions = {}): Promise<TestBackend> {
  const startMs = options.startMs ?? MORNING_IN_CHINA_MS;
  const emu = await startTestEmulator({
    // The built functions, database/indexes.json, the demo admin; extra environment for every
    // function instance (e.g. a small notice delivery batch).
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID], functionEnv: options.functionEnv }),
    clockStartMs: startMs,
  });
  const street = buildDemoStreet(options.seed ?? SMALL_STREET, startMs);
  const db = emu.cloud.database() as Database;
  await writeDemoStreet(db, street);
  if (options.plan !== undefined) {
    emu.emulator.resetUsage();
    emu.emulator.setPlan(options.plan);
  }
  return {
    emu,
    street,
    db,
    async call<T>(name: string, data: unknown, openid: string) {
      const res = await emu.callFunction(name, data, openid);
      if (res.status !== 200 || !('result' in res.body)) {
        throw new Error(`${name} failed at the platform level: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return res.body.result as FunctionReply<T>;
    },
  };
}

/** How many subscribe messages the emulator accepted for each user so far. */
export async function sendsByUser(backend: TestBackend): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of (await backend.emu.control.outbox('subscribeMessage.send')) as Array<{ request: { touser: string }; error?: unknown }>) {
    if (!m.error) out.set(m.request.touser, (out.get(m.request.touser) ?? 0) + 1);
  }
  return out;
}

/** Every resident's delivery of a notice, read off its batches (one per resident), ordered by resident. */
export async function residentDeliveriesOf(db: Database, noticeId: string): Promise<ResidentDelivery[]> {
  const { docs } = await fetchPagedById<DeliveryBatchDoc>(db, COLLECTIONS.noticeDeliveryBatches, { noticeId }, MAX_GET_LIMIT);
  return docs.flatMap((doc) => residentDeliveries(fromStored(doc))).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/** One resident's delivery of a notice, or null when no batch holds them yet. */
export async function residentDeliveryOf(db: Database, noticeId: string, userId: string): Promise<ResidentDelivery | null> {
  return (await residentDeliveriesOf(db, noticeId)).find((d) => d.userId === userId) ?? null;
}
