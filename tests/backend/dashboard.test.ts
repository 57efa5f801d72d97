// getVillageDashboard through the built functions: requests submitted and answered through the
// request functions, the clock advanced (sweeper ticks included) so one request is overdue and
// escalated; the figures, the overdue list, emergency mode and the staff whose authorisations ran
// out match exactly; who may read which village.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { VillageDashboard } from '../../core/src/schemas/dashboard';
import { TEMPLATE_IDS } from '../../backend/src/notify';
import { DAY_MS, DEFAULT_POLICY, MINUTE_MS } from '../../core/src/policy';
import { smsNumberOf } from '../../core/src/channels';
import { PUBLIC_DAYS_LAST_YEAR, publicDaysCoverage } from '../../core/src/publicDays';
import { MORNING_IN_CHINA_MS, startTestBackend, type TestBackend } from '../helpers/backend';
import { submit } from './requestsHelpers';

const VILLAGE = 'v01';
const OTHER_VILLAGE = 'v02';
const min = (n: number): number => n * MINUTE_MS;
/** Monday 2026-11-23 00:00 China time: the clock's week starts here. */
const WEEK_START = Date.UTC(2026, 10, 22, 16, 0, 0);
/** Tuesday 00:00 China time. */
const TODAY_START = WEEK_START + DAY_MS;

/** The emulator clock runs at real speed between moves: stored instants are a few ms past the step. */
const DRIFT_MS = 5_000;

let backend: TestBackend;
/** Each request's stored submission and first-response instants, read back after the scenario. */
const stored = new Map<string, { submittedAt: number; firstResponseMs?: number; responseDueAt: number }>();
let dashboardCalledAt = 0;
const ids: Record<'answeredFast' | 'unanswered' | 'answeredLate' | 'otherVillage' | 'lastWeek', string> = {
  answeredFast: '',
  unanswered: '',
  answeredLate: '',
  otherVillage: '',
  lastWeek: 'last-week-request',
};

async function respond(requestId: string, openid: string): Promise<void> {
  const reply = await backend.call('respondRequest', { requestId, message: '收到，马上来' }, openid);
  if (!reply.ok) throw new Error(`respondRequest failed: ${reply.code} ${reply.message}`);
}

async function dashboard(openid: string, villageId = VILLAGE): Promise<VillageDashboard> {
  const reply = await backend.call<VillageDashboard>('getVillageDashboard', { villageId }, openid);
  if (!reply.ok || reply.data === undefined) throw new Error(`getVillageDashboard failed: ${reply.code} ${reply.message}`);
  return reply.data;
}

