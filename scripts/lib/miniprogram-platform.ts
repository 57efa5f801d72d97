// The mini-program as WeChat builds it: 构建 npm (miniprogram-ci's packNpmManually, the same code the
// DevTools run), the DevTools' JavaScript compile (getCompiledResult, offline with
// DefaultProjectAttr), the official template and style compilers (wcc/wcsc from miniprogram-compiler),
// and the loading rules the mini-program runtime applies to what that compile produced: how require()
// and usingComponents resolve, and which package may reach which.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parse } from 'acorn';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** Where a project's compile is written (gitignored): page tests render it, the checks read it. */
export function compiledDirOf(root: string): string {
  return path.join(root, '.build', 'miniprogram');
}
export const COMPILED_DIR = compiledDirOf(PROJECT_ROOT);
/** Written last by a build: its time says which sources the compiled files reflect. */
const STAMP_FILE = '.built';
/** The folder 构建 npm writes beside each packed package.json. */
export const NPM_DIST_FOLDER = 'miniprogram_npm';
/** Compiled output of every template of the app plus TDesign is several MB; spawnSync's 1 MB default is too small. */
const COMPILER_OUTPUT_LIMIT_BYTES = 256 * 1024 * 1024;
/** The DevTools' offline compile needs an appid but reaches no server with DefaultProjectAttr. */
const OFFLINE_APPID = 'touristappid';
/** CIProject insists on a key; nothing is uploaded, so none is real. */
const OFFLINE_PRIVATE_KEY = 'offline-compile-no-upload';
/** Node's require, also where the mini-program's typings (tests/miniprogram) redeclare `require`. */
const nodeRequire = createRequire(__filename);

interface PackRelation {
  packageJsonPath: string;
  miniprogramNpmDistDir: string;
}

export interface ProjectConfig {
  miniprogramRoot: string;
  setting: { packNpmManually?: boolean; packNpmRelationList?: PackRelation[]; es6?: boolean; enhance?: boolean };
  libVersion: string;
}

export function readProjectConfig(root = PROJECT_ROOT): ProjectConfig {
  return JSON.parse(fs.readFileSync(path.join(root, 'project.config.json'), 'utf8')) as ProjectConfig;
}

type MiniprogramCi = typeof import('miniprogram-ci');

function loadCi(): MiniprogramCi {
  // Loaded on demand: it is large and its import prints a banner.
  return nodeRequire('miniprogram-ci') as MiniprogramCi;
}

export interface PackResult {
  packageJsonPath: string;
  miniProgramPackages: number;
  otherPackages: number;
  warnings: string[];
}

/** 工具 → 构建 npm, for every package.json project.config.json names. */
export async function packMiniprogramNpm(root = PROJECT_ROOT): Promise<PackResult[]> {
  const ci = loadCi();
  const relations = readProjectConfig(root).setting.packNpmRelationList ?? [];
  const results: PackResult[] = [];
  for (const relation of relations) {
    const packageJsonPath = path.join(root, relation.packageJsonPath);
    const modules = path.join(path.dirname(packageJsonPath), 'node_modules');
    // 构建 npm with no node_modules silently packs nothing; say so instead.
    if (!fs.existsSync(modules))
      throw new Error(`${relation.packageJsonPath}: no node_modules beside it; run npm ci in ${path.dirname(relation.packageJsonPath)}`);
    const packed = await ci.packNpmManually({ packageJsonPath, miniprogramNpmDistDir: path.join(root, relation.miniprogramNpmDistDir) });
    results.push({
      packageJsonPath: relation.packageJsonPath,
      miniProgramPackages: packed.miniProgramPackNum,
      otherPackages: packed.otherNpmPackNum,
      warnings: packed.warnList.map((w) => JSON.stringify(w)),
    });
  }
  return results;
}

/**
 * The DevTools' compile of the whole project (TypeScript, ES6 → ES5, npm, only the files in use),
 * as a map from path under the mini-program root to content. getCompiledResult keeps handles open
 * and never lets the process exit, so callers run it in a process of their own.
 */
