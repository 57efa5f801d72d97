// `npm start`: runs the CloudBase emulator with its durable embedded database on 127.0.0.1.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig, DEFAULT_PORT, PROJECT_ROOT } from './config';
import { startEmulator } from './server';

const USAGE = `Usage: npm start -- [options]
  --port N             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --data DIR           data folder for the embedded database and files (default .data/)
  --memory             keep everything in memory (nothing survives a restart)
  --admin OPENID,...   openids given to functions as ADMIN_OPENIDS (street admins)
  --risky-words W,...  words that security.msgSecCheck marks risky
  --help               show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean', default: false },
      admin: { type: 'string' },
      'risky-words': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const list = (s: string | undefined): string[] | undefined =>
    s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const base = defaultConfig();
  const config = defaultConfig({
    port,
    dataDir: values.memory ? null : path.resolve(values.data ?? path.join(PROJECT_ROOT, '.data')),
    adminOpenids: list(values.admin) ?? list(process.env.ADMIN_OPENIDS) ?? base.adminOpenids,
    riskyWords: list(values['risky-words']) ?? base.riskyWords,
  });
  const emulator = await startEmulator(config);
  console.log(`连心网格 CloudBase emulator listening on ${emulator.url}`);
  console.log(`  data: ${config.dataDir ?? '(in memory)'}   env: ${config.envId}   admins: ${config.adminOpenids.join(',') || '(none)'}`);
  console.log(`  try:  curl ${emulator.url}/__emulator/health`);
  console.log(`        curl -X POST ${emulator.url}/wx/callFunction -H 'X-WX-OPENID: o-demo' -H 'content-type: application/json' -d '{"name":"<function>","data":{}}'`);

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
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
