// @vitest-environment jsdom
// The committee follows its notices on the phone (通知触达), through the real TDesign components:
// the village's notices newest first with each one's reach share, the tap into one notice, its reach
// by grid and the unreached households (care needs first, then no smartphone), and 电话告知 moving a
// household to 本次已告知 with the counts; the dashboard's and home's way in; and the leader's roster
// showing the whole grid's figures, not the loaded page's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { fakeDateAt, zeroFigures } from './fixtures';
import { failWith, installWorld, mount, NO_REMINDERS, ok, type FakeWorld, type Mounted } from './harness';

const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);
const HOUR_MS = 3_600_000;

fakeDateAt(NOW);
let world: FakeWorld;
let page: Mounted;
const callsOf = (name: string) => world.calls.filter((c) => c.name === name);
beforeEach(() => {
  world = installWorld();
});
afterEach(() => page?.unmount());

function notice(id: string, title: string, publishedAt: number, reach: { reached: number; total: number } | null, urgent = false) {
  return {
    id,
    streetId: 's1',
    title,
    body: `${title}。`,
    attachments: [],
    scope: { kind: 'village', villageId: 'v01' },
    urgent,
    publishedBy: 'o-c',
    publishedAt,
    read: false,
    reach,
  };
}

const NOTICES = {
  notices: [
    notice('n2', '周六停水通知', NOW - HOUR_MS, { reached: 12, total: 30 }, true),
    notice('n1', '燃气检修', NOW - 30 * HOUR_MS, { reached: 30, total: 30 }),
    notice('n0', '全街道通知', NOW - 40 * HOUR_MS, null),
  ],
  nextCursor: null,
};

function reachReply(): FunctionOutputs['getNoticeReach'] {
  const figures = { readInGroup: 0 };
  return {
    noticeId: 'n2',
    title: '周六停水通知',
    publishedAt: NOW - HOUR_MS,
    grids: [
      {
        gridId: 'g1',
        gridName: '第1网格',
        total: 20,
        read: 8,
        toldInPerson: 2,
        reached: 10,
        unreachedWithCareNeeds: 1,
        ...figures,
        unreached: [
          { householdId: 'h-elder', building: '12栋', unit: '1单元', room: '1001', careNeeds: ['elderlyAlone'], phone: '13800000002' },
          { householdId: 'h-nophone', building: '11栋', room: '101', noSmartphone: true, careNeeds: [] },
          { householdId: 'h-plain', building: '2栋', room: '101', careNeeds: [] },
        ],
      },
      {
        gridId: 'g2',
        gridName: '第2网格',
        total: 10,
        read: 2,
        toldInPerson: 0,
        reached: 2,
        unreachedWithCareNeeds: 1,
        ...figures,
        unreached: [{ householdId: 'h-sick', building: '3栋', room: '201', careNeeds: ['sick'] }],
      },
    ],
    totals: { total: 30, read: 10, readInGroup: 0, toldInPerson: 2, reached: 12, unreached: 4, unreachedWithCareNeeds: 2 },
  };
}

describe('通知触达: the list', () => {
  it("lists the village's notices newest first with each one's reach share, and opens one", async () => {
    world.handlers.listNotices = () => ok(NOTICES);
    page = await mount('packageCommittee/pages/notices/index', { query: { villageId: 'v01' } });
    expect(callsOf('listNotices')).toEqual([{ name: 'listNotices', data: { villageId: 'v01', withReach: true, limit: 20 } }]);
    expect(page.node('#reach-n2').dom.textContent).toBe('已触达 12 / 30 户（40%）');
    expect(page.node('#reach-n1').dom.textContent).toBe('已触达 30 / 30 户（100%）');
    expect(page.node('#reach-n0').dom.textContent).toBe('户数较多，点开查看送达情况');
    const text = page.text();
    expect(text.indexOf('周六停水通知')).toBeLessThan(text.indexOf('燃气检修'));
    expect(page.node('#notice-n2').dom.textContent).toContain('紧急');
    await page.tap('#notice-n2');
    expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/packageCommittee/pages/noticeReach/index?id=n2&villageId=v01' });
  });

  it('says why when the caller may not follow the reach', async () => {
    world.handlers.listNotices = () => failWith('AUTH.FORBIDDEN', '只有本村（社区）两委或街道管理员可以查看通知触达');
    page = await mount('packageCommittee/pages/notices/index', { query: { villageId: 'v01' } });
    expect(page.node('#error').dom.textContent).toBe('只有本村（社区）两委或街道管理员可以查看通知触达');
  });
});

