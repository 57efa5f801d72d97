// listVillageGrids: the committee's list of its village's grids, refused to everyone else.
import { describe, expect, it } from 'vitest';
import { type TestBackend, useTestBackend } from '../helpers/backend';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

interface VillageGridsReply {
  village: { id: string; name: string };
  grids: Array<{ id: string; name: string; villageId: string }>;
}

describe('listVillageGrids', () => {
  it("gives the committee, the duty officer and the street admin exactly the village's grids", async () => {
    const { people, grids } = backend.street;
    const village = backend.street.villages[0]!;
    const expected = grids.filter((g) => g.villageId === village.id).map((g) => g.id);
    for (const caller of [people.committee[village.id]!, people.dutyOfficers[village.id]!, people.admin]) {
      const reply = await backend.call<VillageGridsReply>('listVillageGrids', { villageId: village.id }, caller);
      expect(reply.ok).toBe(true);
      expect(reply.data!.village.name).toBe(village.name);
      expect(reply.data!.grids.map((g) => g.id)).toEqual(expected);
    }
  });

  it('refuses a grid leader, a resident and another village’s committee', async () => {
    const { people, villages } = backend.street;
    const [first, second] = villages;
    const grid = people.grids.find((g) => g.villageId === first!.id)!;
    for (const caller of [grid.leaders.gridLeader, grid.residents[0]!.openid, people.committee[second!.id]!]) {
      expect((await backend.call('listVillageGrids', { villageId: first!.id }, caller)).code).toBe('AUTH.FORBIDDEN');
    }
    expect((await backend.call('listVillageGrids', { villageId: 'no-such-village' }, people.admin)).code).toBe('VILLAGE.NOT_FOUND');
  });
});