beforeAll(async () => {
  backend = await startTestBackend();
  const [g1, g2, , g4] = backend.street.people.grids;
  if (!g1 || !g2 || !g4) throw new Error('demo street too small');
  // One authorisation for g1's grid leader, spent by the first request routed to them.
  await backend.call('recordSubscription', { acceptedTemplateIds: [TEMPLATE_IDS.requestAssigned], grantId: 'grant-dashboard-0001' }, g1.leaders.gridLeader);
  // A request from last Sunday, never answered: overdue now, but not in this week's figures.
  await backend.db.collection(COLLECTIONS.requests).add({
    data: {
      _id: ids.lastWeek,
      streetId: backend.street.street.id,
      villageId: VILLAGE,
      gridId: g2.gridId,
      residentId: g2.residents[0]!.openid,
      category: 'repairs',
      text: '上周的事',
      photos: [],
      urgent: false,
      idempotencyKey: 'key-last-week',
      state: 'submitted',
      version: 1,
      submittedAt: WEEK_START - DAY_MS,
      routedTo: [],
      routingOutcome: 'routed',
      responders: [],
      responseDueAt: WEEK_START - DAY_MS + min(10),
      escalationLevel: 0,
      escalationPlan: [],
      nextEscalationAt: null,
      reopenCount: 0,
      events: [],
      autoCloseAfterDays: 7,
      autoCloseAt: null,
    } as never,
  });

  ids.answeredFast = (await submit(backend, g1.residents[0]!.openid, '家里没米了')).id;
  ids.unanswered = (await submit(backend, g1.residents[1]!.openid, '楼道灯坏了', { category: 'repairs' })).id;
  ids.answeredLate = (await submit(backend, g2.residents[0]!.openid, '需要买药', { category: 'medicine' })).id;
  ids.otherVillage = (await submit(backend, g4.residents[0]!.openid, '别村的事')).id;

  // Sweeper ticks fire on the way to each step.
  await backend.emu.control.setClock(MORNING_IN_CHINA_MS + min(3));
  await respond(ids.answeredFast, g1.leaders.gridLeader);
  await backend.emu.control.setClock(MORNING_IN_CHINA_MS + min(12));
  await respond(ids.answeredLate, g2.leaders.gridLeader);
  await respond(ids.otherVillage, g4.leaders.gridLeader);
  // 10:25: the unanswered request passed level 1 (10:10) and level 2 (10:20), not level 3 (10:30).
  await backend.emu.control.setClock(MORNING_IN_CHINA_MS + min(25));
  // g1's party-group leader renews: they drop off the list of staff to remind.
  await backend.call(
    'recordSubscription',
    { acceptedTemplateIds: [TEMPLATE_IDS.requestAssigned], grantId: 'grant-dashboard-0002' },
    g1.leaders.partyGroupLeader,
  );
  for (const doc of (await backend.emu.control.collection('requests')) as {
    _id: string;
    submittedAt: number;
    firstResponseMs?: number;
    responseDueAt: number;
  }[]) {
    stored.set(doc._id, doc);
  }
  dashboardCalledAt = await backend.emu.control.now();
});

function firstResponseOf(id: string): number {
  const ms = stored.get(id)?.firstResponseMs;
  if (ms === undefined) throw new Error(`request ${id} has no first response`);
  return ms;
}
afterAll(() => backend.emu.stop());

