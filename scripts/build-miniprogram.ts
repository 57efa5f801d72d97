// 工具 → 构建 npm and the DevTools' compile without the DevTools: packs miniprogram/package.json's
// installed packages into miniprogram/miniprogram_npm/ with miniprogram-ci's packNpmManually (the
// DevTools' own code; the DevTools' 构建 npm gives the same tree), then compiles the project as an
// upload would (getCompiledResult) into .build/miniprogram/, which the page tests render with the
// real TDesign components and scripts/check-miniprogram.ts checks. `--if-stale` does nothing when
// the compiled files are newer than every source.
import path from 'node:path';
import { exitWhenDone } from './lib/run-main';
import { buildProject, compiledIsFresh, COMPILED_DIR, PROJECT_ROOT } from './lib/miniprogram-platform';

async function main(): Promise<void> {
  if (process.argv.includes('--if-stale') && compiledIsFresh()) return;
  const { packed, files, durationsMs } = await buildProject();
  for (const result of packed) {
    const where = path.relative(PROJECT_ROOT, path.dirname(path.join(PROJECT_ROOT, result.packageJsonPath)));
    console.log(
      `构建 npm ${result.packageJsonPath}: ${result.miniProgramPackages} mini-program and ${result.otherPackages} other packages into ${where}/miniprogram_npm (${durationsMs.packNpm} ms)`,
    );
    for (const warning of result.warnings) console.warn(`  warning: ${warning}`);
  }
  console.log(`compiled ${files.size} files into ${path.relative(PROJECT_ROOT, COMPILED_DIR)} (${durationsMs.compileJs} ms)`);
}

exitWhenDone(main);
