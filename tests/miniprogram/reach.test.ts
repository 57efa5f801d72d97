// @vitest-environment jsdom
// Reaching the person, on the phone: which subscribe-message templates each tap asks for (and that
// the accepted ones are recorded, and that a declined, failed or missing prompt never stops what was
// tapped), the inbox's reminder card and home's notice reminder, and the grid WeChat group: the cards
// pages forward open the right notice or join page, a notice opened from a group card is marked read
// with the group's cloudID, and the grid's card lets its leader bind the group.
import { PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_IDS, RESPONDER_TEMPLATE_KEYS } from '../../core/src/subscriptions';
import type { FunctionOutputs, NoticeListItem } from '../../miniprogram/services/outputs';
import { fakeDateAt, inboxItem, leaderRequestView, requestItem } from './fixtures';
import { installWorld, mount, NO_REMINDERS, ok, type FakeWorld, type Mounted } from './harness';

const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);
const MINUTE = 60_000;
/** The three responder templates, in the order one prompt asks for them (config.ts: the emulator's ids). */
const RESPONDER_IDS = RESPONDER_TEMPLATE_KEYS.map((k) => DEFAULT_TEMPLATE_IDS[k]);
const UPDATE_ID = DEFAULT_TEMPLATE_IDS.requestUpdated;
const NOTICE_ID = DEFAULT_TEMPLATE_IDS.noticePublished;
const GRID = { gridId: 'g1', gridName: '第一网格', villageId: 'v1', villageName: '幸福里' };

type Profile = FunctionOutputs['getMyProfile'];
type Reminders = Profile['reminders'];
const reminders = (left: Partial<Reminders['left']>): Reminders => ({ longTerm: false, left: { ...NO_REMINDERS.left, ...left } });
const LEADER_PROFILE: Profile = { membership: null, grids: [{ ...GRID, roles: ['gridLeader'] }], villages: [], streetAdmin: false, reminders: NO_REMINDERS };
const RESIDENT_PROFILE: Profile = {
  membership: { gridId: GRID.gridId, gridName: GRID.gridName, villageId: GRID.villageId, villageName: GRID.villageName, household: null, leaders: [] },
  grids: [],
  villages: [],
  streetAdmin: false,
  reminders: NO_REMINDERS,
};
const MEMBERSHIP = { gridId: GRID.gridId, gridName: GRID.gridName, villageName: GRID.villageName };

let world: FakeWorld;
let page: Mounted;
const callsOf = (name: string) => world.calls.filter((c) => c.name === name);
const acceptAll = (ids: readonly string[]) => Object.fromEntries(ids.map((id) => [id, 'accept']));
/** The page's 转发: what WeChat asks onShareAppMessage for when the leader or resident forwards it. */
const forwarded = (p: Mounted) => (p.comp.instance.onShareAppMessage as (o: { from: string }) => { title: string; path: string })({ from: 'menu' });

fakeDateAt(NOW);
beforeEach(() => {
  world = installWorld();
});

const ROSTER_LEADERS = [
  { userId: 'leader-a', role: 'gridLeader' },
  { userId: 'leader-b', role: 'partyGroupLeader' },
];

function rosterReply(notice: { id: string; title: string } | null): Record<string, unknown> {
  return {
    grid: { id: 'g1', name: '第一网格', villageId: 'v1' },
    leaders: ROSTER_LEADERS,
    notice: notice === null ? null : { ...notice, publishedAt: NOW - MINUTE, urgent: false },
    totalHouseholds: 0,
    totals: { households: 0, joined: 0, withCareNeeds: 0, notice: null },
    households: [],
    nextCursor: null,
  };
}

