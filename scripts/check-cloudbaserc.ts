// What `tcb fn deploy` would send for cloudbaserc.json, worked out offline by the installed CloudBase
// CLI's own code: its config loader (the one every `tcb` command uses: `{{env.X}}` rendered from the
// environment and .env files, functionDefaultConfig merged into each function) and its FunctionService
// request builders (CreateFunction, UpdateFunctionConfiguration for a function that already exists,
// BatchCreateTrigger), with the network replaced by a recorder. Nothing is logged in, packed or sent.
// Also hands out the cloudbaserc JSON schema and the runtime list the CLI ships.
//
// The CLI is one webpack bundle with no exports, so its modules are reached by loading the bundle with
// its start-up line (which would run the command line) swapped for handing out webpack's require, and
// finding each module by a line of its source. A CLI upgrade that moves these fails loudly here.
//
//   npx tsx scripts/check-cloudbaserc.ts            summary per function; warns of variables left empty
//   npx tsx scripts/check-cloudbaserc.ts --json     one JSON line (tests/deploy/cloudbaserc.test.ts reads it)
//   --config <file>  another cloudbaserc.json;  --mode <mode>, -e <envId>: as for tcb
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { exitWhenDone } from './lib/run-main';

const REPO_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_CONFIG_PATH = path.join(REPO_ROOT, 'cloudbaserc.json');
const CLI_PACKAGE = '@cloudbase/cli';
const CLI_BUNDLE = `${CLI_PACKAGE}/dist/standalone/cli.js`;
/** Stands in for the code package: the dry run zips and uploads nothing. */
const DRY_RUN_CODE = { ZipFile: '<dry run: code not packed>' };

/** The bundle's last statement runs the command line; replaced so that loading it only defines modules. */
const WEBPACK_STARTUP = /var __webpack_exports__ = __webpack_require__\(__webpack_require__\.s = \d+\);/;
/** Each module of the bundle starts with this header line, then its factory on the next line. */
const MODULE_HEADER = /\n\/\*\*\*\/ (\d+):\n([^\n]*)/g;
/** Modules of bundles nested inside the CLI's bundle reuse ids; their factories take this parameter. */
const NESTED_REQUIRE = '__nested_webpack_require_';

/** Lines that occur in exactly one top-level module each: the module is found by its source. */
const MODULE_MARKERS = {
  /** utils: getCloudBaseConfig, which every command calls for its config (merges functionDefaultConfig). */
  configLoader: 'config.functionDefaultConfig',
  /** @cloudbase/manager-node's FunctionService: builds the SCF API requests. */
  functionService: "Stamp: 'MINI_QCBASE'",
  /** constants: RuntimeOptions, the runtimes `tcb fn deploy` offers. */
  constants: 'exports.DefaultFunctionDeployConfig = {',
  /** The cloudbaserc JSON schema the CLI validates `tcb framework deploy` configs with. */
  schema: '"title":"CloudBase CLI Configuration"',
} as const;

export type JsonObject = Record<string, unknown>;

export interface RecordedRequest {
  action: string;
  params: JsonObject;
}

export interface FunctionDryRun {
  name: string;
  /** The function's entry as the CLI resolved it: variables rendered, functionDefaultConfig merged. */
  resolved: JsonObject;
  /** A first deploy: CreateFunction, then BatchCreateTrigger when the function has triggers. */
  create: RecordedRequest[];
  /** A deploy over an existing function (`--force`), or `tcb fn config update`. */
  update: RecordedRequest[];
  /** Set when the CLI's own code refused the entry. */
  error?: string;
}

export interface DryRunReport {
  cliVersion: string;
  configPath: string;
  /** The top-level fields as resolved, without functions. */
  envId: unknown;
  functionRoot: unknown;
  version: unknown;
  functions: FunctionDryRun[];
  /** Runtime names `tcb fn deploy` offers (its RuntimeOptions). */
  runtimes: string[];
  /** The cloudbaserc JSON schema embedded in the CLI. */
  schema: JsonObject;
}

interface FunctionServiceLike {
  createFunction(param: JsonObject): Promise<unknown>;
  updateFunctionConfig(func: JsonObject): Promise<unknown>;
}

interface CliInternals {
  version: string;
  getCloudBaseConfig(configPath?: string): Promise<JsonObject>;
  FunctionService: { prototype: FunctionServiceLike };
  runtimes: string[];
  schema: JsonObject;
}

