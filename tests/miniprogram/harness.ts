// Renders mini-program pages and components under vitest with miniprogram-simulate, the way the phone
// gets them: the DevTools' compile of the project (.build/miniprogram, from scripts/build-miniprogram.ts,
// which tests/setup/compiled-miniprogram.ts keeps fresh), with the real TDesign components from 构建 npm,
// templates compiled by the official wcc, and every require() resolved by the mini-program's rules.
// It fakes the globals the code reaches (wx, getApp, getCurrentPages); the fake wx records every cloud
// call, toast, navigation and storage write so tests can assert what the user saw and what the
// service layer was asked to do.
// Type-checked by tests/miniprogram/tsconfig.json (Node + the mini-program's globals + DOM), not by
// the root program, so wx typings never leak into backend code.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from '../../core/src/schemas';
import { COMPILED_DIR, readProjectConfig, resolveModule } from '../../scripts/lib/miniprogram-platform';

const nodeRequire = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
/** The sources, for tests that read them. */
export const MINIPROGRAM_ROOT = path.join(REPO_ROOT, 'miniprogram');
/** The tag a page is rendered under; j-component prefixes the page's classes with it. */
export const ROOT_TAG = 'lx-root';
/** The official compiler's output for every template of the app and TDesign is several MB. */
const WCC_OUTPUT_LIMIT_BYTES = 256 * 1024 * 1024;
/** The base library the DevTools run (project.config.json); TDesign reads it to pick features. */
const BASE_LIBRARY_VERSION = readProjectConfig().libVersion;

type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;

