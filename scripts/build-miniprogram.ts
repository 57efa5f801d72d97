// 工具 → 构建 npm without the DevTools: packs miniprogram/package.json's installed packages into
// miniprogram/miniprogram_npm/ with miniprogram-ci's packNpmManually, the DevTools' own code. Page
// tests render the real TDesign components from there; the DevTools' 构建 npm gives the same tree.
import path from 'node:path';
import { packMiniprogramNpm, PROJECT_ROOT } from './lib/miniprogram-platform';

async function main(): Promise<void> {
  const started = Date.now();
  for (const result of await packMiniprogramNpm()) {
    const where = path.relative(PROJECT_ROOT, path.dirname(path.join(PROJECT_ROOT, result.packageJsonPath)));
    console.log(`构建 npm ${result.packageJsonPath}: ${result.miniProgramPackages} mini-program and ${result.otherPackages} other packages into ${where}/miniprogram_npm (${Date.now() - started} ms)`);
    for (const warning of result.warnings) console.warn(`  warning: ${warning}`);
  }
}

// miniprogram-ci leaves handles open; exit explicitly either way.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
