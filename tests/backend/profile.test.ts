// getMyProfile end to end: each kind of user sees their own membership and exactly the work places
// their role assignments give them; nobody sees anyone else's data; an unknown user gets an empty profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyProfile } from '../../backend/src/profile/profile';
import type { DemoGridPeople } from '../../backend/src/seed';
import { startTestBackend, type TestBackend } from '../helpers/backend';

const VILLAGE = 'v01';

let backend: TestBackend;
let grid: DemoGridPeople;

beforeAll(async () => {
  backend = await startTestBackend();
  grid = backend.street.people.grids.find((g) => g.villageId === VILLAGE)!;
});
afterAll(() => backend.emu.stop());

async function profileOf(openid: string): Promise<MyProfile> {
  const res = await backend.call<MyProfile>('getMyProfile', {}, openid);
  expect(res.ok).toBe(true);
  return res.data!;
}

const gridName = (gridId: string): string => backend.street.grids.find((g) => g.id === gridId)!.name;
const villageName = (villageId: string): string => backend.street.villages.find((v) => v.id === villageId)!.name;

describe('getMyProfile', () => {
  it('shows a resident their own grid, village and household address, and no work places', async () => {
    const resident = grid.residents[0]!;
    const household = backend.street.households.find((h) => h.id === resident.householdId)!;
    const profile = await profileOf(resident.openid);
    expect(profile).toEqual({
      membership: {
        gridId: grid.gridId,
        gridName: gridName(grid.gridId),
        villageId: VILLAGE,
        villageName: villageName(VILLAGE),
        household: { householdId: household.id, building: household.building, unit: household.unit, room: household.room },
      },
      grids: [],
      villages: [],
      streetAdmin: false,
    });
  });

  it('shows a grid leader their grid with the role gridLeader (and nothing of the other leaders)', async () => {
    const profile = await profileOf(grid.leaders.gridLeader);
    expect(profile.membership).toBeNull();
    expect(profile.grids).toEqual([{ gridId: grid.gridId, gridName: gridName(grid.gridId), villageId: VILLAGE, villageName: villageName(VILLAGE), roles: ['gridLeader'] }]);
    expect(profile.villages).toEqual([]);
    expect(profile.streetAdmin).toBe(false);
    // Other people's openids never appear in the answer.
    expect(JSON.stringify(profile)).not.toContain(grid.leaders.partyGroupLeader);
  });

  it('shows a committee member their village as committee', async () => {
    const profile = await profileOf(backend.street.people.committee[VILLAGE]!);
    expect(profile.grids).toEqual([]);
    expect(profile.villages).toEqual([{ villageId: VILLAGE, villageName: villageName(VILLAGE), roles: ['committee'] }]);
    expect(profile.streetAdmin).toBe(false);
  });

  it('shows a duty officer their village as dutyOfficer', async () => {
    const profile = await profileOf(backend.street.people.dutyOfficers[VILLAGE]!);
    expect(profile.villages).toEqual([{ villageId: VILLAGE, villageName: villageName(VILLAGE), roles: ['dutyOfficer'] }]);
  });

  it('shows the street admin every village of the street as streetAdmin', async () => {
    const profile = await profileOf(backend.street.people.admin);
    expect(profile.streetAdmin).toBe(true);
    const expected = backend.street.villages.map((v) => ({ villageId: v.id, villageName: v.name, roles: ['streetAdmin'] })).sort((a, b) => (a.villageId < b.villageId ? -1 : 1));
    expect(expected.length).toBeGreaterThan(1);
    expect(profile.villages).toEqual(expected);
    expect(profile.grids).toEqual([]);
  });

  it('gives an unknown user an empty profile, not an error', async () => {
    expect(await profileOf('o-nobody-we-know')).toEqual({ membership: null, grids: [], villages: [], streetAdmin: false });
  });

  it('refuses any field in the input (the caller is only ever the openid)', async () => {
    const res = await backend.call('getMyProfile', { openid: grid.leaders.gridLeader }, 'o-nobody-we-know');
    expect(res.ok).toBe(false);
    expect(res.code).toBe('INPUT.INVALID');
  });
});
