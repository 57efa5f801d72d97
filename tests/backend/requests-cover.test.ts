// Night, holiday and urgent cover, through the real wx-server-sdk against the emulator, at fixed China
// instants: an urgent request at 03:15 is due at 03:25 and reaches all three 三长 at submission; in a
// village with no weekend service a make-up workday (调休上班, from chinese-days) counts as a workday and
// a public holiday as a rest day; level 2 reaches the duty officer on the rota, or all duty officers
// when the rota has a hole. Recipients are asserted from the emulator's outbox and the inbox.
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { roleAssignmentId } from '../../backend/src/seed';
import { smsNumberOf } from '../../core/src/channels';
import type { RoleAssignment } from '../../core/src/model';
import { MINUTE_MS, SECOND_MS } from '../../core/src/policy';
import type { RequestView } from '../../core/src/schemas';
import { DEFAULT_TEMPLATE_IDS, RESPONDER_TEMPLATE_KEYS } from '../../core/src/subscriptions';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { at } from '../core/fixtures';
import { inboxItems, type OutboxEntry, submit, sweepNow } from './requestsHelpers';

/** Thursday 2026-10-01 09:55 China time: the first day of the National Day holiday. */
const START = at('2026-10-01T09:55');
const RESPONDER_TEMPLATES = RESPONDER_TEMPLATE_KEYS.map((key) => DEFAULT_TEMPLATE_IDS[key]);

let backend: TestBackend;
useTestBackend(
  (started) => {
    backend = started;
  },
  { startMs: START },
);

const grid = (i: number) => backend.street.people.grids[i]!;
const committeeOf = (villageId: string) => backend.street.people.committee[villageId]!;

/** The emulator clock runs at real speed after a jump: a call lands a few ms after the instant set. */
const CALL_SLACK_MS = 5 * SECOND_MS;

/** Submitted at `chinaLocal` (within the slack) and due exactly `targetMs` later: the clock ran throughout. */
function expectRunningClock(request: RequestView, chinaLocal: string, targetMs: number): void {
  expect(request.submittedAt - at(chinaLocal)).toBeGreaterThanOrEqual(0);
  expect(request.submittedAt - at(chinaLocal)).toBeLessThan(CALL_SLACK_MS);
  expect(request.responseDueAt).toBe(request.submittedAt + targetMs);
}

/** Moves the clock forward to a China instant without running the timers in between. */
async function jumpTo(instant: number): Promise<void> {
  const now = await backend.emu.control.now();
  expect(instant).toBeGreaterThanOrEqual(now);
  await backend.emu.control.advance(instant - now, { skipTimers: true });
}

let grantSeq = 0;
/** The responder taps "allow" once for every responder template. */
async function grantConsent(openid: string): Promise<void> {
  grantSeq += 1;
  const reply = await backend.call(
    'recordSubscription',
    { acceptedTemplateIds: RESPONDER_TEMPLATES, grantId: `grant-cover-${String(grantSeq).padStart(4, '0')}` },
    openid,
  );
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
}

/** The subscribe messages sent about one request, from GET /__emulator/outbox?api=subscribeMessage.send. */
async function sendsAbout(requestId: string): Promise<OutboxEntry[]> {
  const sent = (await backend.emu.control.outbox('subscribeMessage.send')) as OutboxEntry[];
  return sent.filter((m) => m.api === 'subscribeMessage.send' && !m.error && m.request.page?.includes(requestId));
}

async function setPolicy(villageId: string, fields: Record<string, unknown>): Promise<void> {
  const reply = await backend.call('setVillagePolicy', { villageId, ...fields }, committeeOf(villageId));
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
}

