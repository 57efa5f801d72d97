// The function host, like SCF: a pool of instance processes per function (forked runner.cjs), one
// invocation at a time per instance, warm reuse, a capped pool with a queue beyond it, timeouts that
// kill and replace the instance, and a record of every invocation. Events CloudBase would refuse
// (limits.ts) never reach an instance.
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sdkEnvironment } from '../config';
import type { EmulatorContext } from '../context';
import { discoverFunctions, type FunctionSpec } from './discovery';
import {
  EXCEED_CONCURRENT_LIMIT,
  EXECUTE_FAIL,
  FUNCTION_NOT_FOUND,
  INVALID_FUNCTION_CONFIG,
  INVALID_PARAM,
  TIME_LIMIT_EXCEEDED,
  failure,
  faultFailure,
  type InvokeFailure,
} from './errors';
import { eventRefusal } from './limits';

/** Instances per function before further invocations queue (SCF scales further; a laptop should not). */
export const MAX_INSTANCES_PER_FUNCTION = 8;
/** Invocations kept for GET /__emulator/invocations. */
const MAX_HISTORY = 1000;
/** Caller tokens remembered so that a function's cloud.callFunction is attributed to its caller. */
const MAX_REMEMBERED_TOKENS = 1000;
/** A cold start (loading the function's module) longer than this fails the invocation. */
const COLD_START_LIMIT_MS = 30_000;
/** What SCF reports as the instance's memory; the emulator does not enforce it. */
const MEMORY_LIMIT_MB = 256;
const MS_PER_SECOND = 1000;
const RUNNER = path.join(__dirname, 'runner.cjs');

/** Who invoked a function: the WXContext the instance sees for this invocation. */
export interface Caller {
  openid?: string;
  unionid?: string;
  clientIp?: string;
  /** WX_SOURCE: wx_client (mini-program), wx_client,scf (via another function), wx_trigger (timer)... */
  source: string;
  /** Set for timer triggers; the token then goes in WX_TRIGGER_API_TOKEN_V0 as in SCF. */
  trigger?: string;
}

export type InvokeOutcome = { requestId: string } & ({ ok: true; json: string } | { ok: false; failure: InvokeFailure });

export interface InvocationRecord {
  requestId: string;
  functionName: string;
  /** The openid, `timer:<trigger>`, or `-` for a server-side caller without one. */
  caller: string;
  source: string;
  event: unknown;
  /** Emulator-clock instant the invocation started. */
  startedAtMs: number;
  durationMs: number;
  ok: boolean;
  result?: unknown;
  code?: string;
  message?: string;
  /** pid of the instance that ran it, so tests can tell instances apart. */
  instancePid?: number;
}

type RunResult = { ok: true; json: string } | { ok: false; failure: InvokeFailure };

interface InvokeMessage {
  type: 'invoke';
  id: string;
  event: unknown;
  context: Record<string, unknown>;
  env: Record<string, string>;
  nowMs: number;
}

interface RunnerMessage {
  type: 'started' | 'result' | 'crash';
  id?: string;
  ok?: boolean;
  json?: string;
  error?: { message: string };
}

class Instance {
  busy = false;
  dead = false;
  /** Killed (timeout, rebuild) but perhaps not exited yet: never handed another invocation. */
  retired = false;
  private pending: { id: string; settle: (r: RunResult) => void; started: () => void } | undefined;

