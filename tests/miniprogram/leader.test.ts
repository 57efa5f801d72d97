// @vitest-environment jsdom
// The grid leaders' subpackage: the live inbox (watch, or polling when the watch is unavailable or
// fails) with countdowns, request handling (reply, progress, resolve with photos, hand-over, spam), the
// roster with its in-person button, and the QR page (album save behind WeChat's privacy popup, refused
// permission, group binding).
// Each test asserts what the leader sees and what the service layer was asked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INBOX_POLL_MS } from '../../miniprogram/packageLeader/inboxWatch';
import { inboxItem, leaderRequestView, requestHousehold, unreachedElderRow } from './fixtures';
import {
  attribute,
  dispatchOnDrawn,
  exparserNodeOf,
  failWith,
  fakePrivacyGate,
  findDrawn,
  installWorld,
  mount,
  ok,
  settle,
  type FakeWorld,
  type Mounted,
} from './harness';

/** Tue 2026-11-24 10:00 in China. */
const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

let world: FakeWorld;
let page: Mounted | null = null;
beforeEach(() => {
  world = installWorld();
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

const cloud = (): Record<string, unknown> => world.wx.cloud as Record<string, unknown>;
const callsOf = (name: string) => world.calls.filter((c) => c.name === name);

describe('leader inbox', () => {
  it('polls listInbox when no watch is available and shows a new request after the next poll', async () => {
    const items = [inboxItem(NOW, 'r1')];
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [...items], nextCursor: null } });
    page = await mount('packageLeader/pages/inbox/index');
    expect(callsOf('listInbox')).toEqual([{ name: 'listInbox', data: { view: 'mine', limit: 50 } }]);
    expect(page.node('#item-r1').dom.textContent).toContain('家里老人需要降压药');
    expect(page.comp.querySelector('#item-r2')).toBeFalsy();

    items.push(inboxItem(NOW, 'r2', { excerpt: '楼道灯坏了', category: 'repairs', urgent: true }));
    vi.advanceTimersByTime(INBOX_POLL_MS);
    await settle();
    expect(callsOf('listInbox')).toHaveLength(2);
    expect(page.node('#item-r2').dom.textContent).toContain('楼道灯坏了');
    // Urgent first.
    const order = page.comp.querySelectorAll('.item').map((n) => n.dom.textContent ?? '');
    expect(order).toHaveLength(2);
    expect(order[0]).toContain('楼道灯坏了');
    expect(order[0]).toContain('紧急');
    // The leader's grid is remembered for the roster and QR links.
    expect(page.comp.querySelector('#to-roster')).toBeTruthy();
    expect(world.storage.get('lx.leaderGrid')).toBe('g1');
  });

  it('shows only open items and stops polling when left', async () => {
    world.handlers.listInbox = () =>
      ok({ view: 'mine', page: { items: [inboxItem(NOW, 'r1'), inboxItem(NOW, 'r9', { state: 'confirmed', open: false })], nextCursor: null } });
    page = await mount('packageLeader/pages/inbox/index');
    expect(page.comp.querySelector('#item-r9')).toBeFalsy();
    page.unmount();
    page = null;
    vi.advanceTimersByTime(INBOX_POLL_MS * 2);
    await settle();
    expect(callsOf('listInbox')).toHaveLength(1);
  });

  it('counts down to the response target: normal, amber under three minutes, red once passed', async () => {
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [inboxItem(NOW, 'r1', { responseDueAt: NOW + 5 * MINUTE })], nextCursor: null } });
    page = await mount('packageLeader/pages/inbox/index');
    expect(page.node('#item-r1').dom.textContent).toContain('剩 5 分 0 秒');
    expect(page.hasClass('lx-tone-normal')).toBe(true);
    vi.advanceTimersByTime(2 * MINUTE + 30 * SECOND);
    expect(page.node('#item-r1').dom.textContent).toContain('剩 2 分 30 秒');
    expect(page.hasClass('lx-tone-warning')).toBe(true);
    vi.advanceTimersByTime(3 * MINUTE + 35 * SECOND);
    expect(page.node('#item-r1').dom.textContent).toContain('已超时 1 分 5 秒');
    expect(page.hasClass('lx-tone-overdue')).toBe(true);
  });

  it('no countdown once a request has been answered', async () => {
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [inboxItem(NOW, 'r1', { state: 'responded' })], nextCursor: null } });
    page = await mount('packageLeader/pages/inbox/index');
    expect(page.node('#item-r1').dom.textContent).toContain('已响应');
    expect(page.node('#item-r1').dom.textContent).not.toContain('剩');
  });

  it('uses a database watch on my own items when the cloud has one, and falls back to polling if it fails', async () => {
    let watchOptions: { onChange(s: { docs: unknown[] }): void; onError(e: unknown): void } | null = null;
    const wheres: unknown[] = [];
    let closed = 0;
    cloud().database = () => ({
      collection: (name: string) => {
        expect(name).toBe('inbox');
        return {
          where: (q: unknown) => {
            wheres.push(q);
            return {
              watch: (opts: typeof watchOptions) => {
                watchOptions = opts;
                return {
                  close: () => {
                    closed += 1;
                  },
                };
              },
            };
          },
        };
      },
    });
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [inboxItem(NOW, 'r5', { excerpt: '轮询到的' })], nextCursor: null } });
    page = await mount('packageLeader/pages/inbox/index');
    expect(wheres).toEqual([{ userId: '{openid}', open: true }]);
    expect(callsOf('listInbox')).toHaveLength(0);

    watchOptions!.onChange({ docs: [inboxItem(NOW, 'r3', { excerpt: '实时推送的新诉求' })] });
    await settle();
    expect(page.node('#item-r3').dom.textContent).toContain('实时推送的新诉求');
    expect(page.node('#source').dom.textContent).toContain('自动出现');

    watchOptions!.onError(new Error('socket closed'));
    await settle();
    expect(closed).toBe(1);
    expect(callsOf('listInbox')).toHaveLength(1);
    expect(page.node('#item-r5').dom.textContent).toContain('轮询到的');
    vi.advanceTimersByTime(INBOX_POLL_MS);
    await settle();
    expect(callsOf('listInbox')).toHaveLength(2);
  });

  it('polls in develop mode against the emulator even when wx.cloud.database exists', async () => {
    world = installWorld({ envVersion: 'develop' });
    let watched = false;
    cloud().database = () => {
      watched = true;
      return {};
    };
    const reply = { view: 'mine', page: { items: [inboxItem(NOW, 'r7')], nextCursor: null } };
    // Whichever transport the service layer picked (emulator over wx.request, or the cloud), it is asked.
    world.handlers.listInbox = () => ok(reply);
    world.requestReply = { statusCode: 200, data: { result: { ok: true, data: reply } } };
    page = await mount('packageLeader/pages/inbox/index');
    expect(watched).toBe(false);
    const asked = [...world.calls.map((c) => c.name), ...world.requests.map((r) => (r.data as { name: string }).name)];
    // Opened without a gridId, the page also asks who the leader is (getMyProfile) to find their grid.
    expect(asked).toEqual(['getMyProfile', 'listInbox']);
    expect(page.comp.querySelector('#item-r7')).toBeTruthy();
    expect(page.node('#source').dom.textContent).toContain('每 15 秒自动刷新');
  });

  it('opens a request in the leader subpackage', async () => {
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [inboxItem(NOW, 'r1')], nextCursor: null } });
    page = await mount('packageLeader/pages/inbox/index');
    await page.tap('#item-r1');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/packageLeader/pages/request/index?id=r1' }]);
  });
});

