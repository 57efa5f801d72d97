// The function host: the mini-program entry, the real SDK's cloud.callFunction, WXContext isolation,
// the emulator clock inside instances, timeouts, failures, faults and function-to-function calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INSTANCES_PER_FUNCTION } from '../src/functions/host';
import { FIXTURE_FUNCTIONS as FIXTURES, startTestEmulator, type TestEmulator } from './helpers';

const START_MS = Date.UTC(2026, 10, 24, 2, 0, 5);
const ADMINS = ['o-admin-1', 'o-admin-2'];

interface EchoResult {
  event: Record<string, unknown>;
  wxContext: Record<string, unknown>;
  now: number;
  newDate: number;
  pid: number;
  adminOpenids: string;
  custom: string;
  triggerSrc?: string;
  context: { function_name: string; time_limit_in_ms: number; request_id: string };
}

interface SleepResult {
  openidAtStart: string;
  openidAtEnd: string;
  pid: number;
  startedAt: number;
  endedAt: number;
}

interface Invocation {
  functionName: string;
  caller: string;
  ok: boolean;
  code?: string;
  result?: unknown;
}

let emu: TestEmulator;
const logLines: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    functionsDir: FIXTURES,
    clockStartMs: START_MS,
    functionEnv: { FIXTURE_FLAG: 'from-config', ADMIN_OPENIDS: ADMINS.join(',') },
    log: (line) => logLines.push(line),
  });
});
afterAll(() => emu.stop());

/** cloud.callFunction through the real SDK; its typings allow a callback form returning void. */
function sdkCall(name: string, data: Record<string, unknown>): Promise<{ result: unknown }> {
  return emu.cloud.callFunction({ name, data }) as Promise<{ result: unknown }>;
}

/** The rejection of an SDK call, as node-sdk reports it (code from the server, message). */
async function sdkError(name: string, data: Record<string, unknown>): Promise<{ code: string; message: string }> {
  const outcome = await sdkCall(name, data).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  if (!outcome) throw new Error(`cloud.callFunction("${name}") unexpectedly succeeded`);
  return outcome;
}

async function invocations(fn: string): Promise<Invocation[]> {
  const res = await fetch(`${emu.url}/__emulator/invocations?function=${fn}`);
  return ((await res.json()) as { invocations: Invocation[] }).invocations;
}