export async function compileProject(root = PROJECT_ROOT): Promise<Map<string, string>> {
  const ci = loadCi();
  const project = new ci.Project({
    appid: OFFLINE_APPID,
    type: 'miniProgram',
    projectPath: root,
    privateKey: OFFLINE_PRIVATE_KEY,
    ignores: ['node_modules/**/*'],
  });
  // Project attributes normally come from WeChat's servers; the published defaults keep it offline.
  (project as unknown as { attr: () => Promise<unknown> }).attr = async () => ci.DefaultProjectAttr;
  const config = readProjectConfig(root);
  const compiled = await ci.getCompiledResult({
    project,
    version: '0.0.0',
    setting: { es6: config.setting.es6 ?? true, es7: config.setting.enhance ?? true, minify: false },
  });
  const files = new Map<string, string>();
  for (const [file, content] of Object.entries(compiled)) files.set(file, typeof content === 'string' ? content : content.toString('utf8'));
  return files;
}

/** The newest change to anything the compile reads: the mini-program's sources and the project config. */
function newestSourceChangeMs(root = PROJECT_ROOT): number {
  const skipped = new Set(['node_modules', NPM_DIST_FOLDER]);
  let newest = fs.statSync(path.join(root, 'project.config.json')).mtimeMs;
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (skipped.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  const miniprogramRoot = path.join(root, readProjectConfig(root).miniprogramRoot);
  walk(miniprogramRoot);
  // 构建 npm's input: the mini-program's installed packages.
  const installed = path.join(miniprogramRoot, 'node_modules', '.package-lock.json');
  if (fs.existsSync(installed)) newest = Math.max(newest, fs.statSync(installed).mtimeMs);
  return newest;
}

export function compiledIsFresh(root = PROJECT_ROOT): boolean {
  const stamp = path.join(compiledDirOf(root), STAMP_FILE);
  return fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestSourceChangeMs(root);
}

export interface BuildResult {
  packed: PackResult[];
  files: Map<string, string>;
  durationsMs: { packNpm: number; compileJs: number };
}

/** 构建 npm, then the DevTools' compile written to compiledDirOf(root) and stamped. */
export async function buildProject(root = PROJECT_ROOT): Promise<BuildResult> {
  const packStarted = Date.now();
  const packed = await packMiniprogramNpm(root);
  const compileStarted = Date.now();
  const files = await compileProject(root);
  const dir = compiledDirOf(root);
  writeFiles(files, dir);
  fs.writeFileSync(path.join(dir, STAMP_FILE), new Date().toISOString());
  return { packed, files, durationsMs: { packNpm: compileStarted - packStarted, compileJs: Date.now() - compileStarted } };
}

function writeFiles(files: Map<string, string>, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, content] of files) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

export function readFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name !== STAMP_FILE) files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return files;
}

// ---------------------------------------------------------------------------------------------
// Packages: the main package and each subpackage root from app.json.

export interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[]; independent?: boolean }[];
  subpackages?: { root: string; pages: string[]; independent?: boolean }[];
  usingComponents?: Record<string, string>;
  componentFramework?: string;
}

export const MAIN_PACKAGE = '(main package)';

/** app.json's subpackages, each root without a trailing slash. */
function subpackagesOf(app: AppJson): { root: string; pages: string[] }[] {
  return (app.subPackages ?? app.subpackages ?? []).map((sub) => ({ root: sub.root.replace(/\/+$/, ''), pages: sub.pages }));
}

/** The subpackage root a file belongs to, or MAIN_PACKAGE. */
export function packageOf(file: string, app: AppJson): string {
  return (
    subpackagesOf(app)
      .map((sub) => sub.root)
      .find((root) => file === root || file.startsWith(`${root}/`)) ?? MAIN_PACKAGE
  );
}

/** The main package may not reach into a subpackage, nor one subpackage into another. */
function crossesPackages(from: string, to: string, app: AppJson): boolean {
  const target = packageOf(to, app);
  return target !== MAIN_PACKAGE && target !== packageOf(from, app);
}

// ---------------------------------------------------------------------------------------------
// require() under the mini-program's rules.

/**
 * What the runtime tries for a path: the file itself, with `.js`, or a folder's index.js
 * (how miniprogram_npm/<name> loads).
 */
function candidates(base: string): string[] {
  return base.endsWith('.js') ? [base] : [base, `${base}.js`, `${base}/index.js`];
}

function ancestors(dir: string): string[] {
  const dirs = [dir];
  while (dir !== '') {
    dir = path.posix.dirname(dir);
    if (dir === '.') dir = '';
    dirs.push(dir);
  }
  return dirs;
}

/**
 * Where `spec`, required or named from `from`, lands: relative and `/`-absolute paths against the
 * mini-program root, anything else in the nearest miniprogram_npm folder up the tree, as the
 * runtime looks it up. `exists` says whether a path is a file of the compiled project.
 */
