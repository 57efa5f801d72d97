// @vitest-environment jsdom
// Photos end to end under the storage rule (database/storage-rules.json: only a file's uploader reads
// it from the phone): a resident attaches a photo on the real submit page, the grid leader sees it on
// the real leader request page and resolves with a photo of their own, and the resident sees both on
// their request page. Uploads go over real HTTP to the emulator as each person; every image the pages
// show must load the bytes that person's counterpart uploaded. Run `npm run build:functions` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mounted } from './harness';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import { bytesAt, tempUrlsAs } from '../helpers/clientStorage';
import { onePageAtATime, routeToEmulator, routeUploadsToEmulator, STEP_LIMIT_MS, until, type Phone } from './emulator-phone';
import { attribute, exparserNodeOf, installWorld, mount, type FakeWorld } from './harness';

const REPAIRS_INDEX = 4; // CATEGORY_ORDER: supplies, medicine, elderlyCare, sanitation, repairs
const RESIDENT_PHOTO_PATH = 'http://tmp/rail-broken.jpg';
const LEADER_PHOTO_PATH = 'http://tmp/rail-welded.jpg';
/** What each local photo holds: the bytes the other person's page must end up loading. */
const PHOTO_BYTES: Record<string, Buffer> = {
  [RESIDENT_PHOTO_PATH]: Buffer.from('\xff\xd8\xff the broken stair rail', 'binary'),
  [LEADER_PHOTO_PATH]: Buffer.from('\xff\xd8\xff the rail welded back', 'binary'),
};

/** The src of each image in `strip` (a `.lx-photos` element's id) on the page. */
function shownSources(page: Mounted, strip: string): string[] {
  return page.comp.querySelectorAll(`#${strip} .lx-photo`).map((image) => attribute(exparserNodeOf(image), 'src'));
}

describe('photos between resident and leader, through the real pages', () => {
  let backend: TestBackend;
  let world: FakeWorld;
  const phone: Phone = { openid: null };
  const screen = onePageAtATime();
  let resident = '';
  let leader = '';
  let requestId = '';

  beforeAll(async () => {
    backend = await startTestBackend();
    const grid = backend.street.people.grids[0]!;
    resident = grid.residents[0]!.openid;
    leader = grid.leaders.gridLeader;
    world = installWorld({ envVersion: 'develop' });
    routeToEmulator(world, backend.emu.url, phone);
    routeUploadsToEmulator(world, backend.emu.url, phone, (filePath) => PHOTO_BYTES[filePath] ?? Buffer.alloc(0));
  }, STEP_LIMIT_MS * 3);

  afterAll(async () => {
    screen.close();
    await backend?.emu.stop();
  });

  it('the resident submits with a photo the leader may not read by its fileID', async () => {
    phone.openid = resident;
    world.chosenMedia = [RESIDENT_PHOTO_PATH];
    const submit = screen.show(await mount('pages/submit/index'));
    await submit.change('#category', String(REPAIRS_INDEX));
    await submit.change('#text', '三楼楼梯扶手断了，老人不敢下楼');
    await submit.tap('#add-photo');
    const before = world.navigations.length;
    await submit.tap('#send');
    await until('submitted', () => world.navigations.length > before);
    requestId = /id=([^&]+)/.exec(world.navigations.at(-1)?.url ?? '')?.[1] ?? '';
    expect(requestId).not.toBe('');
    const stored = await backend.call<{ photos: string[] }>('getRequest', { requestId }, resident);
    const [photo] = stored.data?.photos ?? [];
    expect(photo).toMatch(/^cloud:\/\//);
    const [asLeader] = await tempUrlsAs(backend.emu.url, leader, [photo!]);
    expect(asLeader?.errMsg).toMatch(/STORAGE_EXCEED_AUTHORITY/);
  });

  it("the leader's page shows the resident's photo, and the leader resolves with one", async () => {
    phone.openid = leader;
    expect((await backend.call('respondRequest', { requestId, message: '收到，马上安排' }, leader)).ok).toBe(true);
    const page = screen.show(await mount('packageLeader/pages/request/index', { query: { id: requestId } }));
    await until('request shown', () => page.comp.querySelector('#resolve') != null);
    const [shown] = shownSources(page, 'resident-photos');
    expect(await bytesAt(shown!)).toEqual(PHOTO_BYTES[RESIDENT_PHOTO_PATH]);

    world.chosenMedia = [LEADER_PHOTO_PATH];
    await page.tap('#add-photo');
    await page.change('#note', '扶手已焊好，请放心');
    await page.tap('#resolve');
    await until('resolved', () => page.textOf('#state').includes('已办结'));
  });

  it("the resident's page shows their photo and the resolution's", async () => {
    phone.openid = resident;
    const page = screen.show(await mount('pages/request/index', { query: { id: requestId } }));
    await until('request shown', () => page.comp.querySelector('#resolution-photos') != null);
    const [own] = shownSources(page, 'my-photos');
    const [fix] = shownSources(page, 'resolution-photos');
    expect(await bytesAt(own!)).toEqual(PHOTO_BYTES[RESIDENT_PHOTO_PATH]);
    expect(await bytesAt(fix!)).toEqual(PHOTO_BYTES[LEADER_PHOTO_PATH]);
  });
});