type WebpackRequire = (id: string) => unknown;

interface ModuleHeader {
  at: number;
  id: string;
  factory: string;
}

function moduleIdOf(bundle: string, headers: ModuleHeader[], marker: string): string {
  const ids = new Set<string>();
  for (let at = bundle.indexOf(marker); at >= 0; at = bundle.indexOf(marker, at + marker.length)) {
    const header = headers.filter((h) => h.at < at).pop();
    if (header && !header.factory.includes(NESTED_REQUIRE)) ids.add(header.id);
  }
  if (ids.size !== 1)
    throw new Error(`${CLI_BUNDLE}: expected one top-level module containing ${JSON.stringify(marker)}, found ${ids.size}; the CLI's layout changed`);
  return [...ids][0] as string;
}

function loadCliInternals(): CliInternals {
  const localRequire = createRequire(path.join(REPO_ROOT, 'package.json'));
  const bundlePath = localRequire.resolve(CLI_BUNDLE);
  const version = (JSON.parse(fs.readFileSync(localRequire.resolve(`${CLI_PACKAGE}/package.json`), 'utf8')) as { version: string }).version;
  const bundle = fs.readFileSync(bundlePath, 'utf8');
  if (!WEBPACK_STARTUP.test(bundle)) throw new Error(`${CLI_BUNDLE}: webpack start-up line not found; the CLI's layout changed`);
  const source = bundle.replace(WEBPACK_STARTUP, 'module.exports = __webpack_require__; return;');
  const moduleObject: { exports: unknown } = { exports: {} };
  const factory = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: bundlePath });
  factory(moduleObject.exports, createRequire(bundlePath), moduleObject, bundlePath, path.dirname(bundlePath));
  const webpackRequire = moduleObject.exports as WebpackRequire;
  const headers = [...bundle.matchAll(MODULE_HEADER)].map((m) => ({ at: m.index ?? 0, id: m[1] ?? '', factory: m[2] ?? '' }));
  const load = (marker: string): JsonObject => webpackRequire(moduleIdOf(bundle, headers, marker)) as JsonObject;

  const { getCloudBaseConfig } = load(MODULE_MARKERS.configLoader) as unknown as Pick<CliInternals, 'getCloudBaseConfig'>;
  const { FunctionService } = load(MODULE_MARKERS.functionService) as unknown as Pick<CliInternals, 'FunctionService'>;
  const { RuntimeOptions } = load(MODULE_MARKERS.constants) as { RuntimeOptions?: { value: string }[] };
  const schema = load(MODULE_MARKERS.schema);
  if (typeof getCloudBaseConfig !== 'function' || typeof FunctionService?.prototype?.createFunction !== 'function' || !Array.isArray(RuntimeOptions)) {
    throw new Error(`${CLI_BUNDLE}: getCloudBaseConfig, FunctionService or RuntimeOptions not where expected; the CLI's layout changed`);
  }
  return { version, getCloudBaseConfig, FunctionService, runtimes: RuntimeOptions.map((r) => r.value), schema };
}

/** A FunctionService whose network, code packing and status polling are replaced; its request building is the CLI's. */
function recordingFunctionService(cli: CliInternals, namespace: string, requests: RecordedRequest[]): FunctionServiceLike {
  const service = Object.create(cli.FunctionService.prototype) as FunctionServiceLike;
  Object.assign(service, {
    // Its methods first lazily load the environment from the cloud unless it says it is loaded.
    environment: { inited: true, cloudBaseContext: {} },
    getFunctionConfig: () => ({ namespace, env: namespace, appId: '' }),
    getClsServiceConfig: () => ({}),
    getCodeParams: async () => DRY_RUN_CODE,
    waitFunctionActive: async () => undefined,
    scfService: {
      request: async (action: string, params: JsonObject) => {
        requests.push({ action, params: JSON.parse(JSON.stringify(params)) as JsonObject });
        return {};
      },
    },
  });
  return service;
}

