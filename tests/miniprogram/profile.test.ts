// @vitest-environment jsdom
// "Who am I" on the phone: the home page's 我的工作 section from getMyProfile (links carry the grid or
// village id), nothing for a resident, the session cache, and the leader and committee pages finding
// their grid or village from the profile when opened without one.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { failWith, installWorld, mount, ok, type FakeWorld, type Mounted, NO_REMINDERS } from './harness';

type Profile = FunctionOutputs['getMyProfile'];

const GRID = 'v01-g01';
const VILLAGE = 'v01';
const MEMBERSHIP = { gridId: 'v01-g02', gridName: '第2网格', villageName: '东风村' };

const EMPTY: Profile = { membership: null, grids: [], villages: [], streetAdmin: false, reminders: NO_REMINDERS };
const RESIDENT: Profile = {
  ...EMPTY,
  membership: {
    gridId: 'v01-g02',
    gridName: '第2网格',
    villageId: VILLAGE,
    villageName: '东风村',
    household: { householdId: 'v01-g02-h001', building: '1栋', unit: '1单元', room: '101' },
    leaders: [],
  },
};
const LEADER: Profile = { ...EMPTY, grids: [{ gridId: GRID, gridName: '第1网格', villageId: VILLAGE, villageName: '东风村', roles: ['gridLeader'] }] };
const COMMITTEE: Profile = { ...EMPTY, villages: [{ villageId: VILLAGE, villageName: '东风村', roles: ['committee'] }] };
const DUTY: Profile = { ...EMPTY, villages: [{ villageId: VILLAGE, villageName: '东风村', roles: ['dutyOfficer'] }] };

const callsOf = (world: FakeWorld, name: string) => world.calls.filter((c) => c.name === name);

/** What the leader pages read for whichever grid they open: an empty roster, a join code. */
const EMPTY_ROSTER: FunctionOutputs['getGridRoster'] = {
  grid: { id: GRID, name: '第1网格', villageId: VILLAGE },
  leaders: [],
  notice: null,
  totalHouseholds: 0,
  totals: { households: 0, joined: 0, withCareNeeds: 0, notice: null },
  households: [],
  nextCursor: null,
};
const JOIN_CODE: FunctionOutputs['getJoinCode'] = { gridId: GRID, fileID: 'cloud://env/joincodes/g.png', scene: 'JA00', expiresAt: Date.UTC(2027, 0, 1) };

describe('home: 我的工作', () => {
  let world: FakeWorld;
  let page: Mounted | null = null;
  beforeEach(() => {
    world = installWorld();
  });

  it("shows a grid leader's grid with links to the inbox, roster and QR code, each carrying the grid id", async () => {
    world.handlers.getMyProfile = () => ok(LEADER);
    page = await mount('pages/home/index');
    const work = page.node('#work').dom.textContent ?? '';
    expect(work).toContain('我的工作');
    expect(work).toContain('东风村第1网格');
    expect(work).toContain('网格长');
    for (const [kind, pagePath] of [
      ['inbox', 'inbox'],
      ['roster', 'roster'],
      ['qrcode', 'qrcode'],
    ] as const) {
      await page.tap(`#work-${kind}-${GRID}`);
      expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: `/packageLeader/pages/${pagePath}/index?gridId=${GRID}` });
    }
    expect(world.navigations).toHaveLength(3);
    // No village of theirs: no committee links.
    expect(page.comp.querySelector(`#work-dashboard-${VILLAGE}`)).toBeFalsy();
  });

  it("shows a committee member's village with the dashboard, publish and grids pages", async () => {
    world.handlers.getMyProfile = () => ok(COMMITTEE);
    page = await mount('pages/home/index');
    expect(page.node('#work').dom.textContent).toContain('两委');
    await page.tap(`#work-dashboard-${VILLAGE}`);
    await page.tap(`#work-publish-${VILLAGE}`);
    await page.tap(`#work-grids-${VILLAGE}`);
    expect(world.navigations).toEqual([
      { kind: 'navigateTo', url: `/packageCommittee/pages/dashboard/index?villageId=${VILLAGE}` },
      { kind: 'navigateTo', url: `/packageCommittee/pages/publish/index?villageId=${VILLAGE}` },
      { kind: 'navigateTo', url: `/packageCommittee/pages/grids/index?villageId=${VILLAGE}` },
    ]);
  });

  it('gives a duty officer the dashboard only (publishing is the committee’s)', async () => {
    world.handlers.getMyProfile = () => ok(DUTY);
    page = await mount('pages/home/index');
    expect(page.comp.querySelector(`#work-dashboard-${VILLAGE}`)).toBeTruthy();
    expect(page.comp.querySelector(`#work-publish-${VILLAGE}`)).toBeFalsy();
    expect(page.comp.querySelector(`#work-grids-${VILLAGE}`)).toBeFalsy();
  });

  it('shows a resident no work section, and restores their grid from the profile when the phone forgot it', async () => {
    world.handlers.getMyProfile = () => ok(RESIDENT);
    world.handlers.listNotices = () => ok({ notices: [], nextCursor: null });
    page = await mount('pages/home/index');
    expect(page.comp.querySelector('#work')).toBeFalsy();
    expect(page.node('#grid-name').dom.textContent).toBe('第2网格');
    expect(world.storage.get('lx.membership')).toEqual(MEMBERSHIP);
    expect(callsOf(world, 'listNotices')).toHaveLength(1);
  });

  it('asks again each time home shows, and keeps the links when a refresh fails', async () => {
    world.handlers.getMyProfile = () => ok(LEADER);
    page = await mount('pages/home/index');
    world.handlers.getMyProfile = () => failWith('NETWORK.FAILED');
    await page.show();
    expect(callsOf(world, 'getMyProfile')).toHaveLength(2);
    expect(page.comp.querySelector(`#work-inbox-${GRID}`)).toBeTruthy();
  });
});

