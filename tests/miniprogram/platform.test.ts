// The mini-program as WeChat builds it: the checks of scripts/check-miniprogram.ts (wcc/wcsc and the
// runtime's loading rules) over the DevTools' compile that npm test just built (.build/miniprogram,
// kept fresh by tests/setup/compiled-miniprogram.ts) must find nothing. Then each rule is shown to
// catch its defect, on the compiled files with one defect put back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCompiled, type CheckSummary } from '../../scripts/check-miniprogram';
import {
  checkComponentAttributes,
  checkComponents,
  checkProjectSettings,
  checkRequires,
  compileStyles,
  compileTemplates,
  COMPILED_DIR,
  formatProblems,
  NPM_DIST_FOLDER,
  readFiles,
  readProjectConfig,
  requiresOf,
  type AppJson,
} from '../../scripts/lib/miniprogram-platform';
import { MINIPROGRAM_ROOT, REPO_ROOT } from './harness';

const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as AppJson;
const pageCount = app.pages.length + (app.subPackages ?? []).reduce((n, sub) => n + sub.pages.length, 0);
const { libVersion } = readProjectConfig();

let summary: CheckSummary;
let compiled: Map<string, string>;

beforeAll(() => {
  compiled = readFiles(COMPILED_DIR);
  summary = checkCompiled(REPO_ROOT, COMPILED_DIR, compiled);
});

/** The compiled files with some replaced, as if one fix were reverted. */
function withChanges(changes: Record<string, (source: string) => string>): Map<string, string> {
  const files = new Map(compiled);
  for (const [file, change] of Object.entries(changes)) {
    const source = files.get(file);
    if (source === undefined) throw new Error(`${file} is not in the compiled project`);
    files.set(file, change(source));
  }
  return files;
}

describe('the project as WeChat builds it', () => {
  it('compiles every template and style with wcc/wcsc, and every require and component resolves', () => {
    expect(summary.problems, formatProblems(summary.problems)).toEqual([]);
    expect(summary.ok).toBe(true);
  });

  it('compiled the pages and the TDesign components they use', () => {
    // Each page has one WXML and one WXSS; TDesign's components add more of both.
    expect(summary.wxmlCompiled).toBeGreaterThan(pageCount);
    expect(summary.wxssCompiled).toBeGreaterThan(pageCount);
    expect([...compiled.keys()].some((f) => f.startsWith(`${NPM_DIST_FOLDER}/tdesign-miniprogram/tag/`))).toBe(true);
    expect(summary.componentTagsChecked).toBeGreaterThan(0);
    expect(summary.requiresChecked).toBeGreaterThan(summary.jsFilesChecked);
  });
});

describe('each rule catches its defect', () => {
  it('a dayjs plugin, which 构建 npm does not ship, does not resolve (names the file)', () => {
    const files = withChanges({ 'utils/time.js': (s) => `${s}\nrequire("dayjs/plugin/utc");` });
    // Even with dayjs itself packed, only its main entry is there.
    files.set(`${NPM_DIST_FOLDER}/dayjs/index.js`, 'module.exports = {};');
    const { problems } = checkRequires(files, app);
    expect(problems).toEqual([{ file: 'utils/time.js', message: expect.stringContaining('require("dayjs/plugin/utc") does not resolve') }]);
  });

  it('a main-package file may not require a subpackage file', () => {
    const files = withChanges({ 'services/api.js': (s) => `${s}\nrequire("../packageLeader/models");` });
    expect(checkRequires(files, app).problems).toEqual([
      { file: 'services/api.js', message: expect.stringContaining('in subpackage packageLeader from (main package)') },
    ]);
  });

  it('a require inside a string is not a call', () => {
    expect(requiresOf('var a = require("./x"); var code = \'require("ajv/dist/runtime/ucs2length")\';')).toEqual(['./x']);
  });

  it('usingComponents without 构建 npm names every page that uses TDesign', () => {
    const files = new Map([...compiled].filter(([file]) => !file.startsWith(`${NPM_DIST_FOLDER}/`)));
    const { problems } = checkComponents(files, app);
    expect(problems.map((p) => p.file)).toContain('pages/home/index.json');
    expect(problems[0]?.message).toContain('was 构建 npm run?');
  });

  it('t-tag given content= (it has no such property; its text is the slot)', () => {
    const files = withChanges({ 'pages/requests/index.wxml': (s) => s.replace('<t-tag ', '<t-tag content="{{item.stateLabel}}" ') });
    const { problems } = checkComponentAttributes(files, libVersion);
    expect(problems).toEqual([{ file: 'pages/requests/index.wxml', message: expect.stringContaining('has no property content') }]);
  });

  it('aria-label on a component whose template drops it', () => {
    const files = withChanges({ 'pages/submit/index.wxml': (s) => s.replace(/<t-checkbox\b/, '<t-checkbox aria-label="紧急"') });
    const { problems } = checkComponentAttributes(files, libVersion);
    expect(problems).toEqual([{ file: 'pages/submit/index.wxml', message: expect.stringContaining('never renders ariaLabel') }]);
  });

  it('wcc rejects a broken template and wcsc a broken style, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-wcc-'));
    try {
      const files = new Map([
        ['pages/a/index.wxml', '<view>{{ok}}</view>'],
        ['pages/b/index.wxml', '<view wx:for="{{list}}">{{item</view>'],
        ['pages/a/index.wxss', '.ok { color: red; }'],
        ['pages/b/index.wxss', '.broken { color: red; '],
      ]);
      for (const [file, content] of files) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      expect(compileTemplates(dir, files).problems).toEqual([{ file: 'pages/b/index.wxml', message: expect.stringContaining('wcc') }]);
      expect(compileStyles(dir, files).problems).toEqual([{ file: 'pages/b/index.wxss', message: expect.stringContaining('wcsc') }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('project settings: glass-easel below its WebView base library, the domain check on in develop', () => {
    const projectConfig = { ...readProjectConfig(), libVersion: '3.7.0', setting: { ...readProjectConfig().setting, urlCheck: true } };
    const problems = checkProjectSettings({ projectConfig, app: { ...app, componentFramework: 'glass-easel' }, developReachesEmulator: true });
    expect(problems.map((p) => p.file)).toEqual(['miniprogram/app.json', 'project.config.json']);
    expect(
      checkProjectSettings({
        projectConfig: { ...projectConfig, libVersion: '3.8.12' },
        app: { ...app, componentFramework: 'glass-easel' },
        developReachesEmulator: false,
      }),
    ).toEqual([]);
  });
});
