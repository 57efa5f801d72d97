// The emulator's command line: `tsx emulator/src/cli.ts [options]` runs the CloudBase emulator with its
// durable embedded database on 127.0.0.1. `runEmulatorCli` lets a product script (scripts/start.ts)
// run the same CLI and add its own first-start steps.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig, DEFAULT_PORT, PROJECT_ROOT } from './config';
import type { EmulatorConfig } from './context';
import { startEmulator, type RunningEmulator } from './server';

const USAGE = `Usage: npm start -- [options]
  --port N             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --data DIR           data folder for the embedded database and files (default .data/)
  --memory             keep everything in memory (nothing survives a restart)
  --admin OPENID,...   openids given to functions as ADMIN_OPENIDS (street admins)
  --risky-words W,...  words that security.msgSecCheck marks risky
  --help               show this help`;

const list = (s: string | undefined): string[] | undefined =>
  s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean);

/** Parses the flags into a config; `defaults` are the caller's own defaults (e.g. demo admins). */
export function parseEmulatorArgs(argv: string[], defaults: Partial<EmulatorConfig> = {}): EmulatorConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean', default: false },
      admin: { type: 'string' },
      'risky-words': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const base = defaultConfig(defaults);
  return defaultConfig({
    ...defaults,
    port,
    dataDir: values.memory ? null : path.resolve(values.data ?? path.join(PROJECT_ROOT, '.data')),
    adminOpenids: list(values.admin) ?? list(process.env.ADMIN_OPENIDS) ?? base.adminOpenids,
    riskyWords: list(values['risky-words']) ?? base.riskyWords,
  });
}

export interface CliHooks {
  defaults?: Partial<EmulatorConfig>;
  /** Runs once the emulator listens (seeding, hints); its failure is reported but the emulator keeps running. */
  afterStart?(emulator: RunningEmulator): Promise<void>;
}

export async function runEmulatorCli(argv: string[], hooks: CliHooks = {}): Promise<void> {
  const config = parseEmulatorArgs(argv, hooks.defaults);
  if (config === 'help') {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(config);
  console.log(`CloudBase emulator listening on ${emulator.url}`);
  console.log(`  data: ${config.dataDir ?? '(in memory)'}   env: ${config.envId}   admins: ${config.adminOpenids.join(',') || '(none)'}`);
  console.log(`  health: curl ${emulator.url}/__emulator/health`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    emulator.close().then(
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
    await hooks.afterStart(emulator).catch((err: unknown) => {
      console.error(`start-up step failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}

if (require.main === module) {
  runEmulatorCli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
