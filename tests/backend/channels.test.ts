// Reaching the person, through the real wx-server-sdk against the emulator: one subscribe message per
// tap of consent, then SMS (cloudbase.sendSmsV2 with a URL Link into packageLeader's request page);
// SMS on every escalation to the duty officer; a village's SMS switch and daily budget; a failing SMS
// retried and recorded with its reason; the due-soon reminder three minutes before the target, once,
// and none after a reply. Everything is asserted from the emulator's outbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESPONDER_REQUEST_PAGE, SMS_VARIABLE_MAX_CHARS, smsNumberOf } from '../../core/src/channels';
import { EFFECT_MAX_TRIES, retryDelayMs, type Effect } from '../../core/src/effects';
import { DEFAULT_POLICY, DEFAULT_RESPONSE_TARGET_MS, MINUTE_MS, SWEEP_INTERVAL_MS } from '../../core/src/policy';
import type { InboxItem, RequestView } from '../../core/src/schemas';
import type { VillageDashboard } from '../../core/src/schemas/dashboard';
import { TEMPLATE_IDS } from '../../backend/src/notify';
import { characterCount } from '../../core/src/text';
import { startTestBackend, type TestBackend } from '../helpers/backend';
import { inboxItems, newKey, sendsTo, submit } from './requestsHelpers';

let backend: TestBackend;
// Each test its own street: SMS budgets and escalations of one test never reach another's.
beforeEach(async () => {
  backend = await startTestBackend();
}, 60_000);
afterEach(() => backend.emu.stop());

const SMS_API = 'cloudbase.sendSmsV2';
const WX_SYSTEM_ERROR = -1;

interface SmsEntry {
  api: string;
  request: { env?: string; url_link?: string; template_id?: string; template_param_list?: string[]; phone_number_list?: string[] };
  error?: { errcode: number; errmsg: string };
  atMs: number;
}

const grid = (i: number) => backend.street.people.grids[i]!;
const resident = (g: number, r = 0) => grid(g).residents[r]!.openid;

function phoneOf(userId: string): string {
  const phone = backend.street.roleAssignments.find((a) => a.userId === userId)?.phone;
  const number = smsNumberOf(phone);
  if (number === null) throw new Error(`${userId} has no mobile in the seed`);
  return number;
}

async function smsTo(userId: string): Promise<SmsEntry[]> {
  const all = (await backend.emu.control.outbox(SMS_API)) as SmsEntry[];
  return all.filter((m) => m.request.phone_number_list?.includes(phoneOf(userId)));
}

async function itemOf(requestId: string, userId: string): Promise<InboxItem | undefined> {
  return (await inboxItems(backend, requestId)).find((i) => i.userId === userId);
}

async function grant(userId: string, templateIds: readonly string[]): Promise<void> {
  const reply = await backend.call('recordSubscription', { acceptedTemplateIds: templateIds, grantId: newKey('grant') }, userId);
  expect(reply.ok).toBe(true);
}

/** The village's SMS policy, as the committee would set it (stored as setVillagePolicy stores it). */
async function setSms(villageId: string, sms: { enabled: boolean; dailyBudget: number }): Promise<void> {
  await backend.db
    .collection('villagePolicies')
    .doc(villageId)
    .set({ data: { villageId, sms, updatedAt: 0, updatedBy: 'test' } });
}

async function dashboardSms(villageId: string): Promise<VillageDashboard['sms']> {
  const reply = await backend.call<VillageDashboard>('getVillageDashboard', { villageId }, backend.street.people.committee[villageId]!);
  expect(reply.ok).toBe(true);
  return reply.data!.sms;
}

async function storedEffects(requestId: string): Promise<Effect[]> {
  const docs = (await backend.emu.control.collection('requests')) as Array<{ _id: string; effects?: Record<string, Effect> }>;
  return Object.values(docs.find((d) => d._id === requestId)?.effects ?? {});
}