describe('a responder is asked for the three responder templates on every tap of their work', () => {
  beforeEach(() => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'submitted', version: 3, events: [] }));
    world.handlers.getGridRoster = () => ok(rosterReply(null));
  });

  it('opening a request from the inbox asks for them, records the accepted ones under a grant id, and opens it', async () => {
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [inboxItem(NOW, 'r1')], nextCursor: null } });
    world.subscribeAnswers = { [RESPONDER_IDS[0]!]: 'accept', [RESPONDER_IDS[2]!]: 'accept' };
    page = await mount('packageLeader/pages/inbox/index', { query: { gridId: 'g1' } });
    await page.tap('#item-r1');
    expect(world.subscribeRequests).toEqual([RESPONDER_IDS]);
    expect(callsOf('recordSubscription')).toEqual([
      { name: 'recordSubscription', data: { acceptedTemplateIds: [RESPONDER_IDS[0], RESPONDER_IDS[2]], grantId: expect.stringMatching(/^[0-9A-Za-z]{24}$/) } },
    ]);
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/packageLeader/pages/request/index?id=r1' }]);
  });

  it('reply, mark in progress, resolve and hand over each ask once, and each action is sent', async () => {
    let state = 'submitted';
    let version = 3;
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state, version, events: [] }));
    world.handlers.respondRequest = () => {
      state = 'responded';
      version = 4;
      return ok(leaderRequestView(NOW, { state, version, events: [] }));
    };
    world.handlers.updateRequestStatus = (data) => {
      state = data.action === 'startProgress' ? 'inProgress' : data.action === 'resolve' ? 'resolved' : state;
      version += 1;
      return ok(leaderRequestView(NOW, { state, version, events: [] }));
    };
    world.subscribeAnswers = acceptAll(RESPONDER_IDS);
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(world.subscribeRequests).toEqual([]);

    await page.change('#reply', '收到，马上到');
    await page.tap('#send-reply');
    expect(world.subscribeRequests).toHaveLength(1);
    await page.tap('#start');
    expect(world.subscribeRequests).toHaveLength(2);
    await page.tap('#show-handover');
    // Showing the choices is not yet the hand-over: the choice is.
    expect(world.subscribeRequests).toHaveLength(2);
    await page.tap('#handover-partyGroupLeader');
    expect(world.subscribeRequests).toHaveLength(3);
    await page.change('#note', '药已送到');
    await page.tap('#resolve');
    expect(world.subscribeRequests).toEqual([RESPONDER_IDS, RESPONDER_IDS, RESPONDER_IDS, RESPONDER_IDS]);

    expect(callsOf('respondRequest')).toHaveLength(1);
    expect(callsOf('updateRequestStatus').map((c) => c.data.action)).toEqual(['startProgress', 'handOver', 'resolve']);
    // Each acceptance is one more authorisation per template, each under its own grant.
    const grants = callsOf('recordSubscription').map((c) => c.data);
    expect(grants).toHaveLength(4);
    expect(grants.every((g) => JSON.stringify(g.acceptedTemplateIds) === JSON.stringify(RESPONDER_IDS))).toBe(true);
    expect(new Set(grants.map((g) => g.grantId)).size).toBe(4);
  });

  it('a declined prompt records nothing and the reply is still sent', async () => {
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.change('#reply', '收到');
    await page.tap('#send-reply');
    expect(world.subscribeRequests).toEqual([RESPONDER_IDS]);
    expect(callsOf('recordSubscription')).toEqual([]);
    expect(callsOf('respondRequest')).toHaveLength(1);
    expect(world.toasts).toContain('已回复居民');
  });

  it('a failed prompt, or a phone without the API, still marks the request in progress', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'responded', version: 4, events: [] }));
    world.wx.requestSubscribeMessage = (opts: { tmplIds: string[]; fail?: (e: unknown) => void }) => {
      world.subscribeRequests.push(opts.tmplIds);
      opts.fail?.({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 20004 });
    };
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#start');
    expect(world.subscribeRequests).toEqual([RESPONDER_IDS]);
    expect(callsOf('updateRequestStatus')).toHaveLength(1);

    world.wx.requestSubscribeMessage = () => {
      throw new Error('requestSubscribeMessage is not a function');
    };
    await page.tap('#start');
    expect(callsOf('updateRequestStatus')).toHaveLength(2);
    expect(callsOf('recordSubscription')).toEqual([]);
  });

  it('a tap that sends nothing (an empty reply) asks for nothing', async () => {
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#send-reply');
    expect(world.subscribeRequests).toEqual([]);
  });
});

