// Nothing said is lost (notices): a database write fault at every write position of publishNotice and
// of a delivery run, one test per position. Whichever write fails, once faults stop and at most two
// timer ticks have run, every resident's delivery is recorded exactly once, each message went out
// exactly once (the emulator's outbox) or is recorded failed with a reason, and the figures reach
// shows equal the outbox. The positions are measured, not counted by hand: the fault is armed to let
// k writes through; once k is past the last write, the fault is still armed after the scenario.
// A system error (-1) on a send keeps the resident's authorisation and the send is retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { fetchById, insertMany } from '../../backend/src/db';
import type { DeliveryJobDoc, NoticeDoc } from '../../backend/src/notices/docs';
import { deliveryId, type ResidentDelivery } from '../../core/src/delivery';
import type { SeedOptions } from '../../backend/src/seed';
import { EFFECT_MAX_TRIES } from '../../core/src/effects';
import type { NoticeReachView, PublishResult } from '../../core/src/schemas/notices';
import { residentDeliveriesOf, residentDeliveryOf, startTestBackend, type TestBackend } from '../helpers/backend';

/** One village of one grid with two joined residents: few writes, so every one of them is a test. */
const ONE_GRID: SeedOptions = { villages: 1, gridsPerVillage: 1, householdsPerGrid: 3, joinedHouseholdsPerGrid: 2 };
/** The deliverNotices timer's interval (cloudfunctions/deliverNotices/config.json). */
const TICK_MS = 10_000;
/** Ticks the queue may take, once faults stop, to finish what the fault interrupted. */
const TICKS_TO_RECOVER = 2;
const NOTICE_TEMPLATE = 'tmpl-notice-published';

/** publishNotice's writes for a village notice, in order. */
const PUBLISH_WRITES = ['the notice, with the jobs it owes', 'the village’s delivery job', 'the notice marked queued'] as const;
/** A delivery run's writes for two residents (one batch holds both). */
const DELIVERY_RUN_WRITES = ['the job claimed', 'the batch, claimed', 'the batch’s outcomes', 'the job’s cursor and end'] as const;

interface OutboxSend {
  api: string;
  request: { touser: string; page: string };
  error?: unknown;
}

/** A backend on the one-grid street, and who is who there. */
interface OneGrid {
  backend: TestBackend;
  /** The grid's joined residents' openids, sorted. */
  residents: string[];
  committee: string;
  villageId: string;
  gridId: string;
}

async function startOneGrid(functionEnv?: Record<string, string>): Promise<OneGrid> {
  const started = await startTestBackend({ seed: ONE_GRID, ...(functionEnv ? { functionEnv } : {}) });
  const grid = started.street.people.grids[0]!;
  return {
    backend: started,
    residents: grid.residents.map((r) => r.openid).sort(),
    committee: started.street.people.committee[grid.villageId]!,
    villageId: grid.villageId,
    gridId: grid.gridId,
  };
}

let backend: TestBackend;
let residents: string[];
let committee: string;
let villageId: string;
let gridId: string;

beforeAll(async () => {
  ({ backend, residents, committee, villageId, gridId } = await startOneGrid({ LONG_TERM_SUBSCRIPTIONS: 'true' }));
});
afterAll(() => backend.emu.stop());

async function armedFaults(): Promise<unknown[]> {
  const res = await fetch(`${backend.emu.url}/__emulator/faults`);
  return ((await res.json()) as { faults: unknown[] }).faults;
}

/** Fails the write after `skip` writes pass. */
function failWriteAfter(skip: number): Promise<void> {
  return backend.emu.control.injectFault({ target: 'databaseWrite', count: 1, skip });
}

/** The notice's subscribe message sends WeChat accepted, per resident. */
async function acceptedSends(noticeId: string): Promise<Map<string, number>> {
  const res = await fetch(`${backend.emu.url}/__emulator/outbox?api=subscribeMessage.send`);
  const { messages } = (await res.json()) as { messages: OutboxSend[] };
  const out = new Map<string, number>();
  for (const m of messages) {
    if (m.error === undefined && m.request.page.endsWith(`id=${noticeId}`)) out.set(m.request.touser, (out.get(m.request.touser) ?? 0) + 1);
  }
  return out;
}

function deliveriesOf(noticeId: string): Promise<ResidentDelivery[]> {
  return residentDeliveriesOf(backend.db, noticeId);
}

async function settled(noticeId: string): Promise<boolean> {
  const job = await fetchById<DeliveryJobDoc>(backend.db, COLLECTIONS.deliveryJobs, `${noticeId}:${villageId}`);
  const docs = await deliveriesOf(noticeId);
  return job?.state === 'done' && docs.length === residents.length && docs.every((d) => d.state !== 'pending');
}

/** Runs up to TICKS_TO_RECOVER timer ticks, fewer when the notice is delivered sooner; the ticks run. */
async function recover(noticeId: string): Promise<number> {
  let ticks = 0;
  while (ticks < TICKS_TO_RECOVER && !(await settled(noticeId))) {
    await backend.emu.control.advance(TICK_MS);
    ticks += 1;
  }
  return ticks;
}

