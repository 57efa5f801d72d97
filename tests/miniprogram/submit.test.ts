// @vitest-environment jsdom
// Submit page: refuses bad input before anything leaves the phone, keeps the draft when sending
// fails (a rate limit's refusal too: marked urgent it goes), uploads photos once, asks for subscriptions
// and records the accepted ones. Photos and the place pass WeChat's privacy gate: the page's popup
// asks a resident who has not agreed yet, and a refusal is explained.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { dispatchOnDrawn, failWith, fakePrivacyGate, installWorld, mount, ok, settle, type FakeWorld, type Mounted, type PrivacyGate } from './harness';

const REPAIRS_INDEX = 4; // CATEGORY_ORDER: supplies, medicine, elderlyCare, sanitation, repairs
const TEMPLATE = 'tmpl-request-updated'; // config.ts templateIds.requestUpdated

/** What submitRequest answers; only the request id matters to the page. */
function submitted(id: string): FunctionOutputs['submitRequest'] {
  return { request: { id } as FunctionOutputs['submitRequest']['request'], duplicate: false };
}

describe('submit page', () => {
  let world: FakeWorld;
  let page: Mounted;
  beforeEach(async () => {
    world = installWorld();
    page = await mount('pages/submit/index');
  });
  afterEach(() => page.unmount());

  async function fill(text: string): Promise<void> {
    await page.change('#category', String(REPAIRS_INDEX));
    await page.change('#text', text);
  }

  it('refuses 501 characters before any upload or call, and says why', async () => {
    world.chosenMedia = ['/tmp/a.jpg'];
    await page.tap('#add-photo');
    await fill('灯'.repeat(501));
    await page.tap('#send');
    expect(page.node('#text-error').dom.textContent).toBe('最多 500 字');
    expect(page.node('#counter').dom.textContent).toBe('501/500');
    expect(world.calls).toEqual([]);
    expect(world.uploads).toEqual([]);
    expect(world.subscribeRequests).toEqual([]);
  });

  it('asks for a category first', async () => {
    await page.change('#text', '楼道灯坏了');
    await page.tap('#send');
    expect(page.node('#category-error').dom.textContent).toBe('请选择类别');
    expect(world.calls).toEqual([]);
  });

  it('keeps what was typed when sending fails, and retries with the same key', async () => {
    world.handlers.submitRequest = () => failWith('INTERNAL');
    await fill('三单元楼道灯坏了一周');
    await page.tap('#send');
    expect(page.node('#error').dom.textContent).toBe('系统繁忙，请稍后再试');
    expect(page.comp.instance.data.text).toBe('三单元楼道灯坏了一周');
    expect(world.navigations).toEqual([]);
    world.handlers.submitRequest = () => ok(submitted('r1'));
    await page.tap('#send');
    expect(world.calls.map((c) => c.name)).toEqual(['submitRequest', 'submitRequest']);
    expect(world.calls[0]?.data.idempotencyKey).toBe(world.calls[1]?.data.idempotencyKey);
    expect(world.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/request/index?id=r1' }]);
  });

  it('shows a rate limit’s refusal as the server words it, keeps the draft, and sends it again once marked urgent', async () => {
    const refusal = '您已有3件未办结的同类诉求，请等待处理或直接联系网格长；紧急情况请勾选"紧急"';
    world.handlers.submitRequest = (data) => (data.urgent === true ? ok(submitted('r2')) : failWith('LIMIT.OPEN_REQUESTS', refusal));
    await fill('楼道里有燃气味');
    await page.tap('#send');
    expect(page.node('#error').dom.textContent).toBe(refusal);
    expect(page.comp.instance.data.text).toBe('楼道里有燃气味');
    await page.check('#urgent', true);
    await page.tap('#send');
    expect(world.calls.filter((c) => c.name === 'submitRequest').map((c) => c.data.urgent)).toEqual([undefined, true]);
    expect(world.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/request/index?id=r2' }]);
  });

  it('uploads the photos, sends category, text, urgency and place, then records accepted subscriptions', async () => {
    world.chosenMedia = ['/tmp/a.jpg', '/tmp/b.png'];
    world.subscribeAnswers = { [TEMPLATE]: 'accept' };
    world.handlers.submitRequest = () => ok(submitted('r9'));
    await page.tap('#add-photo');
    await page.tap('#location');
    await page.check('#urgent', true);
    await fill('独居老人家里停电');
    await page.tap('#send');
    expect(world.subscribeRequests).toEqual([[TEMPLATE]]);
    expect(world.uploads.map((u) => u.filePath)).toEqual(['/tmp/a.jpg', '/tmp/b.png']);
    // The consent is recorded as soon as it is given, without waiting for the upload or the request.
    expect(world.calls.map((c) => c.name).sort()).toEqual(['recordSubscription', 'submitRequest']);
    const sent = world.calls.find((c) => c.name === 'submitRequest');
    expect(sent?.data).toMatchObject({
      category: 'repairs',
      text: '独居老人家里停电',
      urgent: true,
      location: { latitude: 31.2, longitude: 121.5, name: '测试小区' },
      photos: [expect.stringMatching(/^cloud:\/\/.+-0\.jpg$/), expect.stringMatching(/^cloud:\/\/.+-1\.png$/)],
    });
    expect(world.calls.find((c) => c.name === 'recordSubscription')).toEqual({
      name: 'recordSubscription',
      data: { acceptedTemplateIds: [TEMPLATE], grantId: expect.any(String) },
    });
    expect(world.navigations).toEqual([{ kind: 'redirectTo', url: '/pages/request/index?id=r9' }]);
  });

  it('does not record a subscription the resident declined', async () => {
    world.handlers.submitRequest = () => ok(submitted('r2'));
    await fill('垃圾没人收');
    await page.tap('#send');
    expect(world.calls.map((c) => c.name)).toEqual(['submitRequest']);
  });
});

describe("submit page: WeChat's privacy gate", () => {
  const POPUP = '#wechat-privacy >>> #privacy-popup';
  let world: FakeWorld;
  let gate: PrivacyGate;
  let page: Mounted;
  /** A resident who opened the page (e.g. from a notice card) before agreeing to the guide. */
  beforeEach(async () => {
    world = installWorld();
    world.chosenMedia = ['/tmp/a.jpg'];
    gate = fakePrivacyGate(world);
    page = await mount('pages/submit/index');
  });
  afterEach(() => page.unmount());

  const popupShown = (): boolean => page.comp.querySelector(POPUP) !== null && page.comp.querySelector(POPUP) !== undefined;
  const photoPaths = (): string[] => (page.comp.instance.data.photos as { path: string }[]).map((p) => p.path);
  async function agree(): Promise<void> {
    // The agree button is WeChat's own (open-type="agreePrivacyAuthorization"): it answers with this event.
    dispatchOnDrawn(page.node('#wechat-privacy >>> #agree-privacy'), 'agreeprivacyauthorization');
    await settle();
  }

  it('shows the popup when a photo is added, opens the album once the resident agrees, and then asks no more', async () => {
    expect(popupShown()).toBe(false);
    await page.tap('#add-photo');
    expect(popupShown()).toBe(true);
    expect(page.textOf(POPUP)).toContain('读取您选的照片和位置');
    expect(page.textOf(POPUP)).toContain('《用户隐私保护指引》');
    expect(gate.ran).toEqual([]);
    expect(photoPaths()).toEqual([]);
    await agree();
    expect(gate.answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: 'agree-privacy' }]);
    expect(gate.ran).toEqual(['chooseMedia']);
    expect(photoPaths()).toEqual(['/tmp/a.jpg']);
    expect(popupShown()).toBe(false);
    await page.tap('#location');
    expect(popupShown()).toBe(false);
    expect(gate.ran).toEqual(['chooseMedia', 'chooseLocation']);
    expect(page.node('#location-name').dom.textContent).toBe('测试小区');
    expect(world.modals).toEqual([]);
  });

  it('shows the popup when a place is picked, and opens the map once the resident agrees', async () => {
    await page.tap('#location');
    expect(popupShown()).toBe(true);
    expect(gate.ran).toEqual([]);
    await agree();
    expect(gate.ran).toEqual(['chooseLocation']);
    expect(page.node('#location-name').dom.textContent).toBe('测试小区');
  });

  it('says plainly why nothing happened when the resident does not agree, calls nothing, and asks again on the next tap', async () => {
    await page.tap('#add-photo');
    await page.tap('#wechat-privacy >>> #disagree-privacy');
    expect(popupShown()).toBe(false);
    expect(gate.ran).toEqual([]);
    expect(photoPaths()).toEqual([]);
    expect(world.modals).toHaveLength(1);
    expect(world.modals[0]?.content).toContain('没有同意《用户隐私保护指引》');
    expect(world.modals[0]?.content).toContain('没有打开相册');
    await page.tap('#location');
    expect(popupShown()).toBe(true);
    await page.tap('#wechat-privacy >>> #disagree-privacy');
    expect(gate.ran).toEqual([]);
    expect(page.node('#location-name').dom.textContent).toBe('位置（可选）');
    expect(world.modals[1]?.content).toContain('没有选位置');
    expect(world.calls).toEqual([]);
    expect(world.uploads).toEqual([]);
    // Asked again, they agree: the photo is added after all.
    await page.tap('#add-photo');
    expect(popupShown()).toBe(true);
    await agree();
    expect(gate.ran).toEqual(['chooseMedia']);
    expect(photoPaths()).toEqual(['/tmp/a.jpg']);
    expect(world.modals).toHaveLength(2);
  });
});
