// @vitest-environment jsdom
// The request side of issue 11 on the phone, driven through taps with the real components: the
// leader's quick replies (one tap fills the reply box, still editable, one tap sends), the call
// button on the register's phone, 代办 (from the roster or the request page to the submit page,
// which names the household and sends onBehalfOf), the resident's "由网格员代办" line, and the
// committee's quick-reply editor (add, reorder, remove, save the whole list).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaderRequestView, requestHousehold, unreachedElderRow } from './fixtures';
import { failWith, installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';

/** Tue 2026-11-24 10:00 in China. */
const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);
const MEDICINE_INDEX = 1; // CATEGORY_ORDER: supplies, medicine, …
const QUICK_REPLIES = ['收到，马上安排', '已联系，正在处理', '物资已送达'];

let world: FakeWorld;
let page: Mounted | null = null;
beforeEach(() => {
  world = installWorld();
});
afterEach(() => {
  page?.unmount();
  page = null;
});

const callsOf = (name: string) => world.calls.filter((c) => c.name === name);

describe('quick replies on the leader request page', () => {
  it('one tap fills the reply box with the chip, the text stays editable, one tap sends it', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW), quickReplies: QUICK_REPLIES }));
    world.handlers.respondRequest = () => ok(leaderRequestView(NOW, { state: 'responded' }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    const chips = page.comp.querySelectorAll('.quick-reply').map((n) => n.dom.textContent?.trim());
    expect(chips).toEqual(QUICK_REPLIES);

    await page.tap('#quick-reply-1');
    expect(page.comp.instance.data.reply).toBe('已联系，正在处理');
    // Nothing is sent by the chip itself: the leader may still change the words.
    expect(callsOf('respondRequest')).toEqual([]);
    await page.change('#reply', '已联系，正在处理，下午三点前送到');
    await page.tap('#send-reply');
    expect(callsOf('respondRequest')).toEqual([
      { name: 'respondRequest', data: { requestId: 'r1', message: '已联系，正在处理，下午三点前送到', expectedVersion: 3 } },
    ]);

    // And the plain case: chip, then send.
    world.calls.length = 0;
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { quickReplies: QUICK_REPLIES }));
    page.unmount();
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    await page.tap('#quick-reply-0');
    await page.tap('#send-reply');
    expect(callsOf('respondRequest').map((c) => (c.data as { message: string }).message)).toEqual(['收到，马上安排']);
  });

  it('once answered, a chip fills the resolution note, still editable, and resolve sends it', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { state: 'inProgress', version: 5, quickReplies: QUICK_REPLIES }));
    world.handlers.updateRequestStatus = () => ok(leaderRequestView(NOW, { state: 'resolved' }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#reply-box')).toBeFalsy();
    await page.tap('#quick-note-2');
    expect(page.comp.instance.data.note).toBe('物资已送达');
    await page.tap('#resolve');
    expect(callsOf('updateRequestStatus')).toEqual([
      { name: 'updateRequestStatus', data: { requestId: 'r1', action: 'resolve', note: '物资已送达', expectedVersion: 5 } },
    ]);
  });

  it('shows no chips when the village has none', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { quickReplies: [] }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#reply-box')).toBeTruthy();
    expect(page.comp.querySelector('#quick-replies')).toBeFalsy();
  });
});

describe("the register's phone and 代办 on the leader request page", () => {
  it("dials the register's phone from the call button", async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { householdId: 'h1', household: requestHousehold(NOW, { residentPhone: '0571-88880000' }) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.textOf('#call-resident')).toBe('拨打居民电话');
    await page.tap('#call-resident');
    expect(world.phoneCalls).toEqual(['0571-88880000']);
  });

  it('says a request was submitted by staff, and opens another 代办 for the same household', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { householdId: 'h1', submittedBy: 'leader-b', household: requestHousehold(NOW) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#on-behalf').dom.textContent).toBe('由网格员代办');
    await page.tap('#submit-for-household');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/submit/index?householdId=h1&gridId=g1' }]);
  });

  it('offers no 代办 for a request without a household', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { household: requestHousehold(NOW) }));
    page = await mount('packageLeader/pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#submit-for-household')).toBeFalsy();
    expect(page.comp.querySelector('#on-behalf')).toBeFalsy();
  });
});