describe('public days in a village with no weekend service', () => {
  const WORKDAY = [{ start: '08:00', end: '20:00' }];
  beforeAll(async () => {
    // Monday to Friday 08:00–20:00; Saturday and Sunday (and so public holidays) no service.
    await setPolicy(grid(3).villageId, { calendar: { weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, intervals: WORKDAY })) } });
  });

  it('waits through the National Day holiday, a Thursday, to the next workday', async () => {
    await jumpTo(at('2026-10-01T10:00'));
    const request = await submit(backend, grid(3).residents[0]!.openid, '楼道灯坏了');
    // 10-01 to 10-07 are public holidays; 10-08 is a working Thursday.
    expect(request.responseDueAt).toBe(at('2026-10-08T08:10'));
  });

  it('counts a make-up workday Saturday (2026-10-10) as a workday, an ordinary Saturday not', async () => {
    await jumpTo(at('2026-10-10T10:00'));
    const onMakeUpDay = await submit(backend, grid(3).residents[1]!.openid, '门口下水道堵了');
    // Due at 10:10, with the escalations at 10:20 and 10:30 the same day.
    expectRunningClock(onMakeUpDay, '2026-10-10T10:00', 10 * MINUTE_MS);
    expect(onMakeUpDay.escalationPlan.map((s) => s.dueAt - onMakeUpDay.submittedAt)).toEqual([10 * MINUTE_MS, 20 * MINUTE_MS, 30 * MINUTE_MS]);

    await jumpTo(at('2026-10-17T10:00'));
    const onSaturday = await submit(backend, grid(3).residents[2]!.openid, '门口下水道又堵了');
    expect(onSaturday.responseDueAt).toBe(at('2026-10-19T08:10'));
  });
});

describe('urgent cover at night', () => {
  it('makes an urgent request at 03:15 due at 03:25 and tells all three 三长 at once', async () => {
    const g = grid(0);
    const leaders = [g.leaders.gridLeader, g.leaders.partyGroupLeader, g.leaders.buildingLeader];
    await jumpTo(at('2026-11-25T03:00'));
    for (const leader of leaders) await grantConsent(leader);
    await jumpTo(at('2026-11-25T03:15'));

    const request = await submit(backend, g.residents[0]!.openid, '老人摔倒了，起不来', { category: 'medicine', urgent: true });
    // Due at 03:25, and level 1 then: the urgent clock does not wait for 08:00.
    expectRunningClock(request, '2026-11-25T03:15', 10 * MINUTE_MS);
    expect(request.nextEscalationAt).toBe(request.responseDueAt);
    expect(new Set(request.routedTo)).toEqual(new Set(leaders));

    const sent = await sendsAbout(request.id);
    expect(sent.map((m) => m.request.touser).sort()).toEqual([...leaders].sort());
    expect(sent.every((m) => m.request.template_id === DEFAULT_TEMPLATE_IDS.requestAssigned)).toBe(true);
    const items = await inboxItems(backend, request.id);
    expect(items.map((i) => i.userId).sort()).toEqual([...leaders].sort());

    // The same request not flagged urgent would wait for service hours and the grid leader alone.
    const ordinary = await submit(backend, g.residents[1]!.openid, '家里缺米了');
    expect(ordinary.responseDueAt).toBe(at('2026-11-25T08:10'));
    expect(ordinary.routedTo).toEqual([g.leaders.gridLeader]);

    // Answer both so neither escalates into the rota tests below.
    for (const r of [request, ordinary]) {
      expect((await backend.call<RequestView>('respondRequest', { requestId: r.id, message: '收到，马上到' }, g.leaders.gridLeader)).ok).toBe(true);
    }
  });
});

/** The second duty officer's mobile, so level 2's SMS can be told apart from the seeded officer's. */
const NIGHT_DUTY_MOBILE = '13900009999';

/** The numbers every SMS so far went to, in order. */
async function smsNumbers(): Promise<string[]> {
  const sms = (await backend.emu.control.outbox('cloudbase.sendSmsV2')) as Array<{ request: { phone_number_list: string[] }; error?: unknown }>;
  return sms.filter((m) => m.error === undefined).flatMap((m) => m.request.phone_number_list);
}