/** Every resident recorded exactly once, each message sent exactly once or failed with a reason, and reach's figures equal the outbox. */
async function expectDeliveredOnce(noticeId: string): Promise<void> {
  expect(await settled(noticeId)).toBe(true);
  const docs = await deliveriesOf(noticeId);
  expect(docs.map((d) => d.id).sort()).toEqual(residents.map((r) => deliveryId(noticeId, r)).sort());
  const sends = await acceptedSends(noticeId);
  for (const d of docs) {
    if (d.state === 'failed') expect(d.lastError).toEqual(expect.any(String));
    else expect({ userId: d.userId, outcome: d.outcome, sends: sends.get(d.userId) ?? 0 }).toEqual({ userId: d.userId, outcome: 'sent', sends: 1 });
  }
  const reach = await backend.call<NoticeReachView>('getNoticeReach', { noticeId }, committee);
  const sent = [...sends.values()].reduce((a, b) => a + b, 0);
  expect(reach.data?.deliveries).toEqual({
    sent,
    noAuthorisation: 0,
    refused: 0,
    failed: docs.filter((d) => d.state === 'failed').length,
    pending: 0,
  });
  expect(reach.data?.grids.map((g) => g.deliveries?.sent)).toEqual([sent]);
}

function publish(key: string): Promise<{ ok: boolean; code?: string; data?: PublishResult }> {
  return backend.call<PublishResult>(
    'publishNotice',
    { title: '停电通知', body: '明天上午 9 点至 11 点停电检修。', scope: { kind: 'village', villageId }, idempotencyKey: key },
    committee,
  );
}

/** Publishes as the phone does: a call that failed is repeated with the same key. */
async function publishWithRetry(key: string): Promise<string> {
  const first = await publish(key);
  if (first.ok) return first.data!.notice.id;
  expect(first.code).toBe('INTERNAL');
  const again = await publish(key);
  expect(again.ok).toBe(true);
  return again.data!.notice.id;
}

describe('a write fault in publishNotice', () => {
  it.each(PUBLISH_WRITES.map((write, skip) => ({ write, skip })))('a fault on $write loses nothing', async ({ skip }) => {
    await failWriteAfter(skip);
    const key = `durable-publish-${skip}`;
    const first = await publish(key);
    // The fault hit this publish.
    expect(await armedFaults()).toEqual([]);
    const noticeId = first.ok ? first.data!.notice.id : await publishWithRetry(key);
    const stored = await fetchById<NoticeDoc>(backend.db, COLLECTIONS.notices, noticeId);
    expect(stored?.deliveryShards).toEqual([{ villageId, gridIds: [gridId] }]);
    expect(await recover(noticeId)).toBeLessThanOrEqual(TICKS_TO_RECOVER);
    await expectDeliveredOnce(noticeId);
    expect((await fetchById<NoticeDoc>(backend.db, COLLECTIONS.notices, noticeId))?.jobsQueued).toBe(true);
  });

  it(`writes no more than those ${PUBLISH_WRITES.length} times`, async () => {
    await failWriteAfter(PUBLISH_WRITES.length);
    const res = await publish('durable-publish-beyond');
    expect(res.ok).toBe(true);
    expect(await armedFaults()).toHaveLength(1);
    backend.emu.emulator.faults.clear();
    expect(await recover(res.data!.notice.id)).toBe(1);
    await expectDeliveredOnce(res.data!.notice.id);
  });
});

describe('a write fault in a delivery run', () => {
  it.each(DELIVERY_RUN_WRITES.map((write, skip) => ({ write, skip })))('a fault on $write loses nothing', async ({ skip }) => {
    const published = await publish(`durable-run-${skip}`);
    const noticeId = published.data!.notice.id;
    await failWriteAfter(skip);
    await backend.emu.control.advance(TICK_MS);
    expect(await armedFaults()).toEqual([]);
    expect(await recover(noticeId)).toBeLessThanOrEqual(TICKS_TO_RECOVER);
    await expectDeliveredOnce(noticeId);
  });

  it(`writes no more than those ${DELIVERY_RUN_WRITES.length} times`, async () => {
    const published = await publish('durable-run-beyond');
    const noticeId = published.data!.notice.id;
    await failWriteAfter(DELIVERY_RUN_WRITES.length);
    await backend.emu.control.advance(TICK_MS);
    expect(await armedFaults()).toHaveLength(1);
    backend.emu.emulator.faults.clear();
    expect(await settled(noticeId)).toBe(true);
    await expectDeliveredOnce(noticeId);
  });
});

