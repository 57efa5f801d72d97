// cloudbaserc.json is where production's function limits live: a DevTools upload ignores config.json's
// timeout, and CloudBase's default is 3 s. These checks keep it in step with the function folders, their
// config.json and the environment variables the backend reads. The deploy requests are the installed
// CloudBase CLI's own (scripts/check-cloudbaserc.ts runs its config loader and request builders offline).
import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_SEC } from '../../emulator/src';
import { functionNames } from '../../scripts/build-functions';
import {
  DEFAULT_CONFIG_PATH,
  environmentOf,
  type DryRunReport,
  type FunctionDryRun,
  type JsonObject,
  type RecordedRequest,
} from '../../scripts/check-cloudbaserc';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FUNCTIONS_DIR = path.join(REPO_ROOT, 'cloudfunctions');
/** Where the backend's process.env reads live (the function folders only wire use cases up). */
const ENV_SOURCE_DIRS = ['backend/src', 'core/src'].map((d) => path.join(REPO_ROOT, d));
const BUILD_SCRIPT = path.join(REPO_ROOT, 'scripts', 'build-functions.ts');
/** Loading the CLI's 32 MB bundle and recording 34 functions takes about 3 s. */
const DRY_RUN_TIMEOUT_MS = 60_000;
/** The dry run's environment: every {{env.X}} must come out as exactly this for X. */
const DRY_RUN_ENV_ID = 'dry-run-env';
const sentinel = (name: string): string => `dry-run:${name}`;

