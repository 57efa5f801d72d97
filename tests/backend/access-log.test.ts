// 个人信息访问记录: staff shown a household's phone or care needs leave one record per person,
// household, way and China day, which the village committee (and street admins) can read with each
// viewer by role and name; nobody else can, and a resident reading their own request leaves none.
// The grid roster, listing a whole grid, leaves one record per viewer, grid and China day.
import { describe, expect, it } from 'vitest';
import type { PersonalDataAccessPage } from '../../core/src/schemas/privacy';
import type { Household } from '../../core/src/model';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { submit } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

/** A joined resident whose household the grid leader registers care needs and a phone for (一户一档). */
async function residentWithCareNeeds() {
  const households = (await backend.emu.control.collection('households')) as Array<Household & { _id: string }>;
  for (const grid of backend.street.people.grids) {
    for (const resident of grid.residents) {
      const household = households.find((h) => h._id === resident.householdId);
      if (household?.building === undefined || household.room === undefined) continue;
      const { building, unit, room } = household;
      const saved = await backend.call(
        'saveHousehold',
        {
          gridId: grid.gridId,
          householdId: household._id,
          building,
          ...(unit !== undefined ? { unit } : {}),
          room,
          careNeeds: ['elderlyAlone'],
          phone: '13800138000',
        },
        grid.leaders.gridLeader,
      );
      expect(saved.ok, JSON.stringify(saved)).toBe(true);
      return { grid, resident };
    }
  }
  throw new Error('the seeded street has no joined household with an address');
}

async function records(): Promise<Array<{ viewerId: string; via: string }>> {
  return (await backend.emu.control.collection('personalDataAccess')) as Array<{ viewerId: string; via: string }>;
}

describe('the record of staff views of personal data', () => {
  it('records a leader opening a request with care needs once a day, not the resident, and shows it to the committee only', async () => {
    const { grid, resident } = await residentWithCareNeeds();
    const request = await submit(backend, resident.openid, '老人腿脚不便，需要买药');
    const leader = grid.leaders.gridLeader;
    const before = (await records()).length;

    expect((await backend.call('getRequest', { requestId: request.id }, resident.openid)).ok).toBe(true);
    expect((await records()).length).toBe(before);
    for (let i = 0; i < 3; i++) expect((await backend.call('getRequest', { requestId: request.id }, leader)).ok).toBe(true);
    const mine = (await records()).filter((r) => r.viewerId === leader);
    expect(mine.map((r) => r.via)).toEqual(['getRequest']);

    const household = await backend.call('getHousehold', { gridId: grid.gridId, householdId: resident.householdId }, leader);
    expect(household.ok, JSON.stringify(household)).toBe(true);
    expect(
      (await records())
        .filter((r) => r.viewerId === leader)
        .map((r) => r.via)
        .sort(),
    ).toEqual(['getHousehold', 'getRequest']);

    const village = grid.villageId;
    const page = await backend.call<PersonalDataAccessPage>('listPersonalDataAccess', { villageId: village }, backend.street.people.committee[village]!);
    expect(page.ok, JSON.stringify(page)).toBe(true);
    const seen = page.data!.items.filter((item) => item.viewerId === leader);
    expect(seen.map((item) => item.via).sort()).toEqual(['getHousehold', 'getRequest']);
    for (const item of seen) {
      expect(item).toMatchObject({ householdId: resident.householdId, gridId: grid.gridId, villageId: village });
      expect(item.fields).toEqual(['phone', 'careNeeds']);
      expect(item.viewer).toMatch(/^网格长/);
    }

    for (const caller of [leader, resident.openid]) {
      expect((await backend.call('listPersonalDataAccess', { villageId: village }, caller)).code).toBe('AUTH.FORBIDDEN');
    }
    expect((await backend.call('listPersonalDataAccess', { villageId: village }, backend.street.people.admin)).ok).toBe(true);
  });

  it('records a leader viewing the roster once per grid and China day, not once per household, and shows it to the committee', async () => {
    const { grid, resident } = await residentWithCareNeeds();
    const leader = grid.leaders.gridLeader;
    const rosterViews = async () => (await records()).filter((r) => r.viewerId === leader && r.via === 'getGridRoster');
    expect(await rosterViews()).toEqual([]);

    for (const limit of [50, 1]) {
      const roster = await backend.call('getGridRoster', { gridId: grid.gridId, limit }, leader);
      expect(roster.ok, JSON.stringify(roster)).toBe(true);
    }
    const views = await rosterViews();
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ gridId: grid.gridId, villageId: grid.villageId, fields: ['phone', 'careNeeds'] });
    expect(views[0]).not.toHaveProperty('householdId');

    const village = grid.villageId;
    const page = await backend.call<PersonalDataAccessPage>('listPersonalDataAccess', { villageId: village }, backend.street.people.committee[village]!);
    expect(page.ok, JSON.stringify(page)).toBe(true);
    const seen = page.data!.items.filter((item) => item.viewerId === leader && item.via === 'getGridRoster');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ gridId: grid.gridId, villageId: village, fields: ['phone', 'careNeeds'] });
    expect(seen[0]).not.toHaveProperty('householdId');
    expect(seen[0]!.viewer).toMatch(/^网格长/);
    expect((await backend.call('listPersonalDataAccess', { villageId: village }, resident.openid)).code).toBe('AUTH.FORBIDDEN');
  });
});