describe('consent, then SMS', () => {
  it('a leader who tapped N times gets N new-request messages; the next request reaches them by SMS that opens its page in packageLeader', async () => {
    const N = 3;
    const leader = grid(0).leaders.gridLeader;
    for (let i = 0; i < N; i++) await grant(leader, [TEMPLATE_IDS.requestAssigned]);

    const requests: RequestView[] = [];
    for (let i = 0; i < N; i++) requests.push(await submit(backend, resident(0), `第${i + 1}件事：楼道灯坏了`));
    const messages = await sendsTo(backend, leader, TEMPLATE_IDS.requestAssigned);
    expect(messages.filter((m) => m.error === undefined).map((m) => m.request.page)).toEqual(requests.map((r) => `${RESPONDER_REQUEST_PAGE}?id=${r.id}`));
    for (const r of requests) expect(await itemOf(r.id, leader)).toMatchObject({ notified: 'sent' });
    expect(await smsTo(leader)).toHaveLength(0);

    const next = await submit(backend, resident(0, 1), '家里停水了，老人在家');
    expect(await sendsTo(backend, leader, TEMPLATE_IDS.requestAssigned)).toHaveLength(N);
    const item = await itemOf(next.id, leader);
    expect(item).toMatchObject({ notified: 'noAuthorisation', sms: 'sent' });
    expect(item?.smsError).toBeUndefined();

    const [sms, ...more] = await smsTo(leader);
    expect(more).toHaveLength(0);
    expect(sms!.error).toBeUndefined();
    expect(sms!.request.phone_number_list).toEqual([phoneOf(leader)]);
    const variable = sms!.request.template_param_list![0]!;
    expect(characterCount(variable)).toBeLessThanOrEqual(SMS_VARIABLE_MAX_CHARS);
    expect(variable).toContain(backend.street.grids[0]!.name);
    expect(variable).toContain('生活物资');
    const link = await backend.emu.control.resolveUrlLink(sms!.request.url_link!);
    expect(link).toMatchObject({ path: RESPONDER_REQUEST_PAGE, query: `id=${next.id}` });
    // Seven days, within WeChat's thirty.
    expect(link.expiresAtMs - link.createdAtMs).toBe(7 * 24 * 60 * MINUTE_MS);

    expect(await dashboardSms(grid(0).villageId)).toEqual({ enabled: true, usedToday: 1, dailyBudget: DEFAULT_POLICY.sms.dailyBudget });
  }, 60_000);

  it('an escalation at level 2 reaches the duty officer by SMS as well as by subscribe message, even when they hold consent', async () => {
    const duty = backend.street.people.dutyOfficers[grid(1).villageId]!;
    await grant(duty, [TEMPLATE_IDS.requestEscalated]);
    const request = await submit(backend, resident(1), '楼道水管破裂，水流不止');
    await backend.emu.control.advance(DEFAULT_RESPONSE_TARGET_MS + SWEEP_INTERVAL_MS);
    expect(await smsTo(duty)).toHaveLength(0);
    await backend.emu.control.advance(10 * MINUTE_MS);

    const item = await itemOf(request.id, duty);
    expect(item).toMatchObject({ reason: 'escalation', escalationLevel: 2, notified: 'sent', sms: 'sent' });
    const escalated = await sendsTo(backend, duty, TEMPLATE_IDS.requestEscalated);
    expect(escalated.map((m) => [m.request.page, m.error])).toEqual([[`${RESPONDER_REQUEST_PAGE}?id=${request.id}`, undefined]]);
    const sms = await smsTo(duty);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.request.template_param_list![0]).toContain('已转值班员');
    expect(await backend.emu.control.resolveUrlLink(sms[0]!.request.url_link!)).toMatchObject({ path: RESPONDER_REQUEST_PAGE, query: `id=${request.id}` });

    // Level 1 (the other 三长, who held no consent) came by SMS as the fallback.
    for (const other of [grid(1).leaders.partyGroupLeader, grid(1).leaders.buildingLeader]) {
      expect(await itemOf(request.id, other)).toMatchObject({ reason: 'escalation', notified: 'noAuthorisation', sms: 'sent' });
    }
  }, 60_000);
});

describe("the village's SMS switch and budget", () => {
  it('with SMS off nothing is sent, and the inbox item says off', async () => {
    const g = grid(3);
    await setSms(g.villageId, { enabled: false, dailyBudget: 200 });
    const request = await submit(backend, resident(3), '垃圾三天没人收');
    expect(await itemOf(request.id, g.leaders.gridLeader)).toMatchObject({ notified: 'noAuthorisation', sms: 'off' });
    expect(await backend.emu.control.outbox(SMS_API)).toHaveLength(0);
    expect(await dashboardSms(g.villageId)).toEqual({ enabled: false, usedToday: 0, dailyBudget: 200 });
  }, 60_000);

  it("past the day's budget nothing more is sent, and the inbox item says overBudget", async () => {
    const [a, b] = [grid(4), grid(5)];
    await setSms(a.villageId, { enabled: true, dailyBudget: 1 });
    const first = await submit(backend, resident(4), '路灯不亮');
    const second = await submit(backend, resident(5), '门禁坏了');
    expect(await itemOf(first.id, a.leaders.gridLeader)).toMatchObject({ sms: 'sent' });
    expect(await itemOf(second.id, b.leaders.gridLeader)).toMatchObject({ notified: 'noAuthorisation', sms: 'overBudget' });
    expect(await backend.emu.control.outbox(SMS_API)).toHaveLength(1);
    expect(await dashboardSms(a.villageId)).toEqual({ enabled: true, usedToday: 1, dailyBudget: 1 });
  }, 60_000);
});