describe('leader request page', () => {
  it("shows the resident's photos by getRequest's temporary URLs and opens them large", async () => {
    const photos = ['cloud://env-test.bucket/requests/k-0.jpg', 'cloud://env-test.bucket/requests/k-1.jpg', 'cloud://env-test.bucket/requests/k-gone.jpg'];
    // The storage rule lets only the resident read their files by fileID; a photo gone from storage has no URL.
    const photoUrls = { [photos[0]!]: 'https://tcb.example/k-0.jpg?sign=a', [photos[1]!]: 'https://tcb.example/k-1.jpg?sign=b' };
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { photos, photoUrls }));
    const previewed: { urls: string[]; current: string }[] = [];
    world.wx.previewImage = (opts: { urls: string[]; current: string }) => void previewed.push({ urls: opts.urls, current: opts.current });
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    const images = page.comp.querySelectorAll('#resident-photos .lx-photo');
    expect(images.map((image) => attribute(exparserNodeOf(image), 'src'))).toEqual(Object.values(photoUrls));
    await page.tap('#resident-photos .lx-photo');
    expect(previewed).toEqual([{ urls: Object.values(photoUrls), current: photoUrls[photos[0]!] }]);
  });

  it('marks a resident whose claim on the household is still pending (待核实)', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW, { claimPending: true }) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#claim-pending').dom.textContent).toContain('待核实');
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW) }));
    page.unmount();
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#claim-pending')).toBeFalsy();
  });

  it('shows who asked and where: the address, care needs and earlier requests, each opening its page', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#address').dom.textContent).toBe('3栋 2单元 501');
    // The care needs in core's fixed order, whatever order they came in.
    expect(page.node('#care-needs').dom.textContent?.replace(/\s+/g, '')).toBe('独居老人患病');
    expect(page.node('#earlier-r0').dom.textContent).toMatch(/维修 · 已确认\s*11月22日 10:00/);
    expect(page.node('#earlier-r-old').dom.textContent).toMatch(/生活物资 · 已关闭\s*10月25日 10:00/);
    await page.tap('#earlier-r0');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/packageLeader/pages/request/index?id=r0' }]);
  });

  it("calls the resident's phone from the call button", async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#call-resident');
    expect(world.phoneCalls).toEqual(['13800138000']);
  });

  it('offers no call button when no phone is known, and says the household has no smartphone', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW, { residentPhone: undefined, noSmartphone: true }) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#call-resident')).toBeFalsy();
    expect(page.comp.querySelector('#no-smartphone')).toBeTruthy();
  });

  it('opens the location the resident picked on the map', async () => {
    const location = { latitude: 30.2741, longitude: 120.1551, name: '幸福小区3栋' };
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { location }));
    const opened: unknown[] = [];
    (world.wx as Record<string, unknown>).openLocation = (opts: { latitude: number; longitude: number; name?: string }) =>
      void opened.push({ latitude: opts.latitude, longitude: opts.longitude, name: opts.name });
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    // No household section for this caller: only the location.
    expect(page.comp.querySelector('#address')).toBeFalsy();
    await page.tap('#open-location');
    expect(opened).toEqual([location]);
  });

  it('shows no location button when the resident picked none', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#open-location')).toBeFalsy();
    expect(page.comp.querySelector('#household')).toBeFalsy();
  });

  it('shows the request with its countdown and replies with the text, then reloads what was stored', async () => {
    let state = 'submitted';
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state, version: state === 'submitted' ? 3 : 4 }));
    world.handlers.respondRequest = () => {
      state = 'responded';
      return ok(leaderRequestView(NOW, { state }));
    };
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#text').dom.textContent).toContain('走不动路');
    expect(page.node('#countdown').dom.textContent).toBe('剩 8 分 0 秒');
    await page.change('#reply', '收到，我十分钟内送药上门');
    await page.tap('#send-reply');
    expect(callsOf('respondRequest')).toEqual([{ name: 'respondRequest', data: { requestId: 'r1', message: '收到，我十分钟内送药上门', expectedVersion: 3 } }]);
    expect(callsOf('getRequest')).toHaveLength(2);
    expect(world.toasts).toContain('已回复居民');
    // Answered: the clock stopped and the reply box is gone; progress and resolve are offered.
    expect(page.comp.querySelector('#countdown')).toBeFalsy();
    expect(page.comp.querySelector('#reply-box')).toBeFalsy();
    expect(page.comp.querySelector('#start')).toBeTruthy();
    expect(page.comp.querySelector('#resolve')).toBeTruthy();
  });

  it('does not send an empty reply', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.change('#reply', '   ');
    await page.tap('#send-reply');
    expect(callsOf('respondRequest')).toHaveLength(0);
    expect(page.node('#reply-error').dom.textContent).toContain('请写下');
  });

  it('marks a responded request in progress', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'responded', version: 4 }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#start');
    expect(callsOf('updateRequestStatus')).toEqual([{ name: 'updateRequestStatus', data: { requestId: 'r1', action: 'startProgress', expectedVersion: 4 } }]);
  });

  it('refuses to resolve without a note on the phone: nothing uploaded, nothing sent', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'inProgress', version: 5 }));
    world.chosenMedia = ['wxfile://tmp/after.jpg'];
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#add-photo');
    await page.tap('#resolve');
    expect(page.node('#note-error').dom.textContent).toContain('请写下怎么解决的');
    expect(world.uploads).toEqual([]);
    expect(callsOf('updateRequestStatus')).toHaveLength(0);
  });

  it("asks WeChat's privacy gate before the album opens for a resolution photo", async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'inProgress', version: 5 }));
    world.chosenMedia = ['wxfile://tmp/after.jpg'];
    const gate = fakePrivacyGate(world);
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#add-photo');
    expect(page.comp.querySelector('#wechat-privacy >>> #privacy-popup')).toBeTruthy();
    expect(gate.ran).toEqual([]);
    // The agree button is WeChat's own (open-type="agreePrivacyAuthorization"): it answers with this event.
    dispatchOnDrawn(page.node('#wechat-privacy >>> #agree-privacy'), 'agreeprivacyauthorization');
    await settle();
    expect(gate.ran).toEqual(['chooseMedia']);
    expect((page.comp.instance.data.photos as { path: string }[]).map((p) => p.path)).toEqual(['wxfile://tmp/after.jpg']);
  });

  it('resolves with a note and uploaded photos', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'inProgress', version: 5 }));
    world.chosenMedia = ['wxfile://tmp/after.jpg'];
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#add-photo');
    await page.change('#note', '药已送到，老人已服药');
    await page.tap('#resolve');
    expect(world.uploads).toHaveLength(1);
    expect(world.uploads[0]!.filePath).toBe('wxfile://tmp/after.jpg');
    expect(world.uploads[0]!.cloudPath).toMatch(/^resolutions\/r1-.*\.jpg$/);
    expect(callsOf('updateRequestStatus')).toEqual([
      {
        name: 'updateRequestStatus',
        data: {
          requestId: 'r1',
          action: 'resolve',
          note: '药已送到，老人已服药',
          expectedVersion: 5,
          photos: [`cloud://env-test.bucket/${world.uploads[0]!.cloudPath}`],
        },
      },
    ]);
  });

  it('hands over to another of the 三长 picked from the grid roster, after a confirmation', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW));
    world.handlers.getGridRoster = () =>
      ok({
        grid: { id: 'g1', name: '第一网格', villageId: 'v1' },
        leaders: [
          { userId: 'leader-a', role: 'gridLeader' },
          { userId: 'leader-b', role: 'partyGroupLeader' },
          { userId: 'leader-c', role: 'buildingLeader' },
        ],
        notice: null,
        totalHouseholds: 1,
        households: [],
        nextCursor: null,
      });
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#show-handover');
    expect(callsOf('getGridRoster')).toEqual([{ name: 'getGridRoster', data: { gridId: 'g1', limit: 1 } }]);
    // The one already answering it (leader-a) is not offered.
    expect(page.comp.querySelector('#handover-gridLeader')).toBeFalsy();
    await page.tap('#handover-partyGroupLeader');
    expect(world.modals[0]?.content).toContain('党小组长');
    expect(callsOf('updateRequestStatus')).toEqual([
      { name: 'updateRequestStatus', data: { requestId: 'r1', action: 'handOver', toUserId: 'leader-b', toRole: 'partyGroupLeader', expectedVersion: 3 } },
    ]);
    expect(world.toasts).toContain('已转交党小组长');
  });

  it('marks a request as spam after a confirmation, then shows it closed with no more actions', async () => {
    let state = 'submitted';
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state }));
    world.handlers.updateRequestStatus = () => {
      state = 'spam';
      return ok(leaderRequestView(NOW, { state }));
    };
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    // Its accessible name, as the rendered button carries it.
    const drawn = findDrawn(exparserNodeOf(page.node('#mark-spam')), (n) => attribute(n, 'ariaLabel') !== '');
    expect(drawn === null ? '' : attribute(drawn, 'ariaLabel')).toBe('标记为无效诉求');
    await page.tap('#mark-spam');
    expect(world.modals[0]).toMatchObject({ title: '标记为无效诉求' });
    expect(callsOf('updateRequestStatus')).toEqual([{ name: 'updateRequestStatus', data: { requestId: 'r1', action: 'markSpam', expectedVersion: 3 } }]);
    expect(world.toasts).toContain('已标记为无效诉求');
    expect(page.textOf('#state').trim()).toBe('无效诉求');
    for (const id of ['#mark-spam', '#reply-box', '#handover-box']) expect(page.comp.querySelector(id)).toBeFalsy();
  });

  it('sends nothing when the spam confirmation is cancelled', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW));
    world.modalConfirms = false;
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#mark-spam');
    expect(world.modals).toHaveLength(1);
    expect(callsOf('updateRequestStatus')).toEqual([]);
  });

  it('shows the plain message when someone else changed the request first', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'responded', version: 4 }));
    world.handlers.updateRequestStatus = () => failWith('REQUEST.STALE');
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#start');
    expect(page.node('#error').dom.textContent).toBe('诉求已被他人处理，请刷新后再试');
  });
});

