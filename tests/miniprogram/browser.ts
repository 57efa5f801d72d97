// Debian's Chromium (never a downloaded one), driven by playwright-core, at a phone's size: it lays out
// a page from page-document.ts, photographs it, and runs axe-core over it with our thresholds for
// normal and elder mode (适老化): contrast, accessible names, type size and touch-target size.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser } from 'playwright-core';
import { PHONE_SCREEN } from './harness';
import { CONTROL_ATTRIBUTE } from './page-document';

const nodeRequire = createRequire(__filename);
/** Where Debian's chromium package puts the browser; CHROMIUM_PATH names another. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type DisplayMode = 'normal' | 'elder';
export const DISPLAY_MODES: readonly DisplayMode[] = ['normal', 'elder'];

/** What each mode must meet. Elder mode: MIIT 适老化 large type, WCAG AAA contrast, 48 px targets. */
const THRESHOLDS: Record<DisplayMode, { contrast: number; minTextPx: number | null; minTargetPx: number | null }> = {
  normal: { contrast: 4.5, minTextPx: null, minTargetPx: null },
  elder: { contrast: 7, minTextPx: 18, minTargetPx: 48 },
};

/** axe's own rules we hold every page to: WCAG 2.2 A and AA, of which color-contrast takes our ratio. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** Chromium's switches for a machine with no display, GPU or network to spare. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-extensions',
  '--no-first-run',
  '--font-render-hinting=none',
];

export interface Finding {
  rule: string;
  /** The element, as the page knows it: a control's description, else axe's selector. */
  element: string;
  message: string;
}

interface Photos {
  /** At the phone's device pixel ratio. */
  screenshotPath?: string;
  /** One pixel per CSS pixel, for the README. */
  smallScreenshotPath?: string;
}

export interface PhoneBrowser {
  /** Lays out `html` in `mode`, runs the checks, and photographs the whole page where asked. */
  inspect(html: string, mode: DisplayMode, photos?: Photos): Promise<Finding[]>;
  close(): Promise<void>;
}

export async function openPhoneBrowser(): Promise<PhoneBrowser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: run scripts/install-browser.sh, or set CHROMIUM_PATH`);
  const axeSource = fs.readFileSync(nodeRequire.resolve('axe-core/axe.min.js'), 'utf8');
  const checksSource = fs.readFileSync(path.join(__dirname, 'axe-checks.js'), 'utf8');
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: { width: PHONE_SCREEN.width, height: PHONE_SCREEN.height },
    screen: { width: PHONE_SCREEN.width, height: PHONE_SCREEN.height },
    deviceScaleFactor: PHONE_SCREEN.pixelRatio,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    offline: true,
  });
  return {
    async inspect(html, mode, photos = {}) {
      const page = await context.newPage();
      try {
        await page.setContent(html, { waitUntil: 'load' });
        if (photos.screenshotPath !== undefined) await page.screenshot({ path: photos.screenshotPath, fullPage: true, animations: 'disabled' });
        if (photos.smallScreenshotPath !== undefined)
          await page.screenshot({ path: photos.smallScreenshotPath, fullPage: true, animations: 'disabled', scale: 'css' });
        await page.addScriptTag({ content: axeSource });
        await page.addScriptTag({ content: checksSource });
        // A string, so that no transpiler's helper lands in the page's code.
        const input = { thresholds: THRESHOLDS[mode], tags: AXE_TAGS, controlAttribute: CONTROL_ATTRIBUTE };
        return (await page.evaluate(`lxRunChecks(${JSON.stringify(input)})`)) as Finding[];
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}
