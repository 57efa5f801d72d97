// @vitest-environment jsdom
// Photos through the service layer: in develop mode they go over real HTTP to the local emulator's
// storage, under the product's storage rule, as the phone's user; on CloudBase they go to wx.cloud.
// The fake wx.uploadFile sends what the phone would (emulator-phone.ts).
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_CONFIG } from '../../miniprogram/config';
import { resetTransport } from '../../miniprogram/services/api';
import { uploadFile } from '../../miniprogram/services/files';
import { uploadPending } from '../../miniprogram/utils/photos';
import { startTestEmulator, type TestEmulator } from '../../emulator/src/testing';
import { bytesAt, tempUrlsAs } from '../helpers/clientStorage';
import { routeUploadsToEmulator } from './emulator-phone';
import { installWorld, type FakeWorld } from './harness';

const PHOTO_BYTES = Buffer.from('\x89PNG\r\n\x1a\n a photo of a broken stair rail', 'binary');
const LOCAL_PATH = 'http://tmp/wx-photo-1.png';
const HTTP_UNAUTHORIZED = 401;
const STORAGE_RULES = path.join(__dirname, '..', '..', 'database', 'storage-rules.json');

describe('photos in develop mode reach the emulator', () => {
  let emu: TestEmulator;
  let world: FakeWorld;
  let counts: { sent: number };
  beforeAll(async () => {
    emu = await startTestEmulator({ storageRulesFile: STORAGE_RULES });
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => {
    world = installWorld({ envVersion: 'develop' });
    resetTransport();
    // Nobody else holds the phone: the page's own X-WX-OPENID (APP_CONFIG.devOpenid) goes with each upload.
    counts = routeUploadsToEmulator(world, emu.url, { openid: null }, () => PHOTO_BYTES);
  });

  it('uploads once through wx.uploadFile, as the phone user, who alone may read it back', async () => {
    const progress: string[][] = [];
    const ids = await uploadPending(
      [{ path: LOCAL_PATH, fileId: '' }],
      (i, ext) => `requests/key-1-${i}${ext}`,
      (photos) => progress.push(photos.map((p) => p.fileId)),
    );
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^cloud:\/\/.+\/requests\/key-1-0\.png$/);
    expect(progress).toEqual([ids]);
    expect(counts.sent).toBe(1);
    // Nothing reached wx.cloud, which cannot see a loopback emulator.
    expect(world.uploads).toEqual([]);

    const [own] = await tempUrlsAs(emu.url, APP_CONFIG.devOpenid, ids);
    expect(own?.tempFileURL).toMatch(new RegExp(`^${emu.url}/`));
    expect(await bytesAt(own?.tempFileURL ?? '')).toEqual(PHOTO_BYTES);
    const [someoneElse] = await tempUrlsAs(emu.url, 'o-someone-else', ids);
    expect(someoneElse?.errMsg).toMatch(/STORAGE_EXCEED_AUTHORITY/);
  });

  it('a photo already uploaded is not sent again', async () => {
    const ids = await uploadPending(
      [{ path: LOCAL_PATH, fileId: 'cloud://done' }],
      () => 'requests/never',
      () => undefined,
    );
    expect(ids).toEqual(['cloud://done']);
    expect(counts.sent).toBe(0);
  });

  it('a refused upload fails with the network code instead of a fileID', async () => {
    await expect(uploadFile('/starts-with-slash.png', LOCAL_PATH)).rejects.toMatchObject({
      code: 'NETWORK.FAILED',
      message: expect.stringContaining('cloudPath must not start with "/"'),
    });
  });

  it('the emulator asks who is uploading, as wx.cloud knows', async () => {
    const answered = await new Promise<{ statusCode: number }>((resolve, reject) => {
      (world.wx.uploadFile as (opts: Record<string, unknown>) => void)({
        url: `${emu.url}/wx/uploadFile`,
        filePath: LOCAL_PATH,
        name: 'file',
        formData: { cloudPath: 'a.png' },
        success: resolve,
        fail: reject,
      });
    });
    expect(answered.statusCode).toBe(HTTP_UNAUTHORIZED);
    expect(APP_CONFIG.devOpenid).not.toBe('');
  });
});

describe('photos on CloudBase', () => {
  it('go to wx.cloud.uploadFile', async () => {
    const world = installWorld({ envVersion: 'release' });
    resetTransport();
    const ids = await uploadPending(
      [{ path: LOCAL_PATH, fileId: '' }],
      (i, ext) => `requests/k-${i}${ext}`,
      () => undefined,
    );
    expect(world.uploads).toEqual([{ cloudPath: 'requests/k-0.png', filePath: LOCAL_PATH }]);
    expect(ids).toEqual(['cloud://env-test.bucket/requests/k-0.png']);
  });
});