describe("the inbox's reminder card", () => {
  beforeEach(() => {
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [], nextCursor: null } });
  });

  it('says how many reminders are left, the fewest of the three, in amber when few; a tap asks and the count goes up', async () => {
    world.handlers.getMyProfile = () => ok({ ...LEADER_PROFILE, reminders: reminders({ requestAssigned: 5, requestEscalated: 3, requestDueSoon: 2 }) });
    world.subscribeAnswers = acceptAll(RESPONDER_IDS);
    page = await mount('packageLeader/pages/inbox/index', { query: { gridId: 'g1' } });
    expect(page.node('#reminder-count').dom.textContent).toBe('还能提醒您 2 次');
    expect(page.node('#reminder-detail').dom.textContent).toBe('新诉求 5 次 · 升级 3 次 · 快到期 2 次');
    expect(page.hasClass('reminder-count-few')).toBe(true);

    await page.tap('#reminders');
    expect(world.subscribeRequests).toEqual([RESPONDER_IDS]);
    expect(callsOf('recordSubscription')[0]?.data.acceptedTemplateIds).toEqual(RESPONDER_IDS);
    expect(page.node('#reminder-count').dom.textContent).toBe('还能提醒您 3 次');
    expect(page.hasClass('reminder-count-few')).toBe(false);
  });

  it('says when none are left, and shows no count under long-term subscriptions', async () => {
    world.handlers.getMyProfile = () => ok(LEADER_PROFILE);
    page = await mount('packageLeader/pages/inbox/index', { query: { gridId: 'g1' } });
    expect(page.node('#reminder-count').dom.textContent).toBe('还能提醒您 0 次');
    expect(page.node('#reminder-hint').dom.textContent).toContain('提醒已用完');
    expect(page.hasClass('reminder-count-few')).toBe(true);
    page.unmount();

    world = installWorld();
    world.handlers.listInbox = () => ok({ view: 'mine', page: { items: [], nextCursor: null } });
    const longTerm = {
      longTerm: true,
      left: { requestAssigned: null, requestEscalated: null, requestDueSoon: null, requestUpdated: null, noticePublished: null },
    };
    world.handlers.getMyProfile = () => ok({ ...LEADER_PROFILE, reminders: longTerm });
    page = await mount('packageLeader/pages/inbox/index', { query: { gridId: 'g1' } });
    expect(page.node('#reminder-count').dom.textContent).toBe('已开启长期提醒');
    expect(page.hasClass('reminder-count-few')).toBe(false);
  });

  it('explains "总是保持以上选择" the first time only', async () => {
    world.handlers.getMyProfile = () => ok(LEADER_PROFILE);
    page = await mount('packageLeader/pages/inbox/index', { query: { gridId: 'g1' } });
    expect(page.node('#keep-choice').dom.textContent).toContain('总是保持以上选择');
    await page.tap('#keep-choice-ok');
    expect(page.comp.querySelector('#keep-choice')).toBeFalsy();
    page.unmount();
    // The same phone, another day.
    page = await mount('packageLeader/pages/inbox/index', { query: { gridId: 'g1' } });
    expect(page.comp.querySelector('#keep-choice')).toBeFalsy();
  });
});

function notice(id: string, title: string): NoticeListItem {
  return {
    id,
    streetId: 's1',
    title,
    body: '周六 8 点到 12 点停水',
    attachments: [],
    scope: { kind: 'street' },
    urgent: false,
    publishedAt: NOW,
    publishedBy: 'o-c',
    read: false,
  };
}

