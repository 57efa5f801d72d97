// The demo street on a running emulator: seeding it on first start, and calling functions as a user
// through the emulator's client entry (the path the mini-program takes in develop mode).
import type { EmulatorInstance } from '../../emulator/src';
import { COLLECTIONS } from '../../backend/src/collections';
import { countOf } from '../../backend/src/db';
import { buildDemoStreet, DEMO_STREET, writeDemoStreet, type DemoStreet } from '../../backend/src/seed';

const DEMO_NOTICE = {
  title: '关于开展冬季消防安全检查的通知',
  body: '各位居民：本周六上午 9:00 起，网格员将入户检查用电用气安全，请家中留人配合。如有困难请在小程序内反映。',
};

/** Calls a function as `openid` through the emulator's client entry, as the mini-program would. */
export async function callAs(
  baseUrl: string,
  name: string,
  data: unknown,
  openid: string,
): Promise<{ ok?: boolean; data?: unknown; code?: string; message?: string; errCode?: unknown; errMsg?: string }> {
  const res = await fetch(`${baseUrl}/wx/callFunction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid },
    body: JSON.stringify({ name, data }),
  });
  const body = (await res.json()) as { result?: Record<string, unknown>; errCode?: unknown; errMsg?: string };
  return body.result ?? { errCode: body.errCode, errMsg: body.errMsg };
}

export interface SeededStreet {
  street: DemoStreet;
  noticePublished: boolean;
}

/** Seeds the demo street unless the database already has a street; null when there was one. */
export async function seedDemoStreetIfEmpty(emulator: EmulatorInstance): Promise<SeededStreet | null> {
  Object.assign(process.env, emulator.sdkEnvironment());
  const { getDb } = await import('../../backend/src/cloud');
  const db = getDb();
  if ((await countOf(db.collection(COLLECTIONS.streets))) > 0) return null;
  const street = buildDemoStreet(DEMO_STREET, emulator.clock.now());
  await writeDemoStreet(db, street);
  const firstVillage = street.villages[0];
  let noticePublished = false;
  if (firstVillage) {
    const committee = street.people.committee[firstVillage.id] ?? '';
    const published = await callAs(
      emulator.url,
      'publishNotice',
      { ...DEMO_NOTICE, scope: { kind: 'village', villageId: firstVillage.id }, urgent: false },
      committee,
    );
    noticePublished = published.ok === true;
    if (!noticePublished) console.log(`  (demo notice not published: ${published.message ?? published.errMsg ?? 'unknown'})`);
  }
  return { street, noticePublished };
}
