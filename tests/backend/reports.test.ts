// getReport through the real SDK, over requests inserted as fixtures (the request functions are
// built elsewhere): share within target, p50/p90 first response, escalations by level and average
// satisfaction for a grid, the village and the street; who may read which report; the China week;
// the reach of the week's notices, which counts a pending member's read (待核实) only once confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { ReportView } from '../../core/src/schemas/reports';
import type { JoinResult } from '../../core/src/schemas';
import type { PublishResult } from '../../core/src/schemas/notices';
import type { Request } from '../../core/src/model';
import { PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/src/policy';
import { startTestBackend, type TestBackend } from '../helpers/backend';

let backend: TestBackend;
/** Monday 2026-11-16 00:00 China time: the week before the clock's Tuesday. */
const WEEK = Date.UTC(2026, 10, 15, 16, 0, 0);
const TARGET_MS = 10 * MINUTE_MS;

interface Fixture {
  id: string;
  grid: number;
  at: number;
  responseMin?: number;
  escalationLevel?: number;
  rating?: number;
  category?: Request['category'];
}

const FIXTURES: Fixture[] = [
  // Grid v01-g01
  { id: 'r7', grid: 0, at: WEEK, responseMin: 1 },
  { id: 'r1', grid: 0, at: WEEK + DAY_MS + 9 * HOUR_MS, responseMin: 5, rating: 5 },
  { id: 'r2', grid: 0, at: WEEK + DAY_MS + 10 * HOUR_MS, responseMin: 20, escalationLevel: 1, rating: 3, category: 'medicine' },
  { id: 'r3', grid: 0, at: WEEK + 2 * DAY_MS + 9 * HOUR_MS, escalationLevel: 3 },
  // Grid v01-g02
  { id: 'r4', grid: 1, at: WEEK + 2 * DAY_MS + 11 * HOUR_MS, responseMin: 12, rating: 4, category: 'repairs' },
  { id: 'r5', grid: 1, at: WEEK + 3 * DAY_MS + 12 * HOUR_MS, responseMin: 30, escalationLevel: 2, rating: 1 },
  // Grid v02-g01
  { id: 'r6', grid: 3, at: WEEK + DAY_MS + 14 * HOUR_MS, responseMin: 2, rating: 5 },
  // Just outside the week on either side.
  { id: 'r8', grid: 0, at: WEEK - 1, responseMin: 1, rating: 1 },
  { id: 'r9', grid: 0, at: WEEK + 7 * DAY_MS, responseMin: 1, rating: 1 },
];

function requestDoc(f: Fixture): Omit<Request, 'id'> & { _id: string } {
  const g = backend.street.people.grids[f.grid]!;
  const responded = f.responseMin !== undefined;
  return {
    _id: f.id,
    streetId: backend.street.street.id,
    villageId: g.villageId,
    gridId: g.gridId,
    householdId: g.residents[0]!.householdId,
    residentId: g.residents[0]!.openid,
    category: f.category ?? 'supplies',
    text: '需要帮助',
    photos: [],
    urgent: false,
    idempotencyKey: `key-${f.id}-000`,
    state: responded ? (f.rating !== undefined ? 'confirmed' : 'responded') : 'submitted',
    version: 1,
    submittedAt: f.at,
    routedTo: [g.leaders.gridLeader],
    routingOutcome: 'routed',
    responders: [g.leaders.gridLeader],
    responseDueAt: f.at + TARGET_MS,
    escalationLevel: f.escalationLevel ?? 0,
    escalationPlan: [],
    nextEscalationAt: null,
    ...(responded
      ? { firstResponseAt: f.at + f.responseMin! * MINUTE_MS, firstResponseBy: g.leaders.gridLeader, firstResponseMs: f.responseMin! * MINUTE_MS }
      : {}),
    ...(f.rating !== undefined ? { resolvedAt: f.at + HOUR_MS, confirmedAt: f.at + 2 * HOUR_MS, rating: f.rating } : {}),
    reopenCount: 0,
  };
}

beforeAll(async () => {
  backend = await startTestBackend();
  await backend.db.collection(COLLECTIONS.requests).add({ data: FIXTURES.map(requestDoc) as never });
});
afterAll(() => backend.emu.stop());

const lastWeek = { kind: 'week', date: '2026-11-18' } as const;
const min = (n: number): number => n * MINUTE_MS;

describe('getReport', () => {
  it('gives a grid leader their grid’s figures for the China week, Monday 00:00 to Monday 00:00', async () => {
    const g = backend.street.people.grids[0]!;
    const res = await backend.call<ReportView>('getReport', { groupBy: 'grid', period: lastWeek }, g.leaders.gridLeader);
    expect(res.ok).toBe(true);
    const report = res.data!;
    expect(report.period).toEqual({ start: WEEK, end: WEEK + 7 * DAY_MS });
    expect(report.groups.map((x) => x.key)).toEqual([g.gridId]);
    const f = report.overall;
    // r7 at Monday 00:00 counts; r8 (a millisecond before) and r9 (next Monday 00:00) do not.
    expect(f.total).toBe(4);
    expect(f.shareWithinTarget).toBe(2 / 4);
    expect(f.firstResponseP50Ms).toBe(min(5));
    expect(f.firstResponseP90Ms).toBe(min(20));
    expect(f.escalationsByLevel).toEqual([2, 1, 1]);
    expect(f.averageRating).toBe(4);
    expect(f.byCategory.medicine).toBe(1);
    expect(f.byCategory.supplies).toBe(3);
  });

  it('gives the committee its village, per grid and overall, and per leader', async () => {
    const committee = backend.street.people.committee.v01!;
    const res = await backend.call<ReportView>('getReport', { groupBy: 'grid', period: lastWeek }, committee);
    const [g1, g2] = backend.street.people.grids;
    expect(res.data!.groups.map((x) => x.key)).toEqual([g1!.gridId, g2!.gridId]);
    const second = res.data!.groups[1]!.figures;
    expect(second).toMatchObject({
      total: 2,
      shareWithinTarget: 0,
      firstResponseP50Ms: min(12),
      firstResponseP90Ms: min(30),
      escalationsByLevel: [1, 1, 0],
      averageRating: 2.5,
    });
    const village = res.data!.overall;
    expect(village).toMatchObject({
      total: 6,
      shareWithinTarget: 2 / 6,
      firstResponseP50Ms: min(12),
      firstResponseP90Ms: min(30),
      escalationsByLevel: [3, 2, 1],
      averageRating: 3.25,
      lowRatings: 1,
    });

    const byLeader = await backend.call<ReportView>('getReport', { groupBy: 'leader', period: lastWeek }, committee);
    const nameOf = (openid: string) => backend.street.roleAssignments.find((a) => a.userId === openid && a.role === 'gridLeader')!.displayName;
    // By name, role and grid: the openid stays on the server.
    expect(byLeader.data!.groups.map((x) => [x.label, x.role, x.gridName, x.figures.total])).toEqual([
      [nameOf(g1!.leaders.gridLeader), '网格长', backend.street.grids[0]!.name, 4],
      [nameOf(g2!.leaders.gridLeader), '网格长', backend.street.grids[1]!.name, 2],
    ]);
    expect(JSON.stringify(byLeader.data)).not.toContain(g1!.leaders.gridLeader);
  });

  it('gives a street admin the street, by village', async () => {
    const res = await backend.call<ReportView>('getReport', { groupBy: 'village', period: lastWeek }, backend.street.people.admin);
    // Ranked by 响应率: v02 answered its one request in time, v01 two of six.
    expect(res.data!.groups.map((x) => [x.rank, x.key, x.label, x.figures.total])).toEqual([
      [1, 'v02', backend.street.villages[1]!.name, 1],
      [2, 'v01', backend.street.villages[0]!.name, 6],
    ]);
    expect(res.data!.overall).toMatchObject({
      total: 7,
      shareWithinTarget: 3 / 7,
      firstResponseP50Ms: min(5),
      firstResponseP90Ms: min(30),
      escalationsByLevel: [3, 2, 1],
      averageRating: 3.6,
    });
    const one = await backend.call<ReportView>('getReport', { groupBy: 'grid', villageId: 'v02', period: lastWeek }, backend.street.people.admin);
    expect(one.data!.overall.total).toBe(1);
  });

  it('a date range covers whole China days, both ends included', async () => {
    const res = await backend.call<ReportView>(
      'getReport',
      { groupBy: 'street', period: { kind: 'range', from: '2026-11-15', to: '2026-11-16' } },
      backend.street.people.admin,
    );
    // Sunday 15th and Monday 16th: r8 (Sunday 23:59:59.999) and r7 (Monday 00:00).
    expect(res.data!.overall.total).toBe(2);
    const backwards = await backend.call(
      'getReport',
      { groupBy: 'street', period: { kind: 'range', from: '2026-11-16', to: '2026-11-15' } },
      backend.street.people.admin,
    );
    expect(backwards).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });

  it('pages through more requests than one query returns, ties on submittedAt included', async () => {
    const g = backend.street.people.grids[4]!;
    // Two pages' worth, many sharing an instant, so the (submittedAt, _id) cursor must break ties.
    const many = Array.from({ length: 1205 }, (_, i) => ({
      ...requestDoc({ id: `bulk-${String(i).padStart(4, '0')}`, grid: 4, at: WEEK + 3 * DAY_MS + Math.floor(i / 7) * MINUTE_MS, responseMin: 3 }),
    }));
    for (let i = 0; i < many.length; i += 200) await backend.db.collection(COLLECTIONS.requests).add({ data: many.slice(i, i + 200) as never });
    const res = await backend.call<ReportView>('getReport', { groupBy: 'grid', gridId: g.gridId, period: lastWeek }, g.leaders.gridLeader);
    expect(res.data!.overall.total).toBe(1205);
    expect(res.data!.truncated).toBe(false);
  });

  it('refuses a leader another village or grid, a committee another village, and residents', async () => {
    const g = backend.street.people.grids[0]!;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ villageId: 'v02' }, g.leaders.gridLeader],
      [{ villageId: 'v01' }, g.leaders.gridLeader],
      [{ gridId: backend.street.people.grids[3]!.gridId }, g.leaders.partyGroupLeader],
      [{ gridId: backend.street.people.grids[1]!.gridId }, g.leaders.buildingLeader],
      [{ villageId: 'v02' }, backend.street.people.committee.v01!],
      [{ gridId: backend.street.people.grids[3]!.gridId }, backend.street.people.committee.v01!],
      [{}, g.residents[0]!.openid],
    ];
    for (const [where, openid] of cases) {
      const res = await backend.call('getReport', { groupBy: 'grid', period: lastWeek, ...where }, openid);
      expect({ where, openid, res }).toMatchObject({ where, openid, res: { ok: false, code: 'AUTH.FORBIDDEN' } });
    }
  });
});

