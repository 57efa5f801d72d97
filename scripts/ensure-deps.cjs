// Runs before `npm start`, `npm test` and `npm run demo`: installs the locked dependencies when they are
// missing or older than package-lock.json, so both README commands work on a fresh clone. Plain
// Node (no dependencies of its own), because it runs before anything is installed.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
// npm writes this file on every install; it is the installed tree's own lockfile.
const installed = path.join(root, 'node_modules', '.package-lock.json');

const stale = !fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
  console.log('Installing the locked dependencies (npm ci; better-sqlite3 may compile for about a minute)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
