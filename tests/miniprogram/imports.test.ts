// The DevTools compile only miniprogram/: code there may import values only from inside it, and
// types (erased) from anywhere. A value import from core/ or backend/ would break the real build.
// And one module, services/cloud.ts, holds every wx.cloud call and the cloud/emulator switch. And
// every page that reaches a WeChat privacy API carries the privacy popup, and asks before the call.
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

describe("WeChat's privacy gate", () => {
  const code = (file: string): string => fs.readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
  /** The privacy APIs (隐私接口: developers.weixin.qq.com › framework › user-privacy › miniprogram-intro) a page might call. */
  const PRIVACY_API =
    /\bwx\.(chooseImage|chooseMedia|chooseVideo|chooseMessageFile|chooseLocation|choosePoi|getLocation|getFuzzyLocation|startLocationUpdate|startLocationUpdateBackground|chooseAddress|chooseInvoice|chooseInvoiceTitle|chooseLicensePlate|getWeRunData|saveImageToPhotosAlbum|saveVideoToPhotosAlbum|addPhoneContact|addPhoneCalendar|addPhoneRepeatCalendar|setClipboardData|getClipboardData|startRecord|getRecorderManager|openBluetoothAdapter|createVKSession)\b/;
  const files = sources(ROOT);
  const callers = new Set(files.filter((f) => PRIVACY_API.test(code(f))));
  /** Whether `file`, or a module it imports values from (through any depth), calls a privacy API. */
  function reaches(file: string, seen = new Set<string>()): boolean {
    if (seen.has(file)) return false;
    seen.add(file);
    if (callers.has(file)) return true;
    return valueImports(fs.readFileSync(file, 'utf8')).some((spec) => {
      const target = `${path.resolve(path.dirname(file), spec)}.ts`;
      return fs.existsSync(target) && reaches(target, seen);
    });
  }
  const pages = files.filter((f) => f.endsWith(`${path.sep}index.ts`) && /(^|\/)pages\//.test(path.relative(ROOT, f).split(path.sep).join('/')));
  const gatedPages = pages.filter((f) => reaches(f)).map((f) => path.relative(ROOT, path.dirname(f)).split(path.sep).join('/'));

  it('finds the pages that reach one, through shared helpers too (utils/photos.ts)', () => {
    expect(gatedPages.sort()).toEqual(['packageCommittee/pages/households', 'packageLeader/pages/qrcode', 'packageLeader/pages/request', 'pages/submit']);
  });

  it('each such page carries <privacy-popup> (declared in usingComponents and placed in its template)', () => {
    const withoutPopup = gatedPages.filter((page) => {
      const json = JSON.parse(fs.readFileSync(path.join(ROOT, page, 'index.json'), 'utf8')) as { usingComponents?: Record<string, string> };
      const declared = json.usingComponents?.['privacy-popup'] === '/components/privacy-popup/index';
      return !declared || !/<privacy-popup\b/.test(fs.readFileSync(path.join(ROOT, page, 'index.wxml'), 'utf8'));
    });
    expect(withoutPopup).toEqual([]);
  });

  it('each module that calls one asks the gate first (privacyAllows), so a refusal is explained', () => {
    const silent = [...callers].filter((f) => !/\bprivacyAllows\(/.test(code(f))).map((f) => path.relative(ROOT, f));
    expect(silent).toEqual([]);
  });
});
