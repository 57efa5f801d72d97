// Every page of the mini-program as the person who uses it sees it on the demo street: a real emulator
// running the built cloud functions and the seeded street, a little history written through the
// functions (a notice, two requests, one answered), then each page mounted on a phone held by a
// resident, a grid leader or the village committee, in normal or elder mode, and written out as an
// HTML document (page-document.ts) with the CSS wcsc's runtime writes for the phone's screen.
// Used by tests/miniprogram/screens.test.ts (the accessibility pass) and scripts/screenshots.ts.
import { MINUTE_MS } from '../../core/src/policy';
import { ELDER_MODE_STORAGE_KEY } from '../../miniprogram/utils/elder';
import { COMPILED_DIR, readFiles } from '../../scripts/lib/miniprogram-platform';
import { loadPageStyles, type PageStyles } from '../../scripts/lib/page-styles';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import type { DisplayMode } from './browser';
import { routeToEmulator, until, type Phone } from './emulator-phone';
import { installWorld, mount, PHONE_SCREEN, ROOT_TAG, settle } from './harness';
import { pageDocument } from './page-document';

type Role = 'resident' | 'leader' | 'committee';

/** The story's pace: the leader answers the first request inside the golden ten minutes; the second has waited a while. */
const LEADER_ANSWERS_AFTER_MS = 4 * MINUTE_MS;
const WAITING_FOR_MS = 3 * MINUTE_MS;

export interface Screen {
  role: Role;
  page: string;
  /** Filled in from the story once it is written (a request's id, a join code's scene). */
  query?: (story: Story) => Record<string, string>;
  /** Who holds the phone when it is not the role's usual person (someone not yet in a grid). */
  holder?: (story: Story) => string;
}

/** What the gallery wrote before the pages are shown, and who holds each phone. */
interface Story {
  holders: Record<Role, string>;
  /** Someone not yet in any grid, who opens a join code; and one invited to be a grid leader. */
  newcomer: string;
  invitee: string;
  noticeId: string;
  answeredRequestId: string;
  waitingRequestId: string;
  joinScene: string;
  inviteScene: string;
}

/** Each page with the role that uses it; home once per role (it shows each their own work). */
export const SCREENS: readonly Screen[] = [
  { role: 'resident', page: 'pages/home/index' },
  { role: 'resident', page: 'pages/submit/index' },
  { role: 'resident', page: 'pages/requests/index' },
  { role: 'resident', page: 'pages/request/index', query: (s) => ({ id: s.answeredRequestId }) },
  { role: 'resident', page: 'pages/notices/index' },
  { role: 'resident', page: 'pages/notice/index', query: (s) => ({ id: s.noticeId }) },
  { role: 'resident', page: 'pages/me/index' },
  { role: 'resident', page: 'pages/join/index', query: (s) => ({ scene: encodeURIComponent(s.joinScene) }), holder: (s) => s.newcomer },
  { role: 'resident', page: 'pages/invite/index', query: (s) => ({ scene: encodeURIComponent(s.inviteScene) }), holder: (s) => s.invitee },
  { role: 'leader', page: 'pages/home/index' },
  { role: 'leader', page: 'packageLeader/pages/inbox/index' },
  { role: 'leader', page: 'packageLeader/pages/request/index', query: (s) => ({ id: s.waitingRequestId }) },
  { role: 'leader', page: 'packageLeader/pages/roster/index' },
  { role: 'leader', page: 'packageLeader/pages/household/index' },
  { role: 'leader', page: 'packageLeader/pages/qrcode/index' },
  { role: 'committee', page: 'pages/home/index' },
  { role: 'committee', page: 'packageCommittee/pages/dashboard/index' },
  { role: 'committee', page: 'packageCommittee/pages/grids/index' },
  { role: 'committee', page: 'packageCommittee/pages/publish/index' },
  { role: 'committee', page: 'packageCommittee/pages/report/index' },
  { role: 'committee', page: 'packageCommittee/pages/followups/index' },
  { role: 'committee', page: 'packageCommittee/pages/replies/index' },
  { role: 'committee', page: 'packageCommittee/pages/households/index' },
  { role: 'committee', page: 'packageCommittee/pages/notices/index' },
  { role: 'committee', page: 'packageCommittee/pages/noticeReach/index', query: (s) => ({ id: s.noticeId }) },
  { role: 'committee', page: 'packageCommittee/pages/staff/index' },
  { role: 'committee', page: 'packageCommittee/pages/microgrids/index' },
  { role: 'committee', page: 'packageCommittee/pages/policy/index' },
];

