// @vitest-environment jsdom
// Committee pages (packageCommittee): the dashboard shows the figures and the overdue count from the
// backend's reply and switches emergency mode only after confirmation; publish refuses an empty title
// on the phone, keeps the text and the idempotency key across a failed publish, and shows the reach;
// grids creates grids, shows an invitation QR code, and refuses a routing change without a reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { zeroFigures } from './fixtures';
import { attribute, exparserNodeOf, failWith, installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Tuesday 2026-11-24 10:25 China time. */
const AS_OF = Date.UTC(2026, 10, 24, 2, 25, 0);
const WEEK_START = Date.UTC(2026, 10, 22, 16, 0, 0);
const DAY_MS = 86_400_000;

/** The village's grids as listVillageGrids answers: the same two grids as the dashboard below. */
function villageGridsReply(): FunctionOutputs['listVillageGrids'] {
  const grid = (n: number) => ({ id: `v01-g0${n}`, villageId: 'v01', streetId: 's1', name: `第${n}网格`, code: `G00000${n}` });
  return { village: { id: 'v01', streetId: 's1', name: '东风村', kind: 'village' }, grids: [grid(1), grid(2)] };
}

function dashboardReply(emergencyMode = false): FunctionOutputs['getVillageDashboard'] {
  const g1Week = zeroFigures({
    total: 2,
    responded: 1,
    withinTarget: 1,
    shareWithinTarget: 0.5,
    firstResponseP50Ms: 3 * MINUTE_MS,
    firstResponseP90Ms: 3 * MINUTE_MS,
    escalationsByLevel: [1, 1, 0],
  });
  const g2Week = zeroFigures({
    total: 1,
    responded: 1,
    shareWithinTarget: 0,
    firstResponseP50Ms: 12 * MINUTE_MS,
    firstResponseP90Ms: 12 * MINUTE_MS,
    escalationsByLevel: [1, 0, 0],
  });
  const overall = zeroFigures({
    total: 3,
    responded: 2,
    withinTarget: 1,
    shareWithinTarget: 1 / 3,
    firstResponseP50Ms: 3 * MINUTE_MS,
    firstResponseP90Ms: 12 * MINUTE_MS,
    escalationsByLevel: [2, 1, 0],
  });
  return {
    village: { id: 'v01', name: '东风村', kind: 'village' },
    asOf: AS_OF,
    week: { start: WEEK_START, end: WEEK_START + 7 * DAY_MS, weekOf: '2026-11-23' },
    today: { start: WEEK_START + DAY_MS, end: WEEK_START + 2 * DAY_MS },
    emergencyMode,
    overall: { week: overall, today: overall, overdueCount: 2, unresolvedCount: 1 },
    grids: [
      {
        gridId: 'v01-g01',
        name: '第1网格',
        week: g1Week,
        today: g1Week,
        overdueCount: 1,
        unresolvedCount: 0,
        unreachableStaff: [{ userId: 'o-leader', gridId: 'v01-g01', roles: ['gridLeader'] }],
      },
      { gridId: 'v01-g02', name: '第2网格', week: g2Week, today: g2Week, overdueCount: 1, unresolvedCount: 1, unreachableStaff: [] },
    ],
    overdue: [
      {
        requestId: 'r-old',
        gridId: 'v01-g02',
        category: 'repairs',
        urgent: false,
        submittedAt: AS_OF - DAY_MS,
        responseDueAt: AS_OF - DAY_MS + 10 * MINUTE_MS,
        escalationLevel: 0,
      },
      {
        requestId: 'r-new',
        gridId: 'v01-g01',
        category: 'medicine',
        urgent: true,
        submittedAt: AS_OF - 25 * MINUTE_MS,
        responseDueAt: AS_OF - 15 * MINUTE_MS,
        escalationLevel: 2,
      },
    ],
    unresolved: [{ requestId: 'r-answered', gridId: 'v01-g02', category: 'medicine', state: 'responded', resolutionDueAt: AS_OF - 2 * HOUR_MS }],
    truncated: false,
    authorisationsCounted: true,
    sms: { enabled: true, usedToday: 3, dailyBudget: 200 },
    limitRefusalsToday: { openRequests: 2, submissionsPerHour: 1, noticesPerHour: 0 },
    publicDays: { lastYear: 2026, runningOut: true },
  };
}

describe('committee dashboard', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    world.handlers.getVillageDashboard = () => ok(dashboardReply());
    page = await mount('packageCommittee/pages/dashboard/index', { query: { villageId: 'v01' } });
  });
  afterEach(() => page.unmount());

  it('asks for the village of the query and shows the overdue count and the figures', () => {
    expect(world.calls).toEqual([{ name: 'getVillageDashboard', data: { villageId: 'v01' } }]);
    expect(page.node('#title').dom.textContent).toBe('东风村');
    expect(page.node('#overdue-count').dom.textContent).toBe('2 件');
    expect(page.node('#week-total').dom.textContent).toBe('3 件');
    expect(page.node('#week-share').dom.textContent).toBe('33%');
    expect(page.node('#week-p').dom.textContent).toBe('3 分钟 / 12 分钟');
    expect(page.node('#week-escalations').dom.textContent).toBe('一级 2 · 二级 1 · 三级 0');
    expect(page.node('#unreachable-count').dom.textContent).toBe('1 人收不到新诉求的微信提醒');
    expect(page.node('#sms-state').dom.textContent).toBe('今天已发 3 / 200 条');
    // Today's refusals by the rate limits.
    expect(page.node('#refused-open-requests').dom.textContent).toBe('2 次');
    expect(page.node('#refused-submissions').dom.textContent).toBe('1 次');
    expect(page.node('#limit-refusals').dom.textContent).toContain('同类未办结诉求超过 3 件');
    expect(page.node('#public-days').dom.textContent).toContain('只到 2026 年');
    // Per grid: its share, first response, escalations, overdue count, whom to remind.
    const grid1 = page.node('#grid-v01-g01').dom.textContent ?? '';
    expect(grid1).toContain('超时 1 件本周按时响应率50%（2 件）首次响应（中位 / 九成）3 分钟 / 3 分钟上报一级 1 · 二级 1 · 三级 0');
    expect(grid1).toContain('请提醒：网格长');
    expect(page.node('#grid-v01-g02').dom.textContent).toContain('超时 1 件本周按时响应率0%（1 件）首次响应（中位 / 九成）12 分钟 / 12 分钟');
    expect(page.node('#grid-v01-g02').dom.textContent).not.toContain('请提醒');
    // The overdue list, in China time: yesterday's first, then today's urgent one escalated twice.
    const text = page.text();
    expect(text).toContain('第2网格 · 维修应于 昨天 10:35 响应 · 已上报0级第1网格 · 就医买药 紧急应于 10:10 响应 · 已上报2级');
  });

  it('shows the answered requests past their resolution target (超时未解决) with their count', () => {
    expect(page.node('#unresolved-count').dom.textContent).toBe('1 件');
    expect(page.node('#unresolved').dom.textContent).toContain('第2网格 · 就医买药 · 已响应应于 08:25 办结');
  });

  it.each([
    ['#unresolved-r-answered', 'r-answered', '第2网格 · 就医买药 · 已响应 应于 08:25 办结'],
    ['#overdue-r-old', 'r-old', '第2网格 · 维修 应于 昨天 10:35 响应 · 已上报0级'],
    ['#overdue-r-new', 'r-new', '第1网格 · 就医买药 紧急 应于 10:10 响应 · 已上报2级'],
  ])('tapping the row %s opens its request on the leader page', async (selector, requestId, name) => {
    const row = exparserNodeOf(page.node(selector));
    expect(attribute(row, 'ariaRole')).toBe('button');
    // Named by what it shows (axe: label-content-name-mismatch), as a button.
    expect(attribute(row, 'ariaLabel')).toBe(name);
    await page.tap(selector);
    expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: `/packageLeader/pages/request/index?id=${requestId}` });
  });

  it('asks for confirmation before switching emergency mode on, then sets the village policy', async () => {
    world.handlers.setVillagePolicy = () => ok({ policy: {} });
    await page.check('#emergency', true);
    expect(world.modals).toHaveLength(1);
    expect(world.modals[0]?.title).toBe('开启应急模式？');
    expect(world.calls.at(-1)).toEqual({ name: 'setVillagePolicy', data: { villageId: 'v01', calendar: { emergencyMode: true } } });
    expect(page.node('#emergency-state').dom.textContent).toBe('已开启');
    expect(world.toasts).toContain('已开启应急模式');
  });

  it('changes nothing when the confirmation is cancelled', async () => {
    world.modalConfirms = false;
    await page.check('#emergency', true);
    expect(world.modals).toHaveLength(1);
    expect(world.calls.map((c) => c.name)).toEqual(['getVillageDashboard']);
    expect(page.node('#emergency-state').dom.textContent).toBe('未开启');
  });

  it('pulled down, asks for the figures again and puts the spinner away', async () => {
    await page.pullDown();
    expect(world.calls.map((c) => c.name)).toEqual(['getVillageDashboard', 'getVillageDashboard']);
    expect(world.pullDownsStopped).toBe(1);
    expect(page.node('#overdue-count').dom.textContent).toBe('2 件');
  });

  it('keeps the old mode and says why when the policy change fails', async () => {
    world.handlers.setVillagePolicy = () => failWith('AUTH.FORBIDDEN', '只有本村两委可以修改');
    await page.check('#emergency', true);
    expect(page.node('#emergency-state').dom.textContent).toBe('未开启');
    expect(page.node('#error').dom.textContent).toBe('只有本村两委可以修改');
  });
});

