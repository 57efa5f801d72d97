// Prints the size of the main package and each subpackage as WeChat counts them: over the DevTools'
// own compile of the project (scripts/lib/miniprogram-platform.ts: compiled JavaScript, only the
// files in use, miniprogram_npm from 构建 npm, which counts in the main package). Source maps and the
// project config are not uploaded. Fails when the main package passes the project's budget.
import fs from 'node:fs';
import path from 'node:path';
import { exitWhenDone } from './lib/run-main';
import { compileProject, MAIN_PACKAGE, packageOf, packMiniprogramNpm, PROJECT_ROOT, readProjectConfig, type AppJson } from './lib/miniprogram-platform';

const KIB = 1024;
/** WeChat's limit for the main package (2 MB), kept lower to leave room: the project's own target. */
const MAIN_PACKAGE_BUDGET_BYTES = 1.5 * KIB * KIB;
const NOT_UPLOADED = [/\.map$/, /^project\.config\.json$/];

function format(bytes: number): string {
  return `${(bytes / KIB).toFixed(1)} KiB`;
}

async function main(): Promise<boolean> {
  const app = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, readProjectConfig().miniprogramRoot, 'app.json'), 'utf8')) as AppJson;
  await packMiniprogramNpm();
  const files = await compileProject();
  const sizes = new Map<string, { own: number; npm: number }>();
  for (const [file, content] of files) {
    if (NOT_UPLOADED.some((re) => re.test(file))) continue;
    const pkg = packageOf(file, app);
    const entry = sizes.get(pkg) ?? { own: 0, npm: 0 };
    if (file.startsWith('miniprogram_npm/')) entry.npm += Buffer.byteLength(content);
    else entry.own += Buffer.byteLength(content);
    sizes.set(pkg, entry);
  }
  const main = sizes.get(MAIN_PACKAGE) ?? { own: 0, npm: 0 };
  const mainTotal = main.own + main.npm;
  console.log(`main package: ${format(mainTotal)} = own code ${format(main.own)} + miniprogram_npm ${format(main.npm)}`);
  for (const [pkg, { own }] of sizes) if (pkg !== MAIN_PACKAGE) console.log(`subpackage ${pkg}: ${format(own)}`);
  console.log(`budget for the main package: ${format(MAIN_PACKAGE_BUDGET_BYTES)}`);
  if (mainTotal > MAIN_PACKAGE_BUDGET_BYTES) console.error('main package over budget');
  return mainTotal <= MAIN_PACKAGE_BUDGET_BYTES;
}

exitWhenDone(main);
