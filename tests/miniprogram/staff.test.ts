// @vitest-environment jsdom
// The committee's staff pages with the real TDesign components: 人员管理 lists the village's people by
// grid and removes a role only through the confirm dialog (t-dialog), revokes an unused invitation
// and sends 邀请人员 to the grids page; 战时小网格 creates a micro-grid over buildings, shows its
// temporary leader's invitation and ends it after confirmation; 服务时间与时限 shows the policy in
// force, saves what was changed and shows each error at its field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { failWith, installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';
import { fakeDateAt } from './fixtures';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Tuesday 2026-11-24 10:25 China time. */
const NOW = Date.UTC(2026, 10, 24, 2, 25, 0);
fakeDateAt(NOW);

const LEADER_ASSIGNMENT = 'gridLeader:v01-g01:o-leader';

function staffReply(overrides: Partial<FunctionOutputs['listStaff']> = {}): FunctionOutputs['listStaff'] {
  return {
    villageId: 'v01',
    staff: [
      {
        assignmentId: 'committee:v01:o-secretary',
        userId: 'o-secretary',
        displayName: '李书记',
        role: 'committee',
        roleLabel: '两委成员',
        phone: '13800000001',
        assignedAt: NOW - DAY_MS,
      },
      {
        assignmentId: LEADER_ASSIGNMENT,
        userId: 'o-leader',
        displayName: '王网格',
        role: 'gridLeader',
        roleLabel: '网格长',
        gridId: 'v01-g01',
        gridName: '第1网格',
        phone: '13800000002',
        assignedAt: NOW - DAY_MS,
      },
      {
        assignmentId: 'gridWorker:v01-g01:o-temp',
        userId: 'o-temp',
        displayName: '孙临时',
        role: 'gridWorker',
        roleLabel: '网格员',
        gridId: 'v01-g01',
        gridName: '第1网格',
        microGridId: 'mg-1',
        assignedAt: NOW - HOUR_MS,
      },
    ],
    invitations: [
      {
        invitationId: 'INV0000001',
        role: 'buildingLeader',
        roleLabel: '楼栋长',
        gridId: 'v01-g02',
        gridName: '第2网格',
        invitedBy: 'o-secretary',
        invitedByName: '李书记',
        createdAt: NOW - HOUR_MS,
        expiresAt: Date.UTC(2026, 11, 1, 3, 0, 0),
      },
    ],
    microGrids: [
      {
        id: 'mg-1',
        gridId: 'v01-g01',
        villageId: 'v01',
        name: '封控一号楼',
        buildings: ['1栋', '2栋'],
        leaderUserId: 'o-temp',
        leaderName: '孙临时',
        gridName: '第1网格',
        createdAt: NOW - HOUR_MS,
      },
      {
        id: 'mg-0',
        gridId: 'v01-g02',
        villageId: 'v01',
        name: '旧小网格',
        buildings: [],
        formerBuildings: ['5栋'],
        gridName: '第2网格',
        createdAt: NOW - 10 * DAY_MS,
        endedAt: NOW - 2 * DAY_MS,
      },
    ],
    grids: [
      { gridId: 'v01-g01', name: '第1网格' },
      { gridId: 'v01-g02', name: '第2网格' },
    ],
    ...overrides,
  };
}

