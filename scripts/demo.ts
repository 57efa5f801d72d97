// `npm run demo`: drives the demo street through the real wx-server-sdk path (the emulator's client
// entry runs each cloud function as the user, exactly as wx.cloud.callFunction would): a resident
// joins by QR and submits, a grid leader answers in four minutes, another request goes unanswered and
// escalates to the other 三长 and then to the duty officer; a 代办 request answered with a quick reply, a
// one-star rating followed up (回访), the household register imported from Excel, the week exported to
// Excel, a notice followed to an unreached household (电话告知), the staff list and a micro-grid. Prints what happened and how long each took,
// then every notification the run sent (from the emulator's outbox): who got it, on which channel
// (subscribe message or SMS), and when, in China time; and checks that every responder with a known
// mobile was reached by one or the other.
// Uses the emulator of `npm start` when one is running (EMULATOR_URL, default :8787; it moves that
// emulator's clock forward), otherwise starts its own in memory.
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { DEFAULT_PORT, startEmulator, type EmulatorInstance } from '../emulator/src';
import { buildDemoStreet, DEMO_ADMIN_OPENID, DEMO_STREET, type DemoStreet } from '../backend/src/seed';
import { smsNumberOf } from '../core/src/channels';
import { chinaDateOf, chinaDayjs } from '../core/src/chinaTime';
import { ROLE_LABELS } from '../core/src/model';
import { REGISTER_SHEET_FOLDER, REGISTER_SHEET_NAME } from '../core/src/register';
import { DEFAULT_POLICY, DEFAULT_RESPONSE_TARGET_MS, HOUR_MS, MINUTE_MS, SWEEP_INTERVAL_MS } from '../core/src/policy';
import { DEFAULT_TEMPLATE_IDS, TEMPLATE_KEYS } from '../core/src/subscriptions';
import { PRIVACY_NOTICE_VERSION } from '../core/src/privacyNotice';
import { callAs, seedDemoStreetIfEmpty } from './lib/demo-street';
import { productEmulatorOptions } from './lib/local-emulator';

const EMULATOR_URL = process.env.EMULATOR_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`;
/** The leader answers the first request this long after it arrives: inside the golden ten minutes. */
const LEADER_ANSWERS_AFTER_MS = 4 * MINUTE_MS;
/** Level 2 (duty officers) is due ten minutes after level 1 in the default escalation table. */
const LEVEL_TWO_AFTER_LEVEL_ONE_MS = 10 * MINUTE_MS;

interface RequestView {
  id: string;
  state: string;
  escalationLevel: number;
  responders: string[];
  /** What a resident is shown of who handles it: roles and names, never ids. */
  handledBy?: string[];
  responseDueAt: number;
  submittedAt: number;
  firstResponseMs?: number;
  events: Array<{ label: string; at: number }>;
  householdId?: string;
  residentId?: string;
  /** 代办: who submitted it for the household. */
  submittedBy?: string;
}

interface StepRecord {
  what: string;
  atMs: number;
  tookMs: number;
  outcome: string;
}

class DemoRun {
  readonly steps: StepRecord[] = [];
  constructor(
    readonly url: string,
    readonly startMs: number,
  ) {}

  async now(): Promise<number> {
    const res = await fetch(`${this.url}/__emulator/clock`);
    return ((await res.json()) as { nowMs: number }).nowMs;
  }

  async advance(ms: number, why: string): Promise<void> {
    const started = performance.now();
    const res = await fetch(`${this.url}/__emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: ms }),
    });
    const { nowMs } = (await res.json()) as { nowMs: number };
    this.record(`⏩ ${why}`, nowMs, performance.now() - started, `clock +${formatDuration(ms)}, due timer ticks fired`);
  }

  /** Calls a function as a user; fails the demo with the function's own message if it refuses. */
  async call<T>(what: string, name: string, data: unknown, openid: string, describe: (value: T) => string): Promise<T> {
    const started = performance.now();
    const reply = await callAs(this.url, name, data, openid);
    const tookMs = performance.now() - started;
    if (!reply.ok) throw new Error(`${what}: ${name} answered ${reply.code ?? reply.errCode} ${reply.message ?? reply.errMsg ?? ''}`);
    const value = reply.data as T;
    this.record(what, await this.now(), tookMs, describe(value));
    return value;
  }

  private record(what: string, atMs: number, tookMs: number, outcome: string): void {
    const step = { what, atMs, tookMs, outcome };
    this.steps.push(step);
    console.log(`  T+${formatDuration(atMs - this.startMs).padStart(6)}  ${what}  (${tookMs.toFixed(0)} ms)\n             → ${outcome}`);
  }
}