/** A file-name-safe name for a screen: role, then the page path. */
export function screenName(screen: Screen): string {
  return `${screen.role}-${screen.page.replace(/\/index$/, '').replace(/\//g, '-')}`;
}

export interface Gallery {
  story: Story;
  /** Mounts `screen` in `mode` on a phone held by its role and answers the page as an HTML document. */
  render(screen: Screen, mode: DisplayMode): Promise<string>;
  close(): Promise<void>;
}

/** A round trip may answer with another call (a page loading its next part): settle until the wire is quiet. */
async function quiet(phone: Phone): Promise<void> {
  do {
    await until('the page finished loading', () => (phone.inFlight ?? 0) === 0);
    await settle();
  } while ((phone.inFlight ?? 0) > 0);
}

/**
 * While a page is shown, the phone's clock reads the emulator's (the seeded street's morning), so
 * countdowns read as they would; only then, so that nothing else in the process sees it.
 */
function setPhoneClock(nowMs: number): () => void {
  const RealDate = Date;
  class PhoneDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(nowMs);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return nowMs;
    }
  }
  globalThis.Date = PhoneDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}

async function writeStory(backend: TestBackend): Promise<Story> {
  const grid = backend.street.people.grids[0];
  const resident = grid?.residents[0]?.openid;
  const [newcomer, invitee] = grid?.unjoined ?? [];
  if (grid === undefined || resident === undefined || newcomer === undefined || invitee === undefined)
    throw new Error('the seed has no grid with residents and unjoined households');
  const leader = grid.leaders.gridLeader;
  const committee = backend.street.people.committee[grid.villageId] ?? '';
  const must = async <T>(name: string, data: unknown, openid: string): Promise<T> => {
    const reply = await backend.call<T>(name, data, openid);
    if (!reply.ok || reply.data === undefined) throw new Error(`${name} failed: ${reply.code ?? ''} ${reply.message ?? ''}`);
    return reply.data;
  };
  const notice = await must<{ notice: { id: string } }>(
    'publishNotice',
    { title: '周六上午停水通知', body: '因管道检修，周六 8 点到 12 点停水，请提前储水。', scope: { kind: 'village', villageId: grid.villageId } },
    committee,
  );
  const answered = await must<{ request: { id: string } }>(
    'submitRequest',
    { category: 'repairs', text: '三单元楼道灯坏了一周，晚上看不见台阶', idempotencyKey: 'gallery-request-answered' },
    resident,
  );
  await backend.emu.control.advance(LEADER_ANSWERS_AFTER_MS);
  await must('respondRequest', { requestId: answered.request.id, message: '收到，电工下午两点上门' }, leader);
  const waiting = await must<{ request: { id: string } }>(
    'submitRequest',
    { category: 'medicine', text: '家里老人降压药吃完了，腿脚不便出不了门', urgent: true, idempotencyKey: 'gallery-request-waiting' },
    resident,
  );
  await backend.emu.control.advance(WAITING_FOR_MS);
  const join = await must<{ scene: string }>('getJoinCode', { gridId: grid.gridId }, leader);
  const invitation = await must<{ scene: string }>('issueInvitation', { villageId: grid.villageId, gridId: grid.gridId, role: 'partyGroupLeader' }, committee);
  return {
    holders: { resident, leader, committee },
    newcomer: newcomer.openid,
    invitee: invitee.openid,
    noticeId: notice.notice.id,
    answeredRequestId: answered.request.id,
    waitingRequestId: waiting.request.id,
    joinScene: join.scene,
    inviteScene: invitation.scene,
  };
}

export async function openGallery(): Promise<Gallery> {
  const backend = await startTestBackend();
  const story = await writeStory(backend);
  const styles: PageStyles = loadPageStyles(COMPILED_DIR, readFiles(COMPILED_DIR), PHONE_SCREEN);
  return {
    story,
    async render(screen, mode) {
      const restoreClock = setPhoneClock(await backend.emu.control.now());
      const world = installWorld({ envVersion: 'develop' });
      if (mode === 'elder') world.storage.set(ELDER_MODE_STORAGE_KEY, true);
      const phone: Phone = { openid: screen.holder?.(story) ?? story.holders[screen.role] };
      routeToEmulator(world, backend.emu.url, phone);
      try {
        const page = await mount(screen.page, { query: screen.query?.(story) ?? {} });
        try {
          await quiet(phone);
          return pageDocument(page, styles.cssOf(screen.page, `${ROOT_TAG}--`), `${screenName(screen)} (${mode})`);
        } finally {
          page.unmount();
        }
      } finally {
        restoreClock();
      }
    },
    close: () => backend.emu.stop(),
  };
}