describe('committee dashboard failures', () => {
  it('shows the backend refusal instead of figures', async () => {
    const world = installWorld();
    world.handlers.getVillageDashboard = () => failWith('AUTH.FORBIDDEN', '只能查看本村（社区）的工作看板');
    const page = await mount('packageCommittee/pages/dashboard/index', { query: { villageId: 'v02' } });
    expect(page.node('#error').dom.textContent).toBe('只能查看本村（社区）的工作看板');
    expect(page.comp.querySelector('#overdue-count')).toBeFalsy();
    page.unmount();
  });
});

describe('publish a notice', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    world.handlers.listVillageGrids = () => ok(villageGridsReply());
    page = await mount('packageCommittee/pages/publish/index', { query: { villageId: 'v01' } });
    expect(world.calls).toEqual([{ name: 'listVillageGrids', data: { villageId: 'v01' } }]);
    world.calls.length = 0;
  });
  afterEach(() => page.unmount());

  it('refuses an empty title on the phone, before any call', async () => {
    await page.change('#notice-title', '   ');
    await page.change('#notice-body', '明早八点全员核酸');
    await page.tap('#publish');
    expect(page.node('#title-error').dom.textContent).toBe('请填写标题');
    expect(world.calls).toEqual([]);
  });

  it('asks for a grid when not sending to the whole village', async () => {
    await page.change('#notice-title', '停水通知');
    await page.change('#notice-body', '三组明天停水');
    await page.check('#whole-village', false);
    await page.tap('#publish');
    expect(page.node('#scope-error').dom.textContent).toBe('请选择至少一个网格');
    expect(world.calls).toEqual([]);
    await page.tap('#grid-v01-g02');
    world.handlers.publishNotice = () => ok({ notice: { id: 'n1' }, duplicate: false });
    world.handlers.getNoticeReach = () =>
      ok({ noticeId: 'n1', grids: [], totals: { total: 10, read: 0, readInGroup: 0, toldInPerson: 0, reached: 0, unreached: 10, unreachedWithCareNeeds: 1 } });
    await page.tap('#publish');
    expect(world.calls[0]?.data.scope).toEqual({ kind: 'grids', villageId: 'v01', gridIds: ['v01-g02'] });
  });

  it('keeps the text when publishing fails and retries with the same idempotency key, then shows the reach', async () => {
    world.handlers.publishNotice = () => failWith('INTERNAL');
    await page.change('#notice-title', '紧急通知');
    await page.change('#notice-body', '今晚有暴雨，请留意独居老人');
    await page.check('#urgent', true);
    await page.tap('#publish');
    expect(page.node('#error').dom.textContent).toBe('系统繁忙，请稍后再试');
    expect(page.comp.instance.data.title).toBe('紧急通知');
    expect(page.comp.instance.data.body).toBe('今晚有暴雨，请留意独居老人');

    world.handlers.publishNotice = () => ok({ notice: { id: 'n7' }, duplicate: false });
    world.handlers.getNoticeReach = () =>
      ok({
        noticeId: 'n7',
        grids: [],
        totals: { total: 40, read: 30, readInGroup: 12, toldInPerson: 2, reached: 32, unreached: 8, unreachedWithCareNeeds: 3 },
      });
    await page.tap('#publish');
    const publishes = world.calls.filter((c) => c.name === 'publishNotice');
    expect(publishes).toHaveLength(2);
    expect(publishes[0]?.data).toMatchObject({
      title: '紧急通知',
      body: '今晚有暴雨，请留意独居老人',
      urgent: true,
      scope: { kind: 'village', villageId: 'v01' },
    });
    expect(publishes[0]?.data.idempotencyKey).toMatch(/^[0-9A-Za-z_-]{8,64}$/);
    expect(publishes[1]?.data.idempotencyKey).toBe(publishes[0]?.data.idempotencyKey);
    expect(world.calls.at(-1)).toEqual({ name: 'getNoticeReach', data: { noticeId: 'n7' } });
    expect(page.node('#reach-reached').dom.textContent).toBe('32 / 40 户');
    expect(page.node('#reach-unreached').dom.textContent).toBe('8 户');
    expect(page.node('#reach-care').dom.textContent).toBe('3 户');
    expect(page.node('#reach-group').dom.textContent).toBe('12 户');
    // The draft is done: the next notice gets a new key.
    expect(page.comp.instance.data.idempotencyKey).toBe('');
  });
});