describe('代办 from the roster to the submit page', () => {
  it("the roster row's 代办 button opens the submit page for that household", async () => {
    world.handlers.getGridRoster = () =>
      ok({
        grid: { id: 'g1', name: '第一网格', villageId: 'v1' },
        leaders: [{ userId: 'leader-a', role: 'gridLeader' }],
        totalHouseholds: 1,
        notice: { id: 'n1', title: '周六停水通知', publishedAt: NOW, urgent: false },
        totals: { households: 1, joined: 0, withCareNeeds: 1, notice: { read: 0, toldInPerson: 0, unreached: 1, unreachedWithCareNeeds: 1 } },
        households: [unreachedElderRow()],
        nextCursor: null,
      });
    page = await mount('packageLeader/pages/roster/index', { query: { gridId: 'g1' } });
    expect(page.textOf('#behalf-h1')).toBe('代办诉求');
    await page.tap('#behalf-h1');
    expect(world.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/submit/index?householdId=h1&gridId=g1' }]);
  });

  it('the submit page names the household, sends onBehalfOf with its grid, asks no resident reminders and opens the leader page', async () => {
    world.handlers.getHousehold = () =>
      ok({
        householdId: 'h1',
        gridId: 'g1',
        building: '3号楼',
        unit: '2单元',
        room: '501',
        careNeeds: [],
        noSmartphone: true,
        members: [{ name: '王阿姨' }],
        source: 'register',
      });
    world.handlers.submitRequest = () => ok({ request: { id: 'r9' }, duplicate: false });
    page = await mount('pages/submit/index', { query: { householdId: 'h1', gridId: 'g1' } });
    expect(callsOf('getHousehold')).toEqual([{ name: 'getHousehold', data: { gridId: 'g1', householdId: 'h1' } }]);
    expect(page.node('#behalf').dom.textContent).toContain('代办：为 3号楼 2单元 501 王阿姨 提交诉求');
    expect(page.textOf('#send')).toBe('提交代办');

    await page.change('#category', String(MEDICINE_INDEX));
    await page.change('#text', '王阿姨电话说降压药吃完了');
    await page.tap('#send');
    const sent = callsOf('submitRequest');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toMatchObject({ category: 'medicine', text: '王阿姨电话说降压药吃完了', onBehalfOf: { householdId: 'h1' }, gridId: 'g1' });
    expect(world.subscribeRequests).toEqual([]);
    expect(world.navigations).toEqual([{ kind: 'redirectTo', url: '/packageLeader/pages/request/index?id=r9' }]);
  });

  it("says so when the household cannot be read, and shows the backend's refusal", async () => {
    world.handlers.getHousehold = () => failWith('AUTH.FORBIDDEN', '无权查看该住户');
    world.handlers.submitRequest = () => failWith('AUTH.FORBIDDEN', '只能为自己服务网格内登记的住户代办');
    page = await mount('pages/submit/index', { query: { householdId: 'h9', gridId: 'g1' } });
    expect(page.node('#behalf').dom.textContent).toContain('登记住户');
    await page.change('#category', String(MEDICINE_INDEX));
    await page.change('#text', '帮忙买药');
    await page.tap('#send');
    expect(page.node('#error').dom.textContent).toBe('只能为自己服务网格内登记的住户代办');
    expect(world.navigations).toEqual([]);
  });

  it('a resident submitting for themselves sees no 代办 line and sends no onBehalfOf', async () => {
    world.handlers.submitRequest = () => ok({ request: { id: 'r2' }, duplicate: false });
    page = await mount('pages/submit/index');
    expect(page.comp.querySelector('#behalf')).toBeFalsy();
    await page.change('#category', String(MEDICINE_INDEX));
    await page.change('#text', '需要买药');
    await page.tap('#send');
    expect(callsOf('submitRequest')[0]!.data).not.toHaveProperty('onBehalfOf');
    expect(world.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/request/index?id=r2' }]);
  });
});

describe("the resident's request page", () => {
  it('says a request was submitted for the household by staff', async () => {
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { residentId: 'resident-1', householdId: 'h1', submittedBy: 'leader-b' }));
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#on-behalf').dom.textContent).toBe('由网格员代办');
  });
});