interface ConfigJson {
  timeout?: number;
  triggers?: { name: string; type: string; config: string; message?: string }[];
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const configJsonOf = (name: string): ConfigJson => {
  const file = path.join(FUNCTIONS_DIR, name, 'config.json');
  return fs.existsSync(file) ? readJson<ConfigJson>(file) : {};
};

/**
 * Environment variable names the backend reads: `process.env.X`, `process.env['X']`, destructuring, and
 * `process.env[param]` inside `function f(param…)` resolved through every `f('X'…)` call. Any other use
 * is listed as unresolved, so a new way of reading the environment cannot slip past the check.
 */
function backendEnvReads(dirs = ENV_SOURCE_DIRS): { names: Set<string>; unresolved: string[] } {
  const files = dirs.flatMap((dir) =>
    (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f)),
  );
  const sources = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const names = new Set<string>();
  const unresolved: string[] = [];
  const readers: string[] = [];
  for (const [file, text] of sources) {
    const where = (index: number): string => `${path.relative(REPO_ROOT, file)}:${text.slice(0, index).split('\n').length}`;
    for (const m of text.matchAll(/process\.env(?:\.([A-Za-z_]\w*)|\[\s*(['"])(\w+)\2\s*\]|\[\s*([A-Za-z_]\w*)\s*\])?/g)) {
      const [, dotted, , quoted, param] = m;
      const name = dotted ?? quoted;
      const at = m.index ?? 0;
      if (name) {
        names.add(name);
      } else if (param) {
        // The enclosing function declares the parameter: its callers name the variables.
        const fn = [...text.slice(0, at).matchAll(new RegExp(`function\\s+(\\w+)\\s*\\(\\s*${param}\\b`, 'g'))].pop()?.[1];
        if (fn) readers.push(fn);
        else unresolved.push(`${where(at)}: process.env[${param}]`);
      } else {
        const destructured = /\{([^{}]*)\}\s*=\s*$/.exec(text.slice(Math.max(0, at - 200), at));
        if (destructured?.[1])
          destructured[1]
            .split(',')
            .map((s) => s.split(':')[0]?.trim())
            .filter(Boolean)
            .forEach((n) => {
              names.add(n as string);
            });
        else unresolved.push(`${where(at)}: process.env used whole`);
      }
    }
  }
  for (const fn of readers) {
    const calls = [...sources.values()].flatMap((text) => [...text.matchAll(new RegExp(`\\b${fn}\\(\\s*(['"])(\\w+)\\1`, 'g'))].map((m) => m[2] as string));
    if (calls.length === 0) unresolved.push(`${fn}(): reads process.env[…] but no call names a variable`);
    for (const n of calls) names.add(n);
  }
  return { names, unresolved };
}

/** The Node.js major the bundles are compiled for (esbuild's `target: 'nodeNN'` in build-functions.ts). */
function buildTargetNodeMajor(): number {
  const target = /target:\s*['"]node(\d+)['"]/.exec(fs.readFileSync(BUILD_SCRIPT, 'utf8'))?.[1];
  if (!target) throw new Error(`${path.relative(REPO_ROOT, BUILD_SCRIPT)} has no target: 'nodeNN'`);
  return Number(target);
}

const NODE_RUNTIME = /^Nodejs(\d+)\.\d+$/;
const request = (requests: RecordedRequest[], action: string): RecordedRequest | undefined => requests.find((r) => r.action === action);
const triggersSent = (r: RecordedRequest | undefined): unknown => (r ? JSON.parse(String(r.params.Triggers)) : []);

const rawConfig = readJson<{ envId?: string; functions?: { name: string }[] }>(DEFAULT_CONFIG_PATH);
const envReads = backendEnvReads();
let report: DryRunReport;
let scratch: string;

beforeAll(() => {
  // A scratch cwd (no .env files) and HOME (the CLI writes its settings there); only the variables set here.
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbaserc-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: scratch, ENV_ID: DRY_RUN_ENV_ID };
  for (const name of envReads.names) env[name] = sentinel(name);
  let stdout: string;
  try {
    stdout = execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        path.join(REPO_ROOT, 'scripts', 'check-cloudbaserc.ts'),
        '--json',
        '--config',
        DEFAULT_CONFIG_PATH,
      ],
      {
        cwd: scratch,
        env,
        encoding: 'utf8',
        timeout: DRY_RUN_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch (err) {
    // Exit 1 (the CLI refused a function) still printed the report: the checks below name the function.
    stdout = String((err as { stdout?: string }).stdout ?? '');
    if (!stdout.trim()) throw new Error(`check-cloudbaserc printed no report: ${String((err as { stderr?: string }).stderr ?? err)}`);
  }
  report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as DryRunReport;
}, DRY_RUN_TIMEOUT_MS);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

const eachFunction = (check: (fn: FunctionDryRun) => void): void => {
  expect(report.functions.length).toBeGreaterThan(0);
  for (const fn of report.functions) check(fn);
};

describe('cloudbaserc.json', () => {
  it('declares exactly the function folders, once each', () => {
    const declared = (rawConfig.functions ?? []).map((f) => f.name);
    expect(declared.length, 'a function is declared twice').toBe(new Set(declared).size);
    expect([...declared].sort()).toEqual(functionNames(FUNCTIONS_DIR));
    expect(path.resolve(REPO_ROOT, String(report.functionRoot)), 'functionRoot').toBe(FUNCTIONS_DIR);
  });

  it("is accepted by the CLI's own request building for every function", () => {
    eachFunction((fn) => {
      expect(fn.error, fn.name).toBeUndefined();
      expect(request(fn.create, 'CreateFunction'), fn.name).toBeDefined();
      expect(request(fn.update, 'UpdateFunctionConfiguration'), fn.name).toBeDefined();
    });
  });

  it('validates against the cloudbaserc JSON schema the CLI ships', () => {
    const { schema, runtimes } = report;
    const definitions = schema.definitions as Record<string, JsonObject>;
    const cloudFunction = definitions.ICloudFunction as JsonObject & { properties: Record<string, JsonObject> };
    // The shipped schema is `tcb framework deploy`'s: it requires a framework block, which `tcb fn deploy`
    // does not use, and its function definition predates the current runtimes and the memorySize name
    // the CLI sends. So: runtimes from the CLI's own list, memorySize against the schema's memory enum.
    const functionSchema = {
      ...cloudFunction,
      properties: { ...cloudFunction.properties, runtime: { type: 'string', enum: runtimes }, memorySize: cloudFunction.properties.memory },
    };
    const required = (schema.required as string[]).filter((key) => key !== 'framework');
    const properties = { ...(schema.properties as JsonObject), functions: { type: 'array', items: functionSchema } };
    // strict off: the CLI's schema has annotations ajv's strict mode rejects (e.g. "default" beside "$ref").
    const validate = new Ajv({ strict: false, allErrors: true }).compile({ ...schema, required, properties });
    const resolved = { version: report.version, envId: report.envId, functionRoot: report.functionRoot, functions: report.functions.map((fn) => fn.resolved) };
    expect(validate(resolved), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("gives each function its config.json timeout (the emulator's default when it has none)", () => {
    eachFunction((fn) => {
      const expected = configJsonOf(fn.name).timeout ?? DEFAULT_TIMEOUT_SEC;
      expect(request(fn.create, 'CreateFunction')?.params.Timeout, `${fn.name} on create`).toBe(expected);
      expect(request(fn.update, 'UpdateFunctionConfiguration')?.params.Timeout, `${fn.name} on update`).toBe(expected);
    });
  });

  it("creates exactly config.json's timer triggers, with the same cron", () => {
    eachFunction((fn) => {
      const triggers = configJsonOf(fn.name).triggers ?? [];
      // The CLI sends name, type and cron only: a trigger message in config.json would be lost.
      expect(
        triggers.filter((t) => t.message !== undefined).map((t) => t.name),
        `${fn.name}: trigger message`,
      ).toEqual([]);
      const expected = triggers.map((t) => ({ TriggerName: t.name, Type: t.type, TriggerDesc: t.config }));
      expect(triggersSent(request(fn.create, 'BatchCreateTrigger')), `${fn.name} on create`).toEqual(expected);
      expect(triggersSent(request(fn.update, 'BatchCreateTrigger')), `${fn.name} on update`).toEqual(expected);
    });
  });

  it('passes every environment variable the backend reads, each from {{env.NAME}}, to every function', () => {
    expect(envReads.unresolved, 'process.env reads the check cannot name').toEqual([]);
    const expected = Object.fromEntries([...envReads.names].sort().map((name) => [name, sentinel(name)]));
    expect(Object.keys(expected)).toContain('ADMIN_OPENIDS');
    eachFunction((fn) => {
      // Exactly these: a deploy replaces the function's whole environment, so a stale name would linger.
      for (const [when, requests, action] of [
        ['create', fn.create, 'CreateFunction'],
        ['update', fn.update, 'UpdateFunctionConfiguration'],
      ] as const) {
        const sent = environmentOf(request(requests, action)) ?? {};
        expect(Object.fromEntries(Object.entries(sent).sort()), `${fn.name} on ${when}`).toEqual(expected);
      }
    });
  });

  it('takes the environment id from ENV_ID, not a hard-coded environment', () => {
    expect(rawConfig.envId).toBe('{{env.ENV_ID}}');
    expect(report.envId).toBe(DRY_RUN_ENV_ID);
    eachFunction((fn) => expect(request(fn.create, 'CreateFunction')?.params.Namespace, fn.name).toBe(DRY_RUN_ENV_ID));
  });

  it('runs the built bundles: a Node.js runtime no older than their build target, index.main, wx-server-sdk installed in the cloud', () => {
    const targetMajor = buildTargetNodeMajor();
    eachFunction((fn) => {
      const params = request(fn.create, 'CreateFunction')?.params ?? {};
      const runtime = String(params.Runtime);
      expect(report.runtimes, `${fn.name}: a runtime the CLI offers`).toContain(runtime);
      expect(Number(NODE_RUNTIME.exec(runtime)?.[1]), `${fn.name}: ${runtime} vs esbuild target node${targetMajor}`).toBeGreaterThanOrEqual(targetMajor);
      const pkg = readJson<{ main?: string; dependencies?: Record<string, string> }>(path.join(FUNCTIONS_DIR, fn.name, 'package.json'));
      expect(params.Handler, fn.name).toBe(`${path.basename(pkg.main ?? 'index.js', '.js')}.main`);
      // wx-server-sdk is left out of the bundle (external), so the cloud must install it.
      expect(Object.keys(pkg.dependencies ?? {}), fn.name).toContain('wx-server-sdk');
      expect(params.InstallDependency, fn.name).toBe('TRUE');
    });
  });
});

describe('the scan for environment variables the backend reads', () => {
  it('finds each way of reading one, and reports a read it cannot name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-reads-'));
    try {
      fs.mkdirSync(path.join(dir, 'nested'));
      fs.writeFileSync(
        path.join(dir, 'a.ts'),
        "const a = process.env.DOTTED;\nconst b = process.env['QUOTED'];\nconst { DESTRUCTURED, OTHER: renamed } = process.env;\n",
      );
      fs.writeFileSync(
        path.join(dir, 'nested', 'b.ts'),
        "function fromEnv(name: string) { return process.env[name]; }\nfromEnv('VIA_HELPER');\nconst all = process.env;\nconst k = 'x'; const c = process.env[k];\n",
      );
      const { names, unresolved } = backendEnvReads([dir]);
      expect([...names].sort()).toEqual(['DESTRUCTURED', 'DOTTED', 'OTHER', 'QUOTED', 'VIA_HELPER']);
      expect(unresolved).toHaveLength(2);
      expect(unresolved.join('\n')).toMatch(/process\.env used whole[\s\S]*process\.env\[k\]/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
