// @vitest-environment jsdom
// Home page: my grid, latest notices with unread marked, the big report button, elder mode.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs, NoticeListItem } from '../../miniprogram/services/outputs';
import { installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';

const MEMBERSHIP = { gridId: 'grid1', gridName: '幸福里第三网格', villageName: '幸福里社区' };
const PUBLISHED_AT = Date.UTC(2026, 10, 24, 2, 0, 0);
const EMPTY_PROFILE: FunctionOutputs['getMyProfile'] = { membership: null, grids: [], villages: [], streetAdmin: false };

/** A notice as listNotices answers it (the type follows the backend's). */
function notice(id: string, title: string, read: boolean): NoticeListItem {
  return { id, streetId: 's1', title, body: '', attachments: [], scope: { kind: 'street' }, urgent: false, publishedAt: PUBLISHED_AT, publishedBy: 'o-committee', read };
}
function noticePage(notices: NoticeListItem[]): FunctionOutputs['listNotices'] {
  return { notices, nextCursor: null };
}

describe('home page', () => {
  let world: FakeWorld;
  let page: Mounted | null = null;
  beforeEach(() => {
    world = installWorld();
  });
  afterEach(() => {
    page?.unmount();
    page = null;
  });

  it('asks a resident without a grid to scan the QR, and asks the backend only who they are', async () => {
    world.handlers.getMyProfile = () => ok(EMPTY_PROFILE);
    page = await mount('pages/home/index');
    expect(page.text()).toContain('您还没有加入网格');
    expect(world.calls).toEqual([{ name: 'getMyProfile', data: {} }]);
    expect(page.comp.querySelector('#work')).toBeFalsy();
  });

  it('shows my grid and the latest notices, marking the unread ones', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.listNotices = () =>
      ok(noticePage([notice('n1', '周六核酸检测安排', false), notice('n2', '停水通知', true)]));
    page = await mount('pages/home/index');
    expect(page.text()).toContain('幸福里第三网格');
    expect(world.calls).toEqual([
      { name: 'getMyProfile', data: {} },
      { name: 'listNotices', data: { limit: 5 } },
    ]);
    expect(page.node('#notice-n1').dom.textContent).toContain('未读');
    expect(page.node('#notice-n2').dom.textContent).not.toContain('未读');
  });

  it('opens the submit page from the big button and a notice from the list', async () => {
    world.storage.set('lx.membership', MEMBERSHIP);
    world.handlers.listNotices = () => ok(noticePage([notice('n1', '通知一', false)]));
    page = await mount('pages/home/index');
    await page.tap('#report');
    await page.tap('#notice-n1');
    expect(world.navigations).toEqual([
      { kind: 'navigateTo', url: '/pages/submit/index' },
      { kind: 'navigateTo', url: '/pages/notice/index?id=n1' },
    ]);
  });

  it('switches elder-friendly mode on the root and remembers it', async () => {
    page = await mount('pages/home/index');
    expect(page.hasClass('lx-elder')).toBe(false);
    await page.change('#elder', true);
    expect(world.storage.get('lx.elderMode')).toBe(true);
    expect(page.hasClass('lx-elder')).toBe(true);
  });
});