describe('grids and people', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    world.handlers.listVillageGrids = () => ok(villageGridsReply());
    page = await mount('packageCommittee/pages/grids/index', { query: { villageId: 'v01' } });
    expect(world.calls).toEqual([{ name: 'listVillageGrids', data: { villageId: 'v01' } }]);
    world.calls.length = 0;
  });
  afterEach(() => page.unmount());

  it('lists the village grids and creates a new one', async () => {
    expect(page.node('#grid-list').dom.textContent).toContain('第1网格');
    await page.tap('#create-grid');
    expect(page.node('#create-error').dom.textContent).toBe('请填写网格名称');
    expect(world.calls).toEqual([]);
    world.handlers.createGrid = () => ok({ grid: { id: 'v01-g03', villageId: 'v01', streetId: 's', name: '第3网格', code: 'ABCDEFG' }, created: true });
    await page.change('#new-grid-name', '第3网格');
    await page.tap('#create-grid');
    expect(world.calls).toEqual([{ name: 'createGrid', data: { villageId: 'v01', name: '第3网格' } }]);
    expect(page.node('#grid-list').dom.textContent).toContain('第3网格');
    expect(world.toasts).toContain('已建立第3网格');
  });

  it('issues an invitation for a grid role only with a grid, and shows its QR code', async () => {
    await page.change('#invite-role', '0'); // 网格长
    await page.tap('#issue-invitation');
    expect(page.node('#invite-error').dom.textContent).toBe('这个角色属于网格，请选择网格');
    expect(world.calls).toEqual([]);
    world.handlers.issueInvitation = () =>
      ok({
        invitationId: 'i1',
        role: 'gridLeader',
        villageId: 'v01',
        gridId: 'v01-g02',
        scene: 'SCENE123',
        fileID: 'cloud://env/invite/i1.png',
        tempFileURL: 'https://tmp/i1.png',
        expiresAt: AS_OF + 7 * DAY_MS,
      });
    await page.change('#invite-grid', '1');
    await page.tap('#issue-invitation');
    expect(world.calls).toEqual([{ name: 'issueInvitation', data: { villageId: 'v01', role: 'gridLeader', validDays: 7, gridId: 'v01-g02' } }]);
    expect(page.comp.instance.data.invitation).toMatchObject({ src: 'https://tmp/i1.png' });
    expect(page.node('#invitation-text').dom.textContent).toBe('请第2网格网格长用微信扫码加入');
    expect(page.node('#invitation-expiry').dom.textContent).toBe('有效期至 2026-12-01 10:25，只能使用一次');
  });

  it('invites a duty officer for the village, without a grid', async () => {
    world.handlers.issueInvitation = () =>
      ok({ invitationId: 'i2', role: 'dutyOfficer', villageId: 'v01', scene: 'S2', fileID: 'cloud://env/invite/i2.png', expiresAt: AS_OF });
    await page.change('#invite-role', '4'); // 值班员
    expect(page.comp.querySelector('#invite-grid')).toBeFalsy();
    await page.tap('#issue-invitation');
    expect(world.calls).toEqual([{ name: 'issueInvitation', data: { villageId: 'v01', role: 'dutyOfficer', validDays: 7 } }]);
    expect(page.comp.instance.data.invitation).toMatchObject({ src: 'cloud://env/invite/i2.png' });
    expect(page.node('#invitation-text').dom.textContent).toBe('请值班员用微信扫码加入');
  });

  it('refuses a routing change without a reason, then sends it with one', async () => {
    await page.change('#routing-grid', '0');
    await page.change('#routing-category', '1'); // 就医买药
    await page.tap('#routing-role-gridWorker');
    await page.change('#routing-reason', '   ');
    await page.tap('#save-routing');
    expect(page.node('#routing-error').dom.textContent).toBe('请填写修改原因');
    expect(world.calls).toEqual([]);
    world.handlers.updateRoutingRule = () => ok({});
    await page.change('#routing-reason', '网格员懂医药，买药由他负责');
    await page.tap('#save-routing');
    expect(world.calls).toEqual([
      {
        name: 'updateRoutingRule',
        data: { gridId: 'v01-g01', category: 'medicine', roles: ['gridWorker'], userIds: [], reason: '网格员懂医药，买药由他负责' },
      },
    ]);
    expect(world.toasts).toContain('分派已更新');
  });
});
