// Test harness (the package's './testing' entry): an in-memory emulator on a free loopback port, the
// real wx-server-sdk in this process pointed at it, and small clients for the control API and the
// mini-program's /wx/callFunction entry. Needs wx-server-sdk installed next to it (a peer dependency).
// Defaults differ from startEmulator's only where tests need it: port 0, in memory, timers driven by
// the clock only, silent; like startEmulator, no functions and no declared collections unless given.
import { createRequire } from 'node:module';
import { resolveConfig, type EmulatorOptions } from './config';
import type { FaultSpec } from './faults';
import type { UrlLinkInfo } from './openapi/apis';
import type { OutboxMessage } from './openapi';

export type { OutboxMessage };
import { startEmulator, type EmulatorInstance } from './server';

// wx-server-sdk is CommonJS and reads its configuration from process.env at call time.
const requireCjs = createRequire(__filename);
type WxCloud = typeof import('wx-server-sdk');

export interface TestEmulator {
  url: string;
  emulator: EmulatorInstance;
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
    /** Every open-API call so far, or only those to `api` (e.g. "cloudbase.sendSmsV2"). */
    outbox(api?: string): Promise<unknown[]>;
    /**
     * Where a URL Link from urllink.generate (e.g. one carried by an SMS) opens the mini-program; rejects
     * for a link this emulator did not issue.
     */
    resolveUrlLink(url: string): Promise<ResolvedUrlLink>;
    collection(name: string): Promise<unknown[]>;
    injectFault(spec: FaultSpec): Promise<void>;
  };
  /** POST /wx/callFunction as the mini-program would, from `openid`. */
  callFunction(name: string, data: unknown, openid: string): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** A URL Link as GET /__emulator/urllink/<code> reports it. */
export interface ResolvedUrlLink extends UrlLinkInfo {
  /** Expired on the emulator clock. */
  expired: boolean;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  // Timers fire only when a test moves the clock: functions' timers would otherwise fire on their own.
  const emulator = await startEmulator(resolveConfig({ port: 0, dataDir: null, realtimeTimers: false, log: () => undefined }, options));
  Object.assign(process.env, emulator.sdkEnvironment());
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
      outbox: async (api) => (await ok('GET', `/__emulator/outbox${api === undefined ? '' : `?api=${encodeURIComponent(api)}`}`)).messages as unknown[],
      resolveUrlLink: async (url) => {
        // The ticket is the link's path: https://wxaurl.cn/<code>, possibly with ?cq=… appended.
        const code = new URL(url).pathname.slice(1);
        return (await ok('GET', `/__emulator/urllink/${encodeURIComponent(code)}`)) as unknown as ResolvedUrlLink;
      },
      collection: async (name) => (await ok('GET', `/__emulator/collections/${encodeURIComponent(name)}`)).documents as unknown[],
      injectFault: async (spec) => void (await ok('POST', '/__emulator/faults', spec)),
    },
    callFunction: (name, data, openid) => http('POST', '/wx/callFunction', { name, data }, { 'X-WX-OPENID': openid }),
    stop: () => emulator.stop(),
  };
}