/** require() from a compiled file resolves as on the phone: relative, /-rooted or miniprogram_npm, never node_modules. */
function installMiniprogramResolution(): void {
  const moduleWithResolve = Module as unknown as { _resolveFilename: ResolveFilename & { __lx?: boolean } };
  const original = moduleWithResolve._resolveFilename;
  if (original.__lx === true) return;
  const patched: ResolveFilename & { __lx?: boolean } = function resolveFilename(this: unknown, request, parent, ...rest) {
    const from = parent?.filename;
    if (typeof from === 'string' && from.startsWith(`${COMPILED_DIR}${path.sep}`)) {
      const relativeFrom = path.relative(COMPILED_DIR, from).split(path.sep).join('/');
      const target = resolveModule(relativeFrom, request, (file) => fs.statSync(path.join(COMPILED_DIR, file), { throwIfNoEntry: false })?.isFile() === true);
      if (target === null) throw new Error(`${relativeFrom}: require("${request}") does not resolve under the mini-program's rules`);
      return path.join(COMPILED_DIR, target);
    }
    return original.call(this, request, parent, ...rest);
  };
  patched.__lx = true;
  moduleWithResolve._resolveFilename = patched;
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

/** A finger's position, as j-component passes it on with an event. */
interface TouchPoint {
  pageX: number;
  pageY: number;
  clientX: number;
  clientY: number;
}

export interface RenderedNode {
  dom: HTMLElement;
  instance?: Record<string, unknown> & { data: Record<string, unknown> };
  dispatchEvent(name: string, options?: { detail?: unknown; touches?: TouchPoint[]; changedTouches?: TouchPoint[] }): void;
}

interface Simulate {
  load(componentPath: string, tagName?: string | Record<string, unknown>, options?: Record<string, unknown>): string;
  render(id: string, properties?: Record<string, unknown>): RenderedComponent;
}

let simulateModule: Simulate | null = null;

function simulate(): Simulate {
  if (simulateModule === null) {
    if (!fs.existsSync(COMPILED_DIR)) throw new Error(`${COMPILED_DIR} is missing: run npm run build:miniprogram`);
    installMiniprogramResolution();
    simulateModule = nodeRequire('miniprogram-simulate') as Simulate;
  }
  return simulateModule;
}

/** What j-component keeps of each rendered node: the official compiler's tag, attributes (evaluated) and bound events. */
interface VirtualNode {
  tagName?: string;
  attrs?: { name: string; value: unknown }[];
  event?: Record<string, { handler?: string }>;
}

export interface ExparserNode {
  $$?: HTMLElement;
  _vt?: VirtualNode;
  shadowRoot?: ExparserNode;
  childNodes?: ExparserNode[];
}

type NodeWrapper = new (n: ExparserNode) => RenderedNode;

/** The exparser node behind j-component's wrapper of a page or element. */
export function exparserNodeOf(node: RenderedNode | RenderedComponent): ExparserNode {
  return (node as unknown as { _exparserNode: ExparserNode })._exparserNode;
}

/**
 * The first element of `node`'s own tree that the page really draws and that passes `test`, depth
 * first as it is drawn (a virtual host draws nothing itself).
 */
export function findDrawn(node: ExparserNode, test: (n: ExparserNode) => boolean = () => true): ExparserNode | null {
  if (node.$$ !== undefined && test(node)) return node;
  for (const child of [...(node.shadowRoot?.childNodes ?? []), ...(node.childNodes ?? [])]) {
    const found = findDrawn(child, test);
    if (found !== null) return found;
  }
  return null;
}

/** The text a node draws: a virtual host's is that of the elements its own template draws. */
function drawnText(node: ExparserNode): string {
  if (node.$$ !== undefined) return node.$$.textContent ?? '';
  return (node.shadowRoot?.childNodes ?? node.childNodes ?? []).map(drawnText).join('');
}

/** Events a person causes: an element bound to one is a control that needs a name. */
const USER_EVENTS = ['tap', 'longpress', 'change', 'input', 'confirm'];

export function attribute(node: ExparserNode, name: string): string {
  const value = node._vt?.attrs?.find((a) => a.name === name)?.value;
  return typeof value === 'string' ? value.trim() : '';
}

/** The name a screen reader gets for what `node` draws: an aria-label a drawn element carries, else its text. */
function drawnName(node: ExparserNode): string {
  const label = node.$$ !== undefined ? attribute(node, 'ariaLabel') : '';
  if (label !== '') return label;
  if (node.$$ === undefined) {
    for (const child of node.shadowRoot?.childNodes ?? node.childNodes ?? []) {
      const inner = drawnName(child);
      if (inner !== '') return inner;
    }
    return '';
  }
  return drawnText(node).trim();
}

/** A control: an element our template binds to an event a person causes. */
export function isControl(node: ExparserNode): boolean {
  return Object.keys(node._vt?.event ?? {}).some((e) => USER_EVENTS.includes(e));
}

/** A control as a failure names it: `<t-button id="send"> (tap → onSend)`. */
export function describeControl(node: ExparserNode): string {
  const vt = node._vt;
  const id = attribute(node, 'id');
  const bound = Object.keys(vt?.event ?? {}).filter((e) => USER_EVENTS.includes(e));
  return `<${vt?.tagName ?? '?'}${id === '' ? '' : ` id="${id}"`}> (${bound.map((e) => `${e} → ${vt?.event?.[e]?.handler ?? '?'}`).join(', ')})`;
}

/**
 * Every control in the rendered tree (an element of ours bound to a user event) without an
 * accessible name: neither an aria-label on an element it or an ancestor draws (a wrapper with
 * aria-role names the control inside), nor text it draws. A TDesign component's own
 * aria-label property counts only when its template draws it.
 */
export function unnamedControls(root: ExparserNode): string[] {
  const unnamed: string[] = [];
  const walk = (node: ExparserNode, nameAbove: string, insideComponent: boolean): void => {
    const own = node.$$ !== undefined ? attribute(node, 'ariaLabel') : '';
    if (!insideComponent && isControl(node) && nameAbove === '' && drawnName(node) === '') unnamed.push(describeControl(node));
    const nameBelow = own !== '' ? own : nameAbove;
    // A component's own internals are its authors' concern; our pages' elements are ours.
    if (node.shadowRoot !== undefined && node !== root) walk(node.shadowRoot, nameBelow, true);
    for (const child of node.childNodes ?? []) walk(child, nameBelow, insideComponent);
  };
  walk(root.shadowRoot ?? root, '', false);
  return unnamed;
}

function assertNamedControls(comp: RenderedComponent, where: string): void {
  const unnamed = unnamedControls(exparserNodeOf(comp));
  if (unnamed.length > 0) throw new Error(`${where}: controls without an accessible name in the rendered tree:\n${unnamed.join('\n')}`);
}

function tapAsUser(node: RenderedNode): void {
  dispatchOnDrawn(node, 'tap');
}

/**
 * An event from the first element the node draws (a TDesign button's native <button>), as WeChat
 * raises it there: a tap, or an open-type button's answer such as 'agreeprivacyauthorization'.
 */
export function dispatchOnDrawn(node: RenderedNode, eventName: string): void {
  const exparserNode = exparserNodeOf(node);
  const drawn = findDrawn(exparserNode);
  if (drawn === null) throw new Error(`nothing drawn to raise ${eventName} on`);
  // j-component's wrapper for that element dispatches an event that bubbles, composed, to the page's binding.
  (drawn === exparserNode ? node : new (node.constructor as NodeWrapper)(drawn)).dispatchEvent(eventName);
}

/** What TDesign's components keep in data that says which one a node is and what it shows. */
interface TDesignData {
  classPrefix?: string;
  value?: unknown;
  checked?: boolean;
  count?: number;
  gap?: unknown;
  size?: unknown;
}

/** TDesign's components name their classes, and keep that prefix in data, as t-<component>. */
const TDESIGN_CLASS_PREFIX = 't-';

/** The TDesign component at `node` ('input', 'checkbox', …, from its own classPrefix), or null for anything else. */
function tdesignKind(node: RenderedNode): { kind: string; data: TDesignData } | null {
  const data = node.instance?.data as TDesignData | undefined;
  const prefix = data?.classPrefix;
  return data !== undefined && typeof prefix === 'string' && prefix.startsWith(TDESIGN_CLASS_PREFIX)
    ? { kind: prefix.slice(TDESIGN_CLASS_PREFIX.length), data }
    : null;
}

/** A length TDesign accepts as a number or 'Npx' (the rate's size and gap), in CSS px. */
function cssPixels(length: unknown, what: string): number {
  const pixels = typeof length === 'number' ? length : typeof length === 'string' && /^\d+(\.\d+)?(px)?$/.test(length) ? Number.parseFloat(length) : Number.NaN;
  if (Number.isNaN(pixels)) throw new Error(`t-rate ${what} ${String(length)} is not in px; lay it out here before tapping it`);
  return pixels;
}

/**
 * Text arrives in the native input/textarea that t-input or t-textarea draws, as the keyboard
 * delivers it (bindinput { value, cursor }); the component's own onInput emits change from it.
 */
function typeInto(node: RenderedNode, text: string): void {
  const field = findDrawn(exparserNodeOf(node), (n) => n._vt?.tagName === 'input' || n._vt?.tagName === 'textarea');
  if (field === null) throw new Error('no native input or textarea drawn inside this control');
  new (node.constructor as NodeWrapper)(field).dispatchEvent('input', { detail: { value: text, cursor: text.length } });
}

/**
 * A finger on star `stars` of a t-rate. The component finds the star from where the finger lands
 * in its wrapper's box, which jsdom does not lay out: give that box the size the phone draws
 * (count stars of `size`, `gap` apart), then tap the middle of the star.
 */
function tapStar(node: RenderedNode, data: TDesignData, stars: number): void {
  const count = data.count ?? 0;
  if (!Number.isInteger(stars) || stars < 1 || stars > count) throw new Error(`t-rate has ${count} stars; cannot pick ${stars}`);
  const wrapper = findDrawn(exparserNodeOf(node), (n) => n._vt?.event?.tap !== undefined);
  if (wrapper?.$$ === undefined) throw new Error('t-rate draws no tappable wrapper');
  const star = cssPixels(data.size, 'size');
  const gap = cssPixels(data.gap, 'gap');
  const width = count * star + (count - 1) * gap;
  const height = star;
  wrapper.$$.getBoundingClientRect = () => ({ left: 0, top: 0, right: width, bottom: height, width, height, x: 0, y: 0, toJSON: () => ({}) });
  const x = (stars - 1) * (star + gap) + star / 2;
  const y = height / 2;
  const touch = { pageX: x, pageY: y, clientX: x, clientY: y };
  new (node.constructor as NodeWrapper)(wrapper).dispatchEvent('tap', { changedTouches: [touch], touches: [touch] });
}

/**
 * The user sets a control to `value` through the real component: typing into t-input and
 * t-textarea, or tapping a t-rate star. A native
 * picker (j-component's stand-in for it) reports its choice as the phone does: change { value }.
 */
function setControl(node: RenderedNode, value: unknown): void {
  const tdesign = tdesignKind(node);
  switch (tdesign?.kind) {
    case 'input':
    case 'textarea':
      typeInto(node, String(value));
      return;
    case 'rate':
      tapStar(node, tdesign.data, Number(value));
      return;
    case undefined: {
      const picker = node.instance as { triggerEvent?: (name: string, detail: unknown) => void } | undefined;
      if (exparserNodeOf(node)._vt?.tagName !== 'picker' || typeof picker?.triggerEvent !== 'function')
        throw new Error('change() drives TDesign input, textarea and rate, and native pickers; check() drives t-checkbox');
      picker.triggerEvent('change', { value });
      return;
    }
    default:
      throw new Error(`change() does not drive t-${tdesign?.kind ?? '?'}`);
  }
}

/** A finger on a t-checkbox, which emits change { checked, context } itself; only when it shows the other state. */
function setChecked(node: RenderedNode, checked: boolean): void {
  const tdesign = tdesignKind(node);
  if (tdesign?.kind !== 'checkbox') throw new Error('check() drives t-checkbox');
  if (tdesign.data.checked === checked) throw new Error(`the checkbox is already ${checked ? 'checked' : 'unchecked'}`);
  tapAsUser(node);
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
  /** What the node at `selector` shows, TDesign components (virtual hosts) included. */
  textOf(selector: string): string;
  /** Whether any element carries our class (j-component prefixes classes with the root tag). */
  hasClass(className: string): boolean;
  /** A finger on the element: on a component whose host is virtual (TDesign's), on the first element it renders. */
  tap(selector: string): Promise<void>;
  /** The user sets the control to `value` through the real component (t-input/t-textarea typed into, a t-rate star tapped, a picker chosen). */
  change(selector: string, value: unknown): Promise<void>;
  /** The user taps a t-checkbox to `checked`. */
  check(selector: string, checked: boolean): Promise<void>;
  /** The page comes back on screen (the page above it closed): the framework's onShow. */
  show(): Promise<void>;
  /** Another page covers this one: the framework's onHide. */
  hide(): Promise<void>;
  /** The user pulls the page down to refresh: the framework's onPullDownRefresh. */
  pullDown(): Promise<void>;
  unmount(): void;
}

/** What is on screen: a fresh world (installWorld) closes what the previous test left open. */
const mountedPages = new Set<Mounted>();

/**
 * Render the page or component at `relativePath` (e.g. 'pages/submit/index'), attach it, and run
 * onLoad(query) and onShow as the framework would for a page.
 */
export async function mount(
  relativePath: string,
  options: { query?: Record<string, string>; properties?: Record<string, unknown>; page?: boolean } = {},
): Promise<Mounted> {
  const componentPath = path.join(COMPILED_DIR, relativePath);
  const sim = simulate();
  const id = sim.load(componentPath, ROOT_TAG, { compiler: 'official', rootPath: COMPILED_DIR, compilerOptions: { maxBuffer: WCC_OUTPUT_LIMIT_BYTES } });
  const comp = sim.render(id, options.properties);
  const parent = document.createElement('parent-wrapper');
  document.body.appendChild(parent);
  comp.attach(parent);
  const instance = comp.instance as Record<string, unknown>;
  const isPage = options.page ?? relativePath.includes('pages/');
  /** The framework calling one of the page's lifecycles (a page only), and what it returned settling. */
  const lifecycle = async (hook: 'onLoad' | 'onShow' | 'onHide' | 'onPullDownRefresh', ...args: unknown[]): Promise<void> => {
    if (!isPage) throw new Error(`${relativePath} is not a page: it has no ${hook}`);
    const fn = instance[hook];
    if (typeof fn === 'function') await (fn as (...a: unknown[]) => unknown).call(instance, ...args);
  };
  if (isPage) {
    const fakeWorld = currentWorld;
    if (fakeWorld !== null) fakeWorld.pages.push(instance);
    await lifecycle('onLoad', options.query ?? {});
    await lifecycle('onShow');
  }
  await settle();
  assertNamedControls(comp, relativePath);
  const mounted: Mounted = {
    comp,
    text: () => (comp.dom.textContent ?? '').replace(/\s+/g, ' ').trim(),
    node(selector) {
      const found = comp.querySelector(selector);
      if (found === null || found === undefined) throw new Error(`nothing matches ${selector} in ${relativePath}`);
      return found;
    },
    textOf(selector) {
      return drawnText(exparserNodeOf(mounted.node(selector)));
    },
    hasClass(className) {
      return comp.dom.querySelector(`.${ROOT_TAG}--${className}`) !== null;
    },
    async tap(selector) {
      tapAsUser(mounted.node(selector));
      await settle();
      assertNamedControls(comp, `${relativePath} after tapping ${selector}`);
    },
    async change(selector, value) {
      setControl(mounted.node(selector), value);
      await settle();
      assertNamedControls(comp, `${relativePath} after changing ${selector}`);
    },
    async check(selector, checked) {
      setChecked(mounted.node(selector), checked);
      await settle();
      assertNamedControls(comp, `${relativePath} after checking ${selector}`);
    },
    async show() {
      await lifecycle('onShow');
      await settle();
    },
    async hide() {
      await lifecycle('onHide');
      await settle();
    },
    async pullDown() {
      if (typeof instance.onPullDownRefresh !== 'function') throw new Error(`${relativePath} cannot be pulled down: it has no onPullDownRefresh`);
      await lifecycle('onPullDownRefresh');
      await settle();
    },
    unmount() {
      if (!mountedPages.delete(mounted)) return;
      if (isPage && typeof instance.onUnload === 'function') (instance.onUnload as () => void).call(instance);
      comp.detach();
      parent.remove();
    },
  };
  mountedPages.add(mounted);
  return mounted;
}

// ---------------------------------------------------------------------------------------------
// The fake world: wx, getApp, getCurrentPages.

interface RecordedCall {
  name: FunctionName;
  data: Record<string, unknown>;
}

type FunctionHandler = (data: Record<string, unknown>) => unknown;

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
  /** How often a page put the pull-down spinner away (wx.stopPullDownRefresh). */
  pullDownsStopped: number;
  /** What wx.chooseMedia hands back. */
  chosenMedia: string[];
  /** What wx.requestSubscribeMessage answers for each template id ('accept' | 'reject'). */
  subscribeAnswers: Record<string, string>;
  subscribeRequests: string[][];
  /** What pages passed to wx.showShareMenu (withShareTicket, menus), in order. */
  shareMenus: Record<string, unknown>[];
  envVersion: 'develop' | 'trial' | 'release';
  pages: Record<string, unknown>[];
  wx: Record<string, unknown>;
}

