// Durability: a write the emulator acknowledged survives kill -9 of the emulator process. The
// emulator runs as a child process (the package's bin, which loads the TypeScript CLI in that same
// process, so SIGKILL hits the emulator itself) on a temporary data folder; the real SDK in this
// process writes, the child is killed with SIGKILL, restarted on the same folder, and read.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, DEFAULT_ENV_ID, sdkEnvironment } from '../src/config';

type AnyDoc = Record<string, any>;
const requireCjs = createRequire(__filename);
const PACKAGE_ROOT = path.resolve(__dirname, '..');
const BIN = path.join(PACKAGE_ROOT, 'bin', 'cloudbase-emulator.cjs');
const LISTENING = /listening on (http:\/\/\S+)/;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emulator-durability-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the emulator CLI on a free port and resolves with its URL once it listens. */
function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--data', dataDir], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = LISTENING.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`emulator exited (${String(code)}) before listening:\n${out}`)));
  });
}

function database(url: string): any {
  // wx-server-sdk reads its service URL from the environment at call time.
  Object.assign(process.env, sdkEnvironment(url, DEFAULT_ENV_ID, DEFAULT_APP_ID));
  const cloud = requireCjs('wx-server-sdk') as typeof import('wx-server-sdk');
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
  return cloud.database();
}

describe('database durability', () => {
  it('keeps acknowledged writes across kill -9 and restart', async () => {
    const first = await startChild();
    const db1 = database(first.url);
    await db1.createCollection('durable');
    const { _id } = (await db1.collection('durable').add({ data: { msg: 'survives', at: new Date(1_700_000_000_000) } })) as AnyDoc;
    await db1
      .collection('durable')
      .doc(_id)
      .update({ data: { count: db1.command.inc(1) } });
    // No graceful shutdown: the write must already be on disk.
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;

    const second = await startChild();
    const db2 = database(second.url);
    const doc = (await db2.collection('durable').doc(_id).get()).data as AnyDoc;
    expect(doc.msg).toBe('survives');
    expect(doc.count).toBe(1);
    expect(doc.at.getTime()).toBe(1_700_000_000_000);
    second.child.kill('SIGKILL');
  }, 60_000);
});