describe('人员管理 (staff)', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    world.handlers.listStaff = () => ok(staffReply());
    page = await mount('packageCommittee/pages/staff/index', { query: { villageId: 'v01' } });
  });
  afterEach(() => page.unmount());

  it('lists the people by grid with names, roles and phones, and the unused invitations', () => {
    expect(world.calls).toEqual([{ name: 'listStaff', data: { villageId: 'v01' } }]);
    expect(page.node('#staff-count').dom.textContent).toBe('共 3 个职务');
    expect(page.textOf('#group-village')).toContain('村（社区）职务李书记 · 两委成员');
    const grid1 = page.textOf('#group-v01-g01');
    expect(grid1).toContain('第1网格王网格 · 网格长');
    expect(grid1).toContain('拨打 13800000002');
    expect(grid1).toContain('孙临时 · 网格员 临时（封控一号楼）');
    expect(page.textOf('#invitations')).toContain('第2网格 楼栋长 · 李书记邀请');
    expect(page.textOf('#invitations')).toContain('有效期至 2026-12-01 11:00');
  });

  it('removes a role only after the dialog is confirmed, then lists the village again', async () => {
    expect(page.comp.querySelector('#remove-dialog')).toBeFalsy();
    await page.tap('#remove-gridLeader-v01-g01-o-leader');
    expect(page.textOf('#remove-question')).toContain('移除王网格的第1网格 网格长职务？');
    expect(world.calls.map((c) => c.name)).toEqual(['listStaff']);

    // Cancelled: nothing is sent and the dialog closes.
    await page.tap('#remove-cancel');
    expect(page.comp.querySelector('#remove-dialog')).toBeFalsy();
    expect(world.calls.map((c) => c.name)).toEqual(['listStaff']);

    world.handlers.removeRole = () => ok({ assignmentId: LEADER_ASSIGNMENT, removed: true });
    world.handlers.listStaff = () => ok(staffReply({ staff: staffReply().staff.filter((s) => s.assignmentId !== LEADER_ASSIGNMENT) }));
    await page.tap('#remove-gridLeader-v01-g01-o-leader');
    await page.tap('#remove-confirm');
    expect(world.calls.slice(1)).toEqual([
      { name: 'removeRole', data: { villageId: 'v01', assignmentId: LEADER_ASSIGNMENT } },
      { name: 'listStaff', data: { villageId: 'v01' } },
    ]);
    expect(world.toasts).toContain('已移除王网格的网格长职务');
    expect(page.comp.querySelector('#remove-dialog')).toBeFalsy();
    expect(page.textOf('#group-v01-g01')).not.toContain('王网格');
    expect(page.node('#staff-count').dom.textContent).toBe('共 2 个职务');
  });

  it('says why the last committee member cannot be removed, and keeps them listed', async () => {
    world.handlers.removeRole = () => failWith('STAFF.LAST_COMMITTEE', '这是本村（社区）最后一位两委成员，不能移除；请先邀请新的两委成员');
    await page.tap('#remove-committee-v01-o-secretary');
    await page.tap('#remove-confirm');
    expect(page.node('#error').dom.textContent).toBe('这是本村（社区）最后一位两委成员，不能移除；请先邀请新的两委成员');
    expect(page.textOf('#group-village')).toContain('李书记');
  });

  it('revokes an unused invitation (撤销) and lists the village again without it', async () => {
    world.handlers.revokeInvitation = () => ok({ invitationId: 'INV0000001', revokedAt: NOW, revoked: true });
    world.handlers.listStaff = () => ok(staffReply({ invitations: [] }));
    await page.tap('#revoke-INV0000001');
    expect(world.calls.slice(1)).toEqual([
      { name: 'revokeInvitation', data: { invitationId: 'INV0000001' } },
      { name: 'listStaff', data: { villageId: 'v01' } },
    ]);
    expect(world.toasts).toContain('邀请已撤销');
    expect(page.node('#no-invitations').dom.textContent).toBe('没有未使用的邀请');
  });

  it('opens the grids page to invite someone, and lists again on coming back', async () => {
    await page.tap('#invite');
    expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/packageCommittee/pages/grids/index?villageId=v01' });
    await page.show();
    expect(world.calls.map((c) => c.name)).toEqual(['listStaff', 'listStaff']);
  });

  it('calls a person by tapping their number', async () => {
    await page.tap('#phone-gridLeader-v01-g01-o-leader');
    expect(world.phoneCalls).toEqual(['13800000002']);
  });
});

