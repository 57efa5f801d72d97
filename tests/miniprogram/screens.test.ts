// @vitest-environment jsdom
// The accessibility pass: every page, as its role sees it on the demo street (gallery.ts), laid out
// in Debian's Chromium at a phone's size in normal and elder mode, and checked by axe-core with our
// thresholds (browser.ts). A finding fails the test naming the page, the element and what is wrong.
// `npm run screenshots` photographs the same renders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_MODES, openPhoneBrowser, type Finding, type PhoneBrowser } from './browser';
import { openGallery, SCREENS, screenName, type Gallery } from './gallery';

/** Starting the emulator, writing the story and starting Chromium. */
const SETUP_LIMIT_MS = 120_000;
/** One page: mount over real HTTP, lay out, run axe. */
const SCREEN_LIMIT_MS = 60_000;

function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `  ${f.rule} on ${f.element}: ${f.message}`).join('\n');
}

describe('every page in a real browser', () => {
  let gallery: Gallery;
  let browser: PhoneBrowser;
  beforeAll(async () => {
    [gallery, browser] = await Promise.all([openGallery(), openPhoneBrowser()]);
  }, SETUP_LIMIT_MS);
  afterAll(async () => {
    await Promise.all([gallery?.close(), browser?.close()]);
  });

  const cases = SCREENS.flatMap((screen) => DISPLAY_MODES.map((mode) => ({ screen, mode, name: `${screenName(screen)} (${mode})` })));
  it.each(cases)('$name', async ({ screen, mode, name }) => {
    const findings = await browser.inspect(await gallery.render(screen, mode), mode);
    expect(findings, `${name}:\n${describeFindings(findings)}`).toEqual([]);
  }, SCREEN_LIMIT_MS);
});