describe('a send WeChat fails', () => {
  let world: OneGrid;
  // The first resident grants an authorisation; the others hold none.
  const resident = (): string => world.residents[0]!;
  const others = (): string[] => world.residents.slice(1);

  beforeAll(async () => {
    // Counted one-time authorisations: only a resident who granted one is sent to.
    world = await startOneGrid();
  });
  afterAll(() => world.backend.emu.stop());

  async function grant(userId: string, remaining: number): Promise<void> {
    const _id = `${userId}:${NOTICE_TEMPLATE}`;
    await world.backend.db.collection(COLLECTIONS.subscriptions).where({ _id }).remove();
    const subscription = { _id, userId, templateId: NOTICE_TEMPLATE, remaining, updatedAt: 0 };
    await insertMany(world.backend.db, COLLECTIONS.subscriptions, [subscription]);
  }
  async function authorisations(userId: string): Promise<number | undefined> {
    return (await fetchById<{ remaining: number }>(world.backend.db, COLLECTIONS.subscriptions, `${userId}:${NOTICE_TEMPLATE}`))?.remaining;
  }
  function deliveryOf(noticeId: string, userId: string): Promise<ResidentDelivery | null> {
    return residentDeliveryOf(world.backend.db, noticeId, userId);
  }
  async function publishToGrid(title: string): Promise<string> {
    const res = await world.backend.call<PublishResult>(
      'publishNotice',
      { title, body: '请留意。', scope: { kind: 'grids', villageId: world.villageId, gridIds: [world.gridId] } },
      world.committee,
    );
    return res.data!.notice.id;
  }
  function failSends(count: number, errcode: number): Promise<void> {
    return world.backend.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count, errcode });
  }

  it('with a system error (-1): the authorisation is kept and the send is retried on the next tick', async () => {
    await grant(resident(), 1);
    const noticeId = await publishToGrid('系统错误重试');
    await failSends(1, -1);
    await world.backend.emu.control.advance(TICK_MS);
    expect(await deliveryOf(noticeId, resident())).toMatchObject({ state: 'pending', tries: 1, lastError: expect.stringMatching(/send failed/) });
    expect(await authorisations(resident())).toBe(1);
    // Reach shows it pending, and whose it is.
    const during = await world.backend.call<NoticeReachView>('getNoticeReach', { noticeId }, world.committee);
    expect(during.data?.deliveries).toMatchObject({ pending: 1, noAuthorisation: others().length, sent: 0 });
    const household = world.backend.street.people.grids[0]!.residents.find((r) => r.openid === resident())!.householdId;
    expect(during.data?.grids[0]?.undelivered).toEqual([
      expect.objectContaining({ householdId: household, room: expect.any(String), state: 'pending', tries: 1 }),
    ]);

    await world.backend.emu.control.advance(TICK_MS);
    expect(await deliveryOf(noticeId, resident())).toMatchObject({ state: 'done', outcome: 'sent', tries: 2 });
    expect(await authorisations(resident())).toBe(0);
    for (const other of others()) expect(await deliveryOf(noticeId, other)).toMatchObject({ state: 'done', outcome: 'noAuthorisation' });
    const after = await world.backend.call<NoticeReachView>('getNoticeReach', { noticeId }, world.committee);
    expect(after.data?.deliveries).toEqual({ sent: 1, noAuthorisation: others().length, refused: 0, failed: 0, pending: 0 });
    expect(after.data?.grids[0]?.undelivered).toEqual([]);
  });

  it('refused by the user (43101): final at once, not retried', async () => {
    await grant(resident(), 1);
    const noticeId = await publishToGrid('用户拒收');
    await failSends(1, 43101);
    await world.backend.emu.control.advance(TICK_MS);
    expect(await deliveryOf(noticeId, resident())).toMatchObject({ state: 'done', outcome: 'refused', tries: 1 });
    await world.backend.emu.control.advance(TICK_MS);
    expect(await deliveryOf(noticeId, resident())).toMatchObject({ state: 'done', outcome: 'refused', tries: 1 });
  });

  it(`failing every time: given up after ${EFFECT_MAX_TRIES} tries with the reason, and shown as failed`, async () => {
    await grant(resident(), 1);
    const noticeId = await publishToGrid('一直失败');
    await failSends(EFFECT_MAX_TRIES, -1);
    const ticksAtMost = 20;
    const unfinished = async (): Promise<boolean> => ((await deliveryOf(noticeId, resident()))?.state ?? 'pending') === 'pending';
    for (let i = 0; i < ticksAtMost && (await unfinished()); i += 1) await world.backend.emu.control.advance(TICK_MS);
    expect(await deliveryOf(noticeId, resident())).toMatchObject({
      state: 'failed',
      outcome: 'gaveUp',
      tries: EFFECT_MAX_TRIES,
      lastError: expect.any(String),
    });
    expect(await authorisations(resident())).toBe(1);
    const reach = await world.backend.call<NoticeReachView>('getNoticeReach', { noticeId }, world.committee);
    expect(reach.data?.deliveries).toMatchObject({ failed: 1, pending: 0, sent: 0 });
    expect(reach.data?.grids[0]?.undelivered).toEqual([expect.objectContaining({ state: 'failed', tries: EFFECT_MAX_TRIES })]);
  });
});
