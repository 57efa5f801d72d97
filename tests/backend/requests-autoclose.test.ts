// Auto-close: a resolved request the resident neither confirms nor reopens closes itself after the
// village policy's days (default 7), through the sweeper's autoCloseAt index query.
import { describe, expect, it } from 'vitest';
import { DAY_MS, DEFAULT_AUTO_CLOSE_AFTER_DAYS, MINUTE_MS } from '../../core/src/policy';
import type { RequestView } from '../../core/src/schemas';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { getAs, inboxItems, submit } from './requestsHelpers';

/** A jump of a week fires up to 10,000 timer ticks; give it room. */
const LONG_TEST_MS = 240_000;
const VILLAGE_AUTO_CLOSE_DAYS = 2;

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const grid = (i: number) => backend.street.people.grids[i]!;

async function resolveAs(requestId: string, leader: string): Promise<RequestView> {
  expect((await backend.call('respondRequest', { requestId, message: '收到' }, leader)).ok).toBe(true);
  const resolved = await backend.call<RequestView>('updateRequestStatus', { requestId, action: 'resolve', note: '已处理' }, leader);
  expect(resolved.ok).toBe(true);
  return resolved.data!;
}

describe('auto-close', () => {
  it('fixes the auto-close day from the village policy at submission', async () => {
    const g = backend.street.people.grids.find((x) => x.villageId === 'v02')!;
    await backend.db
      .collection('villagePolicies')
      .doc('v02')
      .set({
        data: { villageId: 'v02', autoCloseAfterDays: VILLAGE_AUTO_CLOSE_DAYS, updatedAt: 0, updatedBy: backend.street.people.admin },
      });
    const request = await submit(backend, g.residents[0]!.openid, '楼下共享单车乱停');
    const resolved = await resolveAs(request.id, g.leaders.gridLeader);
    expect(resolved.autoCloseAt).toBe(resolved.resolvedAt! + VILLAGE_AUTO_CLOSE_DAYS * DAY_MS);
  });

  it(
    `closes a resolved request after ${DEFAULT_AUTO_CLOSE_AFTER_DAYS} days, not before, and leaves confirmed ones alone`,
    async () => {
      const g = grid(0);
      const waiting = await submit(backend, g.residents[0]!.openid, '垃圾桶满了');
      const confirmedOne = await submit(backend, g.residents[1]!.openid, '楼道堆放杂物');
      await resolveAs(waiting.id, g.leaders.gridLeader);
      await resolveAs(confirmedOne.id, g.leaders.gridLeader);
      expect((await backend.call('confirmRequest', { requestId: confirmedOne.id, rating: 4 }, g.residents[1]!.openid)).ok).toBe(true);

      // Days pass with timers suspended, then the sweeper runs through the last minutes before the deadline.
      await backend.emu.control.advance(DEFAULT_AUTO_CLOSE_AFTER_DAYS * DAY_MS - 2 * MINUTE_MS, { skipTimers: true });
      await backend.emu.control.advance(MINUTE_MS);
      expect((await getAs(backend, waiting.id, g.residents[0]!.openid)).state).toBe('resolved');

      await backend.emu.control.advance(2 * MINUTE_MS);
      const closed = await getAs(backend, waiting.id, g.residents[0]!.openid);
      expect(closed.state).toBe('closed');
      expect(closed.closedAt).toBeGreaterThanOrEqual(closed.resolvedAt! + DEFAULT_AUTO_CLOSE_AFTER_DAYS * DAY_MS);
      expect(closed.events.filter((e) => e.kind === 'autoClose')).toHaveLength(1);
      expect(closed.autoCloseAt).toBeNull();
      expect((await inboxItems(backend, waiting.id)).every((i) => i.state === 'closed' && !i.open)).toBe(true);

      const untouched = await getAs(backend, confirmedOne.id, g.residents[1]!.openid);
      expect(untouched.state).toBe('confirmed');
      expect(untouched.events.some((e) => e.kind === 'autoClose')).toBe(false);
    },
    LONG_TEST_MS,
  );
});