/** One open-API call as GET /__emulator/outbox lists it. */
interface OutboxMessage {
  api: string;
  request: { touser?: string; template_id?: string; page?: string; phone_number_list?: string[]; template_param_list?: string[] };
  error?: { errcode: number; errmsg: string };
  atMs: number;
}

const SUBSCRIBE_API = 'subscribeMessage.send';
const SMS_API = 'cloudbase.sendSmsV2';
const CHINA_CLOCK_FORMAT = 'MM-DD HH:mm:ss';

/** 一户一档: three households of the template's columns the demo street has not registered; the third has no room, to show a bad row reported. */
const DEMO_REGISTER_ROWS = [
  ['9栋', '1单元', '101', '赵桂芝', '13812340001', '独居老人', '是', '', '张建国', '13900001111'],
  ['9栋', '1单元', '102', '钱明', '13812340002', '', '否', '钱小红/女儿', '', ''],
  ['9栋', '1单元', '', '孙强', '', '', '', '', '', ''],
];

/**
 * The committee's filled-in sheet: the downloaded template with the example row replaced by DEMO_REGISTER_ROWS, uploaded as the phone does.
 * The template is downloaded by the temporary URL the function issued: the storage rule lets no client read a function's file.
 */
async function filledRegisterSheet(url: string, openid: string, templateUrl: string, gridId: string): Promise<string> {
  const asCaller = { 'X-WX-OPENID': openid };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await (await fetch(templateUrl)).arrayBuffer());
  const sheet = workbook.getWorksheet(REGISTER_SHEET_NAME);
  if (sheet === undefined) throw new Error('the template has no households sheet');
  sheet.spliceRows(2, 1, ...DEMO_REGISTER_ROWS);
  const form = new FormData();
  // Into the grid's own folder: importHouseholds reads no other (core/src/register.ts isGridSheet).
  form.append('cloudPath', `${REGISTER_SHEET_FOLDER}/${gridId}/${randomUUID()}.xlsx`);
  form.append('file', new Blob([await workbook.xlsx.writeBuffer()]), 'register.xlsx');
  return ((await (await fetch(`${url}/wx/uploadFile`, { method: 'POST', headers: asCaller, body: form })).json()) as { fileID: string }).fileID;
}

async function outbox(url: string): Promise<OutboxMessage[]> {
  return ((await (await fetch(`${url}/__emulator/outbox`)).json()) as { messages: OutboxMessage[] }).messages;
}

/** "张建国 (网格长)" for staff, by openid or by mobile; "resident o-…" for anyone else. */
function whoIs(street: DemoStreet, by: { openid?: string; phone?: string }): string {
  const staff = street.roleAssignments.find((a) => (by.openid !== undefined ? a.userId === by.openid : smsNumberOf(a.phone) === by.phone));
  if (staff) return `${staff.displayName ?? staff.userId} (${ROLE_LABELS[staff.role]})`;
  return `${ROLE_LABELS.resident} ${by.openid ?? by.phone ?? '?'}`;
}

const TEMPLATE_NAMES: Record<string, string> = Object.fromEntries(TEMPLATE_KEYS.map((key) => [DEFAULT_TEMPLATE_IDS[key], key]));

/** Every notification sent since outbox entry `from`: who, on which channel, when (China time), and what became of it. */
function notificationLines(street: DemoStreet, messages: readonly OutboxMessage[]): string[] {
  return messages.flatMap((m) => {
    const when = chinaDayjs(m.atMs).format(CHINA_CLOCK_FORMAT);
    const outcome = m.error ? `refused ${m.error.errcode} ${m.error.errmsg}` : 'delivered';
    if (m.api === SUBSCRIBE_API) {
      const template = TEMPLATE_NAMES[m.request.template_id ?? ''] ?? m.request.template_id;
      return [`  ${when}  ${whoIs(street, { openid: m.request.touser })}  subscribe message ${template} → ${m.request.page ?? ''}  ${outcome}`];
    }
    if (m.api === SMS_API) {
      return (m.request.phone_number_list ?? []).map(
        (phone) => `  ${when}  ${whoIs(street, { phone })}  SMS ${phone} "${m.request.template_param_list?.[0] ?? ''}"  ${outcome}`,
      );
    }
    return [];
  });
}