describe('level 2 and the duty rota', () => {
  const village = () => grid(1).villageId;
  const seededDuty = () => backend.street.people.dutyOfficers[village()]!;
  const nightDuty = () => `o-${village()}-duty-2`;

  beforeAll(async () => {
    // A second duty officer in the village, so the rota has someone to choose.
    const assignment: RoleAssignment = {
      userId: nightDuty(),
      role: 'dutyOfficer',
      scope: { streetId: backend.street.street.id, villageId: village() },
      assignedAt: START,
      assignedBy: committeeOf(village()),
      phone: NIGHT_DUTY_MOBILE,
    };
    await backend.db.collection(COLLECTIONS.roleAssignments).doc(roleAssignmentId(assignment)).set({ data: assignment });
    // Thursdays: the second officer 10:00–11:00, the seeded one 14:00–15:00; 12:00 is a hole.
    await setPolicy(village(), {
      dutyRota: [
        { officerId: nightDuty(), weekdays: [4], start: '10:00', end: '11:00' },
        { officerId: seededDuty(), weekdays: [4], start: '14:00', end: '15:00' },
      ],
    });
  });

  /** Submits at `submittedAt` in `g`, lets level 1 and level 2 fall due (sweeping at each), and returns what level 2 told. */
  async function levelTwoOf(gridIndex: number, submittedAt: number): Promise<{ inboxAt2: string[]; sentAt2: string[]; smsAt2: string[] }> {
    const g = grid(gridIndex);
    await jumpTo(submittedAt);
    // Whatever an earlier test left open escalates now, so it spends none of the consent given below.
    while ((await sweepNow(backend)).escalated > 0);
    for (const officer of [seededDuty(), nightDuty()]) await grantConsent(officer);
    const request = await submit(backend, g.residents[0]!.openid, '小区停水一整天了');
    const [level1, level2] = request.escalationPlan;
    expect(level2!.audience).toBe('dutyOfficers');
    await jumpTo(level1!.dueAt + 1);
    await sweepNow(backend);
    const sentBefore = new Set((await sendsAbout(request.id)).map((m) => m.request.touser));
    const smsBefore = (await smsNumbers()).length;
    await jumpTo(level2!.dueAt + 1);
    await sweepNow(backend);
    const smsAt2 = (await smsNumbers()).slice(smsBefore);
    const items = await inboxItems(backend, request.id);
    const sent = await sendsAbout(request.id);
    return {
      inboxAt2: items
        .filter((i) => i.reason === 'escalation' && i.escalationLevel === 2 && [seededDuty(), nightDuty()].includes(i.userId))
        .map((i) => i.userId),
      sentAt2: sent.map((m) => m.request.touser!).filter((to) => !sentBefore.has(to)),
      smsAt2,
    };
  }

  it('reaches only the officer the rota has on duty at the escalation instant', async () => {
    // Thursday 10:00: level 2 falls due at 10:20, in the second officer's hour.
    const { inboxAt2, sentAt2, smsAt2 } = await levelTwoOf(1, at('2026-11-26T10:00'));
    expect(inboxAt2).toEqual([nightDuty()]);
    expect(sentAt2).toEqual([nightDuty()]);
    // And by SMS (every escalation to the duty desk goes by SMS too), to that officer alone.
    expect(smsAt2).toEqual([smsNumberOf(NIGHT_DUTY_MOBILE)]);
  });

  it('reaches every duty officer of the village when the rota has a hole then', async () => {
    // Thursday 12:00: level 2 at 12:20, which no shift covers.
    const { inboxAt2, sentAt2, smsAt2 } = await levelTwoOf(2, at('2026-11-26T12:00'));
    expect(inboxAt2.sort()).toEqual([seededDuty(), nightDuty()].sort());
    expect(sentAt2.sort()).toEqual([seededDuty(), nightDuty()].sort());
    expect(smsAt2).toHaveLength(2);
    expect(smsAt2).toContain(smsNumberOf(NIGHT_DUTY_MOBILE));
  });
});
