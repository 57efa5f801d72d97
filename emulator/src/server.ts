// The emulator's HTTP server on loopback. wx-server-sdk posts every action to /admin (its service URL
// comes from TCB_CONTEXT_CNFG); the mini-program side calls /wx/callFunction; tests steer /__emulator/*.
// startEmulator is the package's one way in: it answers an EmulatorInstance, whatever runs inside.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { EmulatorClock } from './clock';
import { resolveConfig, sdkEnvironment, type EmulatorOptions } from './config';
import { Faults, type FaultSpec } from './faults';
import { Quotas, type PlanName, type QuotaPlan, type QuotaUsage } from './quotas';
import { openStore } from './store';
import { EmulatorError, RawResponse, type ActionHandler, type EmulatorContext, type EmulatorModule, type ModuleFactory, type Route } from './context';
import { readJson, readMultipart, sendJson } from './http-util';
import { createDatabaseModule } from './database';
import { createStorageModule } from './storage';
import { createOpenApiModule } from './openapi';
import { createFunctionsModule } from './functions';

const MODULES: ModuleFactory[] = [createDatabaseModule, createStorageModule, createOpenApiModule, createFunctionsModule];

/** What a running emulator reports about itself (cf. firebase-tools' EmulatorInfo). */
export interface EmulatorInfo {
  name: 'cloudbase';
  host: string;
  port: number;
  url: string;
  envId: string;
  appId: string;
  /** null: in memory. */
  dataDir: string | null;
  functionsDir: string | null;
  indexesFile: string | null;
  /** null: CloudBase's default storage rule. */
  storageRulesFile: string | null;
  /** The feature areas served: database, storage, openapi, functions. */
  modules: string[];
}

/** A running emulator: where it listens, its clock and fault switches, and how to stop it. */
export interface EmulatorInstance {
  /** Base URL, e.g. http://127.0.0.1:8787. */
  readonly url: string;
  readonly port: number;
  readonly envId: string;
  readonly appId: string;
  /** The emulator clock: serverDate, function instances and timer triggers all read it. */
  readonly clock: EmulatorClock;
  /** Fault injection, as POST /__emulator/faults arms it. */
  readonly faults: Faults;
  /** Database requests, reads and writes served (and what a plan refused), as GET /__emulator/usage reports them. */
  usage(): QuotaUsage;
  /** Counts afresh (e.g. after seeding), as POST /__emulator/usage/reset. */
  resetUsage(): void;
  /** Enforces another plan's quotas from now on (null: none), e.g. once a test has seeded its data. */
  setPlan(plan: PlanName | QuotaPlan | null): void;
  getInfo(): EmulatorInfo;
  /** The environment that points an unmodified wx-server-sdk in a process at this emulator. */
  sdkEnvironment(): Record<string, string>;
  /** Stops every function instance, closes the server and the store; calling it again is harmless. */
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorInstance> {
  const config = resolveConfig(options);
  let baseUrl = '';
  const clock = new EmulatorClock(config.clockStartMs);
  const ctx: EmulatorContext = {
    config,
    clock,
    quotas: new Quotas(config.plan, clock),
    store: openStore(config.dataDir),
    faults: new Faults(),
    baseUrl: () => baseUrl,
  };
  let modules: EmulatorModule[];
  try {
    modules = MODULES.map((f) => f(ctx));
  } catch (err) {
    // A module refusing its settings (a bad indexes or storage-rules file) must not leave the store open.
    ctx.store.close();
    throw err;
  }
  const actions = new Map<string, ActionHandler>();
  for (const m of modules) for (const [name, h] of Object.entries(m.actions ?? {})) actions.set(name, h);
  const routes: Route[] = [...controlRoutes(ctx, modules), ...modules.flatMap((m) => m.routes ?? [])];

  async function handleAdmin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const isMultipart = (req.headers['content-type'] ?? '').startsWith('multipart/form-data');
    try {
      const params = isMultipart ? await readMultipart(req) : await readJson(req);
      const action = String(params.action ?? '');
      const handler = actions.get(action);
      if (!handler) throw new EmulatorError('ACTION_NOT_SUPPORTED', `the emulator does not support action "${action}"`);
      const release = ctx.quotas.admit(action);
      let result: unknown;
      try {
        result = await handler(params, req);
      } finally {
        release();
      }
      if (result instanceof RawResponse) {
        res.writeHead(200, { 'content-type': result.contentType, 'content-length': result.body.length });
        res.end(result.body);
        return;
      }
      sendJson(res, 200, { requestId, ...(result as object) });
    } catch (err) {
      // The SDK reads failures from a 200 response carrying { code, message }.
      const e = toEmulatorError(err, config.log);
      sendJson(res, 200, { code: e.code, message: e.message, requestId });
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const run = async (): Promise<void> => {
      if (req.method === 'POST' && url.pathname === '/admin') return handleAdmin(req, res);
      const route = routes.find((r) => r.method === req.method && (r.path.endsWith('/') ? url.pathname.startsWith(r.path) : url.pathname === r.path));
      if (!route) throw new EmulatorError('NOT_FOUND', `no route for ${req.method} ${url.pathname}`, 404);
      await route.handle(req, res, url);
    };
    run().catch((err: unknown) => {
      const e = toEmulatorError(err, config.log);
      if (!res.headersSent) sendJson(res, e.status === 200 ? 500 : e.status, { errCode: e.code, errMsg: e.message });
      else res.end();
    });
  });
  // Keep-alive sockets from the SDK would otherwise hold close() open.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${config.host}:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    for (const m of modules) await m.close?.();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    ctx.store.close();
  };

  return {
    url: baseUrl,
    port,
    envId: config.envId,
    appId: config.appId,
    clock: ctx.clock,
    faults: ctx.faults,
    usage: () => ctx.quotas.usage(),
    resetUsage: () => ctx.quotas.reset(),
    setPlan: (plan) => ctx.quotas.setPlan(plan),
    getInfo: () => ({
      name: 'cloudbase',
      host: config.host,
      port,
      url: baseUrl,
      envId: config.envId,
      appId: config.appId,
      dataDir: config.dataDir,
      functionsDir: config.functionsDir,
      indexesFile: config.indexesFile,
      storageRulesFile: config.storageRulesFile,
      modules: modules.map((m) => m.name),
    }),
    sdkEnvironment: () => sdkEnvironment(baseUrl, config.envId, config.appId),
    stop: () => (stopped ??= stop()),
  };
}