export function resolveModule(from: string, spec: string, exists: (file: string) => boolean, tryCandidates = candidates): string | null {
  if (spec.startsWith('/') || spec.startsWith('./') || spec.startsWith('../')) {
    const joined = spec.startsWith('/') ? spec.slice(1) : path.posix.join(path.posix.dirname(from), spec);
    const base = path.posix.normalize(joined);
    if (base.startsWith('../')) return null;
    return tryCandidates(base).find(exists) ?? null;
  }
  for (const dir of ancestors(path.posix.dirname(from))) {
    const base = path.posix.join(dir, NPM_DIST_FOLDER, spec);
    const found = tryCandidates(base).find(exists);
    if (found !== undefined) return found;
  }
  return null;
}

/**
 * The static `require("…")` calls of compiled JavaScript, found by parsing (a require inside a
 * string, as ajv's generated code carries, is not a call). require.async is a different call.
 */
export function requiresOf(source: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as { type?: string; callee?: { type: string; name?: string }; arguments?: { type: string; value?: unknown }[] };
    const [first] = n.arguments ?? [];
    if (
      n.type === 'CallExpression' &&
      n.callee?.type === 'Identifier' &&
      n.callee.name === 'require' &&
      first?.type === 'Literal' &&
      typeof first.value === 'string'
    )
      found.push(first.value);
    for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
  };
  visit(parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true }));
  return found;
}

export interface Problem {
  file: string;
  message: string;
}

export interface RequireCheck {
  filesChecked: number;
  requiresChecked: number;
  problems: Problem[];
}

export function checkRequires(files: Map<string, string>, app: AppJson): RequireCheck {
  const exists = (file: string): boolean => files.has(file);
  const problems: Problem[] = [];
  let filesChecked = 0;
  let requiresChecked = 0;
  for (const [file, source] of files) {
    if (!file.endsWith('.js')) continue;
    filesChecked += 1;
    for (const spec of requiresOf(source)) {
      requiresChecked += 1;
      const target = resolveModule(file, spec, exists);
      if (target === null)
        problems.push({ file, message: `require("${spec}") does not resolve under the mini-program's rules (relative path, /root path or miniprogram_npm)` });
      else if (crossesPackages(file, target, app))
        problems.push({ file, message: `require("${spec}") reaches ${target} in subpackage ${packageOf(target, app)} from ${packageOf(file, app)}` });
    }
  }
  return { filesChecked, requiresChecked, problems };
}

// ---------------------------------------------------------------------------------------------
// Pages and usingComponents.

const COMPONENT_PARTS = ['.json', '.js', '.wxml'];

function componentExists(base: string, exists: (file: string) => boolean): boolean {
  return COMPONENT_PARTS.every((ext) => exists(`${base}${ext}`));
}

/** Where a usingComponents entry of `fromJson` lands: a component is named without extension, or by its folder's index. */
export function resolveComponent(fromJson: string, spec: string, exists: (file: string) => boolean): string | null {
  return resolveModule(
    fromJson,
    spec,
    (base) => componentExists(base, exists),
    (base) => [base, `${base}/index`],
  );
}

export interface ComponentCheck {
  componentsChecked: number;
  problems: Problem[];
}

/** Every page app.json lists, and every usingComponents entry, is a whole component in reach. */
export function checkComponents(files: Map<string, string>, app: AppJson): ComponentCheck {
  const exists = (file: string): boolean => files.has(file);
  const problems: Problem[] = [];
  let componentsChecked = 0;
  const pages = [...app.pages, ...subpackagesOf(app).flatMap((sub) => sub.pages.map((page) => `${sub.root}/${page}`))];
  for (const page of pages) {
    const missing = COMPONENT_PARTS.filter((ext) => !exists(`${page}${ext}`));
    if (missing.length > 0) problems.push({ file: 'app.json', message: `page ${page} has no ${missing.join(', ')}` });
  }
  for (const [file, source] of files) {
    if (!file.endsWith('.json')) continue;
    let json: { usingComponents?: Record<string, string> };
    try {
      json = JSON.parse(source) as typeof json;
    } catch {
      problems.push({ file, message: 'is not valid JSON' });
      continue;
    }
    for (const [tag, spec] of Object.entries(json.usingComponents ?? {})) {
      if (spec.startsWith('plugin://')) continue;
      componentsChecked += 1;
      const target = resolveComponent(file, spec, exists);
      if (target === null)
        problems.push({
          file,
          message: `<${tag}> uses "${spec}", which is not a component (json, js and wxml) under the mini-program's rules; was 构建 npm run?`,
        });
      else if (crossesPackages(file, target, app))
        problems.push({ file, message: `<${tag}> uses ${target} in subpackage ${packageOf(target, app)} from ${packageOf(file, app)}` });
    }
  }
  return { componentsChecked, problems };
}

