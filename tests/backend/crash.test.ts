// A crash in the middle of the work: the product runs as `npm start` runs it (scripts/start.ts, the
// built functions, a data folder on disk) in a child process, which is killed with SIGKILL while a
// sweep escalates a burst of requests, or while a street-wide notice is being delivered, restarted on
// the same folder, and given more timer ticks. Then what follows each change must have happened once:
// every responder holds exactly one inbox item in the request's current state and was told once (or
// not, for a recorded reason); every resident has one finished delivery, and was sent the notice once,
// twice only where the first attempt's outcome was unknown (the documented at-least-once).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE_MS, OUTCOME_UNKNOWN, residentDeliveries, type ResidentDelivery } from '../../core/src/delivery';
import { MINUTE_MS, SECOND_MS, SWEEP_INTERVAL_MS } from '../../core/src/policy';
import { buildDemoStreet, DEMO_ADMIN_OPENID, DEMO_STREET } from '../../backend/src/seed';
import { TEMPLATE_IDS } from '../../backend/src/notify';
import { COLLECTIONS } from '../../backend/src/collections';
import { fromStored } from '../../backend/src/db';
import type { DeliveryBatchDoc } from '../../backend/src/notices/docs';

const ROOT = path.resolve(__dirname, '..', '..');
const LISTENING = /listening on (http:\/\/\S+)/;
/** start.ts prints this once the demo street is seeded. */
const SEEDED = /Try next:/;
/** Requests each grid's residents submit before the sweep that is interrupted. */
const REQUESTS_PER_GRID = 5;
/** Authorisations each responder grants, more than the burst needs, so every message can be sent. */
const GRANTS_PER_RESPONDER = 3;
/** How often the test looks for the sweep's first escalations, to kill the process under it. */
const POLL_MS = 10;
const STARTUP_LIMIT_MS = 60_000;
/** Why a responder may have been told nothing: recorded, not lost. */
const UNSENT_REASONS = new Set(['noAuthorisation', 'refused']);

type Doc = Record<string, any>;

/** deliverNotices' timer (cloudfunctions/deliverNotices/config.json). */
const DELIVERY_TICK_MS = 10 * SECOND_MS;

const dataDirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-crash-'));
  dataDirs.push(dir);
  return dir;
}

