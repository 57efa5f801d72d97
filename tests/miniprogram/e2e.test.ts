// @vitest-environment jsdom
// End to end: the real resident pages (miniprogram-simulate) with the service layer's emulator
// transport going over real HTTP to a real emulator running the built cloud functions and the seeded
// demo street. The fake wx.request forwards each call to `<emu>/wx/callFunction` with the header the
// page set (APP_CONFIG.devOpenid); leaders and the committee act through backend.call. Run
// `npm run build:functions` first.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_CONFIG } from '../../miniprogram/config';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import { onePageAtATime, postJson, routeToEmulator, STEP_LIMIT_MS, until, type Forwarded } from './emulator-phone';
import { installWorld, mount, type FakeWorld } from './harness';

const GOLDEN_MINUTES = 10;
const REPAIRS_INDEX = 4; // CATEGORY_ORDER: supplies, medicine, elderlyCare, sanitation, repairs
const RATING = 5;
const RESIDENT = APP_CONFIG.devOpenid;
const TEMPLATE = APP_CONFIG.templateIds.requestUpdated;

async function mintCloudId(emuUrl: string, opengid: string): Promise<string> {
  const res = await postJson(`${emuUrl}/__emulator/cloudid`, {}, { opengid });
  return (res.data as { cloudID: string }).cloudID;
}

/**
 * Adds an API to the fake wx after pages were mounted: miniprogram-simulate merges the global wx into
 * its own object on the first load, so the global is no longer world.wx by then.
 */
function setWx(world: FakeWorld, name: string, fn: unknown): void {
  world.wx[name] = fn;
  (globalThis as unknown as { wx: Record<string, unknown> }).wx[name] = fn;
}

/** Opens the mini-program from a group card: WeChat gives a shareTicket and, on request, the group's cloudID. */
function enterFromGroup(world: FakeWorld, cloudID: string, path = 'pages/join/index', query: Record<string, string> = {}): void {
  setWx(world, 'getEnterOptionsSync', () => ({ scene: 1044, path, query, shareTicket: 'ticket-e2e' }));
  setWx(world, 'getGroupEnterInfo', (opts: { success?: (r: unknown) => void }) =>
    opts.success?.({ cloudID, encryptedData: '', iv: '', errMsg: 'getGroupEnterInfo:ok' }),
  );
}