// ---------------------------------------------------------------------------------------------
// The official template and style compilers.

export interface CompilerRun {
  filesCompiled: number;
  problems: Problem[];
}

function compilerBinary(name: 'wcc' | 'wcsc'): string {
  const folder = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'windows' : 'linux';
  const binary = path.join(
    path.dirname(nodeRequire.resolve('miniprogram-compiler/package.json')),
    'bin',
    folder,
    process.platform === 'win32' ? `${name}.exe` : name,
  );
  fs.chmodSync(binary, 0o755);
  return binary;
}

function filesEnding(files: Map<string, string>, ext: string): string[] {
  return [...files.keys()].filter((file) => file.endsWith(ext)).sort();
}

function usingComponentTags(files: Map<string, string>, base: string): string[] {
  const json = files.get(`${base}.json`);
  if (json === undefined) return [];
  return Object.keys((JSON.parse(json) as { usingComponents?: Record<string, string> }).usingComponents ?? {});
}

/**
 * wcc over every WXML (and WXS) file, as the DevTools hand them over: each component with its
 * usingComponents tags, so an undeclared custom tag is an error too. A failing file is named in
 * wcc's own message; compiling each file alone as well would only cost time.
 */
export function compileTemplates(dir: string, files: Map<string, string>): CompilerRun {
  const wxml = filesEnding(files, '.wxml');
  const withComponents = wxml.map((file) => ({ file, tags: usingComponentTags(files, file.slice(0, -'.wxml'.length)) })).filter((c) => c.tags.length > 0);
  const componentArgs = [String(withComponents.length), ...withComponents.flatMap((c) => [c.file, String(c.tags.length), ...c.tags])].join(' ');
  const args = ['-d', '-cc', componentArgs, ...wxml, ...filesEnding(files, '.wxs'), '-gn', '$gwx'];
  const problems = runCompiler('wcc', args, dir, wxml);
  return { filesCompiled: wxml.length, problems };
}

/** wcsc over every WXSS file; component styles first, as the compiler expects. */
export function compileStyles(dir: string, files: Map<string, string>): CompilerRun {
  const wxss = filesEnding(files, '.wxss');
  const problems = runCompiler('wcsc', ['-db', ...styleArguments(files)], dir, wxss);
  return { filesCompiled: wxss.length, problems };
}

/** wcsc's arguments for every WXSS file: the count of component styles, then those, then the rest. */
function styleArguments(files: Map<string, string>): string[] {
  const wxss = filesEnding(files, '.wxss');
  const isComponent = (file: string): boolean => files.has(`${file.slice(0, -'.wxss'.length)}.json`);
  const components = wxss.filter(isComponent);
  return ['-pc', String(components.length), ...components, ...wxss.filter((file) => !isComponent(file))];
}

/**
 * wcsc's output for every WXSS file, as the WebView runtime receives it: `file` → the JavaScript that
 * writes that file's CSS (rpx still as numbers), plus the shared runtime under COMMON_STYLE_RUNTIME.
 */
export function styleModules(dir: string, files: Map<string, string>): Map<string, string> {
  const run = spawnSync(compilerBinary('wcsc'), styleArguments(files), { cwd: dir, maxBuffer: COMPILER_OUTPUT_LIMIT_BYTES });
  if (run.error !== undefined) throw run.error;
  if (run.status !== 0) throw new Error(`wcsc: ${run.stderr.toString().trim()}`);
  // The output is `name=code=name=code…`; each code is a string literal's body, its own '=' escaped as \x3d.
  const parts = run.stdout.toString().split('=');
  const modules = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const name = parts[i] ?? '';
    if (name !== '' && name !== 'version') modules.set(name, JSON.parse(`"${(parts[i + 1] ?? '').replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')}"`) as string);
  }
  return modules;
}
/** Where styleModules puts the runtime every file's code calls (setCssToHead, rpx conversion). */
export const COMMON_STYLE_RUNTIME = 'comm';