describe('POST /wx/callFunction (the mini-program entry)', () => {
  it('runs the function as the calling user with SOURCE wx_client and returns { result }', async () => {
    const res = await emu.callFunction('echo', { hello: 'world' }, 'o-resident-1');
    expect(res.status).toBe(200);
    const result = res.body.result as EchoResult;
    expect(result.event).toMatchObject({ hello: 'world', userInfo: { openId: 'o-resident-1', appId: 'wx0000000000000000' } });
    expect(result.wxContext).toMatchObject({ OPENID: 'o-resident-1', APPID: 'wx0000000000000000', SOURCE: 'wx_client' });
    expect(result.context.function_name).toBe('echo');
    expect(result.context.time_limit_in_ms).toBe(5000);
    expect(typeof res.body.requestId).toBe('string');
    expect(result.context.request_id).toBe(res.body.requestId);
  });

  it('resolves cloud.DYNAMIC_CURRENT_ENV inside the function to the emulator env', async () => {
    const res = await emu.callFunction('echo', {}, 'o-resident-1');
    expect((res.body.result as EchoResult).wxContext.ENV).toBe('local-env');
  });

  it('hands config.functionEnv (here ADMIN_OPENIDS and FIXTURE_FLAG) to the instance', async () => {
    const result = (await emu.callFunction('echo', {}, 'o-resident-1')).body.result as EchoResult;
    expect(result.adminOpenids).toBe(ADMINS.join(','));
    expect(result.custom).toBe('from-config');
  });

  it('refuses a call without X-WX-OPENID with 401 and a clear message', async () => {
    const res = await fetch(`${emu.url}/wx/callFunction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'echo', data: {} }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errMsg: string }).errMsg).toMatch(/X-WX-OPENID/);
  });

  it('rejects non-object data with 400', async () => {
    const res = await fetch(`${emu.url}/wx/callFunction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wx-openid': 'o-1' },
      body: JSON.stringify({ name: 'echo', data: [1, 2] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errMsg: string }).errMsg).toMatch(/data should be an object/);
  });

  it('answers a CORS preflight', async () => {
    const res = await fetch(`${emu.url}/wx/callFunction`, {
      method: 'OPTIONS',
      headers: { origin: 'http://devtools', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-wx-openid' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/x-wx-openid/);
  });

  it('reports a thrown error as -504002 with its message', async () => {
    const res = await emu.callFunction('thrower', { reason: 'bad input' }, 'o-resident-1');
    expect(res.status).toBe(200);
    expect(res.body.errCode).toBe(-504002);
    expect(res.body.errMsg).toMatch(/boom: bad input/);
    expect(res.body.result).toBeUndefined();
  });

  it('reports an unknown function as -501000 ResourceNotFound', async () => {
    const res = await emu.callFunction('nosuchfunction', {}, 'o-resident-1');
    expect(res.body.errCode).toBe(-501000);
    expect(res.body.errMsg).toMatch(/ResourceNotFound\.FunctionName/);
  });

  it('writes one log line per invocation with caller, duration and outcome', async () => {
    logLines.length = 0;
    await emu.callFunction('echo', {}, 'o-logger');
    await emu.callFunction('thrower', { reason: 'x' }, 'o-logger');
    const fnLines = logLines.filter((l) => l.startsWith('[fn] '));
    expect(fnLines).toHaveLength(2);
    expect(fnLines[0]).toMatch(/^\[fn\] echo {2}o-logger {2}\d+ms {2}ok$/);
    expect(fnLines[1]).toMatch(/^\[fn\] thrower {2}o-logger {2}\d+ms {2}FUNCTIONS_EXECUTE_FAIL$/);
  });
});

describe('cloud.callFunction through the real wx-server-sdk', () => {
  it('returns { result } from functions.invokeFunction', async () => {
    const res = await sdkCall('echo', { x: 1 });
    const result = res.result as EchoResult;
    expect(result.event).toEqual({ x: 1 });
    // A server-side caller has no user: no OPENID, SOURCE scf.
    expect(result.wxContext.OPENID).toBeUndefined();
    expect(result.wxContext.SOURCE).toBe('scf');
  });

  it('fails a thrown error with code FUNCTIONS_EXECUTE_FAIL', async () => {
    const err = await sdkError('thrower', { reason: 'sdk' });
    expect(err.code).toBe('FUNCTIONS_EXECUTE_FAIL');
    expect(err.message).toMatch(/boom: sdk/);
  });

  it('fails an unknown function with ResourceNotFound.FunctionName', async () => {
    const err = await sdkError('ghost', {});
    expect(err.code).toBe('ResourceNotFound.FunctionName');
  });

  it('gives the callee the original user when one function calls another', async () => {
    const res = await emu.callFunction('caller', {}, 'o-resident-7');
    const result = res.body.result as { callerContext: Record<string, unknown>; callee: EchoResult };
    expect(result.callerContext.OPENID).toBe('o-resident-7');
    expect(result.callee.event).toEqual({ from: 'caller' });
    expect(result.callee.wxContext).toMatchObject({ OPENID: 'o-resident-7', SOURCE: 'wx_client,scf', ENV: 'local-env' });
  });

  it('lets a function catch the failure of a function it calls', async () => {
    const res = await emu.callFunction('caller', { target: 'thrower' }, 'o-resident-7');
    const result = res.body.result as { error: { code: string; errMsg: string } };
    expect(result.error.code).toBe('FUNCTIONS_EXECUTE_FAIL');
    expect(result.error.errMsg).toMatch(/boom/);
  });
});

describe('instances', () => {
  it('isolates the WXContext of two users invoked at once (one invocation per instance)', async () => {
    const [a, b] = await Promise.all([emu.callFunction('sleep', { ms: 300 }, 'o-alice'), emu.callFunction('sleep', { ms: 300 }, 'o-bob')]);
    const ra = a.body.result as SleepResult;
    const rb = b.body.result as SleepResult;
    expect([ra.openidAtStart, ra.openidAtEnd]).toEqual(['o-alice', 'o-alice']);
    expect([rb.openidAtStart, rb.openidAtEnd]).toEqual(['o-bob', 'o-bob']);
    const overlapped = ra.startedAt < rb.endedAt && rb.startedAt < ra.endedAt;
    // Overlapping runs must be in different instances; one instance runs them one after the other.
    expect(overlapped && ra.pid === rb.pid).toBe(false);
  });

  it('never runs two invocations at once in one instance, and queues beyond the pool cap', async () => {
    const CALLS = MAX_INSTANCES_PER_FUNCTION + 2;
    const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => emu.callFunction('sleep', { ms: 200 }, `o-user-${i}`)));
    const runs = results.map((r) => r.body.result as SleepResult);
    for (const r of results) expect(r.body).toHaveProperty('result');
    runs.forEach((r, i) => {
      expect(r.openidAtEnd).toBe(`o-user-${i}`);
    });
    const pids = new Set(runs.map((r) => r.pid));
    expect(pids.size).toBeLessThanOrEqual(MAX_INSTANCES_PER_FUNCTION);
    for (const a of runs) {
      for (const b of runs) {
        if (a !== b && a.pid === b.pid) expect(a.startedAt < b.endedAt && b.startedAt < a.endedAt).toBe(false);
      }
    }
  });

  it('does not leak the previous caller into the next invocation of a warm instance', async () => {
    const first = (await emu.callFunction('echo', {}, 'o-first')).body.result as EchoResult;
    const viaSdk = (await sdkCall('echo', {})).result as EchoResult;
    expect(first.wxContext.OPENID).toBe('o-first');
    expect(viaSdk.wxContext.OPENID).toBeUndefined();
    expect(viaSdk.triggerSrc).toBeUndefined();
  });

  it('makes Date.now() and new Date() inside the function follow the emulator clock', async () => {
    const before = (await emu.callFunction('echo', {}, 'o-1')).body.result as EchoResult;
    const clockBefore = await emu.control.now();
    expect(Math.abs(before.now - clockBefore)).toBeLessThan(60_000);
    // Moving the clock fires the fixture ticker's due ticks too, so keep the jump short.
    const JUMP_MS = 10 * 60_000;
    await emu.control.setClock(clockBefore + JUMP_MS);
    const after = (await emu.callFunction('echo', {}, 'o-1')).body.result as EchoResult;
    const clockAfter = await emu.control.now();
    expect(after.now).toBeGreaterThanOrEqual(clockBefore + JUMP_MS);
    expect(after.now).toBeLessThanOrEqual(clockAfter);
    expect(Math.abs(after.newDate - after.now)).toBeLessThan(1000);
  });

  it('kills an invocation that exceeds config.json timeout, reports it, and the next call works', async () => {
    const slow = await emu.callFunction('sleep', { ms: 5_000 }, 'o-slow');
    expect(slow.body.errCode).toBe(-504003);
    expect(slow.body.errMsg).toMatch(/timed out after 1 seconds/);
    const sdkErr = await sdkError('sleep', { ms: 5_000 });
    expect(sdkErr.code).toBe('FUNCTIONS_TIME_LIMIT_EXCEEDED');
    const next = await emu.callFunction('sleep', { ms: 10 }, 'o-slow');
    expect((next.body.result as SleepResult).openidAtEnd).toBe('o-slow');
  });

  it('replaces an instance that exits or throws asynchronously, failing only that invocation', async () => {
    const exited = await emu.callFunction('thrower', { mode: 'exit' }, 'o-1');
    expect(exited.body.errCode).toBe(-504002);
    expect(exited.body.errMsg).toMatch(/ended unexpectedly/);
    const uncaught = await emu.callFunction('thrower', { mode: 'uncaught' }, 'o-1');
    expect(uncaught.body.errCode).toBe(-504002);
    expect(uncaught.body.errMsg).toMatch(/uncaught later/);
    const ok = await emu.callFunction('thrower', { mode: 'ok' }, 'o-1');
    expect(ok.body.result).toMatchObject({ fine: true });
  });

  it('fails the next N invocations of a function with an injected fault', async () => {
    await emu.control.injectFault({ target: 'functionInvoke', name: 'echo', count: 2 });
    const r1 = await emu.callFunction('echo', {}, 'o-1');
    const r2 = await sdkError('echo', {});
    const r3 = await emu.callFunction('echo', {}, 'o-1');
    expect(r1.body.errCode).toBe(-504002);
    expect(r2.code).toBe('FUNCTIONS_EXECUTE_FAIL');
    expect((r3.body.result as EchoResult).wxContext.OPENID).toBe('o-1');
  });

  it('honours an injected fault with a custom errcode, and leaves other functions alone', async () => {
    await emu.control.injectFault({ target: 'functionInvoke', name: 'echo', count: 1, errcode: -501003, errmsg: 'too many' });
    const other = await emu.callFunction('thrower', { mode: 'ok' }, 'o-1');
    expect(other.body.result).toMatchObject({ fine: true });
    const faulted = await emu.callFunction('echo', {}, 'o-1');
    expect(faulted.body.errCode).toBe(-501003);
    expect(faulted.body.errMsg).toMatch(/too many/);
  });

  it('refuses a function whose config.json it cannot honour, with the reason', async () => {
    const res = await emu.callFunction('misconfigured', {}, 'o-1');
    expect(res.body.errCode).toBe(-504001);
    expect(res.body.errMsg).toMatch(/timeout must be an integer number of seconds from 1 to 900/);
  });

  it('records invocations and lists functions, instances and triggers in health', async () => {
    const records = await invocations('echo');
    expect(records.length).toBeGreaterThan(3);
    expect(records.some((r) => r.caller === 'o-first' && r.ok)).toBe(true);
    const health = (await (await fetch(`${emu.url}/__emulator/health`)).json()) as {
      functions: {
        functions: Array<{ name: string; instances: number }>;
        triggers: Array<{ function: string; name: string }>;
        invalidTriggers: Record<string, string>;
      };
    };
    const names = health.functions.functions.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'sleep', 'thrower', 'caller', 'ticker']));
    expect(health.functions.functions.find((f) => f.name === 'echo')?.instances).toBeGreaterThanOrEqual(1);
    expect(health.functions.triggers).toEqual(expect.arrayContaining([expect.objectContaining({ function: 'ticker', name: 'every10s' })]));
    expect(health.functions.invalidTriggers['morning/broken']).toMatch(/must have 7 fields/);
  });
});
