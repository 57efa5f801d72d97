// Renders mini-program pages and components under vitest with miniprogram-simulate, without the
// DevTools: compiles our TypeScript on the fly (esbuild, through a require hook), swaps TDesign tags
// for one stub component, and fakes the globals the code reaches (wx, getApp, getCurrentPages).
// The fake wx records every cloud call, toast, navigation and storage write so tests can assert
// what the user saw and what the service layer was asked to do.
// Type-checked by tests/miniprogram/tsconfig.json (Node + the mini-program's globals + DOM), not by
// the root program, so wx typings never leak into backend code.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodeUtil from 'node:util';
import type { FunctionName } from '../../core/src/schemas';

const nodeRequire = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
export const MINIPROGRAM_ROOT = path.join(REPO_ROOT, 'miniprogram');
const TDESIGN_STUB = path.join(HERE, 'stubs', 'tdesign', 'index');
const TS_TARGET = 'es2020';
const ROOT_TAG = 'lx-root';

type TransformSync = typeof import('esbuild').transformSync;

/**
 * esbuild checks that TextEncoder yields the global Uint8Array, which jsdom's globals break: run
 * it with Node's own encoders and Uint8Array in place.
 */
function withNodeEncoders<T>(fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved = { TextEncoder: g['TextEncoder'], TextDecoder: g['TextDecoder'], Uint8Array: g['Uint8Array'] };
  g['TextEncoder'] = nodeUtil.TextEncoder;
  g['TextDecoder'] = nodeUtil.TextDecoder;
  g['Uint8Array'] = new nodeUtil.TextEncoder().encode('').constructor;
  try {
    return fn();
  } finally {
    Object.assign(g, saved);
  }
}

/** Compile .ts on require (only our own sources; node_modules never holds .ts we load). */
function installTypeScriptHook(): void {
  const extensions = nodeRequire.extensions as Record<string, (module: NodeModule, filename: string) => void>;
  if (extensions['.ts'] !== undefined) return;
  const transformSync = withNodeEncoders(() => (nodeRequire('esbuild') as { transformSync: TransformSync }).transformSync);
  extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = withNodeEncoders(() => transformSync(source, { loader: 'ts', format: 'cjs', target: TS_TARGET, sourcefile: filename, sourcemap: 'inline' }));
    (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
  };
}

interface SimulateUtils {
  runJs(filePath: string): void;
}

/** miniprogram-simulate requires `<path>` for a component's script; ours is `<path>.ts`, and `<path>.json` would win Node's lookup. */
function patchScriptLoading(): void {
  const utils = nodeRequire('miniprogram-simulate/src/utils') as SimulateUtils & { __lxPatched?: boolean };
  if (utils.__lxPatched === true) return;
  utils.__lxPatched = true;
  utils.runJs = (filePath: string) => {
    const file = fs.existsSync(`${filePath}.ts`) ? `${filePath}.ts` : `${filePath}.js`;
    nodeRequire(file);
    delete nodeRequire.cache[nodeRequire.resolve(file)];
  };
}

