// `npm run demo`: drives the demo street through the real wx-server-sdk path (the emulator's client
// entry runs each cloud function as the user, exactly as wx.cloud.callFunction would): a resident
// joins by QR and submits, a grid leader answers in four minutes, another request goes unanswered and
// escalates to the other 三长 and then to the duty officer. Prints what happened and how long each took.
// Uses the emulator of `npm start` when one is running (EMULATOR_URL, default :8787; it moves that
// emulator's clock forward), otherwise starts its own in memory.
import { randomUUID } from 'node:crypto';
import { DEFAULT_PORT, startEmulator, type EmulatorInstance } from '../emulator/src';
import { buildDemoStreet, DEMO_ADMIN_OPENID, DEMO_STREET } from '../backend/src/seed';
import { DEFAULT_RESPONSE_TARGET_MS, MINUTE_MS, SWEEP_INTERVAL_MS } from '../core/src/policy';
import { callAs, seedDemoStreetIfEmpty } from './lib/demo-street';
import { productEmulatorOptions } from './lib/local-emulator';

const EMULATOR_URL = process.env.EMULATOR_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`;
/** The leader answers the first request this long after it arrives: inside the golden ten minutes. */
const LEADER_ANSWERS_AFTER_MS = 4 * MINUTE_MS;
/** Level 2 (duty officers) is due ten minutes after level 1 in the default escalation table. */
const LEVEL_TWO_AFTER_LEVEL_ONE_MS = 10 * MINUTE_MS;

interface RequestView {
  id: string;
  state: string;
  escalationLevel: number;
  responders: string[];
  responseDueAt: number;
  submittedAt: number;
  firstResponseMs?: number;
  events: Array<{ label: string; at: number }>;
}

interface StepRecord {
  what: string;
  atMs: number;
  tookMs: number;
  outcome: string;
}

class DemoRun {
  readonly steps: StepRecord[] = [];
  constructor(
    readonly url: string,
    readonly startMs: number,
  ) {}

  async now(): Promise<number> {
    const res = await fetch(`${this.url}/__emulator/clock`);
    return ((await res.json()) as { nowMs: number }).nowMs;
  }

  async advance(ms: number, why: string): Promise<void> {
    const started = performance.now();
    const res = await fetch(`${this.url}/__emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: ms }),
    });
    const { nowMs } = (await res.json()) as { nowMs: number };
    this.record(`⏩ ${why}`, nowMs, performance.now() - started, `clock +${formatDuration(ms)}, due timer ticks fired`);
  }

  /** Calls a function as a user; fails the demo with the function's own message if it refuses. */
  async call<T>(what: string, name: string, data: unknown, openid: string, describe: (value: T) => string): Promise<T> {
    const started = performance.now();
    const reply = await callAs(this.url, name, data, openid);
    const tookMs = performance.now() - started;
    if (!reply.ok) throw new Error(`${what}: ${name} answered ${reply.code ?? reply.errCode} ${reply.message ?? reply.errMsg ?? ''}`);
    const value = reply.data as T;
    this.record(what, await this.now(), tookMs, describe(value));
    return value;
  }

  private record(what: string, atMs: number, tookMs: number, outcome: string): void {
    const step = { what, atMs, tookMs, outcome };
    this.steps.push(step);
    console.log(`  T+${formatDuration(atMs - this.startMs).padStart(6)}  ${what}  (${tookMs.toFixed(0)} ms)\n             → ${outcome}`);
  }
}