async function recordRequests(run: (requests: RecordedRequest[]) => Promise<unknown>): Promise<{ requests: RecordedRequest[]; error?: string }> {
  const requests: RecordedRequest[] = [];
  try {
    await run(requests);
    return { requests };
  } catch (err) {
    return { requests, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Loads configPath the way `tcb` does (from process.cwd(): its .env files, process.env, --mode and -e
 * in process.argv) and records what a deploy of each function would send.
 */
export async function dryRunDeploy(configPath = DEFAULT_CONFIG_PATH): Promise<DryRunReport> {
  const cli = loadCliInternals();
  const config = await cli.getCloudBaseConfig(path.resolve(configPath));
  const functions = (Array.isArray(config.functions) ? config.functions : []) as JsonObject[];
  const envId = String(config.envId ?? '');
  const results: FunctionDryRun[] = [];
  for (const func of functions) {
    const name = String(func.name);
    // As `tcb fn deploy` has it; only the code packing (replaced here) reads it.
    const functionRootPath = path.join(process.cwd(), String(config.functionRoot ?? 'functions'));
    // Each call gets its own copy: the CLI's code may annotate the object it is given.
    const copy = (): JsonObject => JSON.parse(JSON.stringify(func)) as JsonObject;
    const created = await recordRequests((requests) =>
      recordingFunctionService(cli, envId, requests).createFunction({ func: copy(), functionRootPath, force: false }),
    );
    const updated = await recordRequests((requests) => recordingFunctionService(cli, envId, requests).updateFunctionConfig(copy()));
    const error = created.error ?? updated.error;
    results.push({ name, resolved: func, create: created.requests, update: updated.requests, ...(error ? { error } : {}) });
  }
  return {
    cliVersion: cli.version,
    configPath: path.resolve(configPath),
    envId: config.envId,
    functionRoot: config.functionRoot,
    version: config.version,
    functions: results,
    runtimes: cli.runtimes,
    schema: cli.schema,
  };
}

/** The Environment.Variables of a recorded request, as a plain object. */
export function environmentOf(request: RecordedRequest | undefined): Record<string, string> | undefined {
  const variables = (request?.params.Environment as { Variables?: { Key: string; Value: string }[] } | undefined)?.Variables;
  return variables && Object.fromEntries(variables.map((v) => [v.Key, v.Value]));
}

function parseArgs(argv: string[]): { json: boolean; configPath: string } {
  const configAt = argv.indexOf('--config');
  return { json: argv.includes('--json'), configPath: configAt >= 0 ? path.resolve(argv[configAt + 1] ?? '') : DEFAULT_CONFIG_PATH };
}

function printSummary(report: DryRunReport): void {
  console.log(
    `@cloudbase/cli ${report.cliVersion} resolved ${path.relative(process.cwd(), report.configPath)}: envId ${JSON.stringify(report.envId)}, functionRoot ${JSON.stringify(report.functionRoot)}`,
  );
  const empty = new Set<string>();
  for (const fn of report.functions) {
    const create = fn.create.find((r) => r.action === 'CreateFunction')?.params ?? {};
    const triggers = fn.create.find((r) => r.action === 'BatchCreateTrigger')?.params.Triggers;
    const env = environmentOf(fn.create.find((r) => r.action === 'CreateFunction')) ?? {};
    for (const [key, value] of Object.entries(env)) if (value === '') empty.add(key);
    const parts = [
      `${String(create.Runtime)}`,
      `timeout ${String(create.Timeout)} s`,
      `${String(create.MemorySize)} MB`,
      `${Object.keys(env).length} env vars`,
    ];
    if (typeof triggers === 'string') parts.push(`triggers ${triggers}`);
    console.log(`  ${fn.name}: ${parts.join(', ')}${fn.error ? `\n    REFUSED: ${fn.error}` : ''}`);
  }
  if (String(report.envId).startsWith('{{')) console.warn(`envId is unresolved: set ENV_ID (or pass -e <envId>), or tcb will ask for an environment`);
  // A deploy replaces each function's whole environment with these values, empty ones included.
  if (empty.size > 0) console.warn(`resolved to an empty string (set them in the environment or .env.local): ${[...empty].join(', ')}`);
}

/** Writes `text` to stdout and waits until it has gone out: a long report to a full pipe (writeSync gets EAGAIN) is written in turns. */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

async function main(): Promise<boolean> {
  const { json, configPath } = parseArgs(process.argv.slice(2));
  // The CLI's code reads stdout-bound console.log in places; keep --json output to the one line.
  const log = console.log;
  if (json) console.log = console.error;
  const report = await dryRunDeploy(configPath);
  console.log = log;
  if (json) await writeOut(`${JSON.stringify(report)}\n`);
  else printSummary(report);
  return report.functions.every((fn) => !fn.error);
}

if (path.resolve(process.argv[1] ?? '') === __filename) exitWhenDone(main);