describe('getVillageDashboard figures', () => {
  it('gives each grid its week and today figures, from the requests as answered', async () => {
    const view = await dashboard(backend.street.people.committee[VILLAGE]!);
    expect(view.village).toMatchObject({ id: VILLAGE });
    expect(view.asOf).toBeGreaterThanOrEqual(dashboardCalledAt);
    expect(view.asOf).toBeLessThan(MORNING_IN_CHINA_MS + min(25) + DRIFT_MS);
    const fast = firstResponseOf(ids.answeredFast);
    const late = firstResponseOf(ids.answeredLate);
    // The scenario as intended: answered after about 3 and about 12 minutes (10-minute target).
    expect(fast).toBeGreaterThanOrEqual(min(3) - DRIFT_MS);
    expect(fast).toBeLessThan(min(3) + DRIFT_MS);
    expect(late).toBeGreaterThan(min(10));
    expect(late).toBeLessThan(min(12) + DRIFT_MS);
    expect(view.week).toEqual({ start: WEEK_START, end: WEEK_START + 7 * DAY_MS, weekOf: '2026-11-23' });
    expect(view.today).toEqual({ start: TODAY_START, end: TODAY_START + DAY_MS });
    expect(view.grids.map((g) => g.gridId)).toEqual(['v01-g01', 'v01-g02', 'v01-g03']);
    const [g1, g2, g3] = view.grids;

    // g1: one answered in 3 minutes, one unanswered past its deadline (a known miss), escalated to 2.
    expect(g1?.week).toMatchObject({
      total: 2,
      responded: 1,
      withinTarget: 1,
      shareWithinTarget: 0.5,
      firstResponseP50Ms: fast,
      firstResponseP90Ms: fast,
      escalationsByLevel: [1, 1, 0],
    });
    // g2: answered after 12 minutes, escalated once on the way; last week's request is not in the week.
    expect(g2?.week).toMatchObject({
      total: 1,
      responded: 1,
      withinTarget: 0,
      shareWithinTarget: 0,
      firstResponseP50Ms: late,
      firstResponseP90Ms: late,
      escalationsByLevel: [1, 0, 0],
    });
    expect(g3?.week).toMatchObject({ total: 0, shareWithinTarget: null, firstResponseP50Ms: null, escalationsByLevel: [0, 0, 0] });
    // Everything happened today, so today's figures are the week's.
    expect(g1?.today).toEqual(g1?.week);
    expect(g2?.today).toEqual(g2?.week);

    // The village: [fast, late] → nearest-rank p50 = fast, p90 = late; the other village is not in it.
    expect(view.overall.week).toMatchObject({
      total: 3,
      responded: 2,
      withinTarget: 1,
      shareWithinTarget: 1 / 3,
      firstResponseP50Ms: fast,
      firstResponseP90Ms: late,
      escalationsByLevel: [2, 1, 0],
    });
    expect(view.truncated).toBe(false);
  });

  it('lists the open overdue requests, oldest deadline first, and counts them per grid', async () => {
    const view = await dashboard(backend.street.people.committee[VILLAGE]!);
    expect(view.overdue.map((r) => r.requestId)).toEqual([ids.lastWeek, ids.unanswered]);
    expect(stored.get(ids.unanswered)?.responseDueAt).toBe((stored.get(ids.unanswered)?.submittedAt ?? 0) + min(10));
    expect(view.overdue[1]).toEqual({
      requestId: ids.unanswered,
      gridId: 'v01-g01',
      category: 'repairs',
      urgent: false,
      submittedAt: stored.get(ids.unanswered)?.submittedAt,
      responseDueAt: stored.get(ids.unanswered)?.responseDueAt,
      escalationLevel: 2,
    });
    expect(view.overall.overdueCount).toBe(2);
    expect(view.grids.map((g) => g.overdueCount)).toEqual([1, 1, 0]);
  });

  it('names the grid staff with no authorisation left: spent ones included, renewed ones not', async () => {
    const view = await dashboard(backend.street.people.committee[VILLAGE]!);
    const g1 = backend.street.people.grids[0]!;
    expect(view.authorisationsCounted).toBe(true);
    expect(view.grids[0]?.unreachableStaff).toEqual(
      [
        { userId: g1.leaders.gridLeader, gridId: g1.gridId, roles: ['gridLeader'] },
        { userId: g1.leaders.buildingLeader, gridId: g1.gridId, roles: ['buildingLeader'] },
      ].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    );
    // Nobody in the other grids ever authorised: all three leaders of each.
    expect(view.grids[1]?.unreachableStaff).toHaveLength(3);
    expect(view.grids[2]?.unreachableStaff).toHaveLength(3);
  });

  it("shows today's SMS use against the village's daily budget, as many as went to its staff", async () => {
    const view = await dashboard(backend.street.people.committee[VILLAGE]!);
    const villageOf = new Map(backend.street.roleAssignments.map((a) => [smsNumberOf(a.phone), a.scope.villageId]));
    const sms = (await backend.emu.control.outbox('cloudbase.sendSmsV2')) as Array<{ request: { phone_number_list: string[] }; error?: unknown }>;
    const sentHere = sms.filter((m) => m.error === undefined && villageOf.get(m.request.phone_number_list[0] ?? '') === VILLAGE).length;
    // The unanswered request went by SMS to its leader (no consent), the other 三长 and the duty officer.
    expect(sentHere).toBeGreaterThan(0);
    expect(view.sms).toEqual({ enabled: true, usedToday: sentHere, dailyBudget: DEFAULT_POLICY.sms.dailyBudget });
  });

  it('says how far the public holidays are known and whether that year is ending', async () => {
    const view = await dashboard(backend.street.people.committee[VILLAGE]!);
    expect(view.publicDays).toEqual(publicDaysCoverage(view.asOf));
    expect(view.publicDays.lastYear).toBe(PUBLIC_DAYS_LAST_YEAR);
  });

  it('shows the village emergency mode as the committee set it', async () => {
    const committee = backend.street.people.committee[VILLAGE]!;
    expect((await dashboard(committee)).emergencyMode).toBe(false);
    const set = await backend.call('setVillagePolicy', { villageId: VILLAGE, calendar: { emergencyMode: true } }, committee);
    expect(set.ok).toBe(true);
    expect((await dashboard(committee)).emergencyMode).toBe(true);
    expect((await dashboard(backend.street.people.committee[OTHER_VILLAGE]!, OTHER_VILLAGE)).emergencyMode).toBe(false);
  });
});

