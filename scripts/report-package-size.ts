// Reports the size of the mini-program's main package and each subpackage, with the npm
// dependencies as the DevTools' npm build would add them to miniprogram_npm/ (counted in the main
// package). miniprogram-ci's packNpmManually copies each package's miniprogram_dist into
// miniprogram_npm/ byte for byte (checked: tdesign-miniprogram 2,031,461 bytes either way), so the
// script reads those files from node_modules rather than adding miniprogram-ci (about 275 MB) to the
// project. Like an upload with ignoreUploadUnusedFiles, it counts only what is used: the TDesign
// components our templates name, followed through their own usingComponents and relative
// requires, plus TDesign's common/ folder and dayjs with the plugins we import. TypeScript is counted as written (the compiled JavaScript is about the same size).
// Fails when the main package passes WeChat's limit.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const MINIPROGRAM = path.join(ROOT, 'miniprogram');
const TDESIGN_DIST = path.join(ROOT, 'node_modules', 'tdesign-miniprogram', 'miniprogram_dist');
const DAYJS = path.join(ROOT, 'node_modules', 'dayjs');
const DAYJS_FILES = ['dayjs.min.js', 'plugin/utc.js', 'plugin/timezone.js'];
const KIB = 1024;
/** WeChat's limit for the main package (2 MB), kept lower to leave room: the project's own target. */
const MAIN_PACKAGE_BUDGET_BYTES = 1.5 * KIB * KIB;
/** Not uploaded: type declarations, configs for our tools, the DevTools' build output. */
const SKIPPED = [/\.d\.ts$/, /(^|\/)tsconfig\.json$/, /(^|\/)miniprogram_npm\//, /(^|\/)node_modules\//];

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

function sizeOf(files: Iterable<string>): number {
  let total = 0;
  for (const file of files) total += fs.statSync(file).size;
  return total;
}

interface AppJson {
  subPackages?: { root: string }[];
}

/** TDesign component folders (relative to miniprogram_dist) reachable from `start`. */
function tdesignClosure(start: string[]): Set<string> {
  const folders = new Set<string>(['common']);
  const queue = [...start];
  while (queue.length > 0) {
    const folder = queue.pop();
    if (folder === undefined || folders.has(folder)) continue;
    folders.add(folder);
    for (const file of walk(path.join(TDESIGN_DIST, folder))) {
      const text = file.endsWith('.json') || file.endsWith('.js') || file.endsWith('.wxml') ? fs.readFileSync(file, 'utf8') : '';
      // usingComponents values, require()/import paths and <wxs src>: anything that climbs to a sibling folder.
      for (const match of text.matchAll(/["']\.\.\/([\w-]+)\//g)) {
        const sibling = match[1];
        if (sibling !== undefined && fs.existsSync(path.join(TDESIGN_DIST, sibling))) queue.push(sibling);
      }
    }
  }
  return folders;
}

function usedTdesignFolders(): string[] {
  const used = new Set<string>();
  for (const file of walk(MINIPROGRAM).filter((f) => f.endsWith('.json'))) {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { usingComponents?: Record<string, string> };
    for (const target of Object.values(json.usingComponents ?? {})) {
      const m = /^tdesign-miniprogram\/([\w-]+)\//.exec(target);
      if (m?.[1] !== undefined) used.add(m[1]);
    }
  }
  return [...used];
}

function format(bytes: number): string {
  return `${(bytes / KIB).toFixed(1)} KiB`;
}

function main(): void {
  const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'app.json'), 'utf8')) as AppJson;
  const subRoots = (app.subPackages ?? []).map((p) => p.root.replace(/\/$/, ''));
  const own = walk(MINIPROGRAM)
    .map((f) => path.relative(MINIPROGRAM, f).split(path.sep).join('/'))
    .filter((rel) => !SKIPPED.some((re) => re.test(rel)));
  const bySub = new Map<string, string[]>(subRoots.map((r) => [r, []]));
  const mainFiles: string[] = [];
  for (const rel of own) {
    const root = subRoots.find((r) => rel.startsWith(`${r}/`));
    (root === undefined ? mainFiles : (bySub.get(root) ?? [])).push(path.join(MINIPROGRAM, rel));
  }
  const used = usedTdesignFolders();
  const tdesign = [...tdesignClosure(used)].flatMap((folder) => walk(path.join(TDESIGN_DIST, folder)));
  const dayjs = DAYJS_FILES.map((f) => path.join(DAYJS, f));
  const ownMain = sizeOf(mainFiles);
  const npm = sizeOf(tdesign) + sizeOf(dayjs);
  const mainTotal = ownMain + npm;
  console.log(`TDesign components used: ${used.sort().join(', ')} (${tdesignClosure(used).size} folders with their dependencies)`);
  console.log(`main package: ${format(mainTotal)} = own code ${format(ownMain)} + miniprogram_npm ${format(npm)} (TDesign ${format(sizeOf(tdesign))}, dayjs ${format(sizeOf(dayjs))})`);
  for (const [root, files] of bySub) console.log(`subpackage ${root}: ${format(sizeOf(files))}`);
  console.log(`budget for the main package: ${format(MAIN_PACKAGE_BUDGET_BYTES)}`);
  if (mainTotal > MAIN_PACKAGE_BUDGET_BYTES) {
    console.error('main package over budget');
    process.exit(1);
  }
}

main();