let currentWorld: FakeWorld | null = null;

/** A common phone's screen in CSS px; the accessibility pass lays pages out on the same. */
export const PHONE_SCREEN = { width: 375, height: 812, pixelRatio: 2 };
/** Its status bar and home indicator, which the safe area leaves out. */
const STATUS_BAR_PX = 44;
const HOME_INDICATOR_PX = 34;

/** That phone as wx reports it, on the project's base library. */
const PHONE = {
  device: { platform: 'devtools', brand: 'devtools', model: 'iPhone X', system: 'iOS 16.0', pixelRatio: PHONE_SCREEN.pixelRatio },
  window: {
    windowWidth: PHONE_SCREEN.width,
    windowHeight: PHONE_SCREEN.height,
    screenWidth: PHONE_SCREEN.width,
    screenHeight: PHONE_SCREEN.height,
    pixelRatio: PHONE_SCREEN.pixelRatio,
    statusBarHeight: STATUS_BAR_PX,
    safeArea: {
      top: STATUS_BAR_PX,
      left: 0,
      right: PHONE_SCREEN.width,
      bottom: PHONE_SCREEN.height - HOME_INDICATOR_PX,
      width: PHONE_SCREEN.width,
      height: PHONE_SCREEN.height - STATUS_BAR_PX - HOME_INDICATOR_PX,
    },
  },
  app: { SDKVersion: BASE_LIBRARY_VERSION, fontSizeSetting: 16, language: 'zh_CN', theme: 'light', version: '8.0.50' },
};

