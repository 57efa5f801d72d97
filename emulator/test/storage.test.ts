// The storage module through the real wx-server-sdk: upload, temporary URLs, download and delete.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure, startTestEmulator, useTestEmulator } from './helpers';

const ENV = 'local-env';
const FILE_ID_PREFIX = `cloud://${ENV}.`;
const TWO_MINUTES_MS = 2 * 60_000;

/** What wx-server-sdk throws for storage failures: node-sdk's TcbError (with the server's `code`) plus errCode/errMsg. */
interface TempFile {
  fileID: string;
  tempFileURL: string;
  status: number;
  errMsg: string;
  maxAge: number;
}

const suite = useTestEmulator({ options: { clockStartMs: Date.UTC(2026, 10, 24, 2, 0, 0) }, actAs: 'o-storage-user' });

const upload = async (cloudPath: string, content: Buffer): Promise<string> => (await suite.emu.cloud.uploadFile({ cloudPath, fileContent: content })).fileID;

// The SDK's typings allow void results; at runtime these calls resolve with { fileList } or throw.
const tempUrls = async (fileList: (string | { fileID: string; maxAge: number })[]): Promise<TempFile[]> =>
  ((await suite.emu.cloud.getTempFileURL({ fileList: fileList as never })) as unknown as { fileList: TempFile[] }).fileList;

const deleteFiles = async (fileList: string[]): Promise<{ fileID: string; status: number; errMsg: string }[]> =>
  ((await suite.emu.cloud.deleteFile({ fileList })) as unknown as { fileList: { fileID: string; status: number; errMsg: string }[] }).fileList;

describe('storage', () => {
  it('uploads, serves a temp URL, downloads and deletes a file', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10, 0x42]);
    const fileID = await upload('grids/g1/photo.png', bytes);
    expect(fileID.startsWith(FILE_ID_PREFIX)).toBe(true);
    expect(fileID.endsWith('/grids/g1/photo.png')).toBe(true);

    const [temp] = await tempUrls([fileID]);
    expect(temp?.status).toBe(0);
    expect(temp?.fileID).toBe(fileID);
    const res = await fetch(temp!.tempFileURL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // node-sdk's getFileInfo reads size and type with a HEAD request.
    const head = await fetch(temp!.tempFileURL, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(bytes.length));

    const downloaded = await suite.emu.cloud.downloadFile({ fileID });
    expect(Buffer.isBuffer(downloaded.fileContent)).toBe(true);
    expect((downloaded.fileContent as Buffer).equals(bytes)).toBe(true);

    expect(await deleteFiles([fileID])).toEqual([{ fileID, status: 0, errMsg: 'ok' }]);

    const [gone] = await tempUrls([fileID]);
    expect(gone?.status).toBe(-503003);
    expect(gone?.tempFileURL).toBe('');
    // The old URL no longer serves the bytes either.
    expect((await fetch(temp!.tempFileURL)).status).toBe(404);
    expect((await failure(suite.emu.cloud.downloadFile({ fileID }))).code).toBe('STORAGE_FILE_NONEXIST');
  });

  it('overwrites a file uploaded twice to the same path and keeps non-ASCII names', async () => {
    const first = await upload('报告/第一期.txt', Buffer.from('v1'));
    const second = await upload('报告/第一期.txt', Buffer.from('第二版'));
    expect(second).toBe(first);
    const downloaded = await suite.emu.cloud.downloadFile({ fileID: first });
    expect((downloaded.fileContent as Buffer).toString('utf8')).toBe('第二版');
    const [temp] = await tempUrls([first]);
    const res = await fetch(temp!.tempFileURL);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('第二版');
    const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as { storage: { files: number } };
    expect(health.storage.files).toBe(1);
  });

  it('expires a temp URL after its maxAge on the emulator clock', async () => {
    const fileID = await upload('a/short.txt', Buffer.from('brief'));
    const [temp] = await tempUrls([{ fileID, maxAge: 60 }]);
    expect(temp?.maxAge).toBe(60);
    expect((await fetch(temp!.tempFileURL)).status).toBe(200);
    await suite.emu.control.advance(TWO_MINUTES_MS);
    const expired = await fetch(temp!.tempFileURL);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it('rejects a tampered temp URL signature', async () => {
    const fileID = await upload('a/secret.txt', Buffer.from('x'));
    const [temp] = await tempUrls([fileID]);
    const tampered = temp!.tempFileURL.replace('a/secret.txt', 'a/other.txt');
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('reports per-file status when deleting a missing file alongside an existing one', async () => {
    const fileID = await upload('a/keep.txt', Buffer.from('k'));
    const missing = fileID.replace('keep.txt', 'missing.txt');
    const res = await deleteFiles([fileID, missing]);
    expect(res.map((f) => f.status)).toEqual([0, -503003]);
  });

  it('marks a fileID of another env as out of authority', async () => {
    const [other] = await tempUrls(['cloud://other-env.6f74-other-env-1250000000/x.txt']);
    expect(other?.status).toBe(-503002);
  });

  it('rejects an invalid cloud path with a clear error', async () => {
    const err = await failure(suite.emu.cloud.uploadFile({ cloudPath: '/leading/slash.txt', fileContent: Buffer.from('x') }));
    expect(err.code).toBe('INVALID_PARAM');
    expect(err.errMsg).toContain('must not start with "/"');
  });

  it('rejects an upload whose signature does not match, as COS does', async () => {
    const res = await fetch(`${suite.emu.url}/__storage/upload/a/forged.txt`, {
      method: 'PUT',
      headers: { authorization: 'q-sign-time=9999999999&q-signature=00' },
      body: 'forged',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('reset drops every file', async () => {
    const fileID = await upload('a/b.txt', Buffer.from('b'));
    await suite.emu.control.reset();
    const [temp] = await tempUrls([fileID]);
    expect(temp?.status).toBe(-503003);
  });
});

describe('storage with a data folder', () => {
  it('keeps files, their temp URLs and the open-API outbox across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emulator-storage-'));
    try {
      const first = await startTestEmulator({ dataDir });
      const fileID = (await first.cloud.uploadFile({ cloudPath: 'durable/a.txt', fileContent: Buffer.from('kept') })).fileID;
      const [temp] = ((await first.cloud.getTempFileURL({ fileList: [fileID] })) as unknown as { fileList: TempFile[] }).fileList;
      await first.cloud.openapi.subscribeMessage.send({ touser: 'o-1', templateId: 't', data: { thing1: { value: 'x' } } });
      await first.stop();

      const second = await startTestEmulator({ dataDir });
      try {
        const downloaded = await second.cloud.downloadFile({ fileID });
        expect((downloaded.fileContent as Buffer).toString()).toBe('kept');
        // The signing secret is durable, so a URL minted before the restart still works (on the new port).
        const moved = new URL(temp!.tempFileURL);
        const res = await fetch(`${second.url}${moved.pathname}${moved.search}`);
        expect(await res.text()).toBe('kept');
        expect(await second.control.outbox()).toHaveLength(1);
      } finally {
        await second.stop();
      }
    } finally {
      // Point the SDK back at this file's shared emulator.
      Object.assign(process.env, suite.emu.emulator.sdkEnvironment());
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
