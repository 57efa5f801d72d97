// The cloud-storage security rule on the mini-program's storage entries (POST /wx/uploadFile and
// /wx/getTempFileURL), with the real wx-server-sdk as the cloud function's side, which the rule never
// binds; the evaluator's grammar; CloudBase's default when no rule is given; bad rule files; and a data
// folder from before owners were recorded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../src';
import { compileStorageRules, DEFAULT_STORAGE_RULE, type RuleContext } from '../src/storage/rules';
import { startTestEmulator, useTestEmulator, type TestEmulator } from './helpers';

const CREATOR_ONLY_RULES = path.join(__dirname, 'fixtures', 'storage-rules.creator-only.json');
const ALICE = 'o-alice';
const BOB = 'o-bob';
const FUNCTION_CALLER = 'o-function-caller';
const EXCEED_AUTHORITY = 'STORAGE_EXCEED_AUTHORITY';
const HTTP_OK = 200;
const HTTP_FORBIDDEN = 403;

/** One entry of /wx/getTempFileURL's answer, as wx.cloud.getTempFileURL resolves it. */
interface ClientTempFile {
  fileID: string;
  tempFileURL: string;
  status: number;
  errMsg: string;
}

/** wx.uploadFile's multipart form to /wx/uploadFile, as `openid`. */
async function clientUpload(emu: TestEmulator, openid: string, cloudPath: string, bytes: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('cloudPath', cloudPath);
  form.append('file', new Blob([bytes]), path.basename(cloudPath));
  const res = await fetch(`${emu.url}/wx/uploadFile`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Uploads as `openid` and answers the fileID; fails the test if the upload is refused. */
async function clientUploaded(emu: TestEmulator, openid: string, cloudPath: string, bytes: Buffer): Promise<string> {
  const { status, body } = await clientUpload(emu, openid, cloudPath, bytes);
  expect(status, JSON.stringify(body)).toBe(HTTP_OK);
  return body.fileID as string;
}

async function clientTempUrls(emu: TestEmulator, openid: string, fileList: string[]): Promise<ClientTempFile[]> {
  const res = await fetch(`${emu.url}/wx/getTempFileURL`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid },
    body: JSON.stringify({ fileList }),
  });
  expect(res.status).toBe(HTTP_OK);
  return ((await res.json()) as { fileList: ClientTempFile[] }).fileList;
}

async function bytesAt(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(HTTP_OK);
  return Buffer.from(await res.arrayBuffer());
}

/** The function side: wx-server-sdk's getTempFileURL, which no rule binds. */
async function functionTempUrl(emu: TestEmulator, fileID: string): Promise<{ tempFileURL: string; status: number }> {
  const answer = (await emu.cloud.getTempFileURL({ fileList: [fileID] })) as unknown as { fileList: { tempFileURL: string; status: number }[] };
  const [entry] = answer.fileList;
  if (entry === undefined) throw new Error('getTempFileURL answered no entry');
  return entry;
}

function expectRefused(entry: ClientTempFile | undefined, fileID: string): void {
  expect(entry).toMatchObject({ fileID, tempFileURL: '', status: -1 });
  expect(entry?.errMsg.startsWith(`${EXCEED_AUTHORITY}: `)).toBe(true);
}