export interface RenderedComponent {
  instance: Record<string, unknown> & { data: Record<string, unknown>; setData(patch: Record<string, unknown>): void };
  dom: HTMLElement;
  querySelector(selector: string): RenderedNode | null | undefined;
  querySelectorAll(selector: string): RenderedNode[];
  attach(parent: Element): void;
  detach(): void;
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

export interface RenderedNode {
  dom: HTMLElement;
  instance?: Record<string, unknown> & { data: Record<string, unknown> };
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

interface Simulate {
  load(componentPath: string, tagName?: string | Record<string, unknown>, options?: Record<string, unknown>): string;
  render(id: string, properties?: Record<string, unknown>): RenderedComponent;
}

let simulateModule: Simulate | null = null;

function simulate(): Simulate {
  if (simulateModule === null) {
    installTypeScriptHook();
    patchScriptLoading();
    simulateModule = nodeRequire('miniprogram-simulate') as Simulate;
  }
  return simulateModule;
}

/** Every TDesign tag our templates use, found in their index.json files. */
function tdesignOverrides(componentDir: string): Record<string, string> {
  const json = JSON.parse(fs.readFileSync(path.join(componentDir, 'index.json'), 'utf8')) as { usingComponents?: Record<string, string> };
  const stub = `/${path.relative(MINIPROGRAM_ROOT, TDESIGN_STUB)}`;
  const overrides: Record<string, string> = {};
  for (const [tag, target] of Object.entries(json.usingComponents ?? {})) {
    if (target.startsWith('tdesign-miniprogram/')) overrides[tag] = stub;
  }
  return overrides;
}

/** Flush the microtasks j-component uses for events and the awaits inside our handlers. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface Mounted {
  comp: RenderedComponent;
  /** The page's text as a user reads it (whitespace collapsed). */
  text(): string;
  node(selector: string): RenderedNode;
  /** Whether any element carries our class (j-component prefixes classes with the root tag). */
  hasClass(className: string): boolean;
  tap(selector: string): Promise<void>;
  change(selector: string, value: unknown): Promise<void>;
  unmount(): void;
}

/**
 * Render the page or component at `relativePath` (e.g. 'pages/submit/index'), attach it, and run
 * onLoad(query) and onShow as the framework would for a page.
 */
export async function mount(relativePath: string, options: { query?: Record<string, string>; properties?: Record<string, unknown>; page?: boolean } = {}): Promise<Mounted> {
  const componentPath = path.join(MINIPROGRAM_ROOT, relativePath);
  const sim = simulate();
  const id = sim.load(componentPath, ROOT_TAG, {
    compiler: 'simulate',
    rootPath: MINIPROGRAM_ROOT,
    usingComponents: tdesignOverrides(path.dirname(componentPath)),
  });
  const comp = sim.render(id, options.properties);
  const parent = document.createElement('parent-wrapper');
  document.body.appendChild(parent);
  comp.attach(parent);
  const instance = comp.instance as Record<string, unknown>;
  const isPage = options.page ?? relativePath.includes('pages/');
  if (isPage) {
    const fakeWorld = currentWorld;
    if (fakeWorld !== null) fakeWorld.pages.push(instance);
    if (typeof instance['onLoad'] === 'function') await (instance['onLoad'] as (q: Record<string, string>) => unknown).call(instance, options.query ?? {});
    if (typeof instance['onShow'] === 'function') await (instance['onShow'] as () => unknown).call(instance);
  }
  await settle();
  const mounted: Mounted = {
    comp,
    text: () => (comp.dom.textContent ?? '').replace(/\s+/g, ' ').trim(),
    node(selector) {
      const found = comp.querySelector(selector);
      if (found === null || found === undefined) throw new Error(`nothing matches ${selector} in ${relativePath}`);
      return found;
    },
    hasClass(className) {
      return comp.dom.querySelector(`.${ROOT_TAG}--${className}`) !== null;
    },
    async tap(selector) {
      mounted.node(selector).dispatchEvent('tap');
      await settle();
    },
    async change(selector, value) {
      mounted.node(selector).dispatchEvent('change', { detail: { value } });
      await settle();
    },
    unmount() {
      if (isPage && typeof instance['onUnload'] === 'function') (instance['onUnload'] as () => void).call(instance);
      comp.detach();
      parent.remove();
    },
  };
  return mounted;
}

// ---------------------------------------------------------------------------------------------
// The fake world: wx, getApp, getCurrentPages.

export interface RecordedCall {
  name: FunctionName;
  data: Record<string, unknown>;
}

export type FunctionHandler = (data: Record<string, unknown>) => unknown;

export interface FakeWorld {
  /** Cloud function calls that left the phone, in order. */
  calls: RecordedCall[];
  /** Answers by function name: return the function's envelope, or throw to fail the transport. */
  handlers: Partial<Record<FunctionName, FunctionHandler>>;
  /** wx.request calls (the emulator transport). */
  requests: { url: string; method?: string; header?: Record<string, string>; data: unknown }[];
  /** What wx.request answers: status and body. */
  requestReply: { statusCode: number; data: unknown } | 'fail';
  storage: Map<string, unknown>;
  toasts: string[];
  modals: { title?: string; content?: string }[];
  /** The answer every showModal gets. */
  modalConfirms: boolean;
  navigations: { kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'switchTab' | 'navigateBack'; url?: string }[];
  uploads: { cloudPath: string; filePath: string }[];
  /** Numbers wx.makePhoneCall was asked to dial, in order. */
  phoneCalls: string[];
  /** What wx.chooseMedia hands back. */
  chosenMedia: string[];
  /** What wx.requestSubscribeMessage answers for each template id ('accept' | 'reject'). */
  subscribeAnswers: Record<string, string>;
  subscribeRequests: string[][];
  envVersion: 'develop' | 'trial' | 'release';
  pages: Record<string, unknown>[];
  wx: Record<string, unknown>;
}

let currentWorld: FakeWorld | null = null;

export function ok(data: unknown = {}): { ok: true; data: unknown } {
  return { ok: true, data };
}

export function failWith(code: string, message?: string): { ok: false; code: string; message: string } {
  return { ok: false, code, message: message ?? '' };
}

/** Install a fresh fake wx / getApp / getCurrentPages; call in beforeEach. */
export function installWorld(overrides: Partial<Pick<FakeWorld, 'envVersion'>> = {}): FakeWorld {
  const world: FakeWorld = {
    calls: [],
    handlers: {},
    requests: [],
    requestReply: { statusCode: 200, data: { result: { ok: true, data: {} } } },
    storage: new Map(),
    toasts: [],
    modals: [],
    modalConfirms: true,
    navigations: [],
    uploads: [],
    phoneCalls: [],
    chosenMedia: [],
    subscribeAnswers: {},
    subscribeRequests: [],
    envVersion: overrides.envVersion ?? 'release',
    pages: [],
    wx: {},
  };
  interface Callbacks<T> {
    success?: (r: T) => void;
    complete?: () => void;
  }
  const done = <T>(result: T, opts?: object): Promise<T> => {
    const callbacks = (opts ?? {}) as Callbacks<T>;
    callbacks.success?.(result);
    callbacks.complete?.();
    return Promise.resolve(result);
  };
  const nav =
    (kind: FakeWorld['navigations'][number]['kind']) =>
    (opts: { url?: string; success?: (r: unknown) => void } = {}) => {
      world.navigations.push(opts.url === undefined ? { kind } : { kind, url: opts.url });
      return done({ errMsg: `${kind}:ok` }, opts);
    };
  const wxFake: Record<string, unknown> = {
    getAccountInfoSync: () => ({ miniProgram: { appId: 'wx-test', envVersion: world.envVersion, version: '' } }),
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, windowHeight: 812, pixelRatio: 2, fontSizeSetting: 16 }),
    getWindowInfo: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2, statusBarHeight: 20, safeArea: {} }),
    getStorageSync: (key: string) => (world.storage.has(key) ? world.storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => void world.storage.set(key, value),
    removeStorageSync: (key: string) => void world.storage.delete(key),
    showToast: (opts: { title: string }) => {
      world.toasts.push(opts.title);
      return done({ errMsg: 'showToast:ok' }, opts);
    },
    showModal: (opts: { title?: string; content?: string; success?: (r: unknown) => void }) => {
      world.modals.push({ title: opts.title, content: opts.content });
      return done({ confirm: world.modalConfirms, cancel: !world.modalConfirms, errMsg: 'showModal:ok' }, opts);
    },
    showLoading: (opts?: object) => done({ errMsg: 'showLoading:ok' }, opts),
    hideLoading: (opts?: object) => done({ errMsg: 'hideLoading:ok' }, opts),
    stopPullDownRefresh: () => undefined,
    setNavigationBarTitle: (opts?: object) => done({ errMsg: 'ok' }, opts),
    navigateTo: nav('navigateTo'),
    redirectTo: nav('redirectTo'),
    reLaunch: nav('reLaunch'),
    switchTab: nav('switchTab'),
    navigateBack: nav('navigateBack'),
    previewImage: (opts?: object) => done({ errMsg: 'ok' }, opts),
    vibrateShort: () => undefined,
    makePhoneCall: (opts: { phoneNumber: string; success?: (r: unknown) => void }) => {
      world.phoneCalls.push(opts.phoneNumber);
      return done({ errMsg: 'makePhoneCall:ok' }, opts);
    },
    chooseMedia: (opts: { count?: number; success?: (r: unknown) => void }) =>
      done({ type: 'image', tempFiles: world.chosenMedia.slice(0, opts.count ?? world.chosenMedia.length).map((tempFilePath) => ({ tempFilePath, size: 1, fileType: 'image' })) }, opts),
    chooseLocation: (opts?: object) => done({ latitude: 31.2, longitude: 121.5, name: '测试小区', address: '' }, opts as { success?: (r: unknown) => void }),
    requestSubscribeMessage: (opts: { tmplIds: string[]; success?: (r: unknown) => void }) => {
      world.subscribeRequests.push(opts.tmplIds);
      const result: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      for (const id of opts.tmplIds) result[id] = world.subscribeAnswers[id] ?? 'reject';
      return done(result, opts);
    },
    request: (opts: { url: string; method?: string; header?: Record<string, string>; data: unknown; success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      world.requests.push({ url: opts.url, method: opts.method, header: opts.header, data: opts.data });
      const reply = world.requestReply;
      Promise.resolve().then(() => {
        if (reply === 'fail') opts.fail?.({ errMsg: 'request:fail timeout' });
        else opts.success?.({ statusCode: reply.statusCode, data: reply.data, header: {}, errMsg: 'request:ok' });
      });
      return { abort: () => undefined };
    },
    cloud: {
      init: () => undefined,
      callFunction: async (opts: { name: FunctionName; data: Record<string, unknown> }) => {
        world.calls.push({ name: opts.name, data: opts.data });
        const handler = world.handlers[opts.name];
        if (handler === undefined) return { result: ok(), errMsg: 'cloud.callFunction:ok' };
        return { result: await handler(opts.data), errMsg: 'cloud.callFunction:ok' };
      },
      uploadFile: async (opts: { cloudPath: string; filePath: string }) => {
        world.uploads.push({ cloudPath: opts.cloudPath, filePath: opts.filePath });
        return { fileID: `cloud://env-test.bucket/${opts.cloudPath}`, statusCode: 200, errMsg: 'cloud.uploadFile:ok' };
      },
    },
  };
  world.wx = wxFake;
  const app = { globalData: {} as Record<string, unknown> };
  Object.assign(globalThis, { wx: wxFake, getApp: () => app, getCurrentPages: () => world.pages });
  currentWorld = world;
  return world;
}
