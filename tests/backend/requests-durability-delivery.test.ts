// Delivery of what follows a request's changes, through the real SDK: a send failing with a system
// error keeps the user's authorisation and is retried; a refusal (43101) is final; a burst of
// same-key submissions messages the leader once; one failing escalation group in a sweep does not
// stop the others (auto-close included); staff see what is still owed or failed, the resident does not.
import { describe, expect, it } from 'vitest';
import { remainingAuthorisations, TEMPLATE_IDS } from '../../backend/src/notify';
import { EFFECT_MAX_TRIES, retryDelayMs } from '../../core/src/effects';
import { DAY_MS, DEFAULT_AUTO_CLOSE_AFTER_DAYS, SWEEP_INTERVAL_MS } from '../../core/src/policy';
import type { RequestView } from '../../core/src/schemas';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { getAs, inboxItems, newKey, routingOf, sendsTo, submit, sweepNow, type SubmitReply } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

/** WeChat's system error: passing, so the send is tried again. */
const WX_SYSTEM_ERROR = -1;
const WX_USER_REFUSED = 43101;

function gridAt(index: number) {
  const found = backend.street.people.grids[index];
  if (!found) throw new Error(`no grid ${index}`);
  return found;
}

async function grant(userId: string, templateId: string, remaining: number): Promise<void> {
  await backend.db
    .collection('subscriptions')
    .doc(`${userId}:${templateId}`)
    .set({ data: { userId, templateId, remaining, updatedAt: 0 } });
}

const accepted = async (openid: string, templateId: string) => (await sendsTo(backend, openid, templateId)).filter((m) => m.error === undefined);

// First, while no other request is due.
describe('the sweep', () => {
  it('one escalation group failing does not stop the others, auto-close included; the failed one escalates after its backoff', async () => {
    const g = gridAt(3);
    const other = gridAt(4);
    const [a, c] = [0, 2].map((r) => g.residents[r]!.openid) as [string, string];
    const b = other.residents[0]!.openid;
    // One resolved request past its auto-close day, then two unanswered ones past their deadline, in
    // two grids: two escalation groups.
    const closing = await submit(backend, c, '门禁坏了');
    for (const [name, input] of [
      ['respondRequest', { message: '收到' }],
      ['updateRequestStatus', { action: 'resolve', note: '修好了' }],
    ] as const) {
      expect((await backend.call(name, { requestId: closing.id, ...input }, g.leaders.gridLeader)).ok).toBe(true);
    }
    await backend.emu.control.advance(DEFAULT_AUTO_CLOSE_AFTER_DAYS * DAY_MS, { skipTimers: true });
    const first = await submit(backend, a, '下水道堵了');
    const second = await submit(backend, b, '楼上漏水');
    const now = await backend.emu.control.now();
    await backend.emu.control.advance(second.responseDueAt - now + 1, { skipTimers: true });

    // The first group's escalation write fails: that group is counted as failed, the rest go on.
    await backend.emu.control.injectFault({ target: 'databaseWrite', name: 'requests', count: 1 });
    const report = await sweepNow(backend);
    expect(report).toMatchObject({ escalated: 1, autoClosed: 1, failed: 1 });
    const levels = await Promise.all([getAs(backend, first.id, a), getAs(backend, second.id, b)]);
    expect(levels.map((r) => r.escalationLevel).sort()).toEqual([0, 1]);
    expect((await getAs(backend, closing.id, c)).state).toBe('closed');
    expect((await inboxItems(backend, closing.id)).map((i) => i.state)).toEqual(['closed']);

    // Its group stays owed with the change in it: the timer writes it once the backoff has passed.
    await backend.emu.control.advance(retryDelayMs(1), { skipTimers: true });
    expect(await sweepNow(backend)).toMatchObject({ escalated: 1, failed: 0 });
    const after: RequestView[] = await Promise.all([getAs(backend, first.id, a), getAs(backend, second.id, b)]);
    expect(after.map((r) => r.escalationLevel)).toEqual([1, 1]);
    for (const r of after) {
      const items = await inboxItems(backend, r.id);
      expect(items.map((i) => i.userId).sort()).toEqual([...(await routingOf(backend, r.id)).responders].sort());
      expect(items.every((i) => i.escalationLevel === 1)).toBe(true);
    }
  });
});

