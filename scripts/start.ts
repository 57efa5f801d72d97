// `npm start`: the product on the local CloudBase emulator. Runs the emulator CLI with the product's
// settings (durable data under .data/, its functions and collections, --admin), and on first start
// seeds the demo street and has its committee publish a notice.
import { commaList as list, runEmulatorCli, type EmulatorConfig, type EmulatorInstance } from '../emulator/src';
import { buildDemoStreet, DEMO_ADMIN_OPENID, DEMO_STREET } from '../backend/src/seed';
import { seedDemoStreetIfEmpty } from './lib/demo-street';
import { LOCAL_DATA_DIR, productEmulatorOptions } from './lib/local-emulator';

async function afterStart(emulator: EmulatorInstance, config: EmulatorConfig): Promise<void> {
  console.log(`  admins: ${config.functionEnv.ADMIN_OPENIDS || '(none)'}`);
  const seeded = await seedDemoStreetIfEmpty(emulator);
  if (seeded) {
    const { street } = seeded;
    const residents = street.people.grids.reduce((n, g) => n + g.residents.length, 0);
    console.log(
      `  seeded the demo street: ${street.villages.length} villages, ${street.grids.length} grids, ${street.households.length} households, ${residents} joined residents${seeded.noticePublished ? ', and a notice' : ''}`,
    );
  } else {
    console.log('  using the street already in the data folder');
  }
  const grid = buildDemoStreet(DEMO_STREET, 0).people.grids[0];
  console.log(`
Try next:
  npm run demo        drives the street through the real SDK (join, submit, answer, escalate)
  curl -s -X POST ${emulator.url}/wx/callFunction -H 'X-WX-OPENID: ${grid?.residents[0]?.openid ?? 'o-resident'}' \\
       -H 'content-type: application/json' -d '{"name":"listNotices","data":{}}'
  Street admin openid: ${DEMO_ADMIN_OPENID}; grid leader of ${grid?.gridId ?? 'the first grid'}: ${grid?.leaders.gridLeader ?? ''}
Ctrl-C stops the emulator; data stays in the data folder (delete .data/ to start over).`);
}

runEmulatorCli(process.argv.slice(2), {
  command: 'npm start --',
  defaults: { dataDir: LOCAL_DATA_DIR, ...productEmulatorOptions({ adminOpenids: list(process.env.ADMIN_OPENIDS) ?? [DEMO_ADMIN_OPENID] }) },
  flags: {
    admin: {
      value: 'OPENID,...',
      description: 'openids given to functions as ADMIN_OPENIDS (street admins)',
      apply: (value, config) => ({ functionEnv: { ...config.functionEnv, ADMIN_OPENIDS: (list(value) ?? []).join(',') } }),
    },
  },
  afterStart,
}).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
