// Escalation (升级) under clock control: the sweeper timer escalates an unanswered request at 10
// minutes to the other 三长 and at 20 to the duty officer, once per level, even with sweeps running
// at the same time; a reply stops it.
import { groupedRequestsText, RESPONDER_INBOX_PAGE, smsNumberOf } from '../../core/src/channels';
import { remainingAuthorisations, TEMPLATE_IDS } from '../../backend/src/notify';
import { describe, expect, it } from 'vitest';
import { ESCALATION_EVENT_LABELS } from '../../core/src/escalation';
import { MINUTE_MS, SWEEP_INTERVAL_MS } from '../../core/src/policy';
import type { RequestView } from '../../core/src/schemas';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { getAs, inboxItems, routingOf, submit, sweepNow, type OutboxEntry } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const grid = (i: number) => backend.street.people.grids[i]!;
const escalations = (r: RequestView) => r.events.filter((e) => e.kind === 'escalate');

/** Moves the clock to the middle of a sweep interval, so a deadline computed from now is not on a tick. */
async function alignMidInterval(): Promise<void> {
  const now = await backend.emu.control.now();
  const into = now % SWEEP_INTERVAL_MS;
  await backend.emu.control.advance((SWEEP_INTERVAL_MS * 1.5 - into) % SWEEP_INTERVAL_MS || SWEEP_INTERVAL_MS / 2);
}