describe('a creator-only storage rule', () => {
  const suite = useTestEmulator({ options: { storageRulesFile: CREATOR_ONLY_RULES }, actAs: FUNCTION_CALLER });

  it("lets the uploader read its own file's temporary URL, whose bytes load", async () => {
    const bytes = Buffer.from('alice photo');
    const fileID = await clientUploaded(suite.emu, ALICE, 'requests/alice.png', bytes);
    const [entry] = await clientTempUrls(suite.emu, ALICE, [fileID]);
    expect(entry).toMatchObject({ fileID, status: 0, errMsg: 'ok' });
    expect((await bytesAt(entry?.tempFileURL ?? '')).equals(bytes)).toBe(true);
  });

  it("refuses another user's file while that user's own file in the same call succeeds", async () => {
    const alices = await clientUploaded(suite.emu, ALICE, 'requests/a.png', Buffer.from('a'));
    const bobs = await clientUploaded(suite.emu, BOB, 'requests/b.png', Buffer.from('b'));
    const [refused, own] = await clientTempUrls(suite.emu, BOB, [alices, bobs]);
    expectRefused(refused, alices);
    expect(refused?.errMsg).toContain(BOB);
    expect(own).toMatchObject({ fileID: bobs, status: 0 });
    expect((await bytesAt(own?.tempFileURL ?? '')).toString()).toBe('b');
  });

  it("refuses a function's (ownerless) file to every user, while the function's own getTempFileURL works", async () => {
    const bytes = Buffer.from('template');
    const { fileID } = await suite.emu.cloud.uploadFile({ cloudPath: 'templates/register.xlsx', fileContent: bytes });
    for (const user of [ALICE, BOB, FUNCTION_CALLER]) {
      const [entry] = await clientTempUrls(suite.emu, user, [fileID]);
      expectRefused(entry, fileID);
    }
    const served = await functionTempUrl(suite.emu, fileID);
    expect(served.status).toBe(0);
    expect((await bytesAt(served.tempFileURL)).equals(bytes)).toBe(true);
  });

  it("refuses overwriting another user's file and writes nothing; the owner may overwrite", async () => {
    const fileID = await clientUploaded(suite.emu, ALICE, 'requests/kept.png', Buffer.from('original'));
    const { status, body } = await clientUpload(suite.emu, BOB, 'requests/kept.png', Buffer.from('replaced by bob'));
    expect(status).toBe(HTTP_FORBIDDEN);
    expect(body.errCode).toBe(EXCEED_AUTHORITY);
    expect(String(body.errMsg).startsWith('cloud.uploadFile:fail ')).toBe(true);
    const downloaded = await suite.emu.cloud.downloadFile({ fileID });
    expect((downloaded.fileContent as Buffer).toString()).toBe('original');
    // Bob did not become its owner either: Alice still reads it, Bob still may not.
    expect((await clientTempUrls(suite.emu, ALICE, [fileID]))[0]?.status).toBe(0);
    expectRefused((await clientTempUrls(suite.emu, BOB, [fileID]))[0], fileID);

    await clientUploaded(suite.emu, ALICE, 'requests/kept.png', Buffer.from('second version'));
    expect(((await suite.emu.cloud.downloadFile({ fileID })).fileContent as Buffer).toString()).toBe('second version');
  });

  it("refuses a user overwriting a function's file", async () => {
    const { fileID } = await suite.emu.cloud.uploadFile({ cloudPath: 'reports/week.xlsx', fileContent: Buffer.from('report') });
    const { status, body } = await clientUpload(suite.emu, ALICE, 'reports/week.xlsx', Buffer.from('forged'));
    expect(status).toBe(HTTP_FORBIDDEN);
    expect(body.errCode).toBe(EXCEED_AUTHORITY);
    expect(((await suite.emu.cloud.downloadFile({ fileID })).fileContent as Buffer).toString()).toBe('report');
  });

  it('never binds the function side: it overwrites and deletes a user file', async () => {
    const fileID = await clientUploaded(suite.emu, ALICE, 'requests/moderated.png', Buffer.from('alice'));
    await suite.emu.cloud.uploadFile({ cloudPath: 'requests/moderated.png', fileContent: Buffer.from('by function') });
    expect(((await suite.emu.cloud.downloadFile({ fileID })).fileContent as Buffer).toString()).toBe('by function');
    // The function's upload replaced the object, owner and all: Alice no longer owns it.
    expectRefused((await clientTempUrls(suite.emu, ALICE, [fileID]))[0], fileID);
    const deleted = (await suite.emu.cloud.deleteFile({ fileList: [fileID] })) as unknown as { fileList: { status: number }[] };
    expect(deleted.fileList[0]?.status).toBe(0);
  });

  it('shows the rule in use on GET /__emulator/health', async () => {
    const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as { storage: { rules: unknown } };
    expect(health.storage.rules).toEqual({ read: 'resource.openid == auth.openid', write: 'resource.openid == auth.openid' });
    expect(suite.emu.emulator.getInfo().storageRulesFile).toBe(CREATOR_ONLY_RULES);
  });
});

