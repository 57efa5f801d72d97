// @vitest-environment jsdom
// The leader roster's 待核实 households: a household only a pending member claimed is marked, and a
// leader confirms the member (verifyMember confirm) or, after a confirmation, rejects the claim.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../core/src/schemas';
import { installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';

const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);
const HOUR = 60 * 60 * 1000;

let world: FakeWorld;
let page: Mounted | null = null;
const callsOf = (name: string) => world.calls.filter((c) => c.name === name);
beforeEach(() => {
  world = installWorld();
  page = null;
});

function roster(pending: boolean): FunctionOutputs['getGridRoster'] {
  return {
    grid: { id: 'g1', name: '第一网格', villageId: 'v1' },
    leaders: [{ userId: 'leader-a', role: 'gridLeader' }],
    notice: { id: 'n1', title: '周六停水通知', publishedAt: NOW - HOUR, urgent: false },
    totalHouseholds: 1,
    totals: {
      households: 1,
      joined: pending ? 0 : 1,
      withCareNeeds: 1,
      notice: { read: pending ? 0 : 1, toldInPerson: 0, unreached: pending ? 1 : 0, unreachedWithCareNeeds: pending ? 1 : 0 },
    },
    households: [
      {
        householdId: 'h1',
        building: '3号楼',
        unit: '2单元',
        room: '501',
        careNeeds: ['elderlyAlone'],
        noSmartphone: false,
        members: [{ userId: 'o-stranger', joinedAt: NOW - HOUR, ...(pending ? { claimPending: true as const } : {}) }],
        noticeState: pending ? 'unreached' : 'read',
        ...(pending ? { claimPending: true as const } : {}),
      },
    ],
    nextCursor: null,
  };
}

describe('leader roster: households claimed, then verified', () => {
  it('marks a household only a pending member claimed as 待核实, its read not counted', async () => {
    world.handlers.getGridRoster = () => ok(roster(true));
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    const row = page.node('#household-h1').dom.textContent ?? '';
    expect(row).toContain('待核实');
    expect(row).toContain('未读');
    expect(row).toContain('第1位入格住户待核实');
    expect(page.text()).not.toContain('o-stranger');
  });

  it('confirms the member with one tap and shows the household read', async () => {
    let confirmed = false;
    world.handlers.getGridRoster = () => ok(roster(!confirmed));
    world.handlers.verifyMember = () => {
      confirmed = true;
      return ok({ userId: 'o-stranger', householdId: 'h1', outcome: 'confirmed' });
    };
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    await page.tap('#confirm-o-stranger');
    expect(callsOf('verifyMember')).toEqual([{ name: 'verifyMember', data: { userId: 'o-stranger', decision: 'confirm' } }]);
    expect(world.toasts).toContain('已确认为本户住户');
    const row = page.node('#household-h1').dom.textContent ?? '';
    expect(row).not.toContain('待核实');
    expect(row).toContain('已读');
  });

  it('rejects a claim only after the leader confirms it in a dialog', async () => {
    world.handlers.getGridRoster = () => ok(roster(true));
    world.handlers.verifyMember = () => ok({ userId: 'o-stranger', householdId: 'h1', outcome: 'rejected' });
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    world.modalConfirms = false;
    await page.tap('#reject-o-stranger');
    expect(world.modals.at(-1)?.title).toBe('不是本户住户');
    expect(callsOf('verifyMember')).toEqual([]);
    world.modalConfirms = true;
    await page.tap('#reject-o-stranger');
    expect(callsOf('verifyMember')).toEqual([{ name: 'verifyMember', data: { userId: 'o-stranger', decision: 'reject' } }]);
    expect(world.toasts).toContain('已撤销其登记');
  });
});

describe('通知触达: a household only a pending member read stays unreached, marked', () => {
  it('shows 待核实 on the unreached household', async () => {
    const reach: FunctionOutputs['getNoticeReach'] = {
      noticeId: 'n1',
      title: '周六停水通知',
      publishedAt: NOW - HOUR,
      grids: [
        {
          gridId: 'g1',
          gridName: '第1网格',
          total: 2,
          read: 1,
          readInGroup: 0,
          toldInPerson: 0,
          reached: 1,
          unreachedWithCareNeeds: 1,
          unreachedClaimPending: 1,
          unreached: [{ householdId: 'h-claimed', building: '12栋', unit: '1单元', room: '1001', careNeeds: ['elderlyAlone'], claimPending: true }],
        },
      ],
      totals: { total: 2, read: 1, readInGroup: 0, toldInPerson: 0, reached: 1, unreached: 1, unreachedWithCareNeeds: 1, unreachedClaimPending: 1 },
    };
    world.handlers.getNoticeReach = () => ok(reach);
    page = await mount('packageCommittee/pages/noticeReach/index', { query: { id: 'n1' } });
    const row = page.node('#household-h-claimed').dom.textContent ?? '';
    expect(row).toContain('待核实');
    expect(row).toContain('重点人群：独居老人');
  });
});
