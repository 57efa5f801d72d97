// Pacing keeps a long run inside the database's QPS quota: the pacer lets a quarter second's calls
// go at once and spaces the rest at its rate; a paced database takes a turn for every call it makes
// (and none for building a query); and a sweep escalating a burst under a plan's QPS quota is never
// refused.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pacedDatabase, pacer } from '../../backend/src/pacing';
import { PLANS } from '../../emulator/src';
import { startTestBackend } from '../helpers/backend';
import { submit, sweepNow } from './requestsHelpers';

/** The rate the pacer is tested at, and the calls its quarter-second burst lets through at once. */
const PER_SECOND = 20;
const BURST_CALLS = PER_SECOND / 4;
const SPACING_MS = 1000 / PER_SECOND;

describe('pacer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through at once, then spaces calls at its rate', async () => {
    vi.useFakeTimers();
    const take = pacer(PER_SECOND);
    let granted = 0;
    const turns = Array.from({ length: BURST_CALLS + 2 }, () => take(1).then(() => (granted += 1)));
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toBe(BURST_CALLS);
    await vi.advanceTimersByTimeAsync(SPACING_MS);
    expect(granted).toBe(BURST_CALLS + 1);
    await vi.advanceTimersByTimeAsync(SPACING_MS);
    expect(granted).toBe(BURST_CALLS + 2);
    await Promise.all(turns);
  });
});

describe('a paced database', () => {
  it('takes one turn per call, none for building queries', async () => {
    const backend = await startTestBackend();
    try {
      let turns = 0;
      const db = pacedDatabase(backend.db, async (calls) => {
        turns += calls;
      });
      const _ = db.command;
      await db.collection('routingAudit').add({ data: { paced: 1 } });
      await db
        .collection('routingAudit')
        .where({ paced: _.gte(1) })
        .orderBy('paced', 'asc')
        .limit(5)
        .get();
      await db.collection('routingAudit').where({ paced: 1 }).count();
      await db
        .collection('routingAudit')
        .where({ paced: 1 })
        .update({ data: { paced: 2 } });
      expect(turns).toBe(4);
    } finally {
      await backend.emu.stop();
    }
  });
});

/** Grids of the burst, and requests in each: one escalation group per grid. */
const BURST_GRIDS = 8;
const REQUESTS_PER_GRID = 3;
/** A plan QPS above the sweep's own pace (20) and its burst, below what an unpaced sweep of the burst makes. */
const TIGHT_QPS = 28;

describe('a sweep escalating a burst under the QPS quota', () => {
  it('escalates every request and is never refused', async () => {
    const backend = await startTestBackend();
    try {
      const requests = [];
      for (const g of backend.street.people.grids.slice(0, BURST_GRIDS)) {
        for (const r of g.residents.slice(0, REQUESTS_PER_GRID)) requests.push(await submit(backend, r.openid, '家里没有米了'));
      }
      const now = await backend.emu.control.now();
      const lastDue = Math.max(...requests.map((r) => r.responseDueAt));
      await backend.emu.control.advance(lastDue - now + 1, { skipTimers: true });
      backend.emu.emulator.setPlan({ ...PLANS.basic, databaseQps: TIGHT_QPS });
      backend.emu.emulator.resetUsage();
      expect((await sweepNow(backend)).escalated).toBe(requests.length);
      expect(backend.emu.emulator.usage().refused.databaseQps).toBe(0);
    } finally {
      await backend.emu.stop();
    }
  });
});