function roster(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    grid: { id: 'g1', name: '第一网格', villageId: 'v1' },
    leaders: [{ userId: 'leader-a', role: 'gridLeader' }],
    notice: { id: 'n1', title: '周六停水通知', publishedAt: NOW - 30 * MINUTE, urgent: false },
    totalHouseholds: 3,
    totals: { households: 3, joined: 2, withCareNeeds: 2, notice: { read: 1, toldInPerson: 0, unreached: 2, unreachedWithCareNeeds: 2 } },
    households: [
      unreachedElderRow(),
      {
        householdId: 'h2',
        building: '3号楼',
        room: '502',
        careNeeds: [],
        noSmartphone: false,
        members: [{ userId: 'u2', joinedAt: NOW - 86400000 }],
        noticeState: 'read',
      },
      { householdId: 'h3', careNeeds: ['sick'], noSmartphone: false, members: [{ userId: 'u3', joinedAt: NOW }], noticeState: 'unreached' },
    ],
    nextCursor: null,
    ...extra,
  };
}

describe('leader roster page', () => {
  it('lists households with care flags and who has not read the latest notice', async () => {
    world.handlers.getGridRoster = () => ok(roster());
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    expect(callsOf('getGridRoster')).toEqual([{ name: 'getGridRoster', data: { gridId: 'g1', limit: 50 } }]);
    expect(page.node('#notice').dom.textContent).toContain('周六停水通知');
    expect(page.node('#unreached-count').dom.textContent).toContain('2 户未读（其中重点人群 2 户）');
    const h1 = page.node('#household-h1').dom.textContent ?? '';
    expect(h1).toContain('3号楼 2单元 501');
    expect(h1).toContain('独居老人');
    expect(h1).toContain('无智能手机');
    expect(h1).toContain('未读');
    expect(page.node('#household-h2').dom.textContent).toContain('已读');
    expect(page.node('#household-h3').dom.textContent).toContain('未登记门牌');
    // Only unreached households get the button.
    expect(page.comp.querySelector('#told-h2')).toBeFalsy();
    expect(page.comp.querySelector('#told-h1')).toBeTruthy();
  });

  it('the in-person button records the visit for that household and the notice', async () => {
    world.handlers.getGridRoster = () => ok(roster());
    world.handlers.markHouseholdReached = () => ok({ noticeId: 'n1', householdId: 'h1', markedAt: NOW, firstMark: true });
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    await page.tap('#told-h1');
    expect(callsOf('markHouseholdReached')).toEqual([{ name: 'markHouseholdReached', data: { noticeId: 'n1', householdId: 'h1', channel: 'inPerson' } }]);
    expect(page.node('#household-h1').dom.textContent).toContain('已当面告知');
    expect(page.comp.querySelector('#told-h1')).toBeFalsy();
    expect(page.node('#unreached-count').dom.textContent).toContain('1 户未读');
  });

  it('filters to unreached households and loads the next page with the cursor', async () => {
    let pageNo = 0;
    world.handlers.getGridRoster = (data) => {
      pageNo += 1;
      return data.cursor === undefined
        ? ok(roster({ nextCursor: 'h3' }))
        : ok(roster({ households: [{ householdId: 'h4', building: '4号楼', careNeeds: [], noSmartphone: false, members: [], noticeState: 'toldInPerson' }] }));
    };
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    await page.tap('#filter');
    expect(page.comp.querySelector('#household-h2')).toBeFalsy();
    expect(page.comp.querySelector('#household-h1')).toBeTruthy();
    await page.tap('#more');
    expect(pageNo).toBe(2);
    expect(callsOf('getGridRoster')[1]!.data).toEqual({ gridId: 'g1', limit: 50, noticeId: 'n1', cursor: 'h3' });
    expect(page.comp.querySelector('#household-h4')).toBeFalsy();
    await page.tap('#filter');
    expect(page.node('#household-h4').dom.textContent).toContain('已当面告知');
  });

  it('says so when the caller may not see the grid', async () => {
    world.handlers.getGridRoster = () => failWith('AUTH.FORBIDDEN', '只能查看本网格（本村、社区）的花名册');
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g9' } });
    expect(page.node('#error').dom.textContent).toBe('只能查看本网格（本村、社区）的花名册');
  });
});