describe("CloudBase's default rule (no rule file)", () => {
  const suite = useTestEmulator({ actAs: FUNCTION_CALLER });

  it("lets anyone read any file, a function's too, but only the uploader overwrite", async () => {
    const alices = await clientUploaded(suite.emu, ALICE, 'requests/open.png', Buffer.from('open'));
    const { fileID: functions } = await suite.emu.cloud.uploadFile({ cloudPath: 'templates/t.xlsx', fileContent: Buffer.from('t') });
    const [a, f] = await clientTempUrls(suite.emu, BOB, [alices, functions]);
    expect(a).toMatchObject({ fileID: alices, status: 0 });
    expect(f).toMatchObject({ fileID: functions, status: 0 });
    expect((await bytesAt(a?.tempFileURL ?? '')).toString()).toBe('open');

    expect((await clientUpload(suite.emu, BOB, 'requests/open.png', Buffer.from('bob'))).status).toBe(HTTP_FORBIDDEN);
    const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as { storage: { rules: unknown } };
    expect(health.storage.rules).toEqual(DEFAULT_STORAGE_RULE);
  });
});

describe('the rule evaluator', () => {
  const signedIn = (openid: string, owner: string | null): RuleContext => ({
    auth: { openid, uid: openid, loginType: 'WECHAT-OPEN' },
    resource: { openid: owner },
  });
  const signedOut = (owner: string | null): RuleContext => ({ auth: null, resource: { openid: owner } });
  const reads = (expression: string | boolean, context: RuleContext): boolean =>
    compileStorageRules({ read: expression, write: false }, 'test').allows('read', context);

  it('compares operands with == and != and combines them with &&, || , ! and parentheses', () => {
    expect(reads('resource.openid == auth.openid', signedIn(ALICE, ALICE))).toBe(true);
    expect(reads('resource.openid == auth.openid', signedIn(BOB, ALICE))).toBe(false);
    expect(reads('resource.openid == auth.openid', signedIn(ALICE, null))).toBe(false);
    expect(reads('auth != null', signedIn(ALICE, null))).toBe(true);
    expect(reads('auth != null', signedOut(null))).toBe(false);
    expect(reads('auth.loginType == \'WECHAT-OPEN\' && auth.uid == "o-alice"', signedIn(ALICE, null))).toBe(true);
    expect(reads("auth.openid == 'o-it\\'s'", signedIn("o-it's", null))).toBe(true);
    expect(reads('resource.openid == null', signedIn(ALICE, null))).toBe(true);
    // && binds tighter than ||, as in JavaScript; parentheses change that.
    expect(reads('true || false && false', signedOut(null))).toBe(true);
    expect(reads('(true || false) && false', signedOut(null))).toBe(false);
    expect(reads('!(resource.openid == auth.openid)', signedIn(BOB, ALICE))).toBe(true);
    expect(reads('!false', signedOut(null))).toBe(true);
    expect(reads(true, signedOut(null))).toBe(true);
  });

  it('denies when a rule reads a field of a missing auth, however it is negated, unless && or || settle it first', () => {
    expect(reads("auth.openid != 'x'", signedOut(null))).toBe(false);
    expect(reads("!(auth.openid == 'x')", signedOut(null))).toBe(false);
    expect(reads('auth == null || auth.openid == resource.openid', signedOut(null))).toBe(true);
    expect(reads('auth != null && auth.openid == resource.openid', signedOut(ALICE))).toBe(false);
  });

  it('refuses what it does not support, naming the place and what it supports', () => {
    const refusal = (expression: unknown) => () => compileStorageRules({ read: expression, write: true }, 'rules.json');
    expect(refusal('doc.userId == auth.openid')).toThrow(/rules\.json: "read": cannot read .*unknown name "doc\.userId".*the emulator supports/);
    expect(refusal('auth.openid')).toThrow(/expected == or != after "auth\.openid"/);
    expect(refusal("auth.openid = 'x'")).toThrow(/unexpected "="/);
    expect(refusal('auth.openid == auth.uid == auth.loginType')).toThrow(/unexpected "=="/);
    expect(refusal('(auth != null')).toThrow(/expected "\)" but found the end/);
    expect(refusal("auth.openid == 'open")).toThrow(/unterminated string/);
    expect(refusal("resource.path == 'a'")).toThrow(/unknown name "resource\.path"/);
    expect(refusal('auth.openid > 1')).toThrow(/unexpected ">" at position 12/);
    expect(refusal(1)).toThrow(/"read" must be true, false or an expression string/);
    expect(() => compileStorageRules({ write: true }, 'rules.json')).toThrow(/"read" must be .*\(it is missing\)/);
    expect(() => compileStorageRules({ read: true, write: true, list: true }, 'rules.json')).toThrow(/rules\.json: unknown key "list"/);
    expect(() => compileStorageRules([], 'rules.json')).toThrow(/rules\.json: expected an object/);
  });
});

