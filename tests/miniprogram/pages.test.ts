// @vitest-environment jsdom
// The resident pages other than home and submit: what the user sees and what the service layer was asked.
import { PRIVACY_NOTICE, PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FunctionOutputs, JoinOutput, NoticeListItem, RequestDetail } from '../../miniprogram/services/outputs';
import { attribute, dispatchOnDrawn, exparserNodeOf, failWith, installWorld, mount, ok, settle, type FakeWorld, type Mounted } from './harness';
import { fakeDateAt, requestItem } from './fixtures';

const NOW = Date.UTC(2024, 2, 5, 6, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

// Outputs as the backend answers them: typed with the backend's own types, so a change of shape
// there fails the type check here.
/** What the join page sends once the resident ticked the privacy notice. */
const CONSENT = { version: PRIVACY_NOTICE_VERSION };
const GRID = { id: 'g1', name: '第三网格', villageId: 'v1', villageName: '幸福里' };

function joined(over: Partial<JoinOutput> = {}): JoinOutput {
  return { grid: GRID, householdId: 'h1', alreadyMember: false, moved: false, householdNeeded: false, claimPending: true, ...over };
}

function requestDetail(state: RequestDetail['state'], notes: string[]): RequestDetail {
  const { autoCloseAt, ...base } = requestItem(NOW, { id: 'r1', state });
  const events = notes.map((note, i) => ({
    requestId: 'r1',
    kind: 'respond' as const,
    fromState: 'submitted' as const,
    toState: state,
    actorId: 'o-leader',
    at: NOW + i * MINUTE,
    label: '已响应',
    note,
    version: i + 2,
  }));
  return { ...base, autoCloseAt, events };
}

function noticePage(notices: Array<Pick<NoticeListItem, 'id' | 'title' | 'read'> & Partial<NoticeListItem>>): FunctionOutputs['listNotices'] {
  return {
    notices: notices.map((n) => ({
      streetId: 's1',
      body: '',
      attachments: [],
      scope: { kind: 'street' },
      urgent: false,
      publishedAt: NOW,
      publishedBy: 'o-committee',
      ...n,
    })),
    nextCursor: null,
  };
}

let world: FakeWorld;
let page: Mounted | null = null;
const callsOf = (name: string) => world.calls.filter((c) => c.name === name);
fakeDateAt(NOW);
beforeEach(() => {
  world = installWorld();
});

describe('join page', () => {
  it('joins with the QR scene, the address once and the care flags, then remembers the grid', async () => {
    world.handlers.joinGrid = () => ok(joined());
    page = await mount('pages/join/index', { query: { scene: encodeURIComponent('j=abc123') } });
    await page.change('#building', ' 3号楼 ');
    await page.change('#room', '501');
    await page.check('#care-elderlyAlone', true);
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(world.calls).toEqual([
      { name: 'joinGrid', data: { scene: 'j=abc123', privacyConsent: CONSENT, household: { building: '3号楼', room: '501', careNeeds: ['elderlyAlone'] } } },
    ]);
    expect(world.storage.get('lx.membership')).toEqual({ gridId: 'g1', gridName: '第三网格', villageName: '幸福里' });
    expect(world.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/home/index' }]);
    expect(world.toasts).toEqual(['已加入第三网格']);
  });

  it('says so when the resident was already a member, and goes home', async () => {
    world.handlers.joinGrid = () => ok(joined({ alreadyMember: true }));
    page = await mount('pages/join/index', { query: { scene: 'j=abc123' } });
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(world.toasts).toEqual(['您已是第三网格的成员']);
    expect(world.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/home/index' }]);
  });

  it('opened from the grid group card: names the grid from the group, then joins with the scene it gave', async () => {
    world.wx.getEnterOptionsSync = () => ({ scene: 1044, path: 'pages/join/index', query: {}, shareTicket: 'ticket-1' });
    world.wx.getGroupEnterInfo = (opts: { success?: (r: unknown) => void }) =>
      opts.success?.({ cloudID: 'cloud-id-1', encryptedData: '', iv: '', errMsg: 'getGroupEnterInfo:ok' });
    const resolved: FunctionOutputs['resolveGroupGrid'] = { grid: GRID, scene: 'group-scene-1', expiresAt: NOW + 60 * MINUTE, alreadyMember: false };
    world.handlers.resolveGroupGrid = () => ok(resolved);
    world.handlers.joinGrid = () => ok(joined());
    page = await mount('pages/join/index');
    expect(page.node('#grid-name').dom.textContent).toBe('加入第三网格');
    await page.change('#room', '302');
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(world.calls).toEqual([
      { name: 'resolveGroupGrid', data: { groupCloudId: 'cloud-id-1' } },
      { name: 'joinGrid', data: { scene: 'group-scene-1', privacyConsent: CONSENT, household: { room: '302' } } },
    ]);
    expect(world.storage.get('lx.membership')).toEqual({ gridId: 'g1', gridName: '第三网格', villageName: '幸福里' });
  });

  it('opened from the group card by a member: says so and goes home without asking anything', async () => {
    world.wx.getEnterOptionsSync = () => ({ scene: 1044, path: 'pages/join/index', query: {}, shareTicket: 'ticket-1' });
    world.wx.getGroupEnterInfo = (opts: { success?: (r: unknown) => void }) => opts.success?.({ cloudID: 'cloud-id-1' });
    world.handlers.resolveGroupGrid = () => ok({ grid: GRID, scene: 's', expiresAt: NOW, alreadyMember: true });
    page = await mount('pages/join/index');
    expect(world.calls.map((c) => c.name)).toEqual(['resolveGroupGrid']);
    expect(world.toasts).toEqual(['您已是第三网格的成员']);
    expect(world.navigations).toEqual([{ kind: 'reLaunch', url: '/pages/home/index' }]);
  });

  it('tells the resident when the group is not bound to any grid', async () => {
    world.wx.getEnterOptionsSync = () => ({ scene: 1044, path: 'pages/join/index', query: {}, shareTicket: 'ticket-1' });
    world.wx.getGroupEnterInfo = (opts: { success?: (r: unknown) => void }) => opts.success?.({ cloudID: 'cloud-id-1' });
    world.handlers.resolveGroupGrid = () => failWith('GRID.NOT_FOUND', '这个微信群还没有绑定网格，请联系网格长');
    page = await mount('pages/join/index');
    expect(page.node('#error').dom.textContent).toBe('这个微信群还没有绑定网格，请联系网格长');
    expect(page.comp.querySelector('#join') ?? null).toBeNull();
  });

  it('shows the plain message for an expired code and stays', async () => {
    world.handlers.joinGrid = () => failWith('TOKEN.EXPIRED');
    page = await mount('pages/join/index', { query: { scene: 'j=old' } });
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(page.node('#error').dom.textContent).toBe('二维码已过期，请向网格长索取新的二维码');
    expect(world.navigations).toEqual([]);
  });

  it('shows the privacy notice and an unticked consent, and sends no join until it is ticked', async () => {
    world.handlers.joinGrid = () => ok(joined());
    page = await mount('pages/join/index', { query: { scene: 'j=abc123' } });
    const notice = page.node('#privacy-notice').dom.textContent ?? '';
    for (const part of ['住址', '电话', '敏感个人信息', '谁能看到', '两委', '保存多久', '查看、更正和删除']) expect(notice).toContain(part);
    expect(notice).toContain(PRIVACY_NOTICE.title);
    expect(page.node('#privacy-consent').instance?.data.checked).toBe(false);
    await page.tap('#join');
    expect(callsOf('joinGrid')).toEqual([]);
    expect(page.node('#error').dom.textContent).toBe('请先阅读并同意《个人信息保护说明》，再加入网格');
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(callsOf('joinGrid')).toEqual([{ name: 'joinGrid', data: { scene: 'j=abc123', privacyConsent: CONSENT } }]);
  });

  it("shows WeChat's privacy popup when the base library asks, and joins once the resident agrees", async () => {
    world.handlers.joinGrid = () => ok(joined());
    let listener: ((resolve: (answer: Record<string, string>) => void) => void) | null = null;
    const answers: Record<string, string>[] = [];
    let authorised = false;
    world.wx.onNeedPrivacyAuthorization = (l: typeof listener) => {
      listener = l;
    };
    world.wx.requirePrivacyAuthorize = (opts: { success(): void; fail(): void }) => {
      if (authorised) return opts.success();
      listener?.((answer) => {
        answers.push(answer);
        if (answer.event === 'agree') opts.success();
        if (answer.event === 'disagree') opts.fail();
      });
    };
    page = await mount('pages/join/index', { query: { scene: 'j=abc123' } });
    await page.check('#privacy-consent', true);
    await page.tap('#join');
    expect(page.text()).toContain('用户隐私保护指引');
    expect(callsOf('joinGrid')).toEqual([]);
    await page.tap('#wechat-privacy >>> #disagree-privacy');
    expect(callsOf('joinGrid')).toEqual([]);
    expect(page.node('#error').dom.textContent).toContain('用户隐私保护指引');
    await page.tap('#join');
    authorised = true;
    // The agree button is WeChat's own (open-type="agreePrivacyAuthorization"): it answers with this event.
    dispatchOnDrawn(page.node('#wechat-privacy >>> #agree-privacy'), 'agreeprivacyauthorization');
    await settle();
    expect(answers).toEqual([
      { event: 'exposureAuthorization' },
      { event: 'disagree' },
      { event: 'exposureAuthorization' },
      { event: 'agree', buttonId: 'agree-privacy' },
    ]);
    expect(callsOf('joinGrid')).toHaveLength(1);
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
          requestItem(NOW, {
            id: 'r1',
            category: 'repairs',
            text: '灯坏了',
            state: 'submitted',
            submittedAt: NOW - 60 * SECOND,
            responseDueAt: NOW + 299 * SECOND,
          }),
          requestItem(NOW, { id: 'r2', category: 'medicine', text: '买药', state: 'inProgress', submittedAt: NOW, responseDueAt: NOW - SECOND }),
        ],
        nextCursor: null,
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

  it('ticks the countdown each second to amber and then red, and stops when the page goes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(NOW);
    world.handlers.listMyRequests = () => ok({ items: [requestItem(NOW, { id: 'r1', text: 'x', responseDueAt: NOW + 200 * SECOND })], nextCursor: null });
    page = await mount('pages/requests/index');
    vi.advanceTimersByTime(30 * SECOND);
    expect(page.node('#request-r1').dom.textContent).toContain('剩 2 分 50 秒');
    expect(page.hasClass('lx-tone-warning')).toBe(true);
    vi.advanceTimersByTime(235 * SECOND);
    expect(page.node('#request-r1').dom.textContent).toContain('已超时 1 分 5 秒');
    expect(page.hasClass('lx-tone-overdue')).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    page.unmount();
    page = null;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('request page', () => {
  const resolved = requestDetail('resolved', ['已派电工修好']);

  it('shows the timeline and confirms with a rating', async () => {
    world.handlers.getRequest = () => ok(resolved);
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#step-0').dom.textContent).toContain('已响应：已派电工修好');
    await page.change('#rating', 4);
    await page.tap('#confirm');
    // The page also asks who the resident is, for their reminder count.
    expect(world.calls.map((c) => c.name)).toEqual(['getRequest', 'getMyProfile', 'confirmRequest', 'getRequest']);
    expect(callsOf('confirmRequest')[0]?.data).toEqual({ requestId: 'r1', rating: 4 });
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
    expect(callsOf('reopenRequest')).toEqual([{ name: 'reopenRequest', data: { requestId: 'r1', reason: '灯还是不亮' } }]);
    // Reopened, it will be answered again: the tap asked for the update reminder.
    expect(world.subscribeRequests).toEqual([['tmpl-request-updated']]);
  });

  it('says who handles it by role and name, and shows the photos by their temporary URLs', async () => {
    const mine = 'cloud://env-test.bucket/requests/k-0.jpg';
    const fix = 'cloud://env-test.bucket/resolutions/r1-1-0.jpg';
    world.handlers.getRequest = () =>
      ok({
        ...resolved,
        photos: [mine],
        resolution: { note: '已派电工修好', photos: [fix] },
        handledBy: ['网格长 赵桂兰', '党小组长 陈海燕'],
        photoUrls: { [mine]: 'https://tcb.example/mine.jpg?sign=a', [fix]: 'https://tcb.example/fix.jpg?sign=b' },
      });
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#handled-by').dom.textContent).toBe('负责人：网格长 赵桂兰、党小组长 陈海燕');
    const sources = (strip: string) => page!.comp.querySelectorAll(`#${strip} .lx-photo`).map((n) => attribute(exparserNodeOf(n), 'src'));
    expect(sources('my-photos')).toEqual(['https://tcb.example/mine.jpg?sign=a']);
    expect(sources('resolution-photos')).toEqual(['https://tcb.example/fix.jpg?sign=b']);
    const previewed: string[][] = [];
    world.wx.previewImage = (opts: { urls: string[] }) => void previewed.push(opts.urls);
    await page.tap('#resolution-photos .lx-photo');
    expect(previewed).toEqual([['https://tcb.example/fix.jpg?sign=b']]);
  });

  it('offers no confirmation before the request is resolved', async () => {
    world.handlers.getRequest = () => ok(requestDetail('inProgress', []));
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#confirm') ?? null).toBeNull();
    expect(page.text()).toContain('处理中');
  });
});

describe('notices', () => {
  it('lists notices with the unread marked and opens one', async () => {
    world.handlers.listNotices = () =>
      ok(
        noticePage([
          { id: 'n1', title: '停水', read: false },
          { id: 'n2', title: '疫苗', read: true },
        ]),
      );
    page = await mount('pages/notices/index');
    expect(page.node('#notice-n1').dom.textContent).toContain('未读');
    expect(page.node('#notice-n2').dom.textContent).not.toContain('未读');
    await page.tap('#notice-n2');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/notice/index?id=n2' }]);
  });

  it('asks again each time the list shows and when pulled down, putting the spinner away', async () => {
    const notices = [{ id: 'n1', title: '停水', read: false }];
    world.handlers.listNotices = () => ok(noticePage(notices));
    page = await mount('pages/notices/index');
    notices.push({ id: 'n2', title: '疫苗', read: false });
    await page.show();
    expect(page.node('#notice-n2').dom.textContent).toContain('疫苗');
    notices.push({ id: 'n3', title: '义诊', read: false });
    await page.pullDown();
    expect(page.node('#notice-n3').dom.textContent).toContain('义诊');
    expect(callsOf('listNotices')).toHaveLength(3);
    expect(world.pullDownsStopped).toBe(1);
  });

  it('says in plain words why the list is missing, and clears it once the list loads', async () => {
    world.handlers.listNotices = () => failWith('NETWORK.FAILED');
    page = await mount('pages/notices/index');
    expect(page.node('#error').dom.textContent).toBe('网络不稳定，请检查网络后再试');
    expect(page.comp.querySelector('#empty')).toBeFalsy();
    world.handlers.listNotices = () => ok(noticePage([{ id: 'n1', title: '停水', read: false }]));
    await page.pullDown();
    expect(page.comp.querySelector('#error')).toBeFalsy();
    expect(page.node('#notice-n1').dom.textContent).toContain('停水');
  });

  it('opening a notice shows it and marks it read', async () => {
    world.handlers.listNotices = () => ok(noticePage([{ id: 'n1', title: '停水', read: false, body: '周六 8 点到 12 点停水' }]));
    page = await mount('pages/notice/index', { query: { id: 'n1' } });
    expect(page.node('#body').dom.textContent).toBe('周六 8 点到 12 点停水');
    expect(world.calls.at(-1)).toEqual({ name: 'markNoticeRead', data: { noticeId: 'n1' } });
  });
});
