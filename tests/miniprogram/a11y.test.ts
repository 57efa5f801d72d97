// Every interactive element in every template carries an accessible label (aria-label), and every
// page folder has the same four files. Static checks over the WXML, since the simulator does not
// render aria attributes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIPROGRAM_ROOT } from './harness';

interface AppJson {
  pages: string[];
  subPackages: { root: string; pages: string[] }[];
}

const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as AppJson;
const PAGES = [...app.pages, ...app.subPackages.flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))];
const INTERACTIVE = /<[a-z-]+\b[^>]*\b(?:bind:?tap|catch:?tap|bind:?change)=[^>]*>/g;

describe('templates', () => {
  it.each(PAGES)('%s has index.ts/json/wxml/wxss', (page) => {
    for (const ext of ['ts', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(MINIPROGRAM_ROOT, `${page}.${ext}`)), `${page}.${ext}`).toBe(true);
  });

  it.each(PAGES)('%s labels every tappable or editable element', (page) => {
    const wxml = fs.readFileSync(path.join(MINIPROGRAM_ROOT, `${page}.wxml`), 'utf8');
    const unlabelled = (wxml.match(INTERACTIVE) ?? []).filter((tag) => !/\baria-label="[^"]+"/.test(tag));
    expect(unlabelled).toEqual([]);
  });
});
