// @vitest-environment jsdom
// 我的信息: the page shows what is held about the resident in plain words, sends their correction of
// the household's phone, care needs and noSmartphone, and asks before leaving the grid, saying what
// will be deleted. Rendered with the real components; the service layer's calls are what is checked.
import { beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { failWith, installWorld, mount, ok, type FakeWorld } from './harness';
import { fakeDateAt } from './fixtures';

/** Tuesday 2024-03-05 14:00 in China. */
const NOW = Date.UTC(2024, 2, 5, 6, 0, 0);
const JOINED_AT = Date.UTC(2024, 1, 1, 2, 0, 0);

function information(over: Partial<FunctionOutputs['getMyInformation']> = {}): FunctionOutputs['getMyInformation'] {
  return {
    membership: {
      gridId: 'g1',
      gridName: '第三网格',
      villageName: '幸福里',
      joinedAt: JOINED_AT,
      verification: 'verified',
      privacyConsent: { version: '2026-01', at: JOINED_AT },
    },
    household: {
      householdId: 'h1',
      building: '3号楼',
      unit: '2单元',
      room: '501',
      details: { phone: '13912345678', careNeeds: ['elderlyAlone'], noSmartphone: false },
    },
    requestCount: 2,
    ...over,
  };
}

let world: FakeWorld;
const callsOf = (name: string) => world.calls.filter((c) => c.name === name);
fakeDateAt(NOW);
beforeEach(() => {
  world = installWorld();
});

describe('my information page', () => {
  it('shows what is held: grid, join time, verification, consent, address, phone, care needs, requests', async () => {
    world.handlers.getMyInformation = () => ok(information());
    const page = await mount('pages/me/index');
    expect(page.textOf('#held-grid')).toContain('幸福里 第三网格');
    expect(page.textOf('#held-verification')).toContain('已核实');
    expect(page.textOf('#held-consent')).toContain('已同意（2026-01版');
    expect(page.textOf('#held-address')).toContain('3号楼 2单元 501');
    expect(page.textOf('#held-requests')).toContain('2 条');
    expect(page.text()).toContain('住址如需更改，请重新扫描网格二维码加入');
    expect(page.node('#phone')).toBeTruthy();
    expect(page.node('#care-elderlyAlone')).toBeTruthy();
  });

  it("hides the household's fields from a pending member and says why", async () => {
    world.handlers.getMyInformation = () =>
      ok(information({ membership: { ...information().membership!, verification: 'pending' }, household: { ...information().household!, details: null } }));
    const page = await mount('pages/me/index');
    expect(page.textOf('#held-verification')).toContain('待核实');
    expect(() => page.node('#correct')).toThrow();
    expect(page.text()).not.toContain('13912345678');
  });

  it('sends a correction of phone, care needs and noSmartphone', async () => {
    world.handlers.getMyInformation = () => ok(information());
    world.handlers.updateMyInformation = (data) =>
      ok({ outcome: 'updated', details: { phone: data.phone, careNeeds: data.careNeeds, noSmartphone: data.noSmartphone } });
    const page = await mount('pages/me/index');
    await page.change('#phone', '13800138000');
    await page.check('#care-sick', true);
    await page.check('#no-smartphone', true);
    await page.tap('#save');
    expect(callsOf('updateMyInformation')).toEqual([
      { name: 'updateMyInformation', data: { phone: '13800138000', careNeeds: ['elderlyAlone', 'sick'], noSmartphone: true } },
    ]);
    expect(page.textOf('#saved')).toBe('已保存修改');
  });

  it("shows the backend's refusal of a correction", async () => {
    world.handlers.getMyInformation = () => ok(information());
    world.handlers.updateMyInformation = () => failWith('MEMBER.NOT_VERIFIED', '您的住户身份还在核实中');
    const page = await mount('pages/me/index');
    await page.tap('#save');
    expect(page.textOf('#error')).toContain('核实中');
  });

  it('asks before leaving, saying what is deleted, and sends nothing when the resident cancels', async () => {
    world.handlers.getMyInformation = () => ok(information());
    world.modalConfirms = false;
    const page = await mount('pages/me/index');
    await page.tap('#leave');
    expect(world.modals).toHaveLength(1);
    expect(world.modals[0]?.title).toContain('退出网格');
    expect(world.modals[0]?.content).toContain('删除');
    expect(world.modals[0]?.content).toContain('电话');
    expect(callsOf('leaveGrid')).toEqual([]);
  });

  it('leaves once confirmed: the phone forgets the grid and goes home', async () => {
    world.handlers.getMyInformation = () => ok(information());
    world.handlers.leaveGrid = () => ok({ left: true, householdErased: true, requestsAnonymised: 2 });
    world.storage.set('lx.membership', { gridId: 'g1', gridName: '第三网格', villageName: '幸福里' });
    world.modalConfirms = true;
    const page = await mount('pages/me/index');
    await page.tap('#leave');
    expect(callsOf('leaveGrid')).toEqual([{ name: 'leaveGrid', data: {} }]);
    expect(world.storage.has('lx.membership')).toBe(false);
    expect(world.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/home/index' }]);
    expect(world.toasts).toEqual(['已退出网格']);
  });

  it('says so when nothing is held', async () => {
    world.handlers.getMyInformation = () => ok({ membership: null, household: null, requestCount: 0 });
    const page = await mount('pages/me/index');
    expect(page.textOf('#not-joined')).toContain('您还没有加入网格');
  });
});
