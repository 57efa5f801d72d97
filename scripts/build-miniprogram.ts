// 工具 → 构建 npm and the DevTools' compile without the DevTools: packs miniprogram/package.json's
// installed packages into miniprogram/miniprogram_npm/ with miniprogram-ci's packNpmManually (the
// DevTools' own code; the DevTools' 构建 npm gives the same tree), then compiles the project as an
// upload would (getCompiledResult) into .build/miniprogram/, which the page tests render with the
// real TDesign components. `--if-stale` does nothing when the compiled files are newer than every source.
import fs from 'node:fs';
import path from 'node:path';
import { exitWhenDone } from './lib/run-main';
import { compiledIsFresh, COMPILED_DIR, COMPILED_STAMP, compileProject, packMiniprogramNpm, PROJECT_ROOT, writeFiles } from './lib/miniprogram-platform';

async function main(): Promise<void> {
  if (process.argv.includes('--if-stale') && compiledIsFresh()) return;
  const started = Date.now();
  for (const result of await packMiniprogramNpm()) {
    const where = path.relative(PROJECT_ROOT, path.dirname(path.join(PROJECT_ROOT, result.packageJsonPath)));
    console.log(`构建 npm ${result.packageJsonPath}: ${result.miniProgramPackages} mini-program and ${result.otherPackages} other packages into ${where}/miniprogram_npm (${Date.now() - started} ms)`);
    for (const warning of result.warnings) console.warn(`  warning: ${warning}`);
  }
  const compileStarted = Date.now();
  const files = await compileProject();
  writeFiles(files, COMPILED_DIR);
  fs.writeFileSync(COMPILED_STAMP, new Date().toISOString());
  console.log(`compiled ${files.size} files into ${path.relative(PROJECT_ROOT, COMPILED_DIR)} (${Date.now() - compileStarted} ms)`);
}

exitWhenDone(main);
