// docs/API.md documents every cloud function: each function with an input schema, and each folder
// under cloudfunctions/, has its own heading there.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../core/src/schemas';

const ROOT = path.resolve(__dirname, '..', '..');
const apiDoc = fs.readFileSync(path.join(ROOT, 'docs', 'API.md'), 'utf8');
const headings = new Set([...apiDoc.matchAll(/^#{2,5} (\w+)\b/gm)].map((m) => m[1]));
const functionFolders = fs
  .readdirSync(path.join(ROOT, 'cloudfunctions'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, 'cloudfunctions', d.name, 'index.ts')))
  .map((d) => d.name);

describe('docs/API.md', () => {
  it.each([...new Set([...FUNCTION_NAMES, ...functionFolders])])('has a section for %s', (name) => {
    expect(headings.has(name)).toBe(true);
  });

  it.each([...new Set([...FUNCTION_NAMES, ...functionFolders])])('states the delivery guarantee of %s in one line', (name) => {
    const section = apiDoc.split(/^#{2,5} /m).find((s) => s.startsWith(`${name}`) && /^\w+\b/.exec(s)?.[0] === name) ?? '';
    expect(section.match(/^- Delivery: .+$/gm) ?? []).toHaveLength(1);
  });

  it('covers a function folder for every schema, and a schema for every user-called folder', () => {
    const timerOnly = functionFolders.filter((f) => !(FUNCTION_NAMES as string[]).includes(f));
    expect(FUNCTION_NAMES.filter((n) => !functionFolders.includes(n))).toEqual([]);
    expect(timerOnly.sort()).toEqual(['deliverNotices', 'sweepRequests']);
  });
});
