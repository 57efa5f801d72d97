// Under CloudBase's quotas (the emulator's basic plan, tightened so a test reaches them at once), a
// refused database call reaches the caller as SYSTEM.BUSY with a plain message, never INTERNAL, and
// leaves nothing half-written: a request is stored whole (with the effects it owes) or not at all,
// and the phone's retry with the same key stores it once.
import { describe, expect, it } from 'vitest';
import { PLANS } from '../../emulator/src';
import { ERROR_MESSAGES } from '../../core/src/errors';
import { startTestBackend, type TestBackend } from '../helpers/backend';

/** Below one submission's calls (14), so one submission alone goes past it. */
const TIGHT_QPS = 10;

interface StoredRequest {
  _id: string;
  effects?: Record<string, unknown>;
}

async function storedRequests(backend: TestBackend): Promise<StoredRequest[]> {
  return (await backend.emu.control.collection('requests')) as StoredRequest[];
}

function submit(backend: TestBackend, key: string, openid: string) {
  return backend.call<{ request: { id: string } }>('submitRequest', { category: 'supplies', text: '家里缺米面，请帮忙代购', idempotencyKey: key }, openid);
}

describe('past the daily write quota', () => {
  it('answers SYSTEM.BUSY with a plain message and writes nothing', async () => {
    const backend = await startTestBackend({ plan: { ...PLANS.basic, databaseWritesPerDay: 0 } });
    try {
      const resident = backend.street.people.grids[0]!.residents[0]!.openid;
      const reply = await submit(backend, 'quota-day-1', resident);
      expect(reply).toEqual({ ok: false, code: 'SYSTEM.BUSY', message: ERROR_MESSAGES['SYSTEM.BUSY'] });
      expect(await storedRequests(backend)).toEqual([]);
      expect(backend.emu.emulator.usage().refused.databaseWritesPerDay).toBeGreaterThan(0);
    } finally {
      await backend.emu.stop();
    }
  });
});

describe('a passing burst past the database QPS', () => {
  it('is ridden out: a submission whose calls go past a tight QPS waits and is stored once', async () => {
    const backend = await startTestBackend({ plan: { ...PLANS.basic, databaseQps: TIGHT_QPS } });
    try {
      const resident = backend.street.people.grids[0]!.residents[0]!.openid;
      backend.emu.emulator.resetUsage();
      const reply = await submit(backend, 'quota-ridden-out-1', resident);
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      expect(backend.emu.emulator.usage().refused.databaseQps).toBeGreaterThan(0);
      expect((await storedRequests(backend)).map((r) => r._id)).toEqual([reply.data?.request.id]);
    } finally {
      await backend.emu.stop();
    }
  });
});

describe('a burst past the database QPS', () => {
  it('gives every caller ok or SYSTEM.BUSY; what is stored is whole, and retries store each request once', async () => {
    const backend = await startTestBackend({ plan: { ...PLANS.basic, databaseQps: 10 } });
    try {
      const residents = backend.street.people.grids.flatMap((g) => g.residents.map((r) => r.openid)).slice(0, 12);
      const keys = residents.map((_, i) => `quota-burst-${i}`);
      const replies = await Promise.all(residents.map((openid, i) => submit(backend, keys[i]!, openid)));
      expect(replies.filter((r) => !r.ok).map((r) => r.code)).toEqual(replies.filter((r) => !r.ok).map(() => 'SYSTEM.BUSY'));
      expect(replies.some((r) => !r.ok)).toBe(true);
      // Stored whole: each request holds the effects its submission owes.
      for (const doc of await storedRequests(backend)) expect(Object.keys(doc.effects ?? {}).length).toBeGreaterThan(0);

      // The phone repeats a refused call with the same key once the rush is over.
      backend.emu.emulator.setPlan(null);
      const retried = await Promise.all(residents.map((openid, i) => (replies[i]!.ok ? replies[i]! : submit(backend, keys[i]!, openid))));
      expect(retried.every((r) => r.ok)).toBe(true);
      const ids = retried.map((r) => r.data!.request.id);
      expect(new Set(ids).size).toBe(residents.length);
      expect((await storedRequests(backend)).map((d) => d._id).sort()).toEqual([...ids].sort());
    } finally {
      await backend.emu.stop();
    }
  });
});