describe('getVillageDashboard access', () => {
  it('lets the duty officer and the street admin read the village', async () => {
    const byDuty = await dashboard(backend.street.people.dutyOfficers[VILLAGE]!);
    const byAdmin = await dashboard(backend.street.people.admin);
    expect(byDuty.overall.week.total).toBe(3);
    expect(byAdmin.overall.week.total).toBe(3);
  });

  it('refuses a grid leader, a resident, and the committee of another village', async () => {
    const g1 = backend.street.people.grids[0]!;
    for (const openid of [g1.leaders.gridLeader, g1.residents[0]!.openid, backend.street.people.committee[OTHER_VILLAGE]!]) {
      const reply = await backend.call('getVillageDashboard', { villageId: VILLAGE }, openid);
      expect(reply).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    }
  });

  it('answers VILLAGE.NOT_FOUND to an admin, FORBIDDEN to a resident, for a village that does not exist', async () => {
    expect(await backend.call('getVillageDashboard', { villageId: 'v99' }, backend.street.people.admin)).toMatchObject({
      ok: false,
      code: 'VILLAGE.NOT_FOUND',
    });
    const resident = backend.street.people.grids[0]!.residents[0]!.openid;
    expect(await backend.call('getVillageDashboard', { villageId: 'v99' }, resident)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });

  it('refuses a forged input field', async () => {
    const reply = await backend.call('getVillageDashboard', { villageId: VILLAGE, openid: 'spoofed' }, backend.street.people.admin);
    expect(reply).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });
});

// Last: the clock moves a day on, so it runs after every test that reads the morning's figures.
describe('getVillageDashboard unresolved (answered is not resolved)', () => {
  it('lists an answered request past its resolution target, not a resolved one nor one still within its target', async () => {
    const g2 = backend.street.people.grids[1]!;
    const resolvedMedicine = (await submit(backend, g2.residents[1]!.openid, '帮忙买降压药', { category: 'medicine' })).id;
    await respond(resolvedMedicine, g2.leaders.gridLeader);
    const resolved = await backend.call('updateRequestStatus', { requestId: resolvedMedicine, action: 'resolve', note: '药已送到' }, g2.leaders.gridLeader);
    expect(resolved.ok).toBe(true);
    const committee = backend.street.people.committee[VILLAGE]!;
    // Before the 24 h medicine target nothing is unresolved.
    expect((await dashboard(committee)).unresolved).toEqual([]);

    await backend.emu.control.advance(DEFAULT_POLICY.resolutionTargetsMs.medicine, { skipTimers: true });
    const view = await dashboard(committee);
    const late = stored.get(ids.answeredLate);
    // Only the answered medicine request (24 h); the supplies one has 72 h, the unanswered one is overdue for a response instead.
    expect(view.unresolved).toEqual([
      {
        requestId: ids.answeredLate,
        gridId: g2.gridId,
        category: 'medicine',
        state: 'responded',
        resolutionDueAt: (late?.submittedAt ?? 0) + DEFAULT_POLICY.resolutionTargetsMs.medicine,
      },
    ]);
    expect(view.overall.unresolvedCount).toBe(1);
    expect(view.grids.map((g) => g.unresolvedCount)).toEqual([0, 1, 0]);
  });
});
