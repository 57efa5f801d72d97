// @vitest-environment jsdom
// The resident pages other than home and submit, and the subpackage stubs: what the user sees
// and what the service layer was asked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failWith, installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';

const NOW = Date.UTC(2024, 2, 5, 6, 0, 0);
const SECOND = 1000;

let world: FakeWorld;
let page: Mounted | null = null;
beforeEach(() => {
  world = installWorld();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  page?.unmount();
  page = null;
  vi.useRealTimers();
});

describe('join page', () => {
  it('joins with the QR scene, the address once and the care flags, then remembers the grid', async () => {
    world.handlers.joinGrid = () => ok({ gridId: 'g1', gridName: '第三网格', villageName: '幸福里' });
    page = await mount('pages/join/index', { query: { scene: encodeURIComponent('j=abc123') } });
    await page.change('#building', ' 3号楼 ');
    await page.change('#room', '501');
    page.node('#care-elderlyAlone').dispatchEvent('change', { detail: { checked: true } });
    await page.tap('#join');
    expect(world.calls).toEqual([{ name: 'joinGrid', data: { scene: 'j=abc123', household: { building: '3号楼', room: '501', careNeeds: ['elderlyAlone'] } } }]);
    expect(world.storage.get('lx.membership')).toEqual({ gridId: 'g1', gridName: '第三网格', villageName: '幸福里' });
    expect(world.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/home/index' }]);
  });

  it('shows the plain message for an expired code and stays', async () => {
    world.handlers.joinGrid = () => failWith('TOKEN.EXPIRED');
    page = await mount('pages/join/index', { query: { scene: 'j=old' } });
    await page.tap('#join');
    expect(page.node('#error').dom.textContent).toBe('二维码已过期，请向网格长索取新的二维码');
    expect(world.navigations).toEqual([]);
  });

  it('explains what to do when opened without a code', async () => {
    page = await mount('pages/join/index');
    expect(page.text()).toContain('没有识别到网格二维码');
  });
});

describe('my requests page', () => {
  it('shows each request with its state and a countdown only while awaiting a reply', async () => {
    world.handlers.listMyRequests = () =>
      ok({
        items: [
          { requestId: 'r1', category: 'repairs', text: '灯坏了', state: 'submitted', createdAt: NOW - 60 * SECOND, responseDueAt: NOW + 299 * SECOND },
          { requestId: 'r2', category: 'medicine', text: '买药', state: 'inProgress', createdAt: NOW, responseDueAt: NOW - SECOND },
        ],
      });
    page = await mount('pages/requests/index');
    expect(world.calls).toEqual([{ name: 'listMyRequests', data: { limit: 20 } }]);
    const first = page.node('#request-r1').dom.textContent ?? '';
    expect(first).toContain('维修');
    expect(first).toContain('待响应');
    expect(first).toContain('剩 4 分 59 秒');
    expect(page.node('#request-r2').dom.textContent).not.toContain('剩');
    expect(page.hasClass('lx-tone-normal')).toBe(true);
  });

  it('ticks the countdown to amber and then red at fixed instants', async () => {
    world.handlers.listMyRequests = () => ok({ items: [{ requestId: 'r1', category: 'repairs', text: 'x', state: 'submitted', responseDueAt: NOW + 200 * SECOND }] });
    page = await mount('pages/requests/index');
    vi.setSystemTime(NOW + 30 * SECOND);
    (page.comp.instance['tick'] as () => void)();
    await Promise.resolve();
    expect(page.node('#request-r1').dom.textContent).toContain('剩 2 分 50 秒');
    expect(page.hasClass('lx-tone-warning')).toBe(true);
    vi.setSystemTime(NOW + 265 * SECOND);
    (page.comp.instance['tick'] as () => void)();
    expect(page.node('#request-r1').dom.textContent).toContain('已超时 1 分 5 秒');
    expect(page.hasClass('lx-tone-overdue')).toBe(true);
  });
});

describe('request page', () => {
  const resolved = { request: { requestId: 'r1', category: 'repairs', text: '灯坏了', state: 'resolved' }, events: [{ at: NOW, message: '已派电工修好' }] };

  it('shows the timeline and confirms with a rating', async () => {
    world.handlers.getRequest = () => ok(resolved);
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.text()).toContain('已派电工修好');
    await page.change('#rating', 4);
    await page.tap('#confirm');
    expect(world.calls.map((c) => c.name)).toEqual(['getRequest', 'confirmRequest', 'getRequest']);
    expect(world.calls[1]?.data).toEqual({ requestId: 'r1', rating: 4 });
  });

  it('asks for a rating before confirming, and a reason before reopening', async () => {
    world.handlers.getRequest = () => ok(resolved);
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    await page.tap('#confirm');
    expect(page.node('#error').dom.textContent).toBe('请先打分（1 到 5 星）');
    await page.tap('#reopen');
    expect(page.node('#error').dom.textContent).toBe('请写下没有解决的原因');
    await page.change('#reason', '灯还是不亮');
    await page.tap('#reopen');
    expect(world.calls[1]).toEqual({ name: 'reopenRequest', data: { requestId: 'r1', reason: '灯还是不亮' } });
  });

  it('offers no confirmation before the request is resolved', async () => {
    world.handlers.getRequest = () => ok({ ...resolved, request: { ...resolved.request, state: 'inProgress' } });
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#confirm') ?? null).toBeNull();
    expect(page.text()).toContain('处理中');
  });
});

describe('notices', () => {
  it('lists notices with the unread marked and opens one', async () => {
    world.handlers.listNotices = () => ok({ items: [{ noticeId: 'n1', title: '停水', read: false }, { noticeId: 'n2', title: '疫苗', read: true }] });
    page = await mount('pages/notices/index');
    expect(page.node('#notice-n1').dom.textContent).toContain('未读');
    expect(page.node('#notice-n2').dom.textContent).not.toContain('未读');
    await page.tap('#notice-n2');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/notice/index?id=n2' }]);
  });

  it('opening a notice shows it and marks it read', async () => {
    world.handlers.listNotices = () => ok({ items: [{ noticeId: 'n1', title: '停水', body: '周六 8 点到 12 点停水', publishedAt: NOW }] });
    page = await mount('pages/notice/index', { query: { id: 'n1' } });
    expect(page.node('#body').dom.textContent).toBe('周六 8 点到 12 点停水');
    expect(world.calls.at(-1)).toEqual({ name: 'markNoticeRead', data: { noticeId: 'n1' } });
  });
});

describe('subpackage stubs', () => {
  const stubs = ['packageLeader/pages/inbox/index', 'packageLeader/pages/request/index', 'packageLeader/pages/roster/index', 'packageLeader/pages/qrcode/index', 'packageCommittee/pages/grids/index', 'packageCommittee/pages/publish/index', 'packageCommittee/pages/dashboard/index'];
  it.each(stubs)('%s renders and says it is not built yet', async (path) => {
    page = await mount(path);
    expect(page.node('#pending').dom.textContent).toBe('此功能正在建设中');
    page.unmount();
    page = null;
  });
});
