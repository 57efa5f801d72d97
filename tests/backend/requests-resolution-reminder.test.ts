// The resolution reminder (办结时限) through the real wx-server-sdk against the emulator: the first
// reply schedules, per responder, a reminder at the category's resolution target; past it, a request
// still unresolved sends the responder one subscribe message (requestDueSoon) and brings their inbox
// item back up, once however many sweeps follow and when a first attempt fails; a request resolved before the target sends none.
import { describe, expect, it } from 'vitest';
import { retryDelayMs, type Effect } from '../../core/src/effects';
import { DEFAULT_POLICY, MINUTE_MS, SWEEP_INTERVAL_MS } from '../../core/src/policy';
import { resolutionDueAt } from '../../core/src/sla';
import type { InboxItem } from '../../core/src/schemas';
import { TEMPLATE_IDS } from '../../backend/src/notify';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { inboxItems, newKey, sendsTo, submit } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const grid = (i: number) => backend.street.people.grids[i]!;
/** WeChat's "system busy" (-1): a passing failure, retried. */
const WX_SYSTEM_ERROR = -1;

async function grant(userId: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const reply = await backend.call('recordSubscription', { acceptedTemplateIds: [TEMPLATE_IDS.requestDueSoon], grantId: newKey('grant') }, userId);
    expect(reply.ok).toBe(true);
  }
}

async function effectsOf(requestId: string): Promise<Effect[]> {
  const docs = (await backend.emu.control.collection('requests')) as Array<{ _id: string; effects?: Record<string, Effect> }>;
  return Object.values(docs.find((d) => d._id === requestId)?.effects ?? {});
}

const reminderText = (m: { request: { data?: Record<string, { value: string }> } }) => m.request.data?.thing4?.value;

describe('the resolution reminder', () => {
  it('reaches the responder once when an answered request passes its target; none for one resolved before', async () => {
    const leader = grid(0).leaders.gridLeader;
    // Enough one-time authorisations that only the product could keep a second reminder from going.
    await grant(leader, 3);
    const lingering = await submit(backend, grid(0).residents[0]!.openid, '家里老人需要降压药', { category: 'medicine' });
    const finished = await submit(backend, grid(0).residents[1]!.openid, '帮忙买点药', { category: 'medicine' });
    for (const r of [lingering, finished]) expect((await backend.call('respondRequest', { requestId: r.id, message: '收到，马上安排' }, leader)).ok).toBe(true);
    // A second reply schedules nothing more.
    expect((await backend.call('updateRequestStatus', { requestId: lingering.id, action: 'startProgress', note: '正在联系药店' }, leader)).ok).toBe(true);
    expect((await backend.call('updateRequestStatus', { requestId: finished.id, action: 'resolve', note: '药已送到' }, leader)).ok).toBe(true);

    const dueAt = resolutionDueAt(lingering, DEFAULT_POLICY);
    expect(dueAt - lingering.submittedAt).toBe(DEFAULT_POLICY.resolutionTargetsMs.medicine);
    const scheduled = (await effectsOf(lingering.id)).filter((e) => e.kind === 'resolutionDue');
    expect(scheduled.map((e) => [e.state, e.nextAttemptAt])).toEqual([['pending', dueAt]]);
    // Resolved first: cancelled in the resolve's own write, never tried.
    const cancelled = (await effectsOf(finished.id)).filter((e) => e.kind === 'resolutionDue');
    expect(cancelled.map((e) => [e.state, e.outcome, e.tries])).toEqual([['done', 'resolved', 0]]);

    const reminders = async () => (await sendsTo(backend, leader, TEMPLATE_IDS.requestDueSoon)).filter((m) => reminderText(m)?.includes('办结'));
    // Just before the target: nothing (the day passes without ticks, then the last minute with them).
    await backend.emu.control.advance(dueAt - (await backend.emu.control.now()) - MINUTE_MS, { skipTimers: true });
    await backend.emu.control.advance(MINUTE_MS - SWEEP_INTERVAL_MS);
    expect(await reminders()).toHaveLength(0);
    // WeChat fails the first attempt with a system error: the reminder is retried, and sent once.
    await backend.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: 1, errcode: WX_SYSTEM_ERROR });
    await backend.emu.control.advance(2 * SWEEP_INTERVAL_MS);
    expect((await reminders()).map((m) => m.error?.errcode)).toEqual([WX_SYSTEM_ERROR]);
    await backend.emu.control.advance(retryDelayMs(1) + SWEEP_INTERVAL_MS);
    const sent = (await reminders()).filter((m) => m.error === undefined);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.request.page).toContain(lingering.id);
    const item = (await inboxItems(backend, lingering.id)).find((i: InboxItem) => i.userId === leader);
    expect(item).toMatchObject({ reason: 'resolutionDue', state: 'inProgress', open: true, notified: 'sent' });

    // Later sweeps send no second one; the resolved request none at all.
    await backend.emu.control.advance(5 * MINUTE_MS);
    expect((await reminders()).filter((m) => m.error === undefined)).toHaveLength(1);
    expect(sent.every((m) => m.request.page?.includes(finished.id) !== true)).toBe(true);
    expect((await effectsOf(lingering.id)).filter((e) => e.kind === 'resolutionDue').map((e) => [e.state, e.outcome])).toEqual([['done', 'sent']]);
  }, 120_000);
});
