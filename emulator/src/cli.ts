// The emulator's command line, run by the package's `cloudbase-emulator` bin (bin/cloudbase-emulator.cjs;
// from a checkout, `node emulator/bin/cloudbase-emulator.cjs [options]`): the CloudBase emulator with
// its durable embedded database on 127.0.0.1. `runEmulatorCli` lets an app's own start script run the
// same CLI with its settings as defaults, its own flags, and its first-start steps.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_APP_ID, DEFAULT_ENV_ID, DEFAULT_PORT, resolveConfig, type EmulatorOptions } from './config';
import type { EmulatorConfig } from './context';
import { isPlanName, PLANS } from './quotas';
import { startEmulator, type EmulatorInstance } from './server';

/** The data folder when neither --data, --memory nor the caller's defaults say otherwise. */
const DEFAULT_DATA_DIR = '.data';

const FLAGS = `  --port N             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --data DIR           data folder for the embedded database and files (default ./${DEFAULT_DATA_DIR})
  --memory             keep everything in memory (nothing survives a restart)
  --functions DIR      folder of built cloud functions, one per sub-folder (default: none)
  --indexes FILE       collections and indexes to create, CloudBase's JSON format (default: none)
  --storage-rules FILE the cloud-storage security rule for the mini-program's calls, CloudBase's JSON
                       format (default: CloudBase's, anyone reads and only the uploader writes)
  --env-id ID          CloudBase environment id (default ${DEFAULT_ENV_ID})
  --app-id ID          the mini-program's appid (default ${DEFAULT_APP_ID})
  --env KEY=VALUE      environment variable for every function instance (repeatable)
  --risky-words W,...  words that security.msgSecCheck marks risky (default: none)
  --plan NAME          enforce a CloudBase plan's quotas (${Object.keys(PLANS).join(', ')}; default: none, only counted)`;

/** A flag an app adds to the CLI (e.g. its admins), folded into the options after the emulator's own. */
export interface CliFlag {
  /** Placeholder shown in --help, e.g. "OPENID,...". */
  value: string;
  description: string;
  /** The settings the flag's value changes, given the settings so far. */
  apply(value: string, config: EmulatorConfig): EmulatorOptions;
}

export interface CliHooks {
  /** How the command is run, for --help (default "cloudbase-emulator"). */
  command?: string;
  /** The app's settings (functions folder, indexes file, env id, data folder, ...); flags override them. */
  defaults?: EmulatorOptions;
  /** The app's own string flags. */
  flags?: Record<string, CliFlag>;
  /** Runs once the emulator listens (seeding, hints); its failure is reported but the emulator keeps running. */
  afterStart?(emulator: EmulatorInstance, config: EmulatorConfig): Promise<void>;
}

/** A flag's comma-separated values, trimmed, empty ones dropped; undefined when the flag is absent. */
export const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function usage(hooks: CliHooks): string {
  const extra = Object.entries(hooks.flags ?? {}).map(([name, f]) => `  ${`--${name} ${f.value}`.padEnd(21)}${f.description}`);
  return [`Usage: ${hooks.command ?? 'cloudbase-emulator'} [options]`, FLAGS, ...extra, '  --help               show this help'].join('\n');
}

function functionEnvOf(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--env needs KEY=VALUE, got ${JSON.stringify(pair)}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** Parses the flags into a config over the caller's defaults. */
export function parseEmulatorArgs(argv: string[], hooks: CliHooks = {}): EmulatorConfig | 'help' {
  const own = Object.fromEntries(Object.keys(hooks.flags ?? {}).map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: {
      ...own,
      port: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean', default: false },
      functions: { type: 'string' },
      indexes: { type: 'string' },
      'storage-rules': { type: 'string' },
      'env-id': { type: 'string' },
      'app-id': { type: 'string' },
      env: { type: 'string', multiple: true },
      'risky-words': { type: 'string' },
      plan: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.plan !== undefined && !isPlanName(values.plan)) throw new Error(`--plan must be one of ${Object.keys(PLANS).join(', ')}, got ${values.plan}`);
  const defaults = hooks.defaults ?? {};
  const fromFlags: EmulatorOptions = {
    port: values.port === undefined ? undefined : Number(values.port),
    dataDir: values.memory ? null : values.data === undefined ? undefined : path.resolve(values.data),
    functionsDir: values.functions === undefined ? undefined : path.resolve(values.functions),
    indexesFile: values.indexes === undefined ? undefined : path.resolve(values.indexes),
    storageRulesFile: values['storage-rules'] === undefined ? undefined : path.resolve(values['storage-rules']),
    envId: values['env-id'],
    appId: values['app-id'],
    functionEnv: values.env === undefined ? undefined : { ...defaults.functionEnv, ...functionEnvOf(values.env) },
    riskyWords: list(values['risky-words']),
    plan: values.plan,
  };
  let config = resolveConfig({ dataDir: path.resolve(DEFAULT_DATA_DIR) }, defaults, fromFlags);
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  for (const [name, flag] of Object.entries(hooks.flags ?? {})) {
    const value = (values as Record<string, unknown>)[name];
    if (typeof value === 'string') config = resolveConfig(config, flag.apply(value, config));
  }
  return config;
}

export async function runEmulatorCli(argv: string[], hooks: CliHooks = {}): Promise<void> {
  const config = parseEmulatorArgs(argv, hooks);
  if (config === 'help') {
    console.log(usage(hooks));
    return;
  }
  const emulator = await startEmulator(config);
  console.log(`CloudBase emulator listening on ${emulator.url}`);
  console.log(`  data: ${config.dataDir ?? '(in memory)'}   env: ${config.envId}   functions: ${config.functionsDir ?? '(none)'}`);
  console.log(`  health: curl ${emulator.url}/__emulator/health   quotas: ${config.plan ?? 'none'} (curl ${emulator.url}/__emulator/usage)`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  if (hooks.afterStart) {
    await hooks.afterStart(emulator, config).catch((err: unknown) => {
      console.error(`start-up step failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
