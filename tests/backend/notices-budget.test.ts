// A delivery run keeps to its time budget within a batch: it checks the budget before every round of
// sends, so with slow sends (an injected open-API delay) it stops sending mid-batch, records what it
// sent, and leaves the rest owed for the next tick, which sends each of them exactly once.
import { describe, expect, it } from 'vitest';
import type { SeedOptions } from '../../backend/src/seed';
import type { PublishResult } from '../../core/src/schemas/notices';
import { residentDeliveriesOf, sendsByUser, type TestBackend, useTestBackend } from '../helpers/backend';

/** One grid of 200 joined households: one batch of 200. */
const STREET: SeedOptions = { villages: 1, gridsPerVillage: 1, householdsPerGrid: 200, joinedHouseholdsPerGrid: 200 };
const BATCH = 200;
const TIME_BUDGET_MS = 1_500;
/** Each send takes at least this long while the delay is armed. */
const SEND_DELAY_MS = 300;
/** Sends in flight at once (backend/src/notices/deliver.ts SEND_CONCURRENCY). */
const SENDS_PER_ROUND = 25;
const TICK_MS = 10_000;

let backend: TestBackend;
useTestBackend(
  (started) => {
    backend = started;
  },
  {
    seed: STREET,
    functionEnv: {
      LONG_TERM_SUBSCRIPTIONS: 'true',
      NOTICE_DELIVERY_BATCH_SIZE: String(BATCH),
      NOTICE_DELIVERY_TIME_BUDGET_MS: String(TIME_BUDGET_MS),
    },
  },
);

describe('a delivery run with slow sends', () => {
  it('sends no round after its budget, and the next tick sends the rest, each once', async () => {
    const grid = backend.street.people.grids[0]!;
    const residents = grid.residents.map((r) => r.openid);
    expect(residents).toHaveLength(BATCH);
    const res = await backend.call<PublishResult>(
      'publishNotice',
      { title: '停水通知', body: '明天上午停水。', scope: { kind: 'grids', villageId: grid.villageId, gridIds: [grid.gridId] } },
      backend.street.people.committee[grid.villageId]!,
    );
    const noticeId = res.data!.notice.id;

    await backend.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: 10 * BATCH, delayMs: SEND_DELAY_MS });
    await backend.emu.control.advance(TICK_MS);
    const sentInBudget = [...(await sendsByUser(backend)).values()].reduce((a, b) => a + b, 0);
    // Rounds start only while the budget lasts: at most one round per delay within it, and one under way.
    const roundsAtMost = Math.floor(TIME_BUDGET_MS / SEND_DELAY_MS) + 1;
    expect(sentInBudget).toBeGreaterThan(0);
    expect(sentInBudget).toBeLessThanOrEqual(roundsAtMost * SENDS_PER_ROUND);
    expect(sentInBudget).toBeLessThan(BATCH);
    const during = await residentDeliveriesOf(backend.db, noticeId);
    expect(during).toHaveLength(BATCH);
    expect(during.filter((d) => d.outcome === 'sent')).toHaveLength(sentInBudget);
    // The rest were never tried: owed, with no try counted.
    expect(during.filter((d) => d.state === 'pending').every((d) => d.tries === 0)).toBe(true);

    backend.emu.emulator.faults.clear();
    for (let tick = 0; tick < 3 && (await residentDeliveriesOf(backend.db, noticeId)).some((d) => d.state === 'pending'); tick += 1) {
      await backend.emu.control.advance(TICK_MS);
    }
    const after = await residentDeliveriesOf(backend.db, noticeId);
    expect(after.every((d) => d.outcome === 'sent')).toBe(true);
    const sends = await sendsByUser(backend);
    expect(residents.filter((u) => sends.get(u) !== 1)).toEqual([]);
  });
});
