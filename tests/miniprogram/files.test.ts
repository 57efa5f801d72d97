// @vitest-environment jsdom
// Photos through the service layer: in develop mode they go over real HTTP to the local emulator's
// storage and come back as URLs that load the same bytes; on CloudBase they go to wx.cloud and
// fileIDs are shown as they are. The fake wx.uploadFile and wx.request send what the phone would.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APP_CONFIG } from '../../miniprogram/config';
import { resetTransport } from '../../miniprogram/services/api';
import { displayUrls, uploadFile } from '../../miniprogram/services/files';
import { uploadPending } from '../../miniprogram/utils/photos';
import { startTestEmulator, type TestEmulator } from '../../emulator/src/testing';
import { installWorld, type FakeWorld } from './harness';

const PHOTO_BYTES = Buffer.from('\x89PNG\r\n\x1a\n a photo of a broken stair rail', 'binary');
const LOCAL_PATH = 'http://tmp/wx-photo-1.png';
const HTTP_OK = 200;
/** The product's storage rule: the develop-mode user reads and overwrites only what it uploaded. */
const STORAGE_RULES = path.join(__dirname, '..', '..', 'database', 'storage-rules.json');

interface HttpReply {
  statusCode: number;
  body: Buffer;
}

function send(url: string, options: http.RequestOptions, body: Buffer | string): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** wx.uploadFile as the phone sends it: a multipart form with the formData fields and the file under `name`. */
function multipart(fields: Record<string, string>, fileField: string, file: Buffer): { boundary: string; body: Buffer } {
  const boundary = '----lx-test-boundary';
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { boundary, body: Buffer.concat(parts) };
}

/** Points wx.uploadFile and wx.request at the emulator; local temp paths hold PHOTO_BYTES. */
function routeFilesToEmulator(world: FakeWorld, emuUrl: string): { uploadsSent: number } {
  const counts = { uploadsSent: 0 };
  world.wx.uploadFile = (opts: {
    url: string;
    filePath: string;
    name: string;
    formData: Record<string, string>;
    header: Record<string, string>;
    success(r: unknown): void;
    fail(e: unknown): void;
  }) => {
    counts.uploadsSent += 1;
    const { boundary, body } = multipart(opts.formData, opts.name, PHOTO_BYTES);
    send(
      emuUrl + new URL(opts.url).pathname,
      { method: 'POST', headers: { ...opts.header, 'content-type': `multipart/form-data; boundary=${boundary}` } },
      body,
    ).then(
      (res) => opts.success({ statusCode: res.statusCode, data: res.body.toString('utf8'), errMsg: 'uploadFile:ok' }),
      (err: Error) => opts.fail({ errMsg: `uploadFile:fail ${err.message}` }),
    );
  };
  world.wx.request = (opts: { url: string; header: Record<string, string>; data: unknown; success(r: unknown): void; fail(e: unknown): void }) => {
    const payload = JSON.stringify(opts.data);
    send(emuUrl + new URL(opts.url).pathname, { method: 'POST', headers: { ...opts.header, 'content-type': 'application/json' } }, payload).then(
      (res) => opts.success({ statusCode: res.statusCode, data: JSON.parse(res.body.toString('utf8')) as unknown, errMsg: 'request:ok' }),
      (err: Error) => opts.fail({ errMsg: `request:fail ${err.message}` }),
    );
  };
  Object.assign(globalThis, { wx: world.wx });
  return counts;
}

describe('photos in develop mode reach the emulator', () => {
  let emu: TestEmulator;
  let world: FakeWorld;
  let counts: { uploadsSent: number };
  beforeAll(async () => {
    emu = await startTestEmulator({ storageRulesFile: STORAGE_RULES });
  });
  afterAll(async () => {
    await emu.stop();
  });
  beforeEach(() => {
    world = installWorld({ envVersion: 'develop' });
    resetTransport();
    counts = routeFilesToEmulator(world, emu.url);
  });

  it('uploads once through wx.uploadFile and shows a URL that loads the same bytes', async () => {
    const progress: string[][] = [];
    const ids = await uploadPending(
      [{ path: LOCAL_PATH, fileId: '' }],
      (i, ext) => `requests/key-1-${i}${ext}`,
      (photos) => progress.push(photos.map((p) => p.fileId)),
    );
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^cloud:\/\/.+\/requests\/key-1-0\.png$/);
    expect(progress).toEqual([ids]);
    expect(counts.uploadsSent).toBe(1);
    // Nothing reached wx.cloud, which cannot see a loopback emulator.
    expect(world.uploads).toEqual([]);

    const [url] = await displayUrls(ids);
    expect(url).toMatch(new RegExp(`^${emu.url}/`));
    const download = await send(url ?? '', { method: 'GET' }, '');
    expect(download.statusCode).toBe(HTTP_OK);
    expect(download.body.equals(PHOTO_BYTES)).toBe(true);
  });

  it('a photo already uploaded is not sent again', async () => {
    const ids = await uploadPending(
      [{ path: LOCAL_PATH, fileId: 'cloud://done' }],
      () => 'requests/never',
      () => undefined,
    );
    expect(ids).toEqual(['cloud://done']);
    expect(counts.uploadsSent).toBe(0);
  });

  it('a refused upload fails with the network code instead of a fileID', async () => {
    await expect(uploadFile('/starts-with-slash.png', LOCAL_PATH)).rejects.toMatchObject({
      code: 'NETWORK.FAILED',
      message: expect.stringContaining('cloudPath must not start with "/"'),
    });
  });

  it('a missing file shows as no URL', async () => {
    const uploaded = await uploadFile('requests/present.png', LOCAL_PATH);
    const missing = uploaded.replace('requests/present.png', 'requests/missing.png');
    const urls = await displayUrls([missing, uploaded]);
    expect(urls[0]).toBe('');
    expect(urls[1]).not.toBe('');
  });

  it('the emulator asks who is uploading, as wx.cloud knows', async () => {
    const { boundary, body } = multipart({ cloudPath: 'a.png' }, 'file', PHOTO_BYTES);
    const res = await send(`${emu.url}/wx/uploadFile`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }, body);
    expect(res.statusCode).toBe(401);
    expect(APP_CONFIG.devOpenid).not.toBe('');
  });
});

describe('photos on CloudBase', () => {
  it('go to wx.cloud.uploadFile and show as their fileIDs', async () => {
    const world = installWorld({ envVersion: 'release' });
    resetTransport();
    const ids = await uploadPending(
      [{ path: LOCAL_PATH, fileId: '' }],
      (i, ext) => `requests/k-${i}${ext}`,
      () => undefined,
    );
    expect(world.uploads).toEqual([{ cloudPath: 'requests/k-0.png', filePath: LOCAL_PATH }]);
    expect(await displayUrls(ids)).toEqual(ids);
  });
});