describe('战时小网格 (micro-grids)', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    world.handlers.listStaff = () => ok(staffReply());
    page = await mount('packageCommittee/pages/microgrids/index', { query: { villageId: 'v01' } });
  });
  afterEach(() => page.unmount());

  it('shows open micro-grids with their buildings and leader, ended ones with when they ended', () => {
    expect(page.textOf('#micro-mg-1')).toContain('封控一号楼 · 第1网格楼栋：1栋、2栋临时负责人：孙临时');
    expect(page.textOf('#micro-mg-0')).toContain('楼栋：5栋');
    expect(page.node('#ended-mg-0').dom.textContent).toBe('已于 2026-11-22 10:25 结束');
    expect(page.comp.querySelector('#end-mg-0')).toBeFalsy();
  });

  it('asks for a grid and buildings before creating, then creates over the buildings typed', async () => {
    await page.change('#name', '封控三号楼');
    await page.tap('#create-button');
    expect(page.node('#create-error').dom.textContent).toBe('请选择网格');
    await page.change('#grid-picker', 1);
    await page.tap('#create-button');
    expect(page.node('#create-error').dom.textContent).toBe('请填写包含的楼栋，如：1栋、2栋');
    expect(world.calls.map((c) => c.name)).toEqual(['listStaff']);

    world.handlers.createMicroGrid = () =>
      ok({ microGrid: { id: 'mg-3', gridId: 'v01-g02', villageId: 'v01', name: '封控三号楼', buildings: ['3栋', '4栋'] }, created: true });
    await page.change('#buildings', '3栋、4栋 3栋');
    await page.tap('#create-button');
    expect(world.calls[1]).toEqual({ name: 'createMicroGrid', data: { gridId: 'v01-g02', name: '封控三号楼', buildings: ['3栋', '4栋'] } });
    expect(world.toasts).toContain('已建立封控三号楼');
    expect(world.calls.at(-1)?.name).toBe('listStaff');
  });

  it('invites the temporary leader with an invitation carrying the micro-grid, and shows its QR code', async () => {
    world.handlers.issueInvitation = () =>
      ok({
        invitationId: 'INV0000009',
        role: 'gridWorker',
        villageId: 'v01',
        gridId: 'v01-g01',
        scene: 'IA00x',
        fileID: 'cloud://env/invitations/INV0000009.png',
        expiresAt: Date.UTC(2026, 11, 1, 3, 0, 0),
      });
    await page.tap('#invite-mg-1');
    expect(world.calls.at(-1)).toEqual({
      name: 'issueInvitation',
      data: { villageId: 'v01', gridId: 'v01-g01', role: 'gridWorker', microGridId: 'mg-1', validDays: 7 },
    });
    expect(page.node('#invitation-text').dom.textContent).toBe('请封控一号楼的临时负责人用微信扫码加入');
    expect(page.node('#invitation-expiry').dom.textContent).toBe('有效期至 2026-12-01 11:00，只能使用一次');
  });

  it('ends a micro-grid only after confirmation', async () => {
    world.modalConfirms = false;
    await page.tap('#end-mg-1');
    expect(world.modals.at(-1)?.title).toBe('结束封控一号楼？');
    expect(world.calls.map((c) => c.name)).toEqual(['listStaff']);

    world.modalConfirms = true;
    world.handlers.endMicroGrid = () => ok({ microGridId: 'mg-1', endedAt: NOW, ended: true, rolesEnded: 1 });
    const ended = staffReply().microGrids.map((m) =>
      m.id === 'mg-1' ? { ...m, buildings: [], formerBuildings: m.buildings, leaderUserId: undefined, formerLeaderUserId: 'o-temp', endedAt: NOW } : m,
    );
    world.handlers.listStaff = () => ok(staffReply({ microGrids: ended }));
    await page.tap('#end-mg-1');
    expect(world.calls.slice(1)).toEqual([
      { name: 'endMicroGrid', data: { microGridId: 'mg-1' } },
      { name: 'listStaff', data: { villageId: 'v01' } },
    ]);
    expect(world.toasts).toContain('封控一号楼已结束');
    expect(page.node('#ended-mg-1').dom.textContent).toBe('已于 2026-11-24 10:25 结束');
    expect(page.comp.querySelector('#end-mg-1')).toBeFalsy();
  });
});

function policyReply(): FunctionOutputs['getVillagePolicy'] {
  const workday = [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ];
  return {
    villageId: 'v01',
    stored: null,
    resolved: {
      responseTargetMs: 10 * MINUTE_MS,
      urgentResponseTargetMs: 10 * MINUTE_MS,
      urgentAroundTheClock: true,
      escalationSteps: [{ level: 1, audience: 'otherLeaders', afterTargetMs: 0 }],
      autoCloseAfterDays: 7,
      calendar: {
        weeklyHours: { 0: [], 1: workday, 2: workday, 3: workday, 4: workday, 5: workday, 6: [{ start: '09:00', end: '12:00' }] },
        holidays: ['2026-12-24'],
        emergencyMode: false,
      },
      urgentToAllLeaders: true,
      dutyRota: [],
      dueSoonBeforeMs: 3 * MINUTE_MS,
      sms: { enabled: true, dailyBudget: 200 },
      quickReplies: [],
      resolutionTargetsMs: {
        supplies: 72 * HOUR_MS,
        medicine: 24 * HOUR_MS,
        elderlyCare: 24 * HOUR_MS,
        sanitation: 72 * HOUR_MS,
        repairs: 72 * HOUR_MS,
        dispute: 72 * HOUR_MS,
        healthReport: 24 * HOUR_MS,
        consultation: 72 * HOUR_MS,
        other: 72 * HOUR_MS,
      },
    },
  };
}

