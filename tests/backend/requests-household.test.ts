// getRequest's household section through the real wx-server-sdk against the emulator: the staff of the
// request's grid see who asked and where (address, care needs, earlier requests newest first); the
// resident asking for their own request does not; a leader of another grid is refused as before.
import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../core/src/policy';
import { REQUEST_CATEGORIES } from '../../core/src/model';
import { COLLECTIONS } from '../../backend/src/collections';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { getAs, submit } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const grid = (i: number) => backend.street.people.grids[i]!;

describe('getRequest: who asked and where', () => {
  it("shows the request's responder the address, care needs and the earlier requests, newest first; not the resident", async () => {
    const g = grid(0);
    const { openid, householdId } = g.residents[0]!;
    // The seeded first households have no care needs; this one has a resident living alone.
    await backend.db
      .collection(COLLECTIONS.households)
      .doc(householdId)
      .update({ data: { careNeeds: ['elderlyAlone'], noSmartphone: true } });

    const first = await submit(backend, openid, '楼道灯坏了', { category: 'repairs' });
    await backend.emu.control.advance(MINUTE_MS);
    const second = await submit(backend, openid, '需要买米', { category: 'supplies' });
    await backend.emu.control.advance(MINUTE_MS);
    const current = await submit(backend, openid, '家里老人需要降压药', { category: 'medicine' });
    expect(current.householdId).toBe(householdId);

    const leader = g.leaders.gridLeader;
    expect(current.responders).toContain(leader);
    const seen = await getAs(backend, current.id, leader);
    expect(seen.household).toEqual({
      address: { building: '1栋', unit: '1单元', room: '101' },
      careNeeds: ['elderlyAlone'],
      noSmartphone: true,
      earlier: [
        { id: second.id, category: 'supplies', state: 'submitted', submittedAt: second.submittedAt },
        { id: first.id, category: 'repairs', state: 'submitted', submittedAt: first.submittedAt },
      ],
    });

    // Another of the grid's 三长, not a responder, may handle the grid's requests: the same section.
    const buildingLeader = g.leaders.buildingLeader;
    expect((await getAs(backend, current.id, buildingLeader)).household?.careNeeds).toEqual(['elderlyAlone']);

    // The resident sees their request, but not their household as staff see it.
    const own = await getAs(backend, current.id, openid);
    expect(own.id).toBe(current.id);
    expect(own.household).toBeUndefined();
    expect(JSON.stringify(own)).not.toMatch(/careNeeds|elderlyAlone/);
  });

  it('lists at most five earlier requests, the newest', async () => {
    const g = grid(3);
    const { openid } = g.residents[0]!;
    const earlier: string[] = [];
    for (let i = 0; i < 6; i++) {
      // One category each: a resident may have only a few open requests in one (core/src/limits.ts).
      earlier.push((await submit(backend, openid, `第${i + 1}次求助`, { category: REQUEST_CATEGORIES[i] })).id);
      await backend.emu.control.advance(MINUTE_MS);
    }
    const current = await submit(backend, openid, '又需要帮忙');
    const seen = await getAs(backend, current.id, g.leaders.gridLeader);
    expect(seen.household?.earlier.map((r) => r.id)).toEqual(earlier.slice(1).reverse());
  });

  it('refuses a leader of another grid as before', async () => {
    const request = await submit(backend, grid(1).residents[0]!.openid, '水管漏水', { category: 'repairs' });
    const outsider = grid(2).leaders.gridLeader;
    expect(await backend.call('getRequest', { requestId: request.id }, outsider)).toMatchObject({ ok: false, code: 'REQUEST.NOT_FOUND' });
  });
});