describe('resident journey against the real backend', () => {
  let backend: TestBackend;
  let world: FakeWorld;
  const screen = onePageAtATime();
  const phone: { openid: string | null } = { openid: null };
  const forwarded: Forwarded[] = [];
  // The seeded street: the first grid, its leader, its village's committee, a household nobody joined.
  let gridId = '';
  let gridName = '';
  let leader = '';
  let committee = '';
  let noticeId = '';
  let requestId = '';
  const NOTICE_TITLE = '周六上午停水通知';
  const REQUEST_TEXT = '三单元楼道灯坏了一周，晚上看不见台阶';

  beforeAll(async () => {
    backend = await startTestBackend();
    const grid = backend.street.people.grids[0];
    if (grid === undefined) throw new Error('the seed has no grid');
    gridId = grid.gridId;
    gridName = backend.street.grids.find((g) => g.id === gridId)?.name ?? '';
    leader = grid.leaders.gridLeader;
    committee = backend.street.people.committee[grid.villageId] ?? '';
    const published = await backend.call<{ notice: { id: string } }>(
      'publishNotice',
      { title: NOTICE_TITLE, body: '因管道检修，周六 8 点到 12 点停水，请提前储水。', scope: { kind: 'village', villageId: grid.villageId } },
      committee,
    );
    expect(published.ok).toBe(true);
    noticeId = published.data?.notice.id ?? '';
    world = installWorld({ envVersion: 'develop' });
    routeToEmulator(world, backend.emu.url, phone, forwarded);
  }, STEP_LIMIT_MS * 3);

  afterAll(async () => {
    screen.close();
    vi.useRealTimers();
    await backend?.emu.stop();
  });

  it("joins with a real scene from getJoinCode, giving an unjoined household's address once", async () => {
    const code = await backend.call<{ scene: string }>('getJoinCode', { gridId }, leader);
    expect(code.ok).toBe(true);
    const unjoined = backend.street.people.grids[0]?.unjoined[0];
    const household = backend.street.households.find((h) => h.id === unjoined?.householdId);
    if (household === undefined) throw new Error('the seed has no unjoined household');
    const join = screen.show(await mount('pages/join/index', { query: { scene: encodeURIComponent(code.data?.scene ?? '') } }));
    await join.change('#building', household.building ?? '');
    await join.change('#unit', household.unit ?? '');
    await join.change('#room', household.room ?? '');
    await join.check('#care-elderlyAlone', true);
    await join.check('#privacy-consent', true);
    await join.tap('#join');
    await until('joinGrid answered', () => world.navigations.length > 0);
    // The request really went to the emulator, from the page's dev openid.
    expect(world.requests[0]?.url).toBe(`${APP_CONFIG.emulatorUrl}/wx/callFunction`);
    expect(forwarded.at(-1)).toMatchObject({ name: 'joinGrid', openid: RESIDENT, result: { ok: true } });
    // Anyone with the code can name a door: the claim waits (待核实) until the grid leader confirms it.
    expect(forwarded.at(-1)).toMatchObject({ result: { data: { claimPending: true } } });
    expect((await backend.call('verifyMember', { userId: RESIDENT, decision: 'confirm' }, leader)).ok).toBe(true);
    expect(world.toasts.at(-1)).toBe(`已加入${gridName}`);
    expect(world.navigations.at(-1)).toEqual({ kind: 'reLaunch', url: '/pages/home/index' });
    expect(world.storage.get('lx.membership')).toMatchObject({ gridId, gridName });
    // Collect once: the household at that address was reused, and the care flag added to it.
    const memberships = (await backend.emu.control.collection('memberships')) as Array<{ _id: string; householdId?: string }>;
    expect(memberships.find((m) => m._id === RESIDENT)?.householdId).toBe(household.id);
  });

  it("home shows the grid and the committee's notice, unread", async () => {
    const home = screen.show(await mount('pages/home/index'));
    await until('notices listed', () => home.text().includes(NOTICE_TITLE));
    expect(home.node('#grid-name').dom.textContent).toBe(gridName);
    expect(home.node(`#notice-${noticeId}`).dom.textContent).toContain('未读');
  });

  it('submits a request, records the accepted subscription, and lands on the request', async () => {
    world.subscribeAnswers = { [TEMPLATE]: 'accept' };
    const submit = screen.show(await mount('pages/submit/index'));
    await submit.change('#category', String(REPAIRS_INDEX));
    await submit.change('#text', REQUEST_TEXT);
    const before = world.navigations.length;
    await submit.tap('#send');
    await until('submitted', () => world.navigations.length > before);
    const landed = world.navigations.at(-1);
    expect(landed?.kind).toBe('redirectTo');
    requestId = /id=([^&]+)/.exec(landed?.url ?? '')?.[1] ?? '';
    expect(requestId).not.toBe('');
    // The consent is recorded as soon as it is given, beside the submission, not after it.
    await until('consent recorded', () => forwarded.some((f) => f.name === 'recordSubscription'));
    const sent = forwarded.filter((f) => f.name === 'submitRequest' || f.name === 'recordSubscription');
    expect([...sent].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'recordSubscription', openid: RESIDENT, result: expect.objectContaining({ ok: true }) },
      { name: 'submitRequest', openid: RESIDENT, result: expect.objectContaining({ ok: true }) },
    ]);
  });

  it('lists it on my requests with a countdown inside the golden ten minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(await backend.emu.control.now());
    const list = screen.show(await mount('pages/requests/index'));
    await until('my requests listed', () => list.comp.querySelector(`#request-${requestId}`) != null);
    // Covered by another page: its clock stops, so the row reads the same while it is checked.
    await list.hide();
    const row = list.node(`#request-${requestId}`).dom.textContent ?? '';
    expect(row).toContain(REQUEST_TEXT);
    expect(row).toContain('待响应');
    const minutesLeft = Number(/剩 (\d+) 分/.exec(row)?.[1]);
    expect(minutesLeft).toBeLessThan(GOLDEN_MINUTES);
    expect(minutesLeft).toBeGreaterThanOrEqual(GOLDEN_MINUTES - 2);
    vi.useRealTimers();
  });

  it("shows the leader's reply and resolution in the timeline, then confirms with a rating", async () => {
    const responded = await backend.call('respondRequest', { requestId, message: '收到，电工下午两点上门' }, leader);
    expect(responded.ok).toBe(true);
    const resolved = await backend.call('updateRequestStatus', { requestId, action: 'resolve', note: '已换新灯泡' }, leader);
    expect(resolved.ok).toBe(true);
    const detail = screen.show(await mount('pages/request/index', { query: { id: requestId } }));
    await until('request shown', () => detail.comp.querySelector('#confirm') != null);
    expect(detail.text()).toContain('收到，电工下午两点上门');
    expect(detail.text()).toContain('已换新灯泡');
    expect(detail.textOf('#state').trim()).toBe('已办结待确认');
    await detail.change('#rating', RATING);
    await detail.tap('#confirm');
    await until('confirmed and reloaded', () => detail.comp.querySelector('#rated') != null);
    expect(detail.node('#rated').dom.textContent).toBe(`您的评价：${RATING} 星`);
    expect(detail.comp.querySelector('#confirm') ?? null).toBeNull();
    const stored = await backend.call<FunctionOutputs['getRequest']>('getRequest', { requestId }, leader);
    expect(stored.data).toMatchObject({ state: 'confirmed', rating: RATING });
  });

  it('opening the notice marks it read: the committee sees the household reached', async () => {
    const reachBefore = await backend.call<{ grids: Array<{ gridId: string; read: number }> }>('getNoticeReach', { noticeId, gridId }, committee);
    expect(reachBefore.ok).toBe(true);
    const readBefore = reachBefore.data?.grids.find((g) => g.gridId === gridId)?.read;
    const notice = screen.show(await mount('pages/notice/index', { query: { id: noticeId } }));
    await until('marked read', () => forwarded.some((f) => f.name === 'markNoticeRead'));
    expect(notice.node('#title').dom.textContent).toBe(NOTICE_TITLE);
    expect(forwarded.at(-1)).toMatchObject({ name: 'markNoticeRead', result: { ok: true } });
    const reachAfter = await backend.call<{ grids: Array<{ gridId: string; read: number }> }>('getNoticeReach', { noticeId, gridId }, committee);
    expect(reachAfter.data?.grids.find((g) => g.gridId === gridId)?.read).toBe((readBefore ?? 0) + 1);
    const home = screen.show(await mount('pages/home/index'));
    await until('notices listed again', () => home.text().includes(NOTICE_TITLE));
    expect(home.node(`#notice-${noticeId}`).dom.textContent).not.toContain('未读');
  });

  it("the seeded grid leader's home shows their grid under 我的工作, linking to the inbox with its id", async () => {
    phone.openid = leader;
    try {
      const before = forwarded.length;
      const home = screen.show(await mount('pages/home/index'));
      await until('work section shown', () => home.comp.querySelector(`#work-inbox-${gridId}`) != null);
      // Asked over real HTTP as the leader; the answer named the grid by its stored name.
      expect(forwarded.slice(before).filter((f) => f.name === 'getMyProfile')).toEqual([
        { name: 'getMyProfile', openid: leader, result: expect.objectContaining({ ok: true }) },
      ]);
      expect(home.node('#work').dom.textContent).toContain(gridName);
      expect(home.node('#work').dom.textContent).toContain('网格长');
      await home.tap(`#work-inbox-${gridId}`);
      expect(world.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: `/packageLeader/pages/inbox/index?gridId=${gridId}` });
    } finally {
      phone.openid = null;
    }
  });

  it("a new person accepts the committee's gridLeader invitation on the invite page and serves in the grid", async () => {
    const invitee = 'o-e2e-invitee';
    const villageId = backend.street.people.grids[0]?.villageId ?? '';
    const issued = await backend.call<FunctionOutputs['issueInvitation']>('issueInvitation', { villageId, gridId, role: 'gridLeader' }, committee);
    expect(issued.ok).toBe(true);
    const before = await backend.call<FunctionOutputs['getMyProfile']>('getMyProfile', {}, invitee);
    expect(before.data?.grids).toEqual([]);
    phone.openid = invitee;
    try {
      const invite = screen.show(await mount('pages/invite/index', { query: { scene: encodeURIComponent(issued.data?.scene ?? '') } }));
      await invite.change('#name', ' 赵卫东 ');
      const navigated = world.navigations.length;
      await invite.tap('#accept');
      await until('invitation accepted', () => world.navigations.length > navigated);
      expect(forwarded.filter((f) => f.name === 'acceptInvitation')).toEqual([
        { name: 'acceptInvitation', openid: invitee, result: expect.objectContaining({ ok: true }) },
      ]);
      expect(world.navigations.at(-1)).toEqual({ kind: 'reLaunch', url: '/pages/home/index' });
    } finally {
      phone.openid = null;
    }
    const after = await backend.call<FunctionOutputs['getMyProfile']>('getMyProfile', {}, invitee);
    expect(after.data?.grids).toEqual([expect.objectContaining({ gridId, gridName, roles: ['gridLeader'] })]);
    // The name was stored as typed, without the spaces around it.
    const assignments = (await backend.emu.control.collection('roleAssignments')) as Array<{ _id: string; displayName?: string }>;
    expect(assignments.find((a) => a._id === `gridLeader:${gridId}:${invitee}`)?.displayName).toBe('赵卫东');
  });

  describe("from the grid's WeChat group card", () => {
    const OPEN_GID = 'G-e2e-grid-1';

    beforeAll(async () => {
      const bound = await backend.call('bindGridGroup', { gridId, groupCloudId: await mintCloudId(backend.emu.url, OPEN_GID) }, leader);
      expect(bound).toMatchObject({ ok: true, data: { gridId, alreadyBound: false } });
    }, STEP_LIMIT_MS);

    it("a newcomer sees the grid named, gives the address once and joins with the group's scene", async () => {
      const newcomer = backend.street.people.grids[0]?.unjoined[1]?.openid ?? 'o-e2e-newcomer';
      phone.openid = newcomer;
      world.storage.clear();
      enterFromGroup(world, await mintCloudId(backend.emu.url, OPEN_GID));
      const join = screen.show(await mount('pages/join/index'));
      await until('group resolved', () => join.comp.querySelector('#grid-name') != null);
      expect(join.node('#grid-name').dom.textContent).toBe(`加入${gridName}`);
      await join.change('#building', '9栋');
      await join.change('#room', '909');
      const before = world.navigations.length;
      await join.check('#privacy-consent', true);
      await join.tap('#join');
      await until('joined from the group', () => world.navigations.length > before);
      expect(forwarded.slice(-2).map((f) => [f.name, f.openid, f.result?.ok])).toEqual([
        ['resolveGroupGrid', newcomer, true],
        ['joinGrid', newcomer, true],
      ]);
      expect(world.toasts.at(-1)).toBe(`已加入${gridName}`);
      const memberships = (await backend.emu.control.collection('memberships')) as Array<{ _id: string; gridId: string }>;
      expect(memberships.find((m) => m._id === newcomer)?.gridId).toBe(gridId);
      // The new door is a claim until the grid leader confirms it; only then do the newcomer's reads count.
      expect((await backend.call('verifyMember', { userId: newcomer, decision: 'confirm' }, leader)).ok).toBe(true);
    });

    it('the newcomer opens the notice card forwarded into the group: the read records the group channel and reach counts it', async () => {
      const newcomer = backend.street.people.grids[0]?.unjoined[1]?.openid ?? 'o-e2e-newcomer';
      const readInGroup = async (): Promise<number | undefined> =>
        (await backend.call<FunctionOutputs['getNoticeReach']>('getNoticeReach', { noticeId, gridId }, committee)).data?.totals.readInGroup;
      const before = await readInGroup();
      phone.openid = newcomer;
      try {
        enterFromGroup(world, await mintCloudId(backend.emu.url, OPEN_GID), 'pages/notice/index', { id: noticeId });
        const notice = screen.show(await mount('pages/notice/index', { query: { id: noticeId } }));
        await until('marked read', () => forwarded.some((f) => f.name === 'markNoticeRead' && f.openid === newcomer));
        expect(notice.node('#title').dom.textContent).toBe(NOTICE_TITLE);
        expect(forwarded.at(-1)).toMatchObject({ name: 'markNoticeRead', openid: newcomer, result: { ok: true, data: { firstRead: true, channel: 'group' } } });
      } finally {
        phone.openid = null;
      }
      const receipts = (await backend.emu.control.collection('noticeReceipts')) as Array<{ _id: string; channel?: string }>;
      expect(receipts.find((r) => r._id === `${noticeId}:${newcomer}`)?.channel).toBe('group');
      expect(await readInGroup()).toBe((before ?? 0) + 1);
    });

    it('the leader opening the grid card in the group is offered the binding, and told the group is bound already', async () => {
      phone.openid = leader;
      try {
        enterFromGroup(world, await mintCloudId(backend.emu.url, OPEN_GID), 'pages/join/index', { gridId });
        const join = screen.show(await mount('pages/join/index', { query: { gridId } }));
        await until('the binding offered', () => join.comp.querySelector('#bind-group') != null);
        await join.tap('#bind-group');
        await until('bound', () => join.comp.querySelector('#bind-message') != null);
        expect(forwarded.at(-1)).toMatchObject({ name: 'bindGridGroup', openid: leader, result: { ok: true, data: { gridId, alreadyBound: true } } });
        expect(join.node('#bind-message').dom.textContent).toContain('这个群早已绑定本网格');
      } finally {
        phone.openid = null;
      }
    });

    it('a member opening the card is told so and taken home, asked nothing', async () => {
      phone.openid = null;
      world.storage.clear();
      enterFromGroup(world, await mintCloudId(backend.emu.url, OPEN_GID));
      const before = world.navigations.length;
      screen.show(await mount('pages/join/index'));
      await until('group resolved', () => world.navigations.length > before);
      expect(forwarded.at(-1)).toMatchObject({ name: 'resolveGroupGrid', openid: RESIDENT, result: { ok: true } });
      expect(world.toasts.at(-1)).toBe(`您已是${gridName}的成员`);
      expect(world.navigations.at(-1)).toEqual({ kind: 'reLaunch', url: '/pages/home/index' });
      expect(world.storage.get('lx.membership')).toMatchObject({ gridId, gridName });
    });
  });
});