describe('getReport: notice reach', () => {
  /** The week of the clock's Tuesday, when the notice below is published. */
  const thisWeek = { kind: 'week', date: '2026-11-24' } as const;

  it("counts a pending member's read (待核实) as reaching the household only once the claim is confirmed, a verified member's at once", async () => {
    const g = backend.street.people.grids[2]!;
    const leader = g.leaders.gridLeader;
    const published = await backend.call<PublishResult>(
      'publishNotice',
      { title: '燃气检修通知', body: '周四下午检修燃气管道', scope: { kind: 'grids', villageId: g.villageId, gridIds: [g.gridId] } },
      backend.street.people.committee[g.villageId]!,
    );
    expect(published.ok, JSON.stringify(published)).toBe(true);
    const noticeId = published.data!.notice.id;
    const reachedInReport = async (): Promise<number | undefined> => {
      const res = await backend.call<ReportView>('getReport', { groupBy: 'grid', gridId: g.gridId, period: thisWeek }, leader);
      expect(res.ok, JSON.stringify(res)).toBe(true);
      // No request this week, so no grid row: the grid's reach is the report's overall one.
      expect(res.data!.overall.noticeReach?.notices).toBe(1);
      return res.data!.overall.noticeReach?.reached;
    };
    const before = await reachedInReport();

    // A stranger names a registered door with the grid's code: a pending claim, whose read does not count.
    const stranger = 'o-report-stranger';
    const claimed = backend.street.households.find((h) => h.id === g.unjoined[0]!.householdId)!;
    const code = await backend.call<{ scene: string }>('getJoinCode', { gridId: g.gridId }, leader);
    const joined = await backend.call<JoinResult>(
      'joinGrid',
      {
        privacyConsent: { version: PRIVACY_NOTICE_VERSION },
        scene: code.data!.scene,
        household: { building: claimed.building!, unit: claimed.unit!, room: claimed.room! },
      },
      stranger,
    );
    expect(joined.data, JSON.stringify(joined)).toMatchObject({ householdId: claimed.id, claimPending: true });
    expect((await backend.call('markNoticeRead', { noticeId }, stranger)).ok).toBe(true);
    expect(await reachedInReport()).toBe(before);

    // A verified member's read reaches their household.
    expect((await backend.call('markNoticeRead', { noticeId }, g.residents[0]!.openid)).ok).toBe(true);
    expect(await reachedInReport()).toBe(before! + 1);

    // Once the leader confirms the claim, the stranger's read counts too.
    expect((await backend.call('verifyMember', { userId: stranger, decision: 'confirm' }, leader)).ok).toBe(true);
    expect(await reachedInReport()).toBe(before! + 2);
  });
});