describe('escalation', () => {
  it('goes to the other 三长 at 10 minutes, to the duty officer at 20, once each; a reply stops it', async () => {
    const g = grid(0);
    const resident = g.residents[0]!.openid;
    const request = await submit(backend, resident, '家里停电了，冰箱里有药');
    expect(request.routedTo).toEqual([g.leaders.gridLeader]);

    await backend.emu.control.advance(10 * MINUTE_MS - 2 * SWEEP_INTERVAL_MS);
    expect((await getAs(backend, request.id, resident)).escalationLevel).toBe(0);

    await backend.emu.control.advance(3 * SWEEP_INTERVAL_MS);
    const level1 = await getAs(backend, request.id, resident);
    expect(level1.escalationLevel).toBe(1);
    expect(escalations(level1)).toHaveLength(1);
    const event1 = escalations(level1)[0]!;
    expect(event1.label).toBe(ESCALATION_EVENT_LABELS.otherLeaders);
    expect(event1.at - level1.responseDueAt).toBeLessThanOrEqual(SWEEP_INTERVAL_MS);
    expect(event1.at).toBeGreaterThanOrEqual(level1.responseDueAt);
    expect(new Set((await routingOf(backend, request.id)).responders)).toEqual(
      new Set([g.leaders.gridLeader, g.leaders.partyGroupLeader, g.leaders.buildingLeader]),
    );
    const items1 = await inboxItems(backend, request.id);
    for (const leader of [g.leaders.partyGroupLeader, g.leaders.buildingLeader]) {
      // No consent for the escalation template, so the SMS (they carry mobiles) reached them instead.
      expect(items1.find((i) => i.userId === leader)).toMatchObject({ reason: 'escalation', escalationLevel: 1, notified: 'noAuthorisation', sms: 'sent' });
    }

    // Small steps, one sweep each, up to the 20-minute mark: still exactly one escalation per level.
    const duty = backend.street.people.dutyOfficers[g.villageId]!;
    for (let i = 0; i < (10 * MINUTE_MS) / SWEEP_INTERVAL_MS; i++) await backend.emu.control.advance(SWEEP_INTERVAL_MS);
    const level2 = await getAs(backend, request.id, resident);
    expect(level2.escalationLevel).toBe(2);
    expect(escalations(level2).map((e) => e.label)).toEqual([ESCALATION_EVENT_LABELS.otherLeaders, ESCALATION_EVENT_LABELS.dutyOfficers]);
    expect((await routingOf(backend, request.id)).responders).toContain(duty);
    // Escalations to the duty desk always go by SMS too, once.
    expect((await inboxItems(backend, request.id)).find((i) => i.userId === duty)).toMatchObject({ reason: 'escalation', escalationLevel: 2, sms: 'sent' });
    const dutySms = ((await backend.emu.control.outbox('cloudbase.sendSmsV2')) as Array<{ request: { phone_number_list?: string[] } }>).filter((m) =>
      m.request.phone_number_list?.includes(smsNumberOf(backend.street.roleAssignments.find((a) => a.userId === duty)?.phone) ?? ''),
    );
    expect(dutySms).toHaveLength(1);
    // Every inbox item carries the current level.
    expect((await inboxItems(backend, request.id)).every((i) => i.escalationLevel === 2)).toBe(true);

    const reply = await backend.call<RequestView>('respondRequest', { requestId: request.id, message: '我是值班员，马上联系电工' }, duty);
    expect(reply.ok).toBe(true);
    expect(reply.data!.nextEscalationAt).toBeNull();
    await backend.emu.control.advance(20 * MINUTE_MS);
    const after = await getAs(backend, request.id, resident);
    expect(after.escalationLevel).toBe(2);
    expect(escalations(after)).toHaveLength(2);
    expect(after.state).toBe('responded');
  });

  it('sweeps running at the same time escalate a request once', async () => {
    const g = grid(1);
    const resident = g.residents[0]!.openid;
    await alignMidInterval();
    const request = await submit(backend, resident, '老人摔倒了需要帮忙');
    const now = await backend.emu.control.now();
    // Just past the deadline, before the next timer tick.
    await backend.emu.control.advance(request.responseDueAt - now + 1);
    expect((await getAs(backend, request.id, resident)).escalationLevel).toBe(0);

    const reports = await Promise.all([sweepNow(backend), sweepNow(backend), sweepNow(backend), sweepNow(backend)]);
    expect(reports.reduce((n, r) => n + r.escalated, 0)).toBe(1);
    const seen = await getAs(backend, request.id, resident);
    expect(seen.escalationLevel).toBe(1);
    expect(escalations(seen)).toHaveLength(1);
    expect(seen.version).toBe(2);
    // Inbox items for the new audience were created once.
    const items = await inboxItems(backend, request.id);
    expect(items.filter((i) => i.reason === 'escalation')).toHaveLength(2);
  });

  it('a request answered before its deadline never escalates', async () => {
    const g = grid(2);
    const resident = g.residents[0]!.openid;
    const request = await submit(backend, resident, '小区门口积水');
    await backend.emu.control.advance(9 * MINUTE_MS);
    expect((await backend.call('respondRequest', { requestId: request.id, message: '收到，马上处理' }, g.leaders.gridLeader)).ok).toBe(true);
    await backend.emu.control.advance(30 * MINUTE_MS);
    const seen = await getAs(backend, request.id, resident);
    expect(escalations(seen)).toHaveLength(0);
    expect(seen.escalationLevel).toBe(0);
  });

  it('a grid with nobody to route to goes to the village duty officer as a recorded outcome', async () => {
    const g = grid(3);
    // Remove the grid's leaders: routing finds nobody and falls back.
    await backend.db.collection('roleAssignments').where({ 'scope.gridId': g.gridId }).remove();
    const request = await submit(backend, g.residents[0]!.openid, '网格里没人管了吗');
    const duty = backend.street.people.dutyOfficers[g.villageId]!;
    expect(request.routingOutcome).toBe('noResponderFallback');
    expect(request.responders).toEqual([duty]);
    expect(request.events[0]!.label).toContain('值班员');
    expect((await inboxItems(backend, request.id)).map((i) => [i.userId, i.reason])).toEqual([[duty, 'fallback']]);
  });

  it('a burst due at once in one grid escalates as one group: one write, one message per leader told about all of them', async () => {
    const g = grid(4);
    const told = [g.leaders.partyGroupLeader, g.leaders.buildingLeader];
    for (const userId of told) await grantEscalated(userId, AUTHORISATIONS);
    const requests: Array<Awaited<ReturnType<typeof submit>> & { by: string }> = [];
    for (const [i, text] of ['家里没有米了', '需要买降压药', '独居老人需要照看'].entries()) {
      const by = g.residents[i]!.openid;
      requests.push({ ...(await submit(backend, by, text)), by });
    }
    const now = await backend.emu.control.now();
    const lastDue = Math.max(...requests.map((r) => r.responseDueAt));
    await backend.emu.control.advance(lastDue - now + 1, { skipTimers: true });
    const outboxBefore = (await backend.emu.control.outbox()).length;

    // (Requests of the tests before may fall due in the same sweep.)
    expect((await sweepNow(backend)).escalated).toBeGreaterThanOrEqual(requests.length);
    const groups = ((await backend.emu.control.collection('requestEscalations')) as Array<{ requestIds: string[] }>).filter((d) =>
      d.requestIds.includes(requests[0]!.id),
    );
    // One group holds them all (with any other request of the grid that fell due with the same change).
    expect(groups).toHaveLength(1);
    expect(groups[0]?.requestIds).toEqual(expect.arrayContaining(requests.map((r) => r.id)));
    const inGroup = groups[0]?.requestIds.length ?? 0;
    for (const r of requests) {
      const seen = await getAs(backend, r.id, r.by);
      expect(seen).toMatchObject({ escalationLevel: 1, version: 2 });
      expect(escalations(seen).map((e) => e.requestId)).toEqual([r.id]);
      const items = await inboxItems(backend, r.id);
      expect(
        items
          .filter((i) => i.reason === 'escalation')
          .map((i) => [i.userId, i.notified])
          .sort(),
      ).toEqual(told.map((u) => [u, 'sent']).sort());
    }
    const sent = ((await backend.emu.control.outbox()) as OutboxEntry[]).slice(outboxBefore).filter((m) => m.api === 'subscribeMessage.send');
    expect(sent.map((m) => m.request.touser).sort()).toEqual([...told].sort());
    for (const m of sent) {
      expect(m.request.page).toBe(RESPONDER_INBOX_PAGE);
      expect((m.request.data as Record<string, { value: string }>).thing2?.value.startsWith(groupedRequestsText(inGroup, ''))).toBe(true);
    }
    // One authorisation spent per leader told, not one per request.
    const left = await remainingAuthorisations(backend.db, told, TEMPLATE_IDS.requestEscalated);
    expect(Object.values(left)).toEqual([AUTHORISATIONS - 1, AUTHORISATIONS - 1]);
  });
});

const AUTHORISATIONS = 5;

async function grantEscalated(userId: string, remaining: number): Promise<void> {
  const templateId = TEMPLATE_IDS.requestEscalated;
  await backend.db
    .collection('subscriptions')
    .doc(`${userId}:${templateId}`)
    .set({ data: { userId, templateId, remaining, updatedAt: 0 } });
}
