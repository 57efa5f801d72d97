// `npm run screenshots`: every page, as its role sees it on the demo street, in normal and elder mode,
// photographed in Debian's Chromium at 375 × 812 CSS px and device pixel ratio 2, through the path the
// page tests use (tests/miniprogram/gallery.ts: miniprogram-simulate with the real TDesign components,
// wcc's templates and wcsc's CSS). Writes one PNG per page, mode and role to .build/screenshots/, the
// README's four to docs/screenshots/, and prints what the accessibility pass finds on each page.
// Run `npm run build:functions` and `npm run build:miniprogram` first (npm run screenshots does).
// Type-checked with the page tests (tests/miniprogram/tsconfig.json: DOM and the mini-program's globals).
import fs from 'node:fs';
import path from 'node:path';
import { builtinEnvironments } from 'vitest/environments';
import { PROJECT_ROOT } from './lib/miniprogram-platform';
import { exitWhenDone } from './lib/run-main';

const OUTPUT_DIR = path.join(PROJECT_ROOT, '.build', 'screenshots');
const README_DIR = path.join(PROJECT_ROOT, 'docs', 'screenshots');
/** The README's four: what a resident, a grid leader and a committee member open first. */
const README_SCREENS: Record<string, string> = {
  'resident-pages-home-normal': 'resident-home.png',
  'resident-pages-submit-normal': 'resident-submit.png',
  'leader-packageLeader-pages-inbox-normal': 'leader-inbox.png',
  'committee-packageCommittee-pages-dashboard-normal': 'committee-dashboard.png',
};

async function main(): Promise<void> {
  const started = performance.now();
  // The pages render in jsdom exactly as under vitest's jsdom environment.
  await builtinEnvironments.jsdom.setup(globalThis, {});
  const { DISPLAY_MODES, openPhoneBrowser } = await import('../tests/miniprogram/browser');
  const { openGallery, SCREENS, screenName } = await import('../tests/miniprogram/gallery');
  fs.rmSync(OUTPUT_DIR, { recursive: true, force: true });
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  fs.mkdirSync(README_DIR, { recursive: true });
  const [gallery, browser] = await Promise.all([openGallery(), openPhoneBrowser()]);
  let shots = 0;
  let findingsInAll = 0;
  // The browser photographs and checks one page while the next renders (pages render one at a time).
  let photographing: Promise<void> = Promise.resolve();
  try {
    for (const screen of SCREENS) {
      for (const mode of DISPLAY_MODES) {
        const name = `${screenName(screen)}-${mode}`;
        const readmeFile = README_SCREENS[name];
        const html = await gallery.render(screen, mode);
        await photographing;
        photographing = browser
          .inspect(html, mode, {
            screenshotPath: path.join(OUTPUT_DIR, `${name}.png`),
            ...(readmeFile === undefined ? {} : { smallScreenshotPath: path.join(README_DIR, readmeFile) }),
          })
          .then((findings) => {
            shots += 1;
            findingsInAll += findings.length;
            console.log(`${name}: ${findings.length === 0 ? 'no findings' : `${findings.length} finding(s)`}`);
            for (const f of findings) console.log(`  ${f.rule} on ${f.element}: ${f.message}`);
          });
      }
    }
    await photographing;
  } finally {
    await Promise.all([gallery.close(), browser.close()]);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${shots} screenshots in ${path.relative(PROJECT_ROOT, OUTPUT_DIR)}/ (README's in ${path.relative(PROJECT_ROOT, README_DIR)}/), ${findingsInAll} finding(s), ${seconds} s`,
  );
}

exitWhenDone(main);