describe('通知触达: one notice', () => {
  beforeEach(async () => {
    world.handlers.getNoticeReach = () => ok(reachReply());
    page = await mount('packageCommittee/pages/noticeReach/index', { query: { id: 'n2' } });
  });

  it('shows the reach by grid, then the unreached households with care needs first, then no smartphone', () => {
    expect(callsOf('getNoticeReach')).toEqual([{ name: 'getNoticeReach', data: { noticeId: 'n2' } }]);
    expect(page.node('#title').dom.textContent).toBe('周六停水通知');
    expect(page.node('#summary').dom.textContent).toBe('已触达 12 / 30 户（40%）');
    expect(page.node('#unreached-count').dom.textContent).toBe('未触达 4 户（其中重点人群 2 户）');
    expect(page.node('#grid-g1').dom.textContent).toContain('已触达 10 / 20 户（50%） · 未触达 3 户（重点人群 1 户）');
    expect(page.node('#grid-g2').dom.textContent).toContain('已触达 2 / 10 户（20%） · 未触达 1 户（重点人群 1 户）');
    // Care needs of both grids first, then the household without a smartphone, then the rest.
    const text = page.text();
    const order = ['第1网格 12栋 1单元 1001', '第2网格 3栋 201', '第1网格 11栋 101', '第1网格 2栋 101'].map((door) => text.indexOf(door));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.node('#household-h-elder').dom.textContent).toContain('重点人群：独居老人');
    expect(page.node('#household-h-nophone').dom.textContent).toContain('无智能手机');
  });

  it('dials the phone the register holds', async () => {
    await page.tap('#call-h-elder');
    expect(world.phoneCalls).toEqual(['13800000002']);
    expect(page.comp.querySelector('#call-h-plain')).toBeFalsy();
  });

  it('电话告知 records the call and moves the household to 本次已告知, with the counts', async () => {
    world.handlers.markHouseholdReached = () =>
      ok({ noticeId: 'n2', householdId: 'h-elder', channel: 'phone', markedBy: 'o-c', markedAt: NOW, firstMark: true });
    await page.tap('#phone-h-elder');
    expect(callsOf('markHouseholdReached')).toEqual([{ name: 'markHouseholdReached', data: { noticeId: 'n2', householdId: 'h-elder', channel: 'phone' } }]);
    expect(page.comp.querySelector('#household-h-elder')).toBeFalsy();
    expect(page.node('#told-h-elder').dom.textContent).toContain('第1网格 12栋 1单元 1001');
    expect(page.node('#told-h-elder').dom.textContent).toContain('已电话告知');
    expect(page.node('#summary').dom.textContent).toBe('已触达 13 / 30 户（43%）');
    expect(page.node('#unreached-count').dom.textContent).toBe('未触达 3 户（其中重点人群 1 户）');
    expect(page.node('#grid-g1').dom.textContent).toContain('已触达 11 / 20 户（55%） · 未触达 2 户');
    expect(world.toasts).toContain('已登记电话告知');
  });

  it('当面告知 records the visit; a failed mark leaves the household where it was and says why', async () => {
    world.handlers.markHouseholdReached = () => failWith('AUTH.FORBIDDEN', '只能登记本网格（本村、社区）的住户');
    await page.tap('#visit-h-sick');
    expect(callsOf('markHouseholdReached')[0]!.data).toEqual({ noticeId: 'n2', householdId: 'h-sick', channel: 'inPerson' });
    expect(page.node('#error').dom.textContent).toBe('只能登记本网格（本村、社区）的住户');
    expect(page.comp.querySelector('#household-h-sick')).toBeTruthy();
    expect(page.node('#summary').dom.textContent).toBe('已触达 12 / 30 户（40%）');

    world.handlers.markHouseholdReached = () =>
      ok({ noticeId: 'n2', householdId: 'h-sick', channel: 'inPerson', markedBy: 'o-c', markedAt: NOW, firstMark: true });
    await page.tap('#visit-h-sick');
    expect(page.node('#told-h-sick').dom.textContent).toContain('已当面告知');
    expect(page.node('#grid-g2').dom.textContent).toContain('已触达 3 / 10 户（30%） · 未触达 0 户');
  });
});

