// The DevTools compile only miniprogram/: code there may import values only from inside it, and
// types (erased) from anywhere. A value import from core/ or backend/ would break the real build.
// And one module, services/cloud.ts, holds every wx.cloud call and the cloud/emulator switch.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', 'miniprogram');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'miniprogram_npm' || d.name === 'node_modules' ? [] : sources(full);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative import specifiers of statements that bring values (not `import type`). */
function valueImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gm)].map((m) => m[1] ?? '');
}

describe('mini-program imports', () => {
  const files = sources(ROOT);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s imports values only from inside miniprogram/', (_name, file) => {
    const outside = valueImports(fs.readFileSync(file, 'utf8')).filter((spec) => !path.resolve(path.dirname(file), spec).startsWith(ROOT + path.sep));
    expect(outside).toEqual([]);
  });
});

describe('the one door to CloudBase', () => {
  const code = (file: string): string => fs.readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');

  it('only services/cloud.ts calls wx.cloud', () => {
    const callers = sources(ROOT)
      .filter((f) => /\bwx\.cloud\b/.test(code(f)))
      .map((f) => path.relative(ROOT, f));
    expect(callers).toEqual([path.join('services', 'cloud.ts')]);
  });

  it('only services/cloud.ts reads the envVersion and decides cloud or emulator by it', () => {
    const readers = sources(ROOT)
      .filter((f) => /getAccountInfoSync|'develop'/.test(code(f)))
      .map((f) => path.relative(ROOT, f));
    expect(readers).toEqual([path.join('services', 'cloud.ts')]);
  });
});
