// What the emulator refuses at a function's entry, as CloudBase does (an event over 6 MB, or nested
// deeper than an instance can be passed), and that an instance is released whatever happens while an
// event is passed to it: a refused or failed call never holds the function's instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../src/clock';
import { resolveConfig } from '../src/config';
import type { EmulatorContext } from '../src/context';
import { Faults } from '../src/faults';
import { FunctionHost, MAX_INSTANCES_PER_FUNCTION } from '../src/functions/host';
import { MAX_EVENT_BYTES, MAX_EVENT_DEPTH } from '../src/functions/limits';
import { Quotas } from '../src/quotas';
import { openStore } from '../src/store';
import { FIXTURE_FUNCTIONS, startTestEmulator, type TestEmulator } from './helpers';

/** A warm instance answers echo in milliseconds; a held one made the next call wait 30 s. */
const AT_ONCE_MS = 500;
/** What the tester sent. */
const TESTER_DEPTH = 5_000;
const OPENID = 'o-limits';
const INVALID_PARAM_ERRCODE = -501007;

interface CallAnswer {
  status: number;
  body: { result?: { event: Record<string, unknown>; pid: number }; errCode?: number; errMsg?: string };
  ms: number;
}

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ functionsDir: FIXTURE_FUNCTIONS });
});
afterAll(() => emu.stop());

/** POST /wx/callFunction with a body given as text, so that it can be deeper than the test's own JSON.stringify goes. */
async function post(body: string): Promise<CallAnswer> {
  const started = Date.now();
  const res = await fetch(`${emu.url}/wx/callFunction`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': OPENID }, body });
  return { status: res.status, body: (await res.json()) as CallAnswer['body'], ms: Date.now() - started };
}

/** `data` nesting `depth` objects (data itself the outermost), as JSON text. */
function nestedData(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
}

function callBody(data: string): string {
  return `{"name":"echo","data":${data}}`;
}

async function echoPid(): Promise<{ pid: number; ms: number }> {
  const answer = await post(callBody('{}'));
  expect(answer.body.result).toBeDefined();
  return { pid: answer.body.result?.pid as number, ms: answer.ms };
}

/** The event echo receives for `data` from OPENID: data plus the userInfo CloudBase adds. */
function eventBytes(data: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify({ ...data, userInfo: { appId: emu.emulator.appId, openId: OPENID } }));
}

async function echoHealth(): Promise<{ instances: number; busy: number; queued: number }> {
  const health = (await (await fetch(`${emu.url}/__emulator/health`)).json()) as {
    functions: { functions: Array<{ name: string; instances: number; busy: number; queued: number }> };
  };
  const echo = health.functions.functions.find((f) => f.name === 'echo');
  if (!echo) throw new Error('echo is not in health');
  return echo;
}

describe('nesting limit', () => {
  it('refuses a 5,000-deep payload with the parameter error at once, and the next call is served by the same instance', async () => {
    const warm = await echoPid();
    const deep = await post(callBody(nestedData(TESTER_DEPTH)));
    expect(deep.status).toBe(200);
    expect(deep.body.errCode).toBe(INVALID_PARAM_ERRCODE);
    expect(deep.body.errMsg).toBe(
      `cloud.callFunction:fail errCode: ${INVALID_PARAM_ERRCODE} | errMsg: event nested too deeply: more than ${MAX_EVENT_DEPTH} levels of objects and arrays`,
    );
    expect(deep.ms).toBeLessThan(AT_ONCE_MS);
    const next = await echoPid();
    expect(next.pid).toBe(warm.pid);
    expect(next.ms).toBeLessThan(AT_ONCE_MS);
    // The refusal is recorded without its event, so the record still serialises.
    const res = await fetch(`${emu.url}/__emulator/invocations?function=echo`);
    expect(res.status).toBe(200);
    const records = ((await res.json()) as { invocations: Array<{ ok: boolean; code?: string; event?: unknown }> }).invocations;
    expect(records.find((r) => r.code === 'INVALID_PARAM')).toMatchObject({ ok: false });
    expect(records.find((r) => r.code === 'INVALID_PARAM')).not.toHaveProperty('event');
  });

  it(`still serves the function after ${MAX_INSTANCES_PER_FUNCTION} such calls in a row (one per pooled instance)`, async () => {
    const warm = await echoPid();
    for (let i = 0; i < MAX_INSTANCES_PER_FUNCTION; i++) {
      const deep = await post(callBody(nestedData(TESTER_DEPTH)));
      expect(deep.body.errCode).toBe(INVALID_PARAM_ERRCODE);
    }
    expect(await echoHealth()).toMatchObject({ busy: 0, queued: 0 });
    const next = await echoPid();
    expect(next.pid).toBe(warm.pid);
    expect(next.ms).toBeLessThan(AT_ONCE_MS);
  });

  it(`accepts an event exactly ${MAX_EVENT_DEPTH} levels deep and refuses one level more`, async () => {
    const atLimit = await post(callBody(nestedData(MAX_EVENT_DEPTH)));
    expect(atLimit.body.result?.event).toHaveProperty('a.a.a');
    const overLimit = await post(callBody(nestedData(MAX_EVENT_DEPTH + 1)));
    expect(overLimit.body.errCode).toBe(INVALID_PARAM_ERRCODE);
    expect(overLimit.body.errMsg).toMatch(/nested too deeply/);
  });

  it('refuses a too deep event from the SDK with code INVALID_PARAM', async () => {
    const data = JSON.parse(nestedData(MAX_EVENT_DEPTH + 1)) as Record<string, unknown>;
    const err = await (emu.cloud.callFunction({ name: 'echo', data }) as Promise<unknown>).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(err?.code).toBe('INVALID_PARAM');
    expect(err?.message).toMatch(/nested too deeply/);
  });
});

