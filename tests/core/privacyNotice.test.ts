// The privacy notice tells residents where to exercise their rights: the page it names must be the
// mini-program's own "my information" page, reachable from home, so the text and the product agree.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIVACY_NOTICE, PRIVACY_NOTICE_VERSION, privacyConsentOf } from '../../core/src/privacyNotice';

const MINIPROGRAM = path.resolve(__dirname, '..', '..', 'miniprogram');
const readPage = (file: string): string => fs.readFileSync(path.join(MINIPROGRAM, file), 'utf8');

describe('privacy notice', () => {
  it("names the page where residents see, correct and delete their information, as that page's title", () => {
    const title = (JSON.parse(readPage('pages/me/index.json')) as { navigationBarTitleText: string }).navigationBarTitleText;
    const rights = PRIVACY_NOTICE.sections.find((s) => s.heading === '查看、更正和删除');
    expect(rights?.body).toContain(`「${title}」`);
    expect(readPage('pages/home/index.ts')).toContain("url: '/pages/me/index'");
  });

  it('takes consent only to the version in force', () => {
    expect(privacyConsentOf(PRIVACY_NOTICE_VERSION, 1)).toEqual({ ok: true, value: { version: PRIVACY_NOTICE_VERSION, at: 1 } });
    expect(privacyConsentOf('2026-12-01', 1)).toMatchObject({ ok: false, code: 'PRIVACY.CONSENT_REQUIRED' });
  });
});
