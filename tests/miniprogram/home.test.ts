// @vitest-environment jsdom
// Home page: my grid, latest notices with unread marked, the big report button, elder mode.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs, NoticeListItem } from '../../miniprogram/services/outputs';
import { installWorld, mount, ok, type FakeWorld, type Mounted, NO_REMINDERS } from './harness';

const MEMBERSHIP = { gridId: 'grid1', gridName: '幸福里第三网格', villageName: '幸福里社区' };
const PUBLISHED_AT = Date.UTC(2026, 10, 24, 2, 0, 0);
const EMPTY_PROFILE: FunctionOutputs['getMyProfile'] = { membership: null, grids: [], villages: [], streetAdmin: false, reminders: NO_REMINDERS };
const GRID_LEADER_PHONE = '13900001234';
const PARTY_LEADER_PHONE = '0512-65880001';
/** A resident's profile: their grid's 三长, the building leader from before names were asked (no name, no phone). */
const RESIDENT_PROFILE: FunctionOutputs['getMyProfile'] = {
  ...EMPTY_PROFILE,
  membership: {
    gridId: 'grid1',
    gridName: '幸福里第三网格',
    villageId: 'v1',
    villageName: '幸福里社区',
    household: null,
    leaders: [
      { role: 'gridLeader', displayName: '张建国', phone: GRID_LEADER_PHONE },
      { role: 'partyGroupLeader', displayName: '李秀英', phone: PARTY_LEADER_PHONE },
      { role: 'buildingLeader' },
    ],
  },
};
const villagePlace = (n: number) => ({ villageId: `v0${n}`, villageName: `第${n}村`, roles: ['streetAdmin' as const] });

/** A notice as listNotices answers it (the type follows the backend's). */
function notice(id: string, title: string, read: boolean): NoticeListItem {
  return {
    id,
    streetId: 's1',
    title,
    body: '',
    attachments: [],
    scope: { kind: 'street' },
    urgent: false,
    publishedAt: PUBLISHED_AT,
    publishedBy: 'o-committee',
    read,
  };
}
function noticePage(notices: NoticeListItem[]): FunctionOutputs['listNotices'] {
  return { notices, nextCursor: null };
}

