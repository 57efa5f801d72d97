// Micro-grids (战时小网格): a grid split by building, with a temporary leader who receives the requests
// of residents in those buildings alongside the grid's own responders.
import { describe, expect, it } from 'vitest';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { routingOf } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const TEMPORARY_LEADER = 'o-temporary-leader';

interface Submitted {
  request: { id: string; responders: string[] };
}

describe('micro-grid routing', () => {
  it('sends a request from a covered building to the micro-grid leader too, and stops when redrawn', async () => {
    const grid = backend.street.people.grids[0]!;
    const committee = backend.street.people.committee[grid.villageId]!;
    const resident = grid.residents[0]!;
    const household = backend.street.households.find((h) => h.id === resident.householdId)!;

    const created = await backend.call<{ microGrid: { buildings?: string[]; leaderUserId?: string } }>(
      'createMicroGrid',
      { gridId: grid.gridId, name: '一号楼小网格', leaderUserId: TEMPORARY_LEADER, buildings: [household.building!] },
      committee,
    );
    expect(created.ok).toBe(true);
    expect(created.data!.microGrid.buildings).toEqual([household.building]);

    const first = await backend.call<Submitted>(
      'submitRequest',
      { category: 'supplies', text: '需要米和油', idempotencyKey: 'microgrid-test-0001' },
      resident.openid,
    );
    expect((await routingOf(backend, first.data!.request.id)).responders).toEqual(expect.arrayContaining([grid.leaders.gridLeader, TEMPORARY_LEADER]));
    const inbox = await backend.call<{ page: { items: Array<{ requestId: string }> } }>('listInbox', { view: 'mine' }, TEMPORARY_LEADER);
    expect(inbox.data!.page.items.map((i) => i.requestId)).toContain(first.data!.request.id);

    // Redrawn to another building: the household is no longer covered.
    await backend.call('createMicroGrid', { gridId: grid.gridId, name: '一号楼小网格', buildings: ['99栋'] }, committee);
    const second = await backend.call<Submitted>(
      'submitRequest',
      { category: 'supplies', text: '还需要蔬菜', idempotencyKey: 'microgrid-test-0002' },
      resident.openid,
    );
    expect(second.data!.request.responders).not.toContain(TEMPORARY_LEADER);
  });

  it('refuses a micro-grid from a resident, writing nothing', async () => {
    const grid = backend.street.people.grids[1]!;
    const res = await backend.call('createMicroGrid', { gridId: grid.gridId, name: '自封小网格', buildings: ['1栋'] }, grid.residents[0]!.openid);
    expect(res.code).toBe('AUTH.FORBIDDEN');
    expect(await backend.emu.control.collection('microGrids')).toHaveLength(1);
  });
});