describe('服务时间与时限 (policy)', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    world.handlers.getVillagePolicy = () => ok(policyReply());
    page = await mount('packageCommittee/pages/policy/index', { query: { villageId: 'v01' } });
  });
  afterEach(() => page.unmount());

  const data = () => page.comp.instance.data as Record<string, unknown>;

  it('shows the policy in force', () => {
    expect(world.calls).toEqual([{ name: 'getVillagePolicy', data: { villageId: 'v01' } }]);
    const days = data().days as { weekday: number; hours: string }[];
    expect(days.map((d) => d.hours)).toEqual([
      '08:30-12:00, 14:00-17:30',
      '08:30-12:00, 14:00-17:30',
      '08:30-12:00, 14:00-17:30',
      '08:30-12:00, 14:00-17:30',
      '08:30-12:00, 14:00-17:30',
      '09:00-12:00',
      '',
    ]);
    expect(data()).toMatchObject({ holidaysText: '2026-12-24', responseMinutes: '10', urgentMinutes: '10', urgentAroundTheClock: true, emergencyMode: false });
    expect(page.textOf('#resolution')).toContain('就医买药');
  });

  it('saves hours, targets, urgent cover and emergency mode through the form, sending only the changed resolution targets', async () => {
    world.handlers.setVillagePolicy = () => ok({ policy: {} });
    await page.change('#weekday-6', '');
    await page.change('#special', '2026-12-26 9:00-12:00');
    await page.change('#response', '15');
    await page.change('#urgent', '5');
    await page.check('#urgent-clock', false);
    await page.check('#urgent-all', false);
    await page.check('#emergency', true);
    await page.change('#resolution-repairs', '48');
    await page.tap('#save');
    const sent = world.calls.find((c) => c.name === 'setVillagePolicy')!.data;
    expect(sent).toMatchObject({
      villageId: 'v01',
      responseTargetMinutes: 15,
      urgentResponseTargetMinutes: 5,
      urgentAroundTheClock: false,
      urgentToAllLeaders: false,
      resolutionTargetsMs: { repairs: 48 * HOUR_MS },
    });
    const calendar = sent.calendar as {
      weeklyHours: { weekday: number; intervals: unknown[] }[];
      holidays: string[];
      specialHours: unknown[];
      emergencyMode: boolean;
    };
    expect(calendar.emergencyMode).toBe(true);
    expect(calendar.holidays).toEqual(['2026-12-24']);
    expect(calendar.specialHours).toEqual([{ date: '2026-12-26', intervals: [{ start: '09:00', end: '12:00' }] }]);
    expect(calendar.weeklyHours.find((d) => d.weekday === 6)?.intervals).toEqual([]);
    expect(calendar.weeklyHours.find((d) => d.weekday === 1)?.intervals).toEqual([
      { start: '08:30', end: '12:00' },
      { start: '14:00', end: '17:30' },
    ]);
    expect(world.toasts).toContain('已保存');
    expect(world.calls.at(-1)?.name).toBe('getVillagePolicy');
  });

  it('shows what cannot be read at its field, and sends nothing', async () => {
    await page.change('#weekday-1', '早上八点');
    await page.change('#holidays', '12月24日');
    await page.change('#response', '');
    await page.tap('#save');
    expect(page.node('#error-weekday-1').dom.textContent).toBe('请按“08:30-12:00, 14:00-17:30”填写');
    expect(page.node('#error-holidays').dom.textContent).toBe('日期请按“2026-12-24”填写，多个日期用逗号隔开');
    expect(page.node('#error-response').dom.textContent).toBe('请填写分钟数');
    expect(world.calls.map((c) => c.name)).toEqual(['getVillagePolicy']);
    // Corrected, the field's error goes away.
    await page.change('#response', '12');
    expect(page.comp.querySelector('#error-response')).toBeFalsy();
  });

  it('shows the phone’s schema check at its field (a resolution target out of range)', async () => {
    await page.change('#resolution-medicine', '0.1');
    await page.tap('#save');
    expect(page.node('#error-resolution-medicine').dom.textContent).not.toBe('');
    expect(world.calls.map((c) => c.name)).toEqual(['getVillagePolicy']);
  });

  it('shows the server’s refusal at the field it names', async () => {
    world.handlers.setVillagePolicy = () => ({
      ok: false,
      code: 'POLICY.INVALID',
      message: '紧急诉求的响应时限不能长于一般诉求',
      details: { field: 'urgentResponseTargetMinutes' },
    });
    await page.change('#urgent', '30');
    await page.tap('#save');
    expect(page.node('#error-urgent').dom.textContent).toBe('紧急诉求的响应时限不能长于一般诉求');
    expect(page.node('#error').dom.textContent).toBe('紧急诉求的响应时限不能长于一般诉求');
  });
});