describe('a resident is asked for the notice template when they join, from home and when they open a notice', () => {
  it('joining asks for it and joins whatever the answer', async () => {
    world.handlers.joinGrid = () => ok({ grid: { id: 'g1', name: '第一网格', villageId: 'v1', villageName: '幸福里' }, alreadyMember: false });
    page = await mount('pages/join/index', { query: { scene: 'j=abc' } });
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(world.subscribeRequests).toEqual([[NOTICE_ID]]);
    expect(callsOf('joinGrid')).toHaveLength(1);
  });

  it('home says whether the next notice will reach them, and 下次有通知时提醒我 asks and shows the new state', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.getMyProfile = () => ok(RESIDENT_PROFILE);
    world.handlers.listNotices = () => ok({ notices: [notice('n1', '停水通知')], nextCursor: null });
    world.subscribeAnswers = { [NOTICE_ID]: 'accept' };
    page = await mount('pages/home/index');
    expect(page.node('#notice-remind-state').dom.textContent).toBe('未开启：有新通知时微信不会提醒您');
    await page.tap('#notice-remind');
    expect(world.subscribeRequests).toEqual([[NOTICE_ID]]);
    expect(callsOf('recordSubscription')[0]?.data.acceptedTemplateIds).toEqual([NOTICE_ID]);
    expect(page.node('#notice-remind-state').dom.textContent).toBe('已开启：下次有通知时微信会提醒您（还能提醒 1 次）');

    // Opening a notice from home asks again (one more reminder) and opens it.
    await page.tap('#notice-n1');
    expect(world.subscribeRequests).toEqual([[NOTICE_ID], [NOTICE_ID]]);
    expect(page.node('#notice-remind-state').dom.textContent).toContain('还能提醒 2 次');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/notice/index?id=n1' }]);
  });

  it('opening a notice from the list asks for it; the notice page has the button too', async () => {
    world.handlers.listNotices = () => ok({ notices: [notice('n1', '停水通知')], nextCursor: null });
    page = await mount('pages/notices/index');
    await page.tap('#notice-n1');
    expect(world.subscribeRequests).toEqual([[NOTICE_ID]]);
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/notice/index?id=n1' }]);
    page.unmount();

    page = await mount('pages/notice/index', { query: { id: 'n1' } });
    expect(world.subscribeRequests).toHaveLength(1);
    await page.tap('#remind');
    expect(world.subscribeRequests).toEqual([[NOTICE_ID], [NOTICE_ID]]);
  });
});

describe('a resident is asked for the request-update template whenever they look at an open request of theirs', () => {
  it('opening an open request asks, opening a finished one does not', async () => {
    world.handlers.listMyRequests = () =>
      ok({
        items: [requestItem(NOW, { id: 'r1', state: 'responded', version: 2 }), requestItem(NOW, { id: 'r2', state: 'confirmed', version: 2 })],
        nextCursor: null,
      });
    page = await mount('pages/requests/index');
    await page.tap('#request-r2');
    expect(world.subscribeRequests).toEqual([]);
    await page.tap('#request-r1');
    expect(world.subscribeRequests).toEqual([[UPDATE_ID]]);
    expect(world.navigations.map((n) => n.url)).toEqual(['/pages/request/index?id=r2', '/pages/request/index?id=r1']);
  });

  it('the open request says whether the next update will reach them, and 有新进展时提醒我 asks and counts it', async () => {
    const { autoCloseAt, ...request } = requestItem(NOW, { id: 'r1', state: 'inProgress', version: 2 });
    world.handlers.getRequest = () => ok({ ...request, autoCloseAt, events: [] });
    world.handlers.getMyProfile = () => ok({ ...RESIDENT_PROFILE, reminders: reminders({ requestUpdated: 1 }) });
    world.subscribeAnswers = { [UPDATE_ID]: 'accept' };
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#remind-state').dom.textContent).toBe('有新进展时微信会提醒您（还能提醒 1 次）');
    await page.tap('#remind');
    expect(world.subscribeRequests).toEqual([[UPDATE_ID]]);
    expect(page.node('#remind-state').dom.textContent).toBe('有新进展时微信会提醒您（还能提醒 2 次）');
  });

  it('a finished request offers no reminder', async () => {
    const { autoCloseAt, ...request } = requestItem(NOW, { id: 'r2', state: 'confirmed', version: 2 });
    world.handlers.getRequest = () => ok({ ...request, autoCloseAt, events: [] });
    page = await mount('pages/request/index', { query: { id: 'r2' } });
    expect(page.comp.querySelector('#remind')).toBeFalsy();
  });
});

