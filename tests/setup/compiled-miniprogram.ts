// vitest globalSetup: page tests render the DevTools' compile of the mini-program (.build/miniprogram),
// so make sure it reflects the sources before any worker starts. `npm test` has just built it, so this
// is a freshness check there; a bare `npx vitest run` after editing a page rebuilds it (about 15 s).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export default function setup(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/build-miniprogram.ts', '--if-stale'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
