// @vitest-environment jsdom
// Accessible names, read from the rendered tree (the real TDesign components, compiled by wcc): every
// page test's mount and tap already fails on a control without one (harness.ts assertNamedControls);
// here every page is rendered once on its own, and the rule itself is shown to tell named from unnamed.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { installWorld, mount, MINIPROGRAM_ROOT, ok, unnamedControls, type ExparserNode, type Mounted } from './harness';

interface AppJson {
  pages: string[];
  subPackages: { root: string; pages: string[] }[];
}

const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as AppJson;
const PAGES = [...app.pages, ...app.subPackages.flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))];

describe('pages', () => {
  it.each(PAGES)('%s has index.ts/json/wxml/wxss', (page) => {
    for (const ext of ['ts', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(MINIPROGRAM_ROOT, `${page}.${ext}`)), `${page}.${ext}`).toBe(true);
  });

  describe('render with every control named', () => {
    let page: Mounted | null = null;
    beforeEach(() => {
      const world = installWorld();
      // Lists answer empty; other calls answer { ok, data: {} }, which every page shows as nothing yet.
      world.handlers.listMyRequests = () => ok({ items: [], nextCursor: null });
      world.handlers.listNotices = () => ok({ notices: [], nextCursor: null });
    });
    it.each(PAGES)('%s', async (relativePath) => {
      // mount() throws, naming the control, when one has no accessible name.
      page = await mount(relativePath);
      expect(page.text().length).toBeGreaterThan(0);
    });
  });
});

/** A drawn element (native, with a DOM node) as j-component keeps it. */
function drawn(tagName: string, attrs: Record<string, string>, children: ExparserNode[] = [], events: string[] = [], text = ''): ExparserNode {
  const dom = document.createElement(`wx-${tagName}`);
  dom.textContent = text;
  return {
    $$: dom,
    _vt: {
      tagName,
      attrs: Object.entries(attrs).map(([name, value]) => ({ name, value })),
      event: Object.fromEntries(events.map((e) => [e, { handler: 'onIt' }])),
    },
    childNodes: children,
  };
}

/** A component with a virtual host: nothing of its own is drawn; its template's elements are. */
function component(tagName: string, attrs: Record<string, string>, drawnInside: ExparserNode[], events: string[]): ExparserNode {
  return {
    _vt: {
      tagName,
      attrs: Object.entries(attrs).map(([name, value]) => ({ name, value })),
      event: Object.fromEntries(events.map((e) => [e, { handler: 'onIt' }])),
    },
    shadowRoot: { childNodes: drawnInside },
    childNodes: [],
  };
}

function page(...children: ExparserNode[]): ExparserNode {
  return { shadowRoot: { childNodes: children } };
}

describe('the accessible-name rule', () => {
  it('a tappable view with no label and no text has no name', () => {
    expect(unnamedControls(page(drawn('view', { id: 'x' }, [], ['tap'])))).toEqual(['<view id="x"> (tap → onIt)']);
  });
  it('a label or text on what is drawn names it', () => {
    expect(unnamedControls(page(drawn('view', { ariaLabel: '打开' }, [], ['tap']), drawn('view', {}, [], ['tap'], '打开')))).toEqual([]);
  });
  it('a component given aria-label that its template does not draw has no name', () => {
    const dropped = component('t-switch', { id: 'urgent', ariaLabel: '紧急' }, [drawn('view', { class: 't-switch' })], ['change']);
    expect(unnamedControls(page(dropped))).toEqual(['<t-switch id="urgent"> (change → onIt)']);
  });
  it('a labelled wrapper names the control inside; a component drawing its label is named', () => {
    const wrapped = drawn('view', { ariaRole: 'switch', ariaLabel: '紧急' }, [component('t-switch', { id: 'urgent' }, [drawn('view', {})], ['change'])]);
    const button = component('t-button', { id: 'send', ariaLabel: '提交' }, [drawn('button', { ariaLabel: '提交' })], ['tap']);
    expect(unnamedControls(page(wrapped, button))).toEqual([]);
  });
});