describe('home page', () => {
  let world: FakeWorld;
  let page: Mounted | null = null;
  beforeEach(() => {
    world = installWorld();
  });

  it('asks a resident without a grid to scan the QR, and asks the backend only who they are', async () => {
    world.handlers.getMyProfile = () => ok(EMPTY_PROFILE);
    page = await mount('pages/home/index');
    expect(page.text()).toContain('您还没有加入网格');
    expect(world.calls).toEqual([{ name: 'getMyProfile', data: {} }]);
    expect(page.comp.querySelector('#work')).toBeFalsy();
  });

  it('shows my grid and the latest notices, marking the unread ones', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.listNotices = () => ok(noticePage([notice('n1', '周六核酸检测安排', false), notice('n2', '停水通知', true)]));
    page = await mount('pages/home/index');
    expect(page.text()).toContain('幸福里第三网格');
    expect(world.calls).toEqual([
      { name: 'getMyProfile', data: {} },
      { name: 'listNotices', data: { limit: 5 } },
    ]);
    expect(page.node('#notice-n1').dom.textContent).toContain('未读');
    expect(page.node('#notice-n2').dom.textContent).not.toContain('未读');
  });

  it('opens the submit page from the big button and a notice from the list', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.listNotices = () => ok(noticePage([notice('n1', '通知一', false)]));
    page = await mount('pages/home/index');
    await page.tap('#report');
    await page.tap('#notice-n1');
    expect(world.navigations).toEqual([
      { kind: 'navigateTo', url: '/pages/submit/index' },
      { kind: 'navigateTo', url: '/pages/notice/index?id=n1' },
    ]);
  });

  it('links a member to 我的信息, and shows no such link before joining', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.listNotices = () => ok(noticePage([]));
    page = await mount('pages/home/index');
    await page.tap('#my-information');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/me/index' }]);
    page.unmount();
    world = installWorld();
    world.handlers.getMyProfile = () => ok(EMPTY_PROFILE);
    page = await mount('pages/home/index');
    expect(page.comp.querySelector('#my-information')).toBeFalsy();
  });

  it("shows my grid's three leaders under the grid name, and 拨打 calls the leader's number", async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.getMyProfile = () => ok(RESIDENT_PROFILE);
    world.handlers.listNotices = () => ok(noticePage([]));
    page = await mount('pages/home/index');
    const leaders = page.node('#leaders').dom.textContent ?? '';
    expect(leaders).toContain('网格长');
    expect(leaders).toContain('张建国');
    expect(leaders).toContain(GRID_LEADER_PHONE);
    expect(leaders).toContain('李秀英');
    // A leader without a name still shows, by role title, with nothing to dial.
    expect(page.node('#leader-buildingLeader-2').dom.textContent).toContain('楼栋长');
    expect(page.comp.querySelector('#call-buildingLeader-2')).toBeFalsy();

    await page.tap('#call-partyGroupLeader-1');
    await page.tap('#call-gridLeader-0');
    expect(world.phoneCalls).toEqual([PARTY_LEADER_PHONE, GRID_LEADER_PHONE]);
    expect(page.node('#call-gridLeader-0').instance?.data.ariaLabel).toBe('拨打网格长张建国的电话');
  });

  it('shows no leaders block when the grid has none named yet', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.getMyProfile = () => ok({ ...RESIDENT_PROFILE, membership: { ...RESIDENT_PROFILE.membership!, leaders: [] } });
    world.handlers.listNotices = () => ok(noticePage([]));
    page = await mount('pages/home/index');
    expect(page.text()).toContain('幸福里第三网格');
    expect(page.comp.querySelector('#leaders')).toBeFalsy();
  });

  it('lists up to three villages with their buttons', async () => {
    world.handlers.getMyProfile = () => ok({ ...EMPTY_PROFILE, streetAdmin: true, villages: [1, 2, 3].map(villagePlace) });
    page = await mount('pages/home/index');
    expect(page.comp.querySelector('#village-picker')).toBeFalsy();
    for (const n of [1, 2, 3]) expect(page.comp.querySelector(`#work-dashboard-v0${n}`)).toBeTruthy();
  });

  it('folds more than three villages into one 村（社区）工作 row that opens a village picker', async () => {
    world.handlers.getMyProfile = () => ok({ ...EMPTY_PROFILE, streetAdmin: true, villages: [1, 2, 3, 4].map(villagePlace) });
    page = await mount('pages/home/index');
    expect(page.textOf('#village-picker')).toContain('村（社区）工作');
    // No village's buttons until one is picked.
    expect(page.comp.querySelectorAll('.work-link').length).toBe(1);
    expect(page.comp.querySelector('#village-list')).toBeFalsy();

    await page.tap('#village-picker');
    expect(page.node('#village-list').dom.textContent).toContain('第4村');
    await page.tap('#pick-village-v04');
    expect(page.comp.querySelector('#village-list')).toBeFalsy();
    expect(page.node('#work-village-v04').dom.textContent).toContain('第4村');
    expect(page.comp.querySelector('#work-dashboard-v01')).toBeFalsy();
    await page.tap('#work-dashboard-v04');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/packageCommittee/pages/dashboard/index?villageId=v04' }]);
  });

  it('switches elder-friendly mode on the root and remembers it', async () => {
    page = await mount('pages/home/index');
    expect(page.hasClass('lx-elder')).toBe(false);
    await page.check('#elder', true);
    expect(world.storage.get('lx.elderMode')).toBe(true);
    expect(page.hasClass('lx-elder')).toBe(true);
  });
});