/** How an inbox item's owner heard of it: by subscribe message, by SMS, or why not. */
function reachOf(item: { notified?: string; sms?: string }): { reached: boolean; how: string } {
  if (item.notified === 'sent') return { reached: true, how: 'subscribe message' };
  // Consent ran out (or this was an escalation to the duty desk or the street): the SMS reached them.
  if (item.sms === 'sent') return { reached: true, how: 'SMS (no subscribe consent left)' };
  return { reached: false, how: `not reached: subscribe message ${item.notified ?? 'n/a'}, SMS ${item.sms ?? 'not owed'}` };
}

function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  return `${Math.floor(totalSeconds / 60)}:${String(totalSeconds % 60).padStart(2, '0')}`;
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/__emulator/health`)).ok;
  } catch {
    return false;
  }
}

async function connect(): Promise<{ url: string; own?: EmulatorInstance }> {
  if (await isHealthy(EMULATOR_URL)) {
    console.log(`Using the running emulator at ${EMULATOR_URL} (its clock moves forward by about half an hour).`);
    return { url: EMULATOR_URL };
  }
  console.log(`No emulator at ${EMULATOR_URL}: starting one in memory with the demo street.`);
  const own = await startEmulator({
    ...productEmulatorOptions({ adminOpenids: [DEMO_ADMIN_OPENID] }),
    port: 0,
    dataDir: null,
    realtimeTimers: false,
    log: () => undefined,
  });
  await seedDemoStreetIfEmpty(own);
  return { url: own.url, own };
}

async function main(): Promise<void> {
  const { url, own } = await connect();
  try {
    const { people } = buildDemoStreet(DEMO_STREET, 0);
    const grid = people.grids[0];
    const newcomer = grid?.unjoined[0];
    if (!grid || !newcomer) throw new Error('the demo street has no grid with an unjoined household');
    const committee = people.committee[grid.villageId] ?? '';
    const dutyOfficer = people.dutyOfficers[grid.villageId] ?? '';
    const { gridLeader, partyGroupLeader, buildingLeader } = grid.leaders;
    const street = buildDemoStreet(DEMO_STREET, 0);
    const outboxBefore = (await outbox(url)).length;
    const run = new DemoRun(url, await (async () => ((await fetch(`${url}/__emulator/clock`).then((r) => r.json())) as { nowMs: number }).nowMs)());
    console.log(`\nGrid ${grid.gridId}: leader ${gridLeader}, resident ${newcomer.openid}\n`);

    await run.call(
      'Committee switches on emergency mode (service 24/7)',
      'setVillagePolicy',
      { villageId: grid.villageId, calendar: { emergencyMode: true } },
      committee,
      () => 'response targets now count every minute of the day',
    );
    const code = await run.call<{ scene: string; fileID: string }>(
      'Committee prints the grid QR code',
      'getJoinCode',
      { gridId: grid.gridId },
      committee,
      (c) => `scene "${c.scene}" (${c.scene.length} chars), image ${c.fileID}`,
    );
    await run.call<{ grid: { name: string; villageName: string }; alreadyMember: boolean }>(
      'Resident scans it and joins',
      'joinGrid',
      // The resident ticked the join page's privacy notice (core/src/privacyNotice.ts).
      {
        privacyConsent: { version: PRIVACY_NOTICE_VERSION },
        scene: code.scene,
        household: { building: '3栋', unit: '2单元', room: '502', careNeeds: ['elderlyAlone'] },
      },
      newcomer.openid,
      (j) => `${j.alreadyMember ? 'already a member of' : 'joined'} ${j.grid.villageName} ${j.grid.name}`,
    );
    await run.call(
      'Grid leader allows one notification',
      'recordSubscription',
      { acceptedTemplateIds: ['tmpl-request-assigned'], grantId: randomUUID() },
      gridLeader,
      () => 'one-time subscribe authorisation counted',
    );

    const answered = await run.call<{ request: RequestView }>(
      'Resident asks for medicine',
      'submitRequest',
      { category: 'medicine', text: '家中老人降压药吃完了，行动不便，请帮忙代购。', idempotencyKey: randomUUID() },
      newcomer.openid,
      (r) => `told ${(r.request.handledBy ?? []).join(', ')}; answer due by T+${formatDuration(r.request.responseDueAt - run.startMs)}`,
    );
    await run.call<{ page: { items: Array<{ requestId: string; notified?: string; sms?: string }> } }>(
      'Leader opens the inbox',
      'listInbox',
      { view: 'mine' },
      gridLeader,
      (inbox) => {
        const item = inbox.page.items.find((i) => i.requestId === answered.request.id);
        return item ? `request is there (told by ${reachOf(item).how})` : 'request missing!';
      },
    );
    await run.advance(LEADER_ANSWERS_AFTER_MS, 'four minutes pass');
    const reply = await run.call<RequestView>(
      'Leader answers',
      'respondRequest',
      { requestId: answered.request.id, message: '收到，半小时内送到。' },
      gridLeader,
      (r) =>
        `first response after ${formatDuration(r.firstResponseMs ?? 0)}: ${(r.firstResponseMs ?? Infinity) <= DEFAULT_RESPONSE_TARGET_MS ? 'within' : 'outside'} the golden ten minutes`,
    );
    await run.call(
      'Leader resolves it',
      'updateRequestStatus',
      { requestId: answered.request.id, action: 'resolve', note: '药已送到。' },
      gridLeader,
      () => 'resolved, waiting for the resident',
    );
    await run.call(
      'Resident confirms and rates',
      'confirmRequest',
      { requestId: answered.request.id, rating: 5, comment: '很及时，谢谢！' },
      newcomer.openid,
      () => 'confirmed with ★★★★★',
    );

    // 代办: a household nobody of which has joined phones the leader, who submits on its behalf and answers with a quick reply.
    const phoned = grid.unjoined[1];
    if (phoned !== undefined) {
      const behalf = await run.call<{ request: RequestView }>(
        'Leader takes a phone call and submits for a household without the app (代办)',
        'submitRequest',
        { category: 'supplies', text: '独居老人来电：米和油用完了。', idempotencyKey: randomUUID(), onBehalfOf: { householdId: phoned.householdId } },
        gridLeader,
        (r) =>
          `for ${r.request.householdId} (resident ${r.request.residentId}), submitted by ${r.request.submittedBy}; routed to ${r.request.responders.join(', ')}`,
      );
      const opened = await run.call<RequestView & { quickReplies?: string[] }>(
        'Leader opens it: the village quick replies',
        'getRequest',
        { requestId: behalf.request.id },
        gridLeader,
        (r) => (r.quickReplies ?? []).join(' / '),
      );
      await run.call(
        'Leader answers with one tap',
        'respondRequest',
        { requestId: behalf.request.id, message: opened.quickReplies?.[0] ?? '收到，马上安排' },
        gridLeader,
        () => `answered; to be resolved within ${DEFAULT_POLICY.resolutionTargetsMs.supplies / HOUR_MS} h of submission, or the leader is reminded`,
      );
    }

    const unanswered = await run.call<{ request: RequestView }>(
      'Resident reports a burst pipe',
      'submitRequest',
      { category: 'repairs', text: '楼道水管破裂，水流不止。', idempotencyKey: randomUUID() },
      newcomer.openid,
      (r) => `told ${(r.request.handledBy ?? []).join(', ')}`,
    );
    const requestId = unanswered.request.id;
    const show = (r: RequestView): string => {
      const last = r.events.at(-1);
      const after = last ? ` ${formatDuration(last.at - r.submittedAt)} after it was sent` : '';
      return `level ${r.escalationLevel}, "${last?.label ?? ''}"${after}; handled by ${(r.handledBy ?? []).join(', ')}`;
    };
    await run.advance(DEFAULT_RESPONSE_TARGET_MS + SWEEP_INTERVAL_MS, 'ten minutes pass, nobody answers');
    const level1 = await run.call<RequestView>('Resident checks the request', 'getRequest', { requestId }, newcomer.openid, show);
    await run.advance(LEVEL_TWO_AFTER_LEVEL_ONE_MS, 'ten more minutes, still no answer');
    const level2 = await run.call<RequestView>('Resident checks again', 'getRequest', { requestId }, newcomer.openid, show);
    await run.call<{ page: { items: Array<{ requestId: string }> } }>('Duty officer opens the inbox', 'listInbox', { view: 'mine' }, dutyOfficer, (inbox) =>
      inbox.page.items.some((i) => i.requestId === requestId) ? 'the burst pipe is there' : 'missing!',
    );

    // 回访: a one-star rating reaches the committee, who call back and record it; the week goes to Excel.
    const unhappy = await run.call<{ request: RequestView }>(
      'Resident reports a broken corridor light',
      'submitRequest',
      { category: 'repairs', text: '楼道灯坏了，晚上看不见。', idempotencyKey: randomUUID() },
      newcomer.openid,
      (r) => `told ${(r.request.handledBy ?? []).join(', ')}`,
    );
    const lightId = unhappy.request.id;
    await run.call('Leader answers', 'respondRequest', { requestId: lightId, message: '明天来修。' }, gridLeader, () => 'answered');
    await run.call('Leader resolves it', 'updateRequestStatus', { requestId: lightId, action: 'resolve', note: '已换灯泡。' }, gridLeader, () => 'resolved');
    await run.call(
      'Resident rates it one star',
      'confirmRequest',
      { requestId: lightId, rating: 1, comment: '根本没人来' },
      newcomer.openid,
      () => 'confirmed with ★',
    );
    const followUps = await run.call<{ openCount: number; items: Array<{ id: string; requestId: string }> }>(
      'Committee opens 回访',
      'listFollowUps',
      { villageId: grid.villageId },
      committee,
      (l) => `${l.openCount} to call back`,
    );
    const followUp = followUps.items.find((f) => f.requestId === lightId);
    if (followUp === undefined) throw new Error('the one-star rating made no follow-up');
    await run.call(
      'Committee calls back and records it',
      'recordFollowUp',
      { followUpId: followUp.id, outcome: 'explained', note: '已电话说明，灯已修好。' },
      committee,
      () => `follow-up ${followUp.id} done`,
    );
    const template = await run.call<{ fileID: string; tempFileURL?: string }>(
      'Committee downloads the 一户一档 import template',
      'getHouseholdTemplate',
      {},
      committee,
      (t) => t.fileID,
    );
    await run.call<{ added: number; updated: number; unchanged: number; errors: { row: number; message: string }[] }>(
      'Committee imports the filled-in sheet for the grid',
      'importHouseholds',
      { gridId: grid.gridId, fileID: await filledRegisterSheet(url, committee, template.tempFileURL ?? '', grid.gridId) },
      committee,
      (r) =>
        `added ${r.added}, updated ${r.updated}, unchanged ${r.unchanged}; refused ${r.errors.map((e) => `row ${e.row} (${e.message})`).join(', ') || 'none'}`,
    );
    await run.call<{ cloudPath: string }>(
      'Committee exports this week to Excel',
      'exportReport',
      { period: { kind: 'week', date: chinaDateOf(await run.now()) } },
      committee,
      (e) => `${e.cloudPath}: a sheet per grid and per person`,
    );

    // 不落一户: the committee follows its notice to the households nobody has read it in, care needs first.
    const notice = await run.call<{ notice: { id: string } }>(
      'Committee publishes a notice to the village',
      'publishNotice',
      {
        title: '周六停水通知',
        body: '周六8点至12点停水，请提前储水，相互转告。',
        scope: { kind: 'village', villageId: grid.villageId },
        idempotencyKey: randomUUID(),
      },
      committee,
      (n) => `notice ${n.notice.id}`,
    );
    await run.call<{ notices: Array<{ id: string; reach?: { reached: number; total: number } | null }> }>(
      "Committee opens the village's notices",
      'listNotices',
      { withReach: true },
      committee,
      (l) => {
        const reach = l.notices.find((n) => n.id === notice.notice.id)?.reach;
        return reach ? `reached ${reach.reached} of ${reach.total} households` : 'no reach yet';
      },
    );
    const noticeReach = await run.call<{
      grids: Array<{ total: number; unreached: Array<{ householdId: string; building?: string; room?: string; careNeeds?: string[] }> }>;
    }>('Committee opens its reach in the grid', 'getNoticeReach', { noticeId: notice.notice.id, gridId: grid.gridId }, committee, (r) => {
      const row = r.grids[0];
      const first = row?.unreached[0];
      return `${row?.unreached.length ?? 0} of ${row?.total ?? 0} unreached; first ${first?.building ?? ''}${first?.room ?? ''} (${(first?.careNeeds ?? []).length > 0 ? 'care needs' : 'no care needs'})`;
    });
    const firstUnreached = noticeReach.grids[0]?.unreached[0];
    if (firstUnreached === undefined) throw new Error('nobody unreached right after publishing');
    await run.call(
      'Committee phones that household and marks it told (电话告知)',
      'markHouseholdReached',
      { noticeId: notice.notice.id, householdId: firstUnreached.householdId, channel: 'phone' },
      committee,
      () => `${firstUnreached.householdId} told by phone`,
    );

    // Staff and an emergency micro-grid (战时小网格) over the resident's building, ended when it is over.
    await run.call<{ staff: Array<{ displayName: string; roleLabel: string }>; invitations: unknown[] }>(
      "Committee opens the village's staff",
      'listStaff',
      { villageId: grid.villageId },
      committee,
      (s) => `${s.staff.length} people (${[...new Set(s.staff.map((m) => m.roleLabel))].join('、')}), ${s.invitations.length} unused invitations`,
    );
    const microGrid = await run.call<{ microGrid: { id: string } }>(
      'Committee draws a micro-grid over building 9',
      'createMicroGrid',
      { gridId: grid.gridId, name: '9栋临时网格', buildings: ['9栋'] },
      committee,
      (m) => `micro-grid ${m.microGrid.id}`,
    );
    await run.call<{ ended: boolean; rolesEnded: number }>(
      'Committee ends the micro-grid',
      'endMicroGrid',
      { microGridId: microGrid.microGrid.id },
      committee,
      (e) => `ended (${e.rolesEnded} temporary roles ended)`,
    );

    // Every responder of both requests with a known mobile heard of it, by subscribe message or SMS.
    const reach: string[] = [];
    let everyoneReached = true;
    // The responders' ids as staff see them (a resident is shown roles and names only).
    const respondersOf = async (id: string): Promise<string[]> =>
      ((await callAs(url, 'getRequest', { requestId: id }, gridLeader)).data as RequestView | undefined)?.responders ?? [];
    for (const [request, responders] of [
      [answered.request.id, await respondersOf(answered.request.id)],
      [requestId, await respondersOf(requestId)],
    ] as const) {
      for (const userId of responders) {
        const inbox = await callAs(url, 'listInbox', { view: 'mine' }, userId);
        const items = (
          (inbox.data as { page?: { items?: Array<{ requestId: string; notified?: string; sms?: string }> } } | undefined)?.page?.items ?? []
        ).filter((i) => i.requestId === request);
        const phoneKnown = smsNumberOf(street.roleAssignments.find((a) => a.userId === userId)?.phone) !== null;
        for (const item of items) {
          const { reached, how } = reachOf(item);
          if (!reached && phoneKnown) everyoneReached = false;
          reach.push(`  ${whoIs(street, { openid: userId })} on ${request === requestId ? 'the burst pipe' : 'the medicine'}: ${how}`);
        }
      }
    }
    console.log(`\nWho heard of each request\n${reach.join('\n')}`);
    const sent = notificationLines(street, (await outbox(url)).slice(outboxBefore));
    console.log(`\nNotifications (${sent.length}), China time\n${sent.join('\n')}`);

    const ok = reply.firstResponseMs !== undefined && level1.escalationLevel >= 1 && level2.escalationLevel >= 2 && everyoneReached && reach.length > 0;
    console.log(`\nSummary
  answered request: first response ${formatDuration(reply.firstResponseMs ?? 0)} (target ${formatDuration(DEFAULT_RESPONSE_TARGET_MS)})
  unanswered request: level ${level1.escalationLevel} (other 三长: ${[partyGroupLeader, buildingLeader].join(', ')}), then level ${level2.escalationLevel} (duty officer ${dutyOfficer})
  ${run.steps.length} steps; function calls took (the first call of each function starts its instance: a cold start) ${run.steps
    .filter((s) => !s.what.startsWith('⏩'))
    .map((s) => s.tookMs.toFixed(0))
    .join(' / ')} ms`);
    if (!ok) process.exitCode = 1;
  } finally {
    await own?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