describe('a failing SMS', () => {
  it('is retried with backoff, gives its budget back, and after the last try is recorded failed with the reason on the inbox item', async () => {
    const leader = grid(2).leaders.gridLeader;
    await backend.emu.control.injectFault({ target: 'openApi', name: SMS_API, count: EFFECT_MAX_TRIES, errcode: WX_SYSTEM_ERROR, errmsg: 'sms gateway down' });
    const request = await submit(backend, resident(2), '电梯停了');
    expect(await itemOf(request.id, leader)).toMatchObject({ notified: 'noAuthorisation', sms: 'pending' });
    for (let tries = 1; tries < EFFECT_MAX_TRIES; tries++) await backend.emu.control.advance(retryDelayMs(tries) + SWEEP_INTERVAL_MS, { skipTimers: false });

    const attempts = await smsTo(leader);
    expect(attempts).toHaveLength(EFFECT_MAX_TRIES);
    expect(attempts.every((m) => m.error?.errcode === WX_SYSTEM_ERROR)).toBe(true);
    const item = await itemOf(request.id, leader);
    expect(item).toMatchObject({ notified: 'noAuthorisation', sms: 'failed' });
    expect(item?.smsError).toContain('sms gateway down');
    const sms = (await storedEffects(request.id)).find((e) => e.kind === 'sms');
    expect(sms).toMatchObject({ state: 'failed', tries: EFFECT_MAX_TRIES });
    expect(await dashboardSms(grid(2).villageId)).toMatchObject({ usedToday: 0 });
  }, 60_000);
});

describe('the due-soon reminder', () => {
  it('goes to the responder once, three minutes before the target, and never after a reply', async () => {
    const leader = grid(0).leaders.gridLeader;
    await grant(leader, [TEMPLATE_IDS.requestAssigned, TEMPLATE_IDS.requestDueSoon]);
    await grant(leader, [TEMPLATE_IDS.requestAssigned, TEMPLATE_IDS.requestDueSoon]);
    const waiting = await submit(backend, resident(0), '家里老人摔倒了，需要帮忙');
    const answered = await submit(backend, resident(0, 1), '想问一下医保怎么办');
    const remindAt = waiting.responseDueAt - DEFAULT_POLICY.dueSoonBeforeMs;
    expect(remindAt - waiting.submittedAt).toBe(7 * MINUTE_MS);

    const reply = await backend.call('respondRequest', { requestId: answered.id, message: '明天上午来社区办' }, leader);
    expect(reply.ok).toBe(true);
    const reminders = async () => (await sendsTo(backend, leader, TEMPLATE_IDS.requestDueSoon)) as Array<{ request: { page?: string }; atMs?: number }>;

    await backend.emu.control.advance(remindAt - (await backend.emu.control.now()) - SWEEP_INTERVAL_MS);
    expect(await reminders()).toHaveLength(0);
    await backend.emu.control.advance(2 * SWEEP_INTERVAL_MS);
    const sent = await reminders();
    expect(sent.map((m) => m.request.page)).toEqual([`${RESPONDER_REQUEST_PAGE}?id=${waiting.id}`]);
    expect(sent[0]!.atMs).toBeGreaterThanOrEqual(remindAt);
    expect(sent[0]!.atMs).toBeLessThan(remindAt + 2 * SWEEP_INTERVAL_MS);

    // Later sweeps (and the target passing) send no second one, and the answered request none at all.
    await backend.emu.control.advance(5 * MINUTE_MS);
    expect(await reminders()).toHaveLength(1);
    const cancelled = (await storedEffects(answered.id)).filter((e) => e.kind === 'dueSoon');
    expect(cancelled.map((e) => [e.state, e.outcome, e.tries])).toEqual([['done', 'answered', 0]]);
    const done = (await storedEffects(waiting.id)).filter((e) => e.kind === 'dueSoon');
    expect(done.map((e) => [e.state, e.outcome])).toEqual([['done', 'sent']]);
  }, 60_000);
});

describe('long-term subscriptions, per template', () => {
  it('a template approved as long-term is sent on every request without consent counted, and no SMS is paid for; the others still count', async () => {
    await backend.emu.stop();
    backend = await startTestBackend({ functionEnv: { LONG_TERM_SUBSCRIPTIONS: 'requestAssigned,requestEscalated' } });
    const leader = grid(0).leaders.gridLeader;
    const requests = [await submit(backend, resident(0), '楼道灯坏了'), await submit(backend, resident(0, 1), '水管漏水')];
    for (const r of requests) expect(await itemOf(r.id, leader)).toMatchObject({ notified: 'sent' });
    expect((await sendsTo(backend, leader, TEMPLATE_IDS.requestAssigned)).filter((m) => m.error === undefined)).toHaveLength(2);
    expect(await backend.emu.control.outbox(SMS_API)).toHaveLength(0);

    // requestDueSoon is not long-term here: without a tap the reminder is not sent.
    await backend.emu.control.advance(requests[0]!.responseDueAt - DEFAULT_POLICY.dueSoonBeforeMs - (await backend.emu.control.now()) + SWEEP_INTERVAL_MS);
    expect(await sendsTo(backend, leader, TEMPLATE_IDS.requestDueSoon)).toHaveLength(0);
    const reminder = (await storedEffects(requests[0]!.id)).find((e) => e.kind === 'dueSoon');
    expect(reminder).toMatchObject({ state: 'done', outcome: 'noAuthorisation' });
  }, 60_000);
});