/** The mini-program opened from a card in a WeChat group: the enter options and, on request, the group's cloudID. */
function openFromGroupCard(path: string, query: Record<string, string>, cloudID: string): void {
  world.wx.getEnterOptionsSync = () => ({ scene: 1044, path, query, shareTicket: 'ticket-1', chatType: 3 });
  world.wx.getGroupEnterInfo = (opts: { success?: (r: unknown) => void }) =>
    opts.success?.({ cloudID, encryptedData: '', iv: '', errMsg: 'getGroupEnterInfo:ok' });
}

describe('the grid WeChat group', () => {
  it('the notice page forwards a card that opens that notice, with the share ticket on', async () => {
    world.handlers.listNotices = () => ok({ notices: [notice('n1', '停水通知')], nextCursor: null });
    page = await mount('pages/notice/index', { query: { id: 'n1' } });
    expect(world.shareMenus).toEqual([{ withShareTicket: true, menus: ['shareAppMessage'] }]);
    expect(forwarded(page)).toEqual({ title: '【通知】停水通知', path: '/pages/notice/index?id=n1' });
    expect(page.node('#share').instance?.data.openType).toBe('share');
  });

  it('the roster forwards the latest notice card into the group; with no notice yet, the grid card', async () => {
    world.handlers.getGridRoster = () => ok(rosterReply({ id: 'n7', title: '周六停水通知' }));
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    expect(world.shareMenus).toEqual([{ withShareTicket: true, menus: ['shareAppMessage'] }]);
    expect(page.node('#share-notice').instance?.data.openType).toBe('share');
    expect(forwarded(page).path).toBe('/pages/notice/index?id=n7');
    page.unmount();

    world.handlers.getGridRoster = () => ok(rosterReply(null));
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    expect(forwarded(page).path).toBe('/pages/join/index?gridId=g1');
  });

  it('a resident opening a notice from a group card marks it read with the group cloudID', async () => {
    openFromGroupCard('pages/notice/index', { id: 'n1' }, 'cloud-id-group-1');
    world.handlers.listNotices = () => ok({ notices: [notice('n1', '停水通知')], nextCursor: null });
    world.handlers.markNoticeRead = () => ok({ noticeId: 'n1', firstRead: true, channel: 'group' });
    page = await mount('pages/notice/index', { query: { id: 'n1' } });
    expect(page.node('#body').dom.textContent).toBe('周六 8 点到 12 点停水');
    expect(callsOf('markNoticeRead')).toEqual([{ name: 'markNoticeRead', data: { noticeId: 'n1', groupCloudId: 'cloud-id-group-1' } }]);
  });

  it('a notice reached later in a session that began at another card is a plain read', async () => {
    openFromGroupCard('pages/notice/index', { id: 'n1' }, 'cloud-id-group-1');
    world.handlers.listNotices = () => ok({ notices: [notice('n2', '义诊')], nextCursor: null });
    page = await mount('pages/notice/index', { query: { id: 'n2' } });
    expect(callsOf('markNoticeRead')).toEqual([{ name: 'markNoticeRead', data: { noticeId: 'n2' } }]);
  });

  it('someone not yet in the grid who opens a notice card from the group is offered the way to join', async () => {
    openFromGroupCard('pages/notice/index', { id: 'n1' }, 'cloud-id-group-1');
    world.handlers.listNotices = () => ok({ notices: [], nextCursor: null });
    world.handlers.markNoticeRead = () => ({ ok: false, code: 'AUTH.FORBIDDEN', message: '请先加入您所在的网格' });
    page = await mount('pages/notice/index', { query: { id: 'n1' } });
    expect(page.node('#error').dom.textContent).toContain('您还没有加入网格');
    await page.tap('#join');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/join/index' }]);
  });

  it("home forwards the grid's card: the join page of the leader's grid, or the resident's own", async () => {
    world.handlers.getMyProfile = () => ok(LEADER_PROFILE);
    page = await mount('pages/home/index');
    expect(world.shareMenus).toEqual([{ withShareTicket: true, menus: ['shareAppMessage'] }]);
    expect(forwarded(page)).toEqual({ title: '加入第一网格，有事找网格长', path: '/pages/join/index?gridId=g1' });
    page.unmount();

    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.getMyProfile = () => ok({ ...RESIDENT_PROFILE, membership: { ...RESIDENT_PROFILE.membership!, gridId: 'g2', gridName: '第二网格' } });
    world.handlers.listNotices = () => ok({ notices: [], nextCursor: null });
    page = await mount('pages/home/index');
    expect(forwarded(page).path).toBe('/pages/join/index?gridId=g2');
  });

  it("the QR page's steps are true: its share button forwards the grid card", async () => {
    world.handlers.getJoinCode = () => ok({ gridId: 'g1', fileID: 'cloud://env/joincodes/g1.png', scene: 'JA00', expiresAt: NOW });
    page = await mount('packageLeader/pages/qrcode/index', { query: { gridId: 'g1' } });
    expect(page.node('#group-steps').dom.textContent).toContain('转发到本网格微信群');
    expect(page.node('#share-group').instance?.data.openType).toBe('share');
    expect(forwarded(page).path).toBe('/pages/join/index?gridId=g1');
    expect(world.shareMenus).toEqual([{ withShareTicket: true, menus: ['shareAppMessage'] }]);
  });

  it("the grid's leader opening the grid card in the group binds the group to the grid", async () => {
    openFromGroupCard('pages/join/index', { gridId: 'g1' }, 'cloud-id-group-9');
    world.handlers.getMyProfile = () => ok(LEADER_PROFILE);
    world.handlers.bindGridGroup = () => ok({ gridId: 'g1', alreadyBound: false });
    page = await mount('pages/join/index', { query: { gridId: 'g1' } });
    expect(page.node('#grid-name').dom.textContent).toBe('第一网格的微信群');
    expect(callsOf('resolveGroupGrid')).toEqual([]);
    await page.tap('#bind-group');
    expect(callsOf('bindGridGroup')).toEqual([{ name: 'bindGridGroup', data: { gridId: 'g1', groupCloudId: 'cloud-id-group-9' } }]);
    expect(page.node('#bind-message').dom.textContent).toContain('已绑定本网格微信群');
  });

  it('a resident opening the same card in the group joins the grid the group names', async () => {
    openFromGroupCard('pages/join/index', { gridId: 'g1' }, 'cloud-id-group-9');
    world.handlers.getMyProfile = () => ok({ ...RESIDENT_PROFILE, membership: null });
    world.handlers.resolveGroupGrid = () =>
      ok({ grid: { id: 'g1', name: '第一网格', villageId: 'v1', villageName: '幸福里' }, scene: 'group-scene', expiresAt: NOW + MINUTE, alreadyMember: false });
    world.handlers.joinGrid = () => ok({ grid: { id: 'g1', name: '第一网格', villageId: 'v1', villageName: '幸福里' }, alreadyMember: false });
    page = await mount('pages/join/index', { query: { gridId: 'g1' } });
    expect(callsOf('resolveGroupGrid')).toEqual([{ name: 'resolveGroupGrid', data: { groupCloudId: 'cloud-id-group-9' } }]);
    expect(page.node('#grid-name').dom.textContent).toBe('加入第一网格');
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(callsOf('joinGrid')).toEqual([{ name: 'joinGrid', data: { scene: 'group-scene', privacyConsent: { version: PRIVACY_NOTICE_VERSION } } }]);
    expect(callsOf('bindGridGroup')).toEqual([]);
  });
});
