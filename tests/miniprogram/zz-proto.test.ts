// @vitest-environment jsdom
import fs from 'node:fs';
import { it } from 'vitest';
import { installWorld, mount, ok, ROOT_TAG } from './harness';
import { pageDocument } from './page-document';
import { openPhoneBrowser, PHONE_SCREEN } from './browser';
import { loadPageStyles } from '../../scripts/lib/page-styles';
import { COMPILED_DIR, readFiles } from '../../scripts/lib/miniprogram-platform';
it('dump', async () => {
  const styles = loadPageStyles(COMPILED_DIR, readFiles(COMPILED_DIR), PHONE_SCREEN);
  const browser = await openPhoneBrowser();
  for (const [p, elder] of [['pages/submit/index', false], ['pages/home/index', true], ['pages/submit/index', true]] as const) {
    const world = installWorld();
    if (elder) world.storage.set('lx.elderMode', true);
    world.handlers.listMyRequests = () => ok({ items: [], nextCursor: null });
    world.handlers.listNotices = () => ok({ notices: [], nextCursor: null });
    const page = await mount(p);
    const html = pageDocument(page, styles.cssOf(p, `${ROOT_TAG}--`), p);
    const name = p.split('/')[1] + (elder ? '-elder' : '');
    fs.writeFileSync(`/tmp/proto/${name}.html`, html);
    const t = Date.now();
    const findings = await browser.inspect(html, elder ? 'elder' : 'normal', `/tmp/proto/${name}.png`);
    console.log(name, Date.now() - t, 'ms', JSON.stringify(findings, null, 1));
    page.unmount();
  }
  await browser.close();
}, 120000);