/** Runs an official compiler in `dir`; a failure is one problem, on the file its message names. */
function runCompiler(name: 'wcc' | 'wcsc', args: string[], dir: string, inputs: string[]): Problem[] {
  const run = spawnSync(compilerBinary(name), args, { cwd: dir, maxBuffer: COMPILER_OUTPUT_LIMIT_BYTES });
  if (run.error !== undefined) throw run.error;
  if (run.status === 0) return [];
  const message = run.stderr.toString().trim();
  return [{ file: inputs.find((file) => message.includes(file)) ?? '(see message)', message: `${name}: ${message}` }];
}

export function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file}: ${p.message}`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Attributes on custom components: WeChat passes a component only the properties it declares and
// renders only what its own template uses, silently dropping the rest. So a text given as an
// undeclared attribute never shows (t-tag has no `content`: its text is the slot), and an
// aria-label given to a component whose template ignores it names nothing.

interface ComponentDefinition {
  properties: Set<string>;
  externalClasses: Set<string>;
}

/** Attributes every custom-component tag takes, whatever it declares. */
const GENERIC_ATTRIBUTE = /^(id|class|style|slot|hidden|data-.+|(capture-)?(mut-)?(bind|catch):?.+|wx:.+|generic:.+|model:.+)$/;

function camelCase(attribute: string): string {
  return attribute.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Enough of wx for component modules to load: every API answers with base-library info. */
function loadTimeWx(libVersion: string): unknown {
  const info = { SDKVersion: libVersion, platform: 'devtools', windowWidth: 375, windowHeight: 812, pixelRatio: 2, screenWidth: 375, statusBarHeight: 20 };
  return new Proxy({}, { get: () => () => info });
}

/**
 * Each component's definition as its script hands it to Component(), by running the compiled
 * modules in a sandbox with require() resolved by the mini-program's rules.
 */
function componentDefinitions(files: Map<string, string>, components: string[], libVersion: string): Map<string, ComponentDefinition> {
  // Loaded lazily: only this check runs code.
  const vm = nodeRequire('node:vm') as typeof import('node:vm');
  let captured: Record<string, unknown> | null = null;
  const context = vm.createContext({
    Component: (definition: Record<string, unknown>) => {
      captured = definition;
    },
    Behavior: (definition: Record<string, unknown>) => definition,
    wx: loadTimeWx(libVersion),
    getApp: () => ({}),
    getCurrentPages: () => [],
    console,
    setTimeout,
    clearTimeout,
  });
  const cache = new Map<string, { exports: unknown }>();
  const load = (file: string): unknown => {
    const cached = cache.get(file);
    if (cached !== undefined) return cached.exports;
    const module = { exports: {} as unknown };
    cache.set(file, module);
    const wrapper = vm.runInContext(`(function (exports, require, module) {${files.get(file) ?? ''}\n})`, context, { filename: file }) as (
      e: unknown,
      r: (s: string) => unknown,
      m: unknown,
    ) => void;
    wrapper(
      module.exports,
      (spec) => {
        const target = resolveModule(file, spec, (f) => files.has(f));
        if (target === null) throw new Error(`${file}: require("${spec}") does not resolve`);
        return load(target);
      },
      module,
    );
    return module.exports;
  };
  const definitions = new Map<string, ComponentDefinition>();
  for (const component of components) {
    captured = null;
    load(`${component}.js`);
    const definition: Record<string, unknown> | null = captured;
    if (definition === null) continue;
    const properties = new Set<string>();
    const addFrom = (def: Record<string, unknown>): void => {
      for (const key of Object.keys((def.properties ?? {}) as object)) properties.add(key);
      for (const behavior of (def.behaviors ?? []) as unknown[]) {
        if (typeof behavior === 'object' && behavior !== null) addFrom(behavior as Record<string, unknown>);
        // The built-in form behaviour gives a component its form name and value.
        else if (behavior === 'wx://form-field') for (const p of ['name', 'value']) properties.add(p);
      }
    };
    addFrom(definition);
    definitions.set(component, { properties, externalClasses: new Set(((definition as Record<string, unknown>).externalClasses ?? []) as string[]) });
  }
  return definitions;
}

interface TagUse {
  tag: string;
  attributes: string[];
  line: number;
}

/** Start tags and their attribute names; WXML's own syntax, mustaches inside quoted values included. */
function tagsOf(wxml: string): TagUse[] {
  const uses: TagUse[] = [];
  const withoutComments = wxml.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  for (const match of withoutComments.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*\/?>/g)) {
    const [, tag = '', body = ''] = match;
    const attributes = [...body.matchAll(/([^\s=>/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'))?/g)].map((a) => a[1] ?? '');
    uses.push({ tag, attributes, line: withoutComments.slice(0, match.index).split('\n').length });
  }
  return uses;
}

/** Whether a component's template gives the property to that attribute of an element it draws, e.g. aria-label="{{ariaLabel}}". */
function rendersAsAttribute(template: string, attribute: string, property: string): boolean {
  return new RegExp(`\\b${attribute}="\\{\\{[^"]*\\b${property}\\b`).test(template);
}

/** Our own files, not what 构建 npm packed. */
function isOurFile(file: string): boolean {
  return !file.split('/').includes(NPM_DIST_FOLDER);
}

export interface AttributeCheck {
  tagsChecked: number;
  problems: Problem[];
}

/** Our templates' attributes on custom components against what each component declares and renders. */
export function checkComponentAttributes(files: Map<string, string>, libVersion: string): AttributeCheck {
  const exists = (file: string): boolean => files.has(file);
  const uses: { file: string; use: TagUse; component: string }[] = [];
  for (const [file, source] of files) {
    if (!file.endsWith('.wxml') || !isOurFile(file)) continue;
    const base = file.slice(0, -'.wxml'.length);
    const json = files.get(`${base}.json`);
    if (json === undefined) continue;
    const using = (JSON.parse(json) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    for (const use of tagsOf(source)) {
      const spec = using[use.tag];
      if (spec === undefined) continue;
      const component = resolveComponent(`${base}.json`, spec, exists);
      if (component !== null) uses.push({ file, use, component });
    }
  }
  const definitions = componentDefinitions(files, [...new Set(uses.map((u) => u.component))], libVersion);
  const problems: Problem[] = [];
  for (const { file, use, component } of uses) {
    const definition = definitions.get(component);
    if (definition === undefined) {
      problems.push({ file, message: `line ${use.line}: <${use.tag}> (${component}) registers no Component()` });
      continue;
    }
    const template = files.get(`${component}.wxml`) ?? '';
    for (const attribute of use.attributes) {
      if (GENERIC_ATTRIBUTE.test(attribute) || definition.externalClasses.has(attribute)) continue;
      const property = camelCase(attribute);
      if (!definition.properties.has(property))
        problems.push({ file, message: `line ${use.line}: <${use.tag} ${attribute}> — ${component} has no property ${property}; WeChat drops it` });
      else if (attribute.startsWith('aria-') && !rendersAsAttribute(template, attribute, property))
        problems.push({
          file,
          message: `line ${use.line}: <${use.tag} ${attribute}> — ${component}'s template never renders ${property}, so the control has no accessible name; label it on an element that is rendered`,
        });
    }
  }
  return { tagsChecked: uses.length, problems };
}