describe('sending', () => {
  it('a system error keeps the authorisation; the timer sends again and spends it then', async () => {
    const g = gridAt(0);
    const leader = g.leaders.gridLeader;
    await grant(leader, TEMPLATE_IDS.requestAssigned, 1);
    await backend.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: 1, errcode: WX_SYSTEM_ERROR });
    const request = await submit(backend, g.residents[0]!.openid, '水管爆了，楼道全是水');

    expect(await remainingAuthorisations(backend.db, [leader], TEMPLATE_IDS.requestAssigned)).toEqual({ [leader]: 1 });
    // The leader has the request in the inbox at once, and staff see the message being retried.
    expect((await inboxItems(backend, request.id)).map((i) => [i.userId, i.notified])).toEqual([[leader, 'notAttempted']]);
    const owed = (await getAs(backend, request.id, leader)).openEffects ?? [];
    expect(owed).toEqual([expect.objectContaining({ kind: 'message', state: 'pending', recipient: leader, tries: 1, lastError: 'sendFailed' })]);
    expect((await getAs(backend, request.id, g.residents[0]!.openid)).openEffects).toBeUndefined();

    await backend.emu.control.advance(retryDelayMs(1) + SWEEP_INTERVAL_MS);
    expect(await accepted(leader, TEMPLATE_IDS.requestAssigned)).toHaveLength(1);
    expect(await remainingAuthorisations(backend.db, [leader], TEMPLATE_IDS.requestAssigned)).toEqual({ [leader]: 0 });
    expect((await inboxItems(backend, request.id)).map((i) => i.notified)).toEqual(['sent']);
    expect((await getAs(backend, request.id, leader)).openEffects).toEqual([]);
  });

  it('a refusal (43101) is final and clears the count; system errors every time end as failed with the reason, shown to staff', async () => {
    const g = gridAt(1);
    const leader = g.leaders.gridLeader;
    await grant(leader, TEMPLATE_IDS.requestAssigned, 1);
    await backend.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: 1, errcode: WX_USER_REFUSED });
    const refused = await submit(backend, g.residents[0]!.openid, '路灯不亮');
    expect((await inboxItems(backend, refused.id)).map((i) => i.notified)).toEqual(['refused']);
    expect(await remainingAuthorisations(backend.db, [leader], TEMPLATE_IDS.requestAssigned)).toEqual({ [leader]: 0 });

    await grant(leader, TEMPLATE_IDS.requestAssigned, 1);
    await backend.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: EFFECT_MAX_TRIES, errcode: WX_SYSTEM_ERROR });
    const failing = await submit(backend, g.residents[1]!.openid, '垃圾没人收');
    for (let tries = 1; tries < EFFECT_MAX_TRIES; tries++) await backend.emu.control.advance(retryDelayMs(tries) + SWEEP_INTERVAL_MS);
    const [effect] = (await getAs(backend, failing.id, leader)).openEffects ?? [];
    expect(effect).toMatchObject({ kind: 'message', state: 'failed', outcome: 'gaveUp', lastError: 'sendFailed', tries: EFFECT_MAX_TRIES });
    // Never accepted, so the authorisation is still there for the next message.
    expect(await remainingAuthorisations(backend.db, [leader], TEMPLATE_IDS.requestAssigned)).toEqual({ [leader]: 1 });
    expect((await inboxItems(backend, failing.id)).map((i) => [i.userId, i.state])).toEqual([[leader, 'submitted']]);
  });

  it('four concurrent submissions with one key store one request and message the leader once', async () => {
    const g = gridAt(2);
    const leader = g.leaders.gridLeader;
    await grant(leader, TEMPLATE_IDS.requestAssigned, 10);
    const input = { category: 'supplies', text: '需要代买降压药', idempotencyKey: newKey('burst') };
    const replies = await Promise.all([0, 1, 2, 3].map(() => backend.call<SubmitReply>('submitRequest', input, g.residents[0]!.openid)));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(replies.filter((r) => r.data?.duplicate === false)).toHaveLength(1);
    const requestId = replies[0]!.data!.request.id;
    await backend.emu.control.advance(2 * SWEEP_INTERVAL_MS);
    const about = (await accepted(leader, TEMPLATE_IDS.requestAssigned)).filter((m) => m.request.page?.endsWith(`id=${requestId}`));
    expect(about).toHaveLength(1);
    expect(await remainingAuthorisations(backend.db, [leader], TEMPLATE_IDS.requestAssigned)).toEqual({ [leader]: 9 });
    expect(await inboxItems(backend, requestId)).toHaveLength(1);
    // Nothing is owed any more, so the sweep's list of requests owing effects is empty.
    expect(await sweepNow(backend)).toMatchObject({ effectsDispatched: 0, failed: 0 });
  });
});