describe('size limit', () => {
  it('refuses a request body over the limit before reading its event', async () => {
    // A small event padded with whitespace: only the body is too large.
    const body = callBody('{}');
    const oversized = await post(body + ' '.repeat(MAX_EVENT_BYTES + 1 - body.length));
    expect(oversized.status).toBe(200);
    expect(oversized.body.errCode).toBe(INVALID_PARAM_ERRCODE);
    expect(oversized.body.errMsg).toMatch(new RegExp(`request body too large: ${MAX_EVENT_BYTES + 1} bytes`));
  });

  it('accepts a request body of exactly the limit', async () => {
    const body = callBody('{"small":true}');
    const atLimit = await post(body + ' '.repeat(MAX_EVENT_BYTES - body.length));
    expect(atLimit.body.result?.event).toMatchObject({ small: true });
  });

  it('accepts an event of exactly the limit and refuses one byte more', async () => {
    const pad = 'x'.repeat(MAX_EVENT_BYTES - eventBytes({ pad: '' }));
    expect(eventBytes({ pad })).toBe(MAX_EVENT_BYTES);
    const atLimit = await post(callBody(JSON.stringify({ pad })));
    expect(atLimit.body.result?.event.pad).toHaveLength(pad.length);
    const overLimit = await post(callBody(JSON.stringify({ pad: `${pad}x` })));
    expect(overLimit.body.errCode).toBe(INVALID_PARAM_ERRCODE);
    expect(overLimit.body.errMsg).toMatch(new RegExp(`event too large: ${MAX_EVENT_BYTES + 1} bytes`));
  });
});

describe('an instance is released whatever happens while its event is passed', () => {
  it('keeps an instance whose event fails to serialise on the way to it, and serves the next call at once', async () => {
    const config = resolveConfig({ functionsDir: FIXTURE_FUNCTIONS, log: () => undefined });
    const clock = new EmulatorClock();
    const ctx: EmulatorContext = { config, clock, quotas: new Quotas(null, clock), store: openStore(null), faults: new Faults(), baseUrl: () => emu.url };
    const host = new FunctionHost(ctx);
    const caller = { openid: OPENID, source: 'wx_client' };
    try {
      const warm = await host.invoke('echo', {}, caller);
      expect(warm.ok).toBe(true);
      // Passes the entry's checks (its first serialisation), then throws when sent to the instance.
      let serialisations = 0;
      const treacherous = {
        toJSON() {
          serialisations += 1;
          if (serialisations > 1) throw new Error('cannot serialise twice');
          return {};
        },
      };
      const failed = await host.invoke('echo', treacherous, caller);
      expect(failed.ok).toBe(false);
      expect(failed.ok ? undefined : failed.failure).toMatchObject({
        code: 'INVALID_PARAM',
        message: expect.stringMatching(/could not be passed.*cannot serialise twice/),
      });
      const started = Date.now();
      const next = await host.invoke('echo', {}, caller);
      expect(next.ok).toBe(true);
      expect(Date.now() - started).toBeLessThan(AT_ONCE_MS);
      const pids = host.invocations('echo').map((r) => r.instancePid);
      expect(pids[2]).toBe(pids[0]);
    } finally {
      host.close();
      ctx.store.close();
    }
  });
});