  constructor(
    readonly child: ChildProcess,
    /** Mtime of index.js when this instance loaded it: a rebuilt function gets fresh instances. */
    readonly codeVersion: number,
    private readonly onExit: (inst: Instance) => void,
  ) {
    child.on('message', (raw: unknown) => {
      const msg = raw as RunnerMessage;
      // A crashed runner is about to exit: it must not be handed the next invocation.
      if (msg.type === 'crash') this.retired = true;
      if (!this.pending || msg.id !== this.pending.id) return;
      if (msg.type === 'started') this.pending.started();
      else if (msg.type === 'result' && msg.ok && typeof msg.json === 'string') this.settle({ ok: true, json: msg.json });
      else this.settle({ ok: false, failure: failure(EXECUTE_FAIL, msg.error?.message ?? 'the function failed') });
    });
    const exited = (why: string): void => {
      if (this.dead) return;
      this.dead = true;
      this.settle({ ok: false, failure: failure(EXECUTE_FAIL, `the function instance ended unexpectedly (${why})`) });
      this.onExit(this);
    };
    child.on('exit', (code, signal) => exited(signal ? `signal ${signal}` : `exit code ${String(code)}`));
    child.on('error', (err) => exited(err.message));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(msg: InvokeMessage, timeoutMs: number, timeoutSec: number): Promise<RunResult> {
    return new Promise<RunResult>((resolve) => {
      const expire = (why: string): void => {
        // SCF stops a timed-out instance; its in-memory state must not leak into the next invocation.
        this.settle({ ok: false, failure: failure(TIME_LIMIT_EXCEEDED, why) });
        this.kill();
      };
      let timer = setTimeout(() => expire(`function initialisation did not finish within ${COLD_START_LIMIT_MS} ms`), COLD_START_LIMIT_MS);
      this.pending = {
        id: msg.id,
        settle: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        started: () => {
          clearTimeout(timer);
          timer = setTimeout(() => expire(`Invoking task timed out after ${timeoutSec} seconds`), timeoutMs);
        },
      };
      if (this.dead || this.retired) {
        this.settle({ ok: false, failure: failure(EXECUTE_FAIL, 'the function instance is not running') });
        return;
      }
      try {
        this.child.send(msg, (err) => {
          if (!err || this.pending?.id !== msg.id) return;
          // The channel failed mid-message: what the instance received is unknown, so it is replaced.
          this.settle({ ok: false, failure: failure(EXECUTE_FAIL, `the event could not be passed to the function instance: ${err.message}`) });
          this.kill();
        });
      } catch (err) {
        // Serialising the message threw before anything was written: the instance is untouched and stays.
        const why = err instanceof Error ? err.message : String(err);
        this.settle({ ok: false, failure: failure(INVALID_PARAM, `the event could not be passed to the function instance: ${why}`) });
      }
    });
  }

  kill(): void {
    this.retired = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private settle(r: RunResult): void {
    const p = this.pending;
    this.pending = undefined;
    p?.settle(r);
  }
}

interface Pool {
  instances: Instance[];
  waiters: Array<(inst: Instance | undefined) => void>;
  codeVersion: number;
}

export class FunctionHost {
  private specs = new Map<string, FunctionSpec>();
  private readonly pools = new Map<string, Pool>();
  private readonly tokens = new Map<string, Caller>();
  /** Invocations under way per function, waiting for an instance or running (the plan's concurrency counts both). */
  private readonly inFlight = new Map<string, number>();
  private readonly history: InvocationRecord[] = [];
  private invocationCount = 0;
  private closed = false;
  private readonly reportedConfigErrors = new Set<string>();

  constructor(
    private readonly ctx: EmulatorContext,
    /** Told about every function (re)discovered, so timer triggers can be registered. */
    private readonly onDiscovered: (spec: FunctionSpec) => void = () => undefined,
  ) {
    this.refresh();
  }

  /** Rescans functionsDir (functions may be built after the emulator started). */
  refresh(): void {
    this.specs = discoverFunctions(this.ctx.config.functionsDir);
    for (const spec of this.specs.values()) {
      // Rescans happen on every unknown name; say each problem once.
      if (spec.configError && !this.reportedConfigErrors.has(spec.configError)) {
        this.reportedConfigErrors.add(spec.configError);
        this.ctx.config.log(`[fn] ${spec.name}: ${spec.configError}`);
      }
      this.onDiscovered(spec);
    }
  }

  functions(): FunctionSpec[] {
    return [...this.specs.values()];
  }

  /** The caller behind a WX_API_TOKEN this host handed to an instance, if it is still remembered. */
  callerForToken(token: unknown): Caller | undefined {
    return typeof token === 'string' && token !== '' ? this.tokens.get(token) : undefined;
  }

  async invoke(name: string, event: unknown, caller: Caller): Promise<InvokeOutcome> {
    const requestId = randomUUID();
    const startedAtMs = this.ctx.clock.now();
    const realStart = Date.now();
    let spec = this.specs.get(name);
    if (!spec) {
      this.refresh();
      spec = this.specs.get(name);
    }
    let result: RunResult;
    let instancePid: number | undefined;
    const refusal = eventRefusal(event);
    if (this.closed) {
      result = { ok: false, failure: failure(EXECUTE_FAIL, 'the emulator is shutting down') };
    } else if (refusal) {
      result = { ok: false, failure: refusal };
    } else if (!spec) {
      result = {
        ok: false,
        failure: failure(
          FUNCTION_NOT_FOUND,
          `[ResourceNotFound.FunctionName] FunctionName parameter could not be found. (no built function "${name}" ${this.ctx.config.functionsDir === null ? 'here: the emulator runs without a functions folder' : `in ${this.ctx.config.functionsDir}`})`,
        ),
      };
    } else if (spec.configError) {
      result = { ok: false, failure: failure(INVALID_FUNCTION_CONFIG, spec.configError) };
    } else {
      const fault = this.ctx.faults.take('functionInvoke', name);
      const refused = this.ctx.quotas.admitInvocation(name, this.inFlight.get(name) ?? 0);
      if (fault) result = { ok: false, failure: faultFailure(fault.errcode, fault.errmsg, name) };
      else if (refused) result = { ok: false, failure: failure(EXCEED_CONCURRENT_LIMIT, refused.message) };
      else {
        this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
        try {
          ({ result, instancePid } = await this.dispatch(spec, event, caller, requestId));
        } finally {
          this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
        }
      }
    }

    const durationMs = Date.now() - realStart;
    const label = caller.trigger !== undefined ? `timer:${caller.trigger}` : (caller.openid ?? '-');
    const record: InvocationRecord = {
      requestId,
      functionName: name,
      caller: label,
      source: caller.source,
      // A refused event is not kept: it may be too large to hold or too deep to serialise.
      event: refusal ? undefined : event,
      startedAtMs,
      durationMs,
      ok: result.ok,
      instancePid,
    };
    if (result.ok) record.result = JSON.parse(result.json) as unknown;
    else {
      record.code = result.failure.code;
      record.message = result.failure.message;
    }
    this.invocationCount += 1;
    this.history.push(record);
    if (this.history.length > MAX_HISTORY) this.history.shift();
    this.ctx.config.log(`[fn] ${name}  ${label}  ${durationMs}ms  ${result.ok ? 'ok' : result.failure.code}`);
    return { requestId, ...result };
  }

  invocations(functionName?: string): InvocationRecord[] {
    return functionName === undefined ? [...this.history] : this.history.filter((r) => r.functionName === functionName);
  }

  health(): Record<string, unknown> {
    return {
      invocations: this.invocationCount,
      functions: this.functions().map((s) => {
        const pool = this.pools.get(s.name);
        return {
          name: s.name,
          timeoutSec: s.timeoutSec,
          instances: pool?.instances.length ?? 0,
          busy: pool?.instances.filter((i) => i.busy).length ?? 0,
          queued: pool?.waiters.length ?? 0,
          ...(s.configError ? { configError: s.configError } : {}),
        };
      }),
    };
  }

  reset(): void {
    this.history.length = 0;
    this.invocationCount = 0;
  }

  close(): void {
    this.closed = true;
    for (const pool of this.pools.values()) {
      for (const w of pool.waiters.splice(0)) w(undefined);
      for (const inst of pool.instances) inst.kill();
    }
  }

  private async dispatch(spec: FunctionSpec, event: unknown, caller: Caller, requestId: string): Promise<{ result: RunResult; instancePid?: number }> {
    const inst = await this.acquire(spec);
    if (!inst) return { result: { ok: false, failure: failure(EXECUTE_FAIL, 'the emulator is shutting down') } };
    try {
      const token = randomUUID();
      this.rememberToken(token, caller);
      const env = invocationEnv(caller, token, this.ctx.config.appId);
      const timeLimitMs = spec.timeoutSec * MS_PER_SECOND;
      const context = {
        request_id: requestId,
        function_name: spec.name,
        function_version: '$LATEST',
        namespace: this.ctx.config.envId,
        memory_limit_in_mb: MEMORY_LIMIT_MB,
        time_limit_in_ms: timeLimitMs,
        callbackWaitsForEmptyEventLoop: true,
        // SCF's old (environ, "k=v;k=v") and new (environment, JSON) forms of the invocation's variables.
        environ: Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(';'),
        environment: JSON.stringify(env),
      };
      const result = await inst.run({ type: 'invoke', id: requestId, event, context, env, nowMs: this.ctx.clock.now() }, timeLimitMs, spec.timeoutSec);
      return { result, instancePid: inst.pid };
    } finally {
      // Whatever happened, the instance goes back to the pool, or (retired) makes room for a fresh one.
      this.release(spec.name, inst);
    }
  }

  private pool(name: string): Pool {
    let pool = this.pools.get(name);
    if (!pool) {
      pool = { instances: [], waiters: [], codeVersion: 0 };
      this.pools.set(name, pool);
    }
    return pool;
  }

  private acquire(spec: FunctionSpec): Promise<Instance | undefined> {
    const pool = this.pool(spec.name);
    const version = codeVersion(spec.entry);
    if (version !== pool.codeVersion) {
      // Rebuilt since the instances started: retire idle ones now, busy ones when they finish.
      pool.codeVersion = version;
      for (const inst of pool.instances.filter((i) => !i.busy)) inst.kill();
    }
    return new Promise((resolve) => {
      pool.waiters.push(resolve);
      this.pump(spec.name);
    });
  }

  private release(name: string, inst: Instance): void {
    inst.busy = false;
    const pool = this.pool(name);
    if (inst.codeVersion !== pool.codeVersion) inst.kill();
    this.pump(name);
  }

  /** Hands idle or new instances to waiting invocations, in arrival order. */
  private pump(name: string): void {
    const pool = this.pool(name);
    const spec = this.specs.get(name);
    while (pool.waiters.length > 0 && !this.closed) {
      let inst = pool.instances.find((i) => !i.busy && !i.dead && !i.retired && i.codeVersion === pool.codeVersion);
      if (!inst && spec && pool.instances.length < MAX_INSTANCES_PER_FUNCTION) inst = this.spawn(spec, pool);
      if (!inst) return;
      inst.busy = true;
      pool.waiters.shift()?.(inst);
    }
  }

  private spawn(spec: FunctionSpec, pool: Pool): Instance {
    const { config } = this.ctx;
    const sdkEnv = sdkEnvironment(this.ctx.baseUrl(), config.envId, config.appId);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
      // SCF instances run in UTC; code that needs China time must convert, as in production.
      TZ: 'UTC',
      ...sdkEnv,
      // On SCF the per-invocation token is one of the context keys; node-sdk forwards it with each call.
      WX_CONTEXT_KEYS: `${sdkEnv.WX_CONTEXT_KEYS ?? ''},WX_API_TOKEN`,
      ...config.functionEnv,
    };
    const child = fork(RUNNER, [spec.entry], { cwd: spec.dir, env, execArgv: [], silent: true, serialization: 'json' });
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') config.log(`[fn:${spec.name}] ${line}`);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    const inst = new Instance(child, pool.codeVersion, (dead) => {
      pool.instances = pool.instances.filter((i) => i !== dead);
      this.pump(spec.name);
    });
    pool.instances.push(inst);
    return inst;
  }

  private rememberToken(token: string, caller: Caller): void {
    this.tokens.set(token, caller);
    if (this.tokens.size > MAX_REMEMBERED_TOKENS) {
      const oldest = this.tokens.keys().next();
      if (!oldest.done) this.tokens.delete(oldest.value);
    }
  }
}

/** The WX_* variables of one invocation, as SCF sets them for that caller. */
function invocationEnv(caller: Caller, token: string, appId: string): Record<string, string> {
  const env: Record<string, string> = { WX_APPID: appId, WX_SOURCE: caller.source, WX_API_TOKEN: token };
  if (caller.openid !== undefined) env.WX_OPENID = caller.openid;
  if (caller.unionid !== undefined) env.WX_UNIONID = caller.unionid;
  if (caller.clientIp !== undefined) env.WX_CLIENTIP = caller.clientIp;
  if (caller.trigger !== undefined) {
    env.TRIGGER_SRC = 'timer';
    env.WX_TRIGGER_API_TOKEN_V0 = token;
  }
  return env;
}

function codeVersion(entry: string): number {
  try {
    return fs.statSync(entry).mtimeMs;
  } catch {
    return 0;
  }
}