describe('leader and committee pages opened without an id', () => {
  let world: FakeWorld;
  let page: Mounted | null = null;
  const answerLeaderPages = (): void => {
    world.handlers.getGridRoster = () => ok(EMPTY_ROSTER);
    world.handlers.getJoinCode = () => ok(JOIN_CODE);
  };
  beforeEach(() => {
    world = installWorld();
    answerLeaderPages();
  });

  it("the roster uses the profile's grid (not a remembered one) and remembers it", async () => {
    world.storage.set('lx.leaderGrid', 'some-older-grid');
    world.handlers.getMyProfile = () => ok(LEADER);
    page = await mount('packageLeader/pages/roster/index');
    expect(callsOf(world, 'getGridRoster')).toEqual([{ name: 'getGridRoster', data: { gridId: GRID, limit: 50 } }]);
    expect(world.storage.get('lx.leaderGrid')).toBe(GRID);
  });

  it('the QR page uses the profile grid too, and a page with a gridId in its query asks no profile', async () => {
    world.handlers.getMyProfile = () => ok(LEADER);
    page = await mount('packageLeader/pages/qrcode/index');
    expect(callsOf(world, 'getJoinCode')[0]?.data).toEqual({ gridId: GRID });
    page.unmount();
    world = installWorld();
    answerLeaderPages();
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g7' } });
    expect(callsOf(world, 'getMyProfile')).toEqual([]);
    expect(callsOf(world, 'getJoinCode')[0]?.data).toEqual({ gridId: 'g7' });
  });

  it('without a profile grid, the roster falls back to the remembered grid as before', async () => {
    world.storage.set('lx.leaderGrid', 'g-remembered');
    world.handlers.getMyProfile = () => ok(EMPTY);
    page = await mount('packageLeader/pages/roster/index');
    expect(callsOf(world, 'getGridRoster')[0]?.data).toEqual({ gridId: 'g-remembered', limit: 50 });
  });

  it('loads the profile once per session: a second page reuses it', async () => {
    world.handlers.getMyProfile = () => ok(LEADER);
    page = await mount('packageLeader/pages/roster/index');
    page.unmount();
    page = await mount('packageLeader/pages/qrcode/index');
    expect(callsOf(world, 'getMyProfile')).toHaveLength(1);
    expect(callsOf(world, 'getJoinCode')[0]?.data).toEqual({ gridId: GRID });
  });

  it("the committee dashboard uses the profile's village", async () => {
    world.handlers.getMyProfile = () => ok(COMMITTEE);
    world.handlers.getVillageDashboard = () => failWith('AUTH.FORBIDDEN', '无权查看');
    page = await mount('packageCommittee/pages/dashboard/index');
    expect(callsOf(world, 'getVillageDashboard')).toEqual([{ name: 'getVillageDashboard', data: { villageId: VILLAGE } }]);
  });

  it("publish and grids skip a duty officer's village: they are the committee's pages", async () => {
    world.handlers.getMyProfile = () => ok(DUTY);
    page = await mount('packageCommittee/pages/publish/index');
    expect(callsOf(world, 'listVillageGrids')).toEqual([]);
    expect(page.text()).toContain('缺少村（社区），请从首页进入');
  });

  it('the committee grids page opens a grid’s roster in the leader subpackage', async () => {
    world.handlers.getMyProfile = () => ok(COMMITTEE);
    world.handlers.listVillageGrids = () =>
      ok({
        village: { id: VILLAGE, streetId: 's1', name: '东风村', kind: 'village' },
        grids: [{ id: GRID, villageId: VILLAGE, streetId: 's1', name: '第1网格', code: 'G000001' }],
      });
    page = await mount('packageCommittee/pages/grids/index');
    expect(callsOf(world, 'listVillageGrids')[0]?.data).toEqual({ villageId: VILLAGE });
    await page.tap(`#grid-${GRID}`);
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: `/packageLeader/pages/roster/index?gridId=${GRID}` }]);
  });
});