describe("the resident's request page for another member of the household", () => {
  it('offers no confirm or reopen to a member who is not the named resident', async () => {
    const resolved = { state: 'resolved', householdId: 'h1', submittedBy: 'leader-b', resolvedAt: NOW, autoCloseAt: NOW + 7 * 86_400_000 };
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, { ...resolved, householdMemberView: true }));
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.node('#on-behalf').dom.textContent).toBe('由网格员代办');
    expect(page.comp.querySelector('#confirm-box')).toBeFalsy();
    page.unmount();
    world.handlers.getRequest = () => ok(leaderRequestView(NOW, resolved));
    page = await mount('pages/request/index', { query: { id: 'r1' } });
    expect(page.comp.querySelector('#confirm-box')).toBeTruthy();
  });
});

describe("the committee's quick-reply editor", () => {
  it('adds, moves, removes and saves the whole list in its order', async () => {
    world.handlers.getVillagePolicy = () => ok({ villageId: 'v1', stored: null, resolved: { quickReplies: QUICK_REPLIES } });
    world.handlers.setVillagePolicy = (data) =>
      ok({ policy: { villageId: 'v1', quickReplies: (data as { quickReplies: string[] }).quickReplies, updatedAt: NOW, updatedBy: 'c1' } });
    page = await mount('packageCommittee/pages/replies/index', { query: { villageId: 'v1' } });
    expect(callsOf('getVillagePolicy')).toEqual([{ name: 'getVillagePolicy', data: { villageId: 'v1' } }]);
    const texts = () => page!.comp.querySelectorAll('.reply-text').map((n) => n.dom.textContent?.trim());
    expect(texts()).toEqual(QUICK_REPLIES);
    expect(page.comp.querySelector('#unsaved')).toBeFalsy();

    await page.change('#draft', '  已上门查看 ');
    await page.tap('#add');
    expect(texts()).toEqual([...QUICK_REPLIES, '已上门查看']);
    // A repeat is refused on the phone.
    await page.change('#draft', '物资已送达');
    await page.tap('#add');
    expect(page.node('#draft-error').dom.textContent).toBe('已有这条回复');

    await page.tap('#up-3');
    expect(texts()).toEqual(['收到，马上安排', '已联系，正在处理', '已上门查看', '物资已送达']);
    await page.tap('#down-0');
    await page.tap('#remove-3');
    expect(texts()).toEqual(['已联系，正在处理', '收到，马上安排', '已上门查看']);
    expect(page.node('#unsaved').dom.textContent).toBe('有未保存的修改');

    await page.tap('#save');
    expect(callsOf('setVillagePolicy')).toEqual([
      { name: 'setVillagePolicy', data: { villageId: 'v1', quickReplies: ['已联系，正在处理', '收到，马上安排', '已上门查看'] } },
    ]);
    expect(world.toasts).toContain('已保存常用回复');
    expect(page.comp.querySelector('#unsaved')).toBeFalsy();
  });

  it('keeps the edits when saving fails and says why', async () => {
    world.handlers.getVillagePolicy = () => ok({ villageId: 'v1', stored: null, resolved: { quickReplies: ['收到'] } });
    world.handlers.setVillagePolicy = () => failWith('AUTH.FORBIDDEN', '没有权限');
    page = await mount('packageCommittee/pages/replies/index', { query: { villageId: 'v1' } });
    await page.tap('#remove-0');
    expect(page.node('#empty').dom.textContent).toBe('还没有常用回复');
    await page.tap('#save');
    expect(page.node('#error').dom.textContent).toBe('没有权限');
    expect(page.node('#unsaved')).toBeTruthy();
  });
});
