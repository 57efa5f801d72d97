// Runs before `npm start`, `npm test` and `npm run demo`: installs the locked dependencies when they are
// missing or older than their package-lock.json, so both README commands work on a fresh clone. Two
// installs: the project's own, and the mini-program's (miniprogram/package.json, which 构建 npm packs
// into miniprogram_npm/). Plain Node (no dependencies of its own), because it runs before anything is installed.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const INSTALLS = [
  { dir: root, note: 'better-sqlite3 may compile for about a minute' },
  { dir: path.join(root, 'miniprogram'), note: 'the mini-program’s own packages, for 构建 npm' },
];

for (const { dir, note } of INSTALLS) {
  const lock = path.join(dir, 'package-lock.json');
  // npm writes this file on every install; it is the installed tree's own lockfile.
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
  if (stale) {
    console.log(`Installing the locked dependencies in ${path.relative(root, dir) || '.'} (npm ci; ${note})…`);
    execSync('npm ci --no-audit --no-fund', { cwd: dir, stdio: 'inherit' });
  }
}
