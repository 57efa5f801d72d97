// The mini-program as WeChat builds and loads it, checked over the DevTools' compile of the project
// (.build/miniprogram, built by scripts/build-miniprogram.ts: 构建 npm, then getCompiledResult): the
// official wcc/wcsc over every template and style of the app and of the TDesign components it uses,
// the runtime's loading rules (every require() and usingComponents resolves, no package reaches into
// another's subpackage), the attributes our templates give components, and the project settings.
// Prints the figures; exits 1 naming each file at fault. The compile is rebuilt first when a source
// is newer (always, for another checkout given with `--root`).
import fs from 'node:fs';
import path from 'node:path';
import { exitWhenDone } from './lib/run-main';
import { APP_CONFIG } from '../miniprogram/config';
import {
  buildProject,
  checkComponentAttributes,
  checkComponents,
  checkProjectSettings,
  checkRequires,
  compiledDirOf,
  compiledIsFresh,
  compileStyles,
  compileTemplates,
  formatProblems,
  PROJECT_ROOT,
  readFiles,
  readProjectConfig,
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
const EMPTY_SUMMARY: CheckSummary = {
  ok: false,
  filesCompiled: 0,
  wxmlCompiled: 0,
  wxssCompiled: 0,
  jsFilesChecked: 0,
  requiresChecked: 0,
  componentsChecked: 0,
  componentTagsChecked: 0,
  durationsMs: {},
  problems: [],
};

/** Every check over a compiled project already written to `dir`. */
export function checkCompiled(root: string, dir: string, files: Map<string, string>): CheckSummary {
  const durationsMs: Record<string, number> = {};
  const timed = <T>(step: string, work: () => T): T => {
    const started = Date.now();
    try {
      return work();
    } finally {
      durationsMs[step] = Date.now() - started;
    }
  };
  const projectConfig = readProjectConfig(root);
  const app = JSON.parse(fs.readFileSync(path.join(root, projectConfig.miniprogramRoot, 'app.json'), 'utf8')) as AppJson;
  const templates = timed('wcc', () => compileTemplates(dir, files));
  const styles = timed('wcsc', () => compileStyles(dir, files));
  const requires = timed('requires', () => checkRequires(files, app));
  const components = checkComponents(files, app);
  const attributes = timed('attributes', () => checkComponentAttributes(files, projectConfig.libVersion));
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

/** Builds the project when its compile is stale (or always), then checks it. */
export async function checkMiniprogram(root = PROJECT_ROOT, rebuild = false): Promise<CheckSummary> {
  const dir = compiledDirOf(root);
  if (!rebuild && compiledIsFresh(root)) return checkCompiled(root, dir, readFiles(dir));
  try {
    const { files, durationsMs } = await buildProject(root);
    const summary = checkCompiled(root, dir, files);
    return { ...summary, durationsMs: { ...durationsMs, ...summary.durationsMs } };
  } catch (err) {
    // The DevTools' compile refuses a broken project outright (a missing component, bad JSON): report it like any other problem.
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...EMPTY_SUMMARY,
      problems: [{ file: 'the build (构建 npm, then the DevTools compile)', message: message.split('\n').slice(0, COMPILE_ERROR_LINES).join('\n') }],
    };
  }
}

/** `--root <dir>`: check another checkout (a revert tried in a worktree, say) instead of this one. */
function rootFromArgs(argv: string[]): string {
  const rootAt = argv.indexOf('--root');
  return rootAt >= 0 ? path.resolve(argv[rootAt + 1] ?? '.') : PROJECT_ROOT;
}

async function main(): Promise<boolean> {
  const root = rootFromArgs(process.argv.slice(2));
  const summary = await checkMiniprogram(root, root !== PROJECT_ROOT);
  console.log(
    `compiled ${summary.filesCompiled} files (${summary.wxmlCompiled} WXML with wcc, ${summary.wxssCompiled} WXSS with wcsc) into ${path.relative(process.cwd(), compiledDirOf(root))}`,
  );
  console.log(
    `checked ${summary.requiresChecked} require() calls in ${summary.jsFilesChecked} JavaScript files, ${summary.componentsChecked} usingComponents entries, ${summary.componentTagsChecked} component tags in our templates`,
  );
  console.log(
    `took ${Object.entries(summary.durationsMs)
      .map(([step, ms]) => `${step} ${ms} ms`)
      .join(', ')}`,
  );
  if (!summary.ok) console.error(`\n${summary.problems.length} problem(s):\n${formatProblems(summary.problems)}`);
  return summary.ok;
}

if (path.resolve(process.argv[1] ?? '') === __filename) exitWhenDone(main);
