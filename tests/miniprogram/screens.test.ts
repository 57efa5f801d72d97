// @vitest-environment jsdom
// The accessibility pass: every page, as its role sees it on the demo street (gallery.ts), laid out
// in Debian's Chromium at a phone's size in normal and elder mode, and checked by axe-core with our
// thresholds (browser.ts). A finding fails the test naming the page, the element and what is wrong.
// `npm run screenshots` photographs the same renders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_MODES, openPhoneBrowser, type Finding, type PhoneBrowser } from './browser';
import { openGallery, SCREENS, screenName, type Gallery, type Screen } from './gallery';

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

  /** Each check fails on what it is there to catch, naming the element (a page as it is, made worse). */
  describe('the checks catch', () => {
    const screenNamed = (role: string, page: string): Screen => {
      const found = SCREENS.find((s) => s.role === role && s.page === page);
      if (found === undefined) throw new Error(`no screen ${role} ${page}`);
      return found;
    };
    const withCss = (html: string, css: string): string => html.replace('</head>', `<style>${css}</style></head>`);
    it("grey text too light to read, in app.wxss's muted colour", async () => {
      const html = withCss(await gallery.render(screenNamed('resident', 'pages/home/index'), 'normal'), 'body { --lx-muted: #bbbbbb; }');
      const findings = await browser.inspect(html, 'normal');
      expect(findings).toContainEqual(
        expect.objectContaining({
          rule: 'color-contrast',
          message: expect.stringMatching(/contrast of 1\.\d+ \(foreground color: #bbbbbb.*lx-root--lx-muted/),
        }),
      );
    });
    it('a control that has lost its name', async () => {
      const html = (await gallery.render(screenNamed('resident', 'pages/submit/index'), 'normal'))
        .replace(' aria-label="提交诉求"', '')
        .replace(/>提交</, '><');
      const findings = await browser.inspect(html, 'normal');
      expect(findings).toContainEqual(expect.objectContaining({ rule: 'lx-control-name', element: '<t-button id="send"> (tap → onSend)' }));
    });
    it('small type and a small target in elder mode', async () => {
      const html = withCss(
        await gallery.render(screenNamed('resident', 'pages/home/index'), 'elder'),
        '.lx-root--lx-muted { font-size: 14px !important; } wx-button { height: 40px !important; }',
      );
      const findings = await browser.inspect(html, 'elder');
      expect(findings).toContainEqual(expect.objectContaining({ rule: 'lx-elder-text-size', message: expect.stringContaining('text is 14 px') }));
      expect(findings).toContainEqual(
        expect.objectContaining({
          rule: 'lx-elder-target-size',
          element: '<t-button id="report"> (tap → onReport)',
          message: expect.stringContaining('× 40 px'),
        }),
      );
    });
  });

  const cases = SCREENS.flatMap((screen) => DISPLAY_MODES.map((mode) => ({ screen, mode, name: `${screenName(screen)} (${mode})` })));
  it.each(cases)(
    '$name',
    async ({ screen, mode, name }) => {
      const findings = await browser.inspect(await gallery.render(screen, mode), mode);
      expect(findings, `${name}:\n${describeFindings(findings)}`).toEqual([]);
    },
    SCREEN_LIMIT_MS,
  );
});