describe('loading the rule file', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
  });
  const tempFolder = (): string => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emulator-storage-rules-'));
    folders.push(folder);
    return folder;
  };
  const ruleFile = (content: string): string => {
    const file = path.join(tempFolder(), 'storage-rules.json');
    fs.writeFileSync(file, content);
    return file;
  };
  const starting = (storageRulesFile: string) => startEmulator({ port: 0, log: () => undefined, storageRulesFile });

  it('fails the start with a message naming the file', async () => {
    const unparseable = ruleFile('{ "read": "doc._openid == auth.openid", "write": false }');
    await expect(starting(unparseable)).rejects.toThrow(`${unparseable}: "read": cannot read "doc._openid == auth.openid": unknown name "doc._openid"`);
    const unknownKey = ruleFile('{ "$comment": "fine", "read": true, "write": true, "delete": false }');
    await expect(starting(unknownKey)).rejects.toThrow(`${unknownKey}: unknown key "delete"`);
    const notJson = ruleFile('{ read: true }');
    await expect(starting(notJson)).rejects.toThrow(`${notJson}: cannot read the storage rule`);
    const missing = path.join(tempFolder(), 'absent.json');
    await expect(starting(missing)).rejects.toThrow(`${missing}: cannot read the storage rule`);
  });

  it('accepts booleans and ignores $comment', async () => {
    const emulator = await starting(ruleFile('{ "$comment": "locked", "read": false, "write": false }'));
    try {
      const health = (await (await fetch(`${emulator.url}/__emulator/health`)).json()) as { storage: { rules: unknown } };
      expect(health.storage.rules).toEqual({ read: false, write: false });
    } finally {
      await emulator.stop();
    }
  });
});

describe('a data folder from before owners were recorded', () => {
  it('opens, and its files are ownerless', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emulator-old-store-'));
    const cloudPath = 'requests/old.png';
    try {
      // The storage table as the emulator created it before the owner column.
      const old = new Database(path.join(dataDir, 'emulator.sqlite'));
      old.exec(`CREATE TABLE storage_files (path TEXT PRIMARY KEY, content BLOB NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, uploaded_ms INTEGER NOT NULL);
        CREATE TABLE storage_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
      old.prepare('INSERT INTO storage_files VALUES (?, ?, ?, ?, ?)').run(cloudPath, Buffer.from('old'), 'image/png', 3, Date.now());
      old.close();

      const emu = await startTestEmulator({ dataDir, storageRulesFile: CREATOR_ONLY_RULES });
      try {
        // The old file's fileID: a probe the function uploads shows the bucket's prefix.
        const probe = (await emu.cloud.uploadFile({ cloudPath: 'probe.txt', fileContent: Buffer.from('p') })).fileID;
        const fileID = probe.replace(/probe\.txt$/, cloudPath);
        expect((await functionTempUrl(emu, fileID)).status).toBe(0);
        expectRefused((await clientTempUrls(emu, ALICE, [fileID]))[0], fileID);
        // New uploads record their owner in the added column.
        const fresh = await clientUploaded(emu, ALICE, 'requests/new.png', Buffer.from('new'));
        expect((await clientTempUrls(emu, ALICE, [fresh]))[0]?.status).toBe(0);
      } finally {
        await emu.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
