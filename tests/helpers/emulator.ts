// Test harness: an in-memory emulator on a free loopback port, the real wx-server-sdk pointed at it,
// and small clients for the control API and the mini-program's /wx/callFunction entry.
import { createRequire } from 'node:module';
import path from 'node:path';
import { defaultConfig, sdkEnvironment } from '../../emulator/src/config';
import type { EmulatorConfig } from '../../emulator/src/context';
import type { FaultSpec } from '../../emulator/src/faults';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server';

// wx-server-sdk is CommonJS and reads its configuration from process.env at call time.
const requireCjs = createRequire(__filename);
type WxCloud = typeof import('wx-server-sdk');

/** A folder with no functions in it, for suites that test the emulator itself. */
const NO_FUNCTIONS_DIR = path.join(__dirname, '..', 'fixtures', 'no-functions');
/** Generic example collections and indexes for the emulator's own suites (the product's are in database/). */
const EXAMPLE_INDEXES = path.join(__dirname, '..', 'fixtures', 'indexes.example.json');

export interface TestEmulator {
  url: string;
  emulator: RunningEmulator;
  /** The real wx-server-sdk, initialised exactly as production code does. */
  cloud: WxCloud;
  /** Makes the test process look like a function instance invoked by `openid`. */
  actAs(openid: string | undefined): void;
  control: {
    /** Moves the clock forward, firing due timer ticks in order (or none, with skipTimers). */
    advance(ms: number, options?: { skipTimers?: boolean }): Promise<number>;
    setClock(ms: number): Promise<number>;
    now(): Promise<number>;
    reset(): Promise<void>;
    outbox(): Promise<unknown[]>;
    collection(name: string): Promise<unknown[]>;
    injectFault(spec: FaultSpec): Promise<void>;
  };
  /** POST /wx/callFunction as the mini-program would, from `openid`. */
  callFunction(name: string, data: unknown, openid: string): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startTestEmulator(overrides: Partial<EmulatorConfig> = {}): Promise<TestEmulator> {
  const emulator = await startEmulator(
    // No functions unless a suite asks for them: the product's timers would fire on every clock move.
    defaultConfig({ port: 0, dataDir: null, functionsDir: NO_FUNCTIONS_DIR, indexesFile: EXAMPLE_INDEXES, realtimeTimers: false, log: () => undefined, ...overrides }),
  );
  const { config } = emulator.ctx;
  Object.assign(process.env, sdkEnvironment(emulator.url, config.envId, config.appId));
  const cloud = requireCjs('wx-server-sdk') as WxCloud;
  // The SDK's typings declare DYNAMIC_CURRENT_ENV a symbol but `env` a string; the SDK accepts the symbol.
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

  const http = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(emulator.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await http(method, path, body);
    if (r.status !== 200) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  return {
    url: emulator.url,
    emulator,
    cloud,
    actAs(openid) {
      if (openid === undefined) delete process.env.WX_OPENID;
      else process.env.WX_OPENID = openid;
    },
    control: {
      advance: async (ms, options) => (await ok('POST', '/__emulator/clock', { advanceMs: ms, ...options })).nowMs as number,
      setClock: async (ms) => (await ok('POST', '/__emulator/clock', { setMs: ms })).nowMs as number,
      now: async () => (await ok('GET', '/__emulator/clock')).nowMs as number,
      reset: async () => void (await ok('POST', '/__emulator/reset', {})),
      outbox: async () => (await ok('GET', '/__emulator/outbox')).messages as unknown[],
      collection: async (name) => (await ok('GET', `/__emulator/collections/${encodeURIComponent(name)}`)).documents as unknown[],
      injectFault: async (spec) => void (await ok('POST', '/__emulator/faults', spec)),
    },
    callFunction: (name, data, openid) => http('POST', '/wx/callFunction', { name, data }, { 'X-WX-OPENID': openid }),
    stop: () => emulator.close(),
  };
}