describe('the ways in', () => {
  it('the dashboard opens 通知触达 for its village', async () => {
    world.handlers.getVillageDashboard = () => ok(emptyDashboard());
    page = await mount('packageCommittee/pages/dashboard/index', { query: { villageId: 'v01' } });
    await page.tap('#open-notices');
    expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/packageCommittee/pages/notices/index?villageId=v01' });
  });

  it("the committee's home links 通知触达; a duty officer's does not", async () => {
    const profile = (role: 'committee' | 'dutyOfficer'): FunctionOutputs['getMyProfile'] => ({
      membership: null,
      grids: [],
      villages: [{ villageId: 'v01', villageName: '东风村', roles: [role] }],
      streetAdmin: false,
      reminders: NO_REMINDERS,
    });
    world.handlers.getMyProfile = () => ok(profile('committee'));
    page = await mount('pages/home/index');
    await page.tap('#work-notices-v01');
    expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/packageCommittee/pages/notices/index?villageId=v01' });
    page.unmount();
    world = installWorld();
    world.handlers.getMyProfile = () => ok(profile('dutyOfficer'));
    page = await mount('pages/home/index');
    expect(page.comp.querySelector('#work-notices-v01')).toBeFalsy();
  });
});

/** A village with no requests this week: the dashboard's figures all zero. */
function emptyDashboard(): FunctionOutputs['getVillageDashboard'] {
  const zero = zeroFigures();

  const DAY_MS = 24 * HOUR_MS;
  return {
    village: { id: 'v01', name: '东风村', kind: 'village' },
    asOf: NOW,
    week: { start: NOW - DAY_MS, end: NOW + 6 * DAY_MS, weekOf: '2026-11-23' },
    today: { start: NOW - HOUR_MS, end: NOW + DAY_MS - HOUR_MS },
    emergencyMode: false,
    overall: { week: zero, today: zero, overdueCount: 0, unresolvedCount: 0 },
    grids: [],
    overdue: [],
    unresolved: [],
    truncated: false,
    authorisationsCounted: false,
    sms: { enabled: false, usedToday: 0, dailyBudget: 0 },
    limitRefusalsToday: { openRequests: 0, submissionsPerHour: 0, noticesPerHour: 0 },
    publicDays: { lastYear: 2026, runningOut: false },
  };
}

describe('the leader roster', () => {
  it("shows the whole grid's figures, not the loaded page's", async () => {
    world.handlers.getGridRoster = () =>
      ok({
        grid: { id: 'g1', name: '第1网格', villageId: 'v01' },
        leaders: [],
        notice: { id: 'n2', title: '周六停水通知', publishedAt: NOW - HOUR_MS, urgent: false },
        totalHouseholds: 320,
        totals: { households: 320, joined: 180, withCareNeeds: 41, notice: { read: 150, toldInPerson: 20, unreached: 150, unreachedWithCareNeeds: 12 } },
        households: [{ householdId: 'h1', building: '1栋', room: '101', careNeeds: [], noSmartphone: false, members: [], noticeState: 'unreached' }],
        nextCursor: 'h1',
      });
    world.handlers.markHouseholdReached = () => ok({ noticeId: 'n2', householdId: 'h1', channel: 'inPerson', markedBy: 'o-l', markedAt: NOW, firstMark: true });
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    expect(page.node('#total').dom.textContent).toBe('全网格共 320 户，已入格 180 户，重点人群 41 户');
    expect(page.node('#reach-count').dom.textContent).toBe('全网格已读 150 户，已告知 20 户');
    expect(page.node('#unreached-count').dom.textContent).toBe('全网格 150 户未读（其中重点人群 12 户）');
    await page.tap('#told-h1');
    expect(page.node('#reach-count').dom.textContent).toBe('全网格已读 150 户，已告知 21 户');
    expect(page.node('#unreached-count').dom.textContent).toBe('全网格 149 户未读（其中重点人群 12 户）');
  });
});