describe('leader QR page', () => {
  const TEMP_URL = 'https://tcb.example/qr/g1.png?sign=abc';
  let saved: string[];
  let saveError: string | null;
  let settingsOpened: number;
  beforeEach(() => {
    saved = [];
    saveError = null;
    settingsOpened = 0;
    world.handlers.getJoinCode = () =>
      ok({ gridId: 'g1', fileID: 'cloud://env/joincodes/g1.png', tempFileURL: TEMP_URL, scene: 'JA00', expiresAt: NOW + 180 * 86400000 });
    world.wx.downloadFile = (opts: { url: string; success?: (r: unknown) => void }) => {
      opts.success?.({ statusCode: 200, tempFilePath: `wxfile://tmp/${opts.url.length}.png` });
    };
    world.wx.saveImageToPhotosAlbum = (opts: { filePath: string; success?: () => void; fail?: (e: unknown) => void }) => {
      if (saveError !== null) opts.fail?.({ errMsg: saveError });
      else {
        saved.push(opts.filePath);
        opts.success?.();
      }
    };
    world.wx.openSetting = () => {
      settingsOpened += 1;
    };
  });

  it('shows the grid code from its temporary URL and saves it to the album', async () => {
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    expect(callsOf('getJoinCode')).toEqual([{ name: 'getJoinCode', data: { gridId: 'g1' } }]);
    expect(page.comp.querySelector('#qr')).toBeTruthy();
    expect(page.comp.instance.data.imageSrc).toBe(TEMP_URL);
    expect(page.node('#expires').dom.textContent).toContain('2027-05-23');
    await page.tap('#save');
    expect(saved).toEqual([`wxfile://tmp/${TEMP_URL.length}.png`]);
    expect(world.toasts).toContain('已保存到相册');
  });

  it('downloads through wx.cloud when only a fileID is given', async () => {
    world.handlers.getJoinCode = () => ok({ gridId: 'g1', fileID: 'cloud://env/joincodes/g1.png', scene: 'JA00', expiresAt: NOW });
    const asked: string[] = [];
    cloud().downloadFile = async (opts: { fileID: string }) => {
      asked.push(opts.fileID);
      return { tempFilePath: 'wxfile://tmp/cloud.png', statusCode: 200, errMsg: 'ok' };
    };
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    await page.tap('#save');
    expect(asked).toEqual(['cloud://env/joincodes/g1.png']);
    expect(saved).toEqual(['wxfile://tmp/cloud.png']);
  });

  it('explains a refused album permission and offers the settings', async () => {
    saveError = 'saveImageToPhotosAlbum:fail auth deny';
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    await page.tap('#save');
    expect(saved).toEqual([]);
    expect(page.node('#error').dom.textContent).toContain('没有相册权限');
    expect(world.modals[0]?.title).toBe('需要相册权限');
    // The modal's confirm ("去设置") opens the settings; so does the button on the page.
    expect(settingsOpened).toBe(1);
    await page.tap('#open-setting');
    expect(settingsOpened).toBe(2);
    expect(world.toasts).not.toContain('已保存到相册');
  });

  it('does not send a leader to the album settings when it was the privacy gate that refused', async () => {
    saveError = 'saveImageToPhotosAlbum:fail privacy permission is not authorized';
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    await page.tap('#save');
    expect(saved).toEqual([]);
    expect(page.node('#error').dom.textContent).not.toContain('没有相册权限');
    expect(world.modals.map((m) => m.title)).not.toContain('需要相册权限');
    expect(settingsOpened).toBe(0);
  });

  it("shows WeChat's privacy popup before saving for a leader who has not agreed, and saves once they agree", async () => {
    const gate = fakePrivacyGate(world);
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    expect(page.comp.querySelector('#wechat-privacy >>> #privacy-popup')).toBeFalsy();
    await page.tap('#save');
    expect(page.textOf('#wechat-privacy >>> #privacy-popup')).toContain('保存到相册');
    expect(saved).toEqual([]);
    dispatchOnDrawn(page.node('#wechat-privacy >>> #agree-privacy'), 'agreeprivacyauthorization');
    await settle();
    expect(gate.ran).toEqual(['saveImageToPhotosAlbum']);
    expect(saved).toEqual([`wxfile://tmp/${TEMP_URL.length}.png`]);
    expect(world.toasts).toContain('已保存到相册');
    expect(page.comp.querySelector('#wechat-privacy >>> #privacy-popup')).toBeFalsy();
  });

  it('says why the code was not saved when the leader does not agree, without sending them to the album settings', async () => {
    const gate = fakePrivacyGate(world);
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    await page.tap('#save');
    await page.tap('#wechat-privacy >>> #disagree-privacy');
    expect(gate.ran).toEqual([]);
    expect(saved).toEqual([]);
    expect(world.modals).toHaveLength(1);
    expect(world.modals[0]?.content).toContain('没有同意《用户隐私保护指引》');
    expect(world.modals[0]?.content).toContain('二维码没有保存到相册');
    expect(settingsOpened).toBe(0);
    expect(page.comp.querySelector('#open-setting')).toBeFalsy();
    expect(page.comp.instance.data.saving).toBe(false);
    expect(world.toasts).not.toContain('已保存到相册');
  });

  it('binds the grid group from inside the group chat', async () => {
    world.wx.getEnterOptionsSync = () => ({ scene: 1044, shareTicket: 'ticket-1', path: '', query: {} });
    world.wx.getGroupEnterInfo = (opts: { success?: (r: unknown) => void }) =>
      opts.success?.({ cloudID: 'cloud-id-123', encryptedData: '', iv: '', errMsg: 'ok' });
    world.handlers.bindGridGroup = () => ok({ gridId: 'g1', alreadyBound: false });
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    await page.tap('#bind-group');
    expect(callsOf('bindGridGroup')).toEqual([{ name: 'bindGridGroup', data: { gridId: 'g1', groupCloudId: 'cloud-id-123' } }]);
    expect(page.node('#group-message').dom.textContent).toContain('已绑定本网格微信群');
  });

  it('tells the leader to open it from the group when it was not', async () => {
    world.wx.getEnterOptionsSync = () => ({ scene: 1001, path: '', query: {} });
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    await page.tap('#bind-group');
    expect(callsOf('bindGridGroup')).toHaveLength(0);
    expect(page.node('#group-message').dom.textContent).toContain('转发到本网格微信群');
  });
});