/** getMyProfile's reminders for someone who never accepted a subscribe message. */
export const NO_REMINDERS = {
  longTerm: false,
  left: { requestAssigned: 0, requestEscalated: 0, requestDueSoon: 0, requestUpdated: 0, noticePublished: 0 },
};

export function ok(data: unknown = {}): { ok: true; data: unknown } {
  return { ok: true, data };
}

export function failWith(code: string, message?: string): { ok: false; code: string; message: string } {
  return { ok: false, code, message: message ?? '' };
}

/** Install a fresh fake wx / getApp / getCurrentPages, unmounting the pages still shown; call in beforeEach. */
export function installWorld(overrides: Partial<Pick<FakeWorld, 'envVersion'>> = {}): FakeWorld {
  for (const page of mountedPages) page.unmount();
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
    pullDownsStopped: 0,
    chosenMedia: [],
    subscribeAnswers: {},
    subscribeRequests: [],
    shareMenus: [],
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
    getSystemInfoSync: () => ({ ...PHONE.device, ...PHONE.window, ...PHONE.app }),
    getWindowInfo: () => ({ ...PHONE.window }),
    getDeviceInfo: () => ({ ...PHONE.device }),
    getAppBaseInfo: () => ({ ...PHONE.app }),
    nextTick: (fn: () => void) => void Promise.resolve().then(fn),
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
    stopPullDownRefresh: () => {
      world.pullDownsStopped += 1;
    },
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
      done(
        {
          type: 'image',
          tempFiles: world.chosenMedia.slice(0, opts.count ?? world.chosenMedia.length).map((tempFilePath) => ({ tempFilePath, size: 1, fileType: 'image' })),
        },
        opts,
      ),
    chooseLocation: (opts?: object) => done({ latitude: 31.2, longitude: 121.5, name: '测试小区', address: '' }, opts as { success?: (r: unknown) => void }),
    requestSubscribeMessage: (opts: { tmplIds: string[]; success?: (r: unknown) => void }) => {
      world.subscribeRequests.push(opts.tmplIds);
      const result: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      for (const id of opts.tmplIds) result[id] = world.subscribeAnswers[id] ?? 'reject';
      return done(result, opts);
    },
    showShareMenu: (opts: Record<string, unknown>) => {
      const { success: _success, fail: _fail, complete: _complete, ...shown } = opts;
      world.shareMenus.push(shown);
      return done({ errMsg: 'showShareMenu:ok' }, opts);
    },
    request: (opts: {
      url: string;
      method?: string;
      header?: Record<string, string>;
      data: unknown;
      success?: (r: unknown) => void;
      fail?: (e: unknown) => void;
    }) => {
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

// ---------------------------------------------------------------------------------------------
// WeChat's privacy gate (用户隐私保护指引, __usePrivacyCheck__ in app.json).

/** The privacy APIs our pages call (developers.weixin.qq.com › user-privacy › miniprogram-intro). */
const PRIVACY_APIS = ['chooseMedia', 'chooseLocation', 'saveImageToPhotosAlbum', 'chooseMessageFile'] as const;

export interface PrivacyGate {
  /** What the page's listener answered through resolve, in order. */
  answers: Record<string, string>[];
  /** What asked the listener (its eventInfo.referrer), in order. */
  referrers: string[];
  /** The privacy APIs that really ran (past the gate), in order. */
  ran: string[];
  /** Whether the user has agreed (the base library remembers it). */
  agreed: boolean;
}

/**
 * The gate as the base library runs it: until the user agrees, wx.requirePrivacyAuthorize and each
 * privacy API hold until the listener registered with wx.onNeedPrivacyAuthorization answers; "agree"
 * (naming the agree button) lets the held call go on, "disagree" fails it with "privacy permission is
 * not authorized", as does a call with no listener registered. Install after the test's own fakes of
 * those APIs, which it wraps.
 */
export function fakePrivacyGate(world: FakeWorld, options: { agreed?: boolean } = {}): PrivacyGate {
  const gate: PrivacyGate = { answers: [], referrers: [], ran: [], agreed: options.agreed === true };
  type Resolve = (answer: Record<string, string>) => void;
  let listener: ((resolve: Resolve, info: { referrer: string }) => void) | null = null;
  world.wx.onNeedPrivacyAuthorization = (l: typeof listener) => {
    listener = l;
  };
  const pass = (referrer: string, proceed: () => void, refuse: () => void): void => {
    if (gate.agreed) {
      proceed();
      return;
    }
    if (listener === null) {
      refuse();
      return;
    }
    gate.referrers.push(referrer);
    listener(
      (answer) => {
        gate.answers.push(answer);
        if (answer.event === 'agree' && answer.buttonId !== undefined && answer.buttonId !== '') {
          gate.agreed = true;
          proceed();
        } else if (answer.event !== 'exposureAuthorization') refuse();
      },
      { referrer },
    );
  };
  const refusal = (api: string) => ({ errMsg: `${api}:fail privacy permission is not authorized`, errno: 104 });
  world.wx.requirePrivacyAuthorize = (opts: { success?(): void; fail?(e: unknown): void }) =>
    pass(
      'requirePrivacyAuthorize',
      () => opts.success?.(),
      () => opts.fail?.(refusal('requirePrivacyAuthorize')),
    );
  for (const api of PRIVACY_APIS) {
    const real = world.wx[api] as ((opts: { fail?(e: unknown): void }) => unknown) | undefined;
    if (real === undefined) continue;
    world.wx[api] = (opts: { fail?(e: unknown): void }) =>
      pass(
        api,
        () => {
          gate.ran.push(api);
          real(opts);
        },
        () => opts.fail?.(refusal(api)),
      );
  }
  return gate;
}
