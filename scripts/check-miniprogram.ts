// The mini-program as WeChat builds and loads it, checked: 构建 npm, the DevTools' compile, the
// official wcc/wcsc over every template and style of the app and of the TDesign components it uses,
// then the runtime's loading rules over the compiled files (every require() and usingComponents
// resolves, no package reaches into another's subpackage), the attributes our templates give
// components, and the project settings. Prints the figures; exits 1 naming each file at fault.
// `--json` prints one JSON summary line instead (tests/miniprogram/platform.test.ts reads it).
import fs from 'node:fs';
import path from 'node:path';
import { exitWhenDone } from './lib/run-main';
import { APP_CONFIG } from '../miniprogram/config';
import {
  checkComponentAttributes,
  checkComponents,
  checkProjectSettings,
  checkRequires,
  compileProject,
  compileStyles,
  compileTemplates,
  CHECK_DIR,
  formatProblems,
  NPM_DIST_FOLDER,
  packMiniprogramNpm,
  PROJECT_ROOT,
  readProjectConfig,
  writeFiles,
  type AppJson,
  type Problem,
} from './lib/miniprogram-platform';

export interface CheckSummary {
  ok: boolean;
  filesCompiled: number;
  wxmlCompiled: number;
  wxssCompiled: number;
  jsFilesChecked: number;
  requiresChecked: number;
  componentsChecked: number;
  componentTagsChecked: number;
  durationsMs: Record<string, number>;
  problems: Problem[];
}

/** Enough of a failed compile's message to name the file, without its stack. */
const COMPILE_ERROR_LINES = 6;
const EMPTY_SUMMARY: CheckSummary = { ok: false, filesCompiled: 0, wxmlCompiled: 0, wxssCompiled: 0, jsFilesChecked: 0, requiresChecked: 0, componentsChecked: 0, componentTagsChecked: 0, durationsMs: {}, problems: [] };

async function timed<T>(durations: Record<string, number>, step: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    durations[step] = Date.now() - started;
  }
}

export async function checkMiniprogram(root = PROJECT_ROOT, outDir = CHECK_DIR): Promise<CheckSummary> {
  const durationsMs: Record<string, number> = {};
  const projectConfig = readProjectConfig(root);
  const miniprogramRoot = path.join(root, projectConfig.miniprogramRoot);
  const app = JSON.parse(fs.readFileSync(path.join(miniprogramRoot, 'app.json'), 'utf8')) as AppJson;
  await timed(durationsMs, 'packNpm', () => packMiniprogramNpm(root));
  let files: Map<string, string>;
  try {
    files = await timed(durationsMs, 'compileJs', () => compileProject(root));
  } catch (err) {
    // The DevTools' compile refuses a broken project outright (a missing component, bad JSON): report it like any other problem.
    const message = err instanceof Error ? err.message : String(err);
    return { ...EMPTY_SUMMARY, durationsMs, problems: [{ file: 'the DevTools compile', message: message.split('\n').slice(0, COMPILE_ERROR_LINES).join('\n') }] };
  }
  writeFiles(files, outDir);
  const templates = await timed(durationsMs, 'wcc', () => compileTemplates(outDir, files));
  const styles = await timed(durationsMs, 'wcsc', () => compileStyles(outDir, files));
  const requires = await timed(durationsMs, 'requires', () => checkRequires(files, app));
  const components = checkComponents(files, app);
  const isOurs = (file: string): boolean => !file.split('/').includes(NPM_DIST_FOLDER);
  const attributes = await timed(durationsMs, 'attributes', () => checkComponentAttributes(files, projectConfig.libVersion, isOurs));
  const settings = checkProjectSettings({ projectConfig, app, developReachesEmulator: APP_CONFIG.backend !== 'cloud' });
  const problems = [...templates.problems, ...styles.problems, ...requires.problems, ...components.problems, ...attributes.problems, ...settings];
  return {
    ok: problems.length === 0,
    filesCompiled: files.size,
    wxmlCompiled: templates.filesCompiled,
    wxssCompiled: styles.filesCompiled,
    jsFilesChecked: requires.filesChecked,
    requiresChecked: requires.requiresChecked,
    componentsChecked: components.componentsChecked,
    componentTagsChecked: attributes.tagsChecked,
    durationsMs,
    problems,
  };
}

function parseArgs(argv: string[]): { json: boolean; root: string } {
  const rootAt = argv.indexOf('--root');
  return { json: argv.includes('--json'), root: rootAt >= 0 ? path.resolve(argv[rootAt + 1] ?? '.') : PROJECT_ROOT };
}

async function main(): Promise<boolean> {
  const { json, root } = parseArgs(process.argv.slice(2));
  const outDir = root === PROJECT_ROOT ? CHECK_DIR : path.join(root, '.build', 'check');
  const summary = await checkMiniprogram(root, outDir);
  if (json) {
    console.log(JSON.stringify(summary));
    return summary.ok;
  }
  console.log(`compiled ${summary.filesCompiled} files (${summary.wxmlCompiled} WXML with wcc, ${summary.wxssCompiled} WXSS with wcsc) into ${path.relative(process.cwd(), outDir)}`);
  console.log(`checked ${summary.requiresChecked} require() calls in ${summary.jsFilesChecked} JavaScript files, ${summary.componentsChecked} usingComponents entries, ${summary.componentTagsChecked} component tags in our templates`);
  console.log(`took ${Object.entries(summary.durationsMs).map(([step, ms]) => `${step} ${ms} ms`).join(', ')}`);
  if (!summary.ok) console.error(`\n${summary.problems.length} problem(s):\n${formatProblems(summary.problems)}`);
  return summary.ok;
}

if (path.resolve(process.argv[1] ?? '') === __filename) exitWhenDone(main);