function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  return `${Math.floor(totalSeconds / 60)}:${String(totalSeconds % 60).padStart(2, '0')}`;
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/__emulator/health`)).ok;
  } catch {
    return false;
  }
}

async function connect(): Promise<{ url: string; own?: EmulatorInstance }> {
  if (await isHealthy(EMULATOR_URL)) {
    console.log(`Using the running emulator at ${EMULATOR_URL} (its clock moves forward by about half an hour).`);
    return { url: EMULATOR_URL };
  }
  console.log(`No emulator at ${EMULATOR_URL}: starting one in memory with the demo street.`);
  const own = await startEmulator({
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID] }),
    port: 0,
    dataDir: null,
    realtimeTimers: false,
    log: () => undefined,
  });
  await seedDemoStreetIfEmpty(own);
  return { url: own.url, own };
}

async function main(): Promise<void> {
  const { url, own } = await connect();
  try {
    const people = buildDemoStreet(DEMO_STREET, 0).people;
    const grid = people.grids[0];
    const newcomer = grid?.unjoined[0];
    if (!grid || !newcomer) throw new Error('the demo street has no grid with an unjoined household');
    const committee = people.committee[grid.villageId] ?? '';
    const dutyOfficer = people.dutyOfficers[grid.villageId] ?? '';
    const { gridLeader, partyGroupLeader, buildingLeader } = grid.leaders;
    const run = new DemoRun(url, await (async () => ((await fetch(`${url}/__emulator/clock`).then((r) => r.json())) as { nowMs: number }).nowMs)());
    console.log(`\nGrid ${grid.gridId}: leader ${gridLeader}, resident ${newcomer.openid}\n`);

    await run.call(
      'Committee switches on emergency mode (service 24/7)',
      'setVillagePolicy',
      { villageId: grid.villageId, calendar: { emergencyMode: true } },
      committee,
      () => 'response targets now count every minute of the day',
    );
    const code = await run.call<{ scene: string; fileID: string }>(
      'Committee prints the grid QR code',
      'getJoinCode',
      { gridId: grid.gridId },
      committee,
      (c) => `scene "${c.scene}" (${c.scene.length} chars), image ${c.fileID}`,
    );
    await run.call<{ grid: { name: string; villageName: string }; alreadyMember: boolean }>(
      'Resident scans it and joins',
      'joinGrid',
      { scene: code.scene, household: { building: '3栋', unit: '2单元', room: '502', careNeeds: ['elderlyAlone'] } },
      newcomer.openid,
      (j) => `${j.alreadyMember ? 'already a member of' : 'joined'} ${j.grid.villageName} ${j.grid.name}`,
    );
    await run.call(
      'Grid leader allows one notification',
      'recordSubscription',
      { acceptedTemplateIds: ['tmpl-request-assigned'], grantId: randomUUID() },
      gridLeader,
      () => 'one-time subscribe authorisation counted',
    );

    const answered = await run.call<{ request: RequestView }>(
      'Resident asks for medicine',
      'submitRequest',
      { category: 'medicine', text: '家中老人降压药吃完了，行动不便，请帮忙代购。', idempotencyKey: randomUUID() },
      newcomer.openid,
      (r) => `routed to ${r.request.responders.join(', ')}; answer due by T+${formatDuration(r.request.responseDueAt - run.startMs)}`,
    );
    await run.call<{ page: { items: Array<{ requestId: string; notified?: string }> } }>(
      'Leader opens the inbox',
      'listInbox',
      { view: 'mine' },
      gridLeader,
      (inbox) => {
        const item = inbox.page.items.find((i) => i.requestId === answered.request.id);
        return item ? `request is there (subscribe message: ${item.notified ?? 'n/a'})` : 'request missing!';
      },
    );
    await run.advance(LEADER_ANSWERS_AFTER_MS, 'four minutes pass');
    const reply = await run.call<RequestView>(
      'Leader answers',
      'respondRequest',
      { requestId: answered.request.id, message: '收到，半小时内送到。' },
      gridLeader,
      (r) =>
        `first response after ${formatDuration(r.firstResponseMs ?? 0)}: ${(r.firstResponseMs ?? Infinity) <= DEFAULT_RESPONSE_TARGET_MS ? 'within' : 'outside'} the golden ten minutes`,
    );
    await run.call(
      'Leader resolves it',
      'updateRequestStatus',
      { requestId: answered.request.id, action: 'resolve', note: '药已送到。' },
      gridLeader,
      () => 'resolved, waiting for the resident',
    );
    await run.call(
      'Resident confirms and rates',
      'confirmRequest',
      { requestId: answered.request.id, rating: 5, comment: '很及时，谢谢！' },
      newcomer.openid,
      () => 'confirmed with ★★★★★',
    );

    const unanswered = await run.call<{ request: RequestView }>(
      'Resident reports a burst pipe',
      'submitRequest',
      { category: 'repairs', text: '楼道水管破裂，水流不止。', idempotencyKey: randomUUID() },
      newcomer.openid,
      (r) => `routed to ${r.request.responders.join(', ')}`,
    );
    const requestId = unanswered.request.id;
    const show = (r: RequestView): string => {
      const last = r.events.at(-1);
      const after = last ? ` ${formatDuration(last.at - r.submittedAt)} after it was sent` : '';
      return `level ${r.escalationLevel}, "${last?.label ?? ''}"${after}; responders: ${r.responders.join(', ')}`;
    };
    await run.advance(DEFAULT_RESPONSE_TARGET_MS + SWEEP_INTERVAL_MS, 'ten minutes pass, nobody answers');
    const level1 = await run.call<RequestView>('Resident checks the request', 'getRequest', { requestId }, newcomer.openid, show);
    await run.advance(LEVEL_TWO_AFTER_LEVEL_ONE_MS, 'ten more minutes, still no answer');
    const level2 = await run.call<RequestView>('Resident checks again', 'getRequest', { requestId }, newcomer.openid, show);
    await run.call<{ page: { items: Array<{ requestId: string }> } }>('Duty officer opens the inbox', 'listInbox', { view: 'mine' }, dutyOfficer, (inbox) =>
      inbox.page.items.some((i) => i.requestId === requestId) ? 'the burst pipe is there' : 'missing!',
    );

    const ok = reply.firstResponseMs !== undefined && level1.escalationLevel >= 1 && level2.escalationLevel >= 2;
    console.log(`\nSummary
  answered request: first response ${formatDuration(reply.firstResponseMs ?? 0)} (target ${formatDuration(DEFAULT_RESPONSE_TARGET_MS)})
  unanswered request: level ${level1.escalationLevel} (other 三长: ${[partyGroupLeader, buildingLeader].join(', ')}), then level ${level2.escalationLevel} (duty officer ${dutyOfficer})
  ${run.steps.length} steps; function calls took (the first call of each function starts its instance: a cold start) ${run.steps
    .filter((s) => !s.what.startsWith('⏩'))
    .map((s) => s.tookMs.toFixed(0))
    .join(' / ')} ms`);
    if (!ok) process.exitCode = 1;
  } finally {
    await own?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