// ---------------------------------------------------------------------------------------------
// Project settings that must agree with the platform.

/** The official glass-easel migration guide: on the WebView backend glass-easel runs from this base library. */
const GLASS_EASEL_WEBVIEW_MIN_LIB = '3.8.12';

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export interface SettingsInput {
  projectConfig: ProjectConfig & { setting: { urlCheck?: boolean } };
  app: AppJson & { renderer?: string };
  /** Whether miniprogram/config.ts can send develop-mode calls to the emulator's loopback URL. */
  developReachesEmulator: boolean;
}

export function checkProjectSettings({ projectConfig, app, developReachesEmulator }: SettingsInput): Problem[] {
  const problems: Problem[] = [];
  const onGlassEasel = app.componentFramework === 'glass-easel';
  if (onGlassEasel && app.renderer !== 'skyline' && compareVersions(projectConfig.libVersion, GLASS_EASEL_WEBVIEW_MIN_LIB) < 0) {
    problems.push({
      file: 'miniprogram/app.json',
      message: `componentFramework glass-easel on the WebView backend needs base library ${GLASS_EASEL_WEBVIEW_MIN_LIB}, but project.config.json libVersion is ${projectConfig.libVersion}`,
    });
  }
  if (developReachesEmulator && projectConfig.setting.urlCheck !== false) {
    problems.push({
      file: 'project.config.json',
      message: 'setting.urlCheck must be false: develop mode calls the emulator on a loopback URL, which no domain list can hold',
    });
  }
  if (projectConfig.setting.packNpmManually !== true || (projectConfig.setting.packNpmRelationList ?? []).length === 0) {
    problems.push({ file: 'project.config.json', message: 'packNpmManually with a packNpmRelationList is how 构建 npm finds miniprogram/package.json' });
  }
  return problems;
}