/** `npm start` on `dataDir`; resolves once it listens and the street is seeded (on its first start). */
function startProduct(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // tsx as a loader, not its CLI, so the emulator is this very process and SIGKILL reaches it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', '0', '--data', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const url = LISTENING.exec(out)?.[1];
      if (url && SEEDED.test(out)) resolve({ child, url });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${String(code)}) before it was ready:\n${out}`)));
  });
}

async function post(url: string, body: unknown, openid?: string): Promise<Doc> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(openid ? { 'X-WX-OPENID': openid } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Doc;
}

async function call(base: string, name: string, data: unknown, openid: string): Promise<Doc> {
  const reply = await post(`${base}/wx/callFunction`, { name, data }, openid);
  return reply.result as Doc;
}

async function collection(base: string, name: string): Promise<Doc[]> {
  return ((await (await fetch(`${base}/__emulator/collections/${name}`)).json()) as { documents: Doc[] }).documents;
}

async function clockOf(base: string): Promise<number> {
  return ((await (await fetch(`${base}/__emulator/clock`)).json()) as { nowMs: number }).nowMs;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a crash mid-sweep', () => {
  it(
    'loses no inbox item and repeats no message once restarted and ticked twice',
    async () => {
      const street = buildDemoStreet(DEMO_STREET, 0).people;
      const dataDir = newDataDir();
      const first = await startProduct(dataDir);
      const responders = [...new Set([...street.grids.flatMap((g) => Object.values(g.leaders)), ...Object.values(street.dutyOfficers).flat()])];
      for (const openid of responders) {
        for (let grant = 0; grant < GRANTS_PER_RESPONDER; grant += 1) {
          const granted = await call(
            first.url,
            'recordSubscription',
            { acceptedTemplateIds: [TEMPLATE_IDS.requestAssigned], grantId: `crash-grant-${grant}-${openid}` },
            openid,
          );
          expect(granted.ok).toBe(true);
        }
      }
      for (const grid of street.grids) {
        for (let i = 0; i < REQUESTS_PER_GRID; i += 1) {
          const resident = grid.residents[i % grid.residents.length];
          if (!resident) throw new Error(`grid ${grid.gridId} has no residents`);
          const submitted = await call(
            first.url,
            'submitRequest',
            { category: 'supplies', text: `缺少生活物资 ${i}`, idempotencyKey: `crash-${grid.gridId}-${i}` },
            resident.openid,
          );
          expect(submitted.ok).toBe(true);
        }
      }

      // A burst submitted outside service hours falls due when they open: skip the quiet hours (no
      // timer fires), then advance past every deadline so the sweep runs, and the process dies under it.
      const isBurst = (r: Doc): boolean => String(r.idempotencyKey).startsWith('crash-');
      const burstOf = async (base: string): Promise<Doc[]> => (await collection(base, 'requests')).filter(isBurst);
      const deadlines = (await burstOf(first.url)).map((r) => Number(r.nextEscalationAt));
      await post(`${first.url}/__emulator/clock`, { setMs: Math.min(...deadlines) - MINUTE_MS, skipTimers: true });
      const crashAt = Math.max(...deadlines) + MINUTE_MS;
      void post(`${first.url}/__emulator/clock`, { setMs: crashAt }).catch(() => undefined);
      let escalatedAtKill = 0;
      while (escalatedAtKill === 0) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        escalatedAtKill = (await burstOf(first.url)).filter((r) => r.escalationLevel > 0).length;
      }
      await kill(first.child);

      const second = await startProduct(dataDir);
      const escalatedAtRestart = (await burstOf(second.url)).filter((r) => r.escalationLevel > 0).length;
      // The process died mid-sweep: some of the burst escalated, not all of it.
      expect(escalatedAtRestart).toBeLessThan(street.grids.length * REQUESTS_PER_GRID);
      await post(`${second.url}/__emulator/clock`, { setMs: crashAt + 2 * SWEEP_INTERVAL_MS });

      const [requests, inbox, outbox] = await Promise.all([
        collection(second.url, 'requests'),
        collection(second.url, 'inbox'),
        fetch(`${second.url}/__emulator/outbox?api=subscribeMessage.send`).then(async (r) => ((await r.json()) as { messages: Doc[] }).messages),
      ]);
      const burst = requests.filter(isBurst);
      expect(burst).toHaveLength(street.grids.length * REQUESTS_PER_GRID);
      console.log(`crash test: ${escalatedAtRestart} of ${burst.length} requests escalated when the process died`);

      const problems: string[] = [];
      for (const request of burst) {
        expect(request.escalationLevel).toBeGreaterThan(0);
        for (const userId of request.responders as string[]) {
          const items = inbox.filter((i) => i.requestId === request._id && i.userId === userId);
          if (items.length !== 1) problems.push(`${request._id} → ${userId}: ${items.length} inbox items`);
          else if (items[0]?.state !== request.state) problems.push(`${request._id} → ${userId}: inbox says ${items[0]?.state}, request ${request.state}`);
          const told = outbox.filter((m) => m.request?.touser === userId && String(m.request?.page ?? '').includes(request._id) && !m.error);
          // Told once, or not at all for a reason recorded on the item (the responder's consent ran out, or WeChat refused).
          const unsentFor = UNSENT_REASONS.has(items[0]?.notified) ? items[0]?.notified : undefined;
          if (told.length !== (unsentFor ? 0 : 1)) problems.push(`${request._id} → ${userId}: told ${told.length} times (${String(items[0]?.notified)})`);
        }
      }
      expect(problems).toEqual([]);
    },
    STARTUP_LIMIT_MS * 4,
  );
});

describe('a crash mid-delivery', () => {
  it(
    'records every resident once, none pending, and sends twice only where the outcome was unknown',
    async () => {
      const street = buildDemoStreet(DEMO_STREET, 0).people;
      const residents = street.grids.flatMap((g) => g.residents.map((r) => r.openid)).sort();
      const dataDir = newDataDir();
      const first = await startProduct(dataDir);
      for (const openid of residents) {
        const granted = await call(
          first.url,
          'recordSubscription',
          { acceptedTemplateIds: [TEMPLATE_IDS.noticePublished], grantId: `crash-notice-${openid}` },
          openid,
        );
        expect(granted.ok).toBe(true);
      }
      const published = await call(
        first.url,
        'publishNotice',
        { title: '防汛通知', body: '今晚有暴雨，请低洼处住户做好准备。', scope: { kind: 'street' } },
        DEMO_ADMIN_OPENID,
      );
      expect(published.ok).toBe(true);
      const noticeId = String(published.data.notice.id);
      const deliveriesOf = async (base: string): Promise<ResidentDelivery[]> =>
        (await collection(base, COLLECTIONS.noticeDeliveryBatches))
          .filter((d) => d.noticeId === noticeId)
          .flatMap((d) => residentDeliveries(fromStored(d as DeliveryBatchDoc)));

      // The next delivery tick starts; once its first deliveries are written, the process dies.
      const crashAt = (await clockOf(first.url)) + DELIVERY_TICK_MS;
      void post(`${first.url}/__emulator/clock`, { setMs: crashAt }).catch(() => undefined);
      let recordedAtKill = 0;
      while (recordedAtKill === 0) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        recordedAtKill = (await deliveriesOf(first.url)).length;
      }
      await kill(first.child);

      const second = await startProduct(dataDir);
      const finishedAtRestart = (await deliveriesOf(second.url)).filter((d) => d.state === 'done').length;
      expect(finishedAtRestart).toBeLessThan(residents.length);
      // The dead run's lease and claims run out, then two ticks finish the work.
      await post(`${second.url}/__emulator/clock`, { setMs: crashAt + LEASE_MS + 2 * DELIVERY_TICK_MS });

      const docs = await deliveriesOf(second.url);
      expect(docs.map((d) => d.userId).sort()).toEqual(residents);
      expect(docs.filter((d) => d.state !== 'done')).toEqual([]);
      const outbox = (await (await fetch(`${second.url}/__emulator/outbox?api=subscribeMessage.send`)).json()) as { messages: Doc[] };
      const sends = new Map<string, number>();
      for (const m of outbox.messages) {
        if (!m.error && String(m.request?.page ?? '').endsWith(`id=${noticeId}`)) sends.set(m.request.touser, (sends.get(m.request.touser) ?? 0) + 1);
      }
      const unknown = new Set(docs.filter((d) => d.lastError === OUTCOME_UNKNOWN).map((d) => d.userId));
      // Sent once when the record says sent, never when it says the consent had run out (the seeded
      // street's own first notice may have used it); one more only where the first outcome was unknown.
      const outcomes = new Map(docs.map((d) => [d.userId, String(d.outcome)]));
      const problems = residents.flatMap((userId) => {
        const told = sends.get(userId) ?? 0;
        const expected = outcomes.get(userId) === 'sent' ? 1 : 0;
        const allowed = unknown.has(userId) ? [expected, expected + 1] : [expected];
        return allowed.includes(told) ? [] : [`${userId}: told ${told} times, recorded ${String(outcomes.get(userId))}`];
      });
      expect(problems).toEqual([]);
      // Whoever was told and is not recorded sent had an unknown first outcome (WeChat then refused the
      // resend: the first send used the one-time consent).
      expect([...sends.keys()].filter((u) => outcomes.get(u) !== 'sent' && !unknown.has(u))).toEqual([]);
      console.log(`crash test: ${recordedAtKill} of ${residents.length} deliveries recorded when the process died; ${unknown.size} resent as unknown`);
    },
    STARTUP_LIMIT_MS * 4,
  );
});