function toEmulatorError(err: unknown, log: (line: string) => void): EmulatorError {
  if (err instanceof EmulatorError) return err;
  log(`[emulator] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return new EmulatorError('INTERNAL_SERVER_ERROR', err instanceof Error ? err.message : String(err), 500);
}

function controlRoutes(ctx: EmulatorContext, modules: EmulatorModule[]): Route[] {
  return [
    {
      method: 'GET',
      path: '/__emulator/health',
      handle(_req, res) {
        const details = Object.fromEntries(modules.map((m) => [m.name, m.health?.() ?? {}]));
        sendJson(res, 200, { ok: true, envId: ctx.config.envId, nowMs: ctx.clock.now(), faults: ctx.faults.list(), ...details });
      },
    },
    {
      method: 'GET',
      path: '/__emulator/clock',
      handle(_req, res) {
        sendJson(res, 200, { nowMs: ctx.clock.now() });
      },
    },
    {
      method: 'POST',
      path: '/__emulator/clock',
      async handle(req, res) {
        const body = await readJson(req);
        const { advanceMs, setMs, skipTimers } = body;
        const now = ctx.clock.now();
        const target = typeof advanceMs === 'number' && advanceMs >= 0 ? now + advanceMs : typeof setMs === 'number' ? setMs : undefined;
        if (target === undefined || (skipTimers !== undefined && typeof skipTimers !== 'boolean')) {
          throw new EmulatorError('INVALID_PARAM', 'body must be { "advanceMs": N >= 0 } or { "setMs": T }, optionally with "skipTimers": true', 400);
        }
        // Moving forward fires the due timer ticks in order, unless told to skip them; backward just jumps.
        let nowMs: number;
        if (skipTimers === true) nowMs = await ctx.clock.skipTo(target);
        else if (target >= now) nowMs = await ctx.clock.advanceTo(target);
        else {
          ctx.clock.jumpTo(target);
          nowMs = target;
        }
        sendJson(res, 200, { nowMs });
      },
    },
    {
      method: 'POST',
      path: '/__emulator/reset',
      async handle(_req, res) {
        for (const m of modules) await m.reset?.();
        ctx.faults.clear();
        ctx.quotas.reset();
        sendJson(res, 200, { ok: true });
      },
    },
    {
      method: 'GET',
      path: '/__emulator/usage',
      async handle(_req, res) {
        sendJson(res, 200, ctx.quotas.usage());
      },
    },
    {
      method: 'POST',
      path: '/__emulator/usage/reset',
      async handle(_req, res) {
        ctx.quotas.reset();
        sendJson(res, 200, ctx.quotas.usage());
      },
    },
    {
      method: 'GET',
      path: '/__emulator/faults',
      handle(_req, res) {
        sendJson(res, 200, { faults: ctx.faults.list() });
      },
    },
    {
      method: 'POST',
      path: '/__emulator/faults',
      async handle(req, res) {
        const body = (await readJson(req)) as Partial<FaultSpec>;
        const targets = ['databaseWrite', 'openApi', 'functionInvoke'];
        const skipValid = body.skip === undefined || (Number.isInteger(body.skip) && body.skip >= 0);
        if (!targets.includes(String(body.target)) || typeof body.count !== 'number' || body.count < 1 || !skipValid) {
          throw new EmulatorError(
            'INVALID_PARAM',
            `body must be { target: ${targets.join('|')}, count: N >= 1, skip?: N >= 0, name?, errcode?, errmsg? }`,
            400,
          );
        }
        ctx.faults.arm(body as FaultSpec);
        sendJson(res, 200, { ok: true, faults: ctx.faults.list() });
      },
    },
  ];
}
