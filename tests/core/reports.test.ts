import { describe, expect, it } from 'vitest';
import {
  buildReport,
  computeAppraisal,
  computeFigures,
  DAY_MS,
  HOUR_MS,
  labelRows,
  leaderLabel,
  MINUTE_MS,
  noticeReachByGrid,
  percentileNearestRank,
  previousWeekRange,
  rankRows,
  resolvePolicy,
  weekRange,
  type AppraisalFigures,
  type FollowUpTally,
  type Request,
  type ReportRow,
  type RoleAssignment,
} from '../../core/src';
import { NO_PENDING_CLAIMS, pendingClaims } from '../../core/src/claims';
import { at } from './fixtures';

const T0 = at('2026-11-24T09:00');

/** A request with the given first-response delay in minutes (undefined = unanswered). */
function made(index: number, responseMinutes: number | undefined, extra: Partial<Request> = {}): Request {
  const submittedAt = T0 + index * MINUTE_MS;
  return {
    id: `r${index}`,
    streetId: 'st1',
    villageId: 'v1',
    gridId: 'g1',
    residentId: `u${index}`,
    category: 'supplies',
    text: 't',
    photos: [],
    urgent: false,
    idempotencyKey: `key-${index}-xxxx`,
    state: responseMinutes === undefined ? 'submitted' : 'responded',
    version: 2,
    submittedAt,
    routedTo: ['leaderWang'],
    routingOutcome: 'routed',
    responders: ['leaderWang'],
    responseDueAt: submittedAt + 10 * MINUTE_MS,
    escalationLevel: 0,
    escalationPlan: [],
    nextEscalationAt: null,
    reopenCount: 0,
    ...(responseMinutes === undefined ? {} : { firstResponseAt: submittedAt + responseMinutes * MINUTE_MS, firstResponseMs: responseMinutes * MINUTE_MS }),
    ...extra,
  };
}

describe('percentileNearestRank', () => {
  it('takes the value at rank ceil(p × n)', () => {
    const values = [50, 15, 40, 35, 20];
    expect(percentileNearestRank(values, 5)).toBe(15);
    expect(percentileNearestRank(values, 30)).toBe(20);
    expect(percentileNearestRank(values, 40)).toBe(20);
    expect(percentileNearestRank(values, 50)).toBe(35);
    expect(percentileNearestRank(values, 100)).toBe(50);
    expect(percentileNearestRank([], 50)).toBeNull();
  });
});

describe('computeFigures', () => {
  // First responses at 1..10 minutes and one at 25; one unanswered and overdue; one cancelled unanswered.
  const requests: Request[] = [
    ...Array.from({ length: 10 }, (_, i) => made(i, i + 1)),
    made(10, 25, { category: 'medicine', escalationLevel: 2, urgent: true }),
    made(11, undefined, { category: 'medicine', escalationLevel: 3, routingOutcome: 'noResponderFallback' }),
    made(12, undefined, { state: 'cancelled', cancelledAt: T0 + 13 * MINUTE_MS }),
  ];
  const asOf = at('2026-11-24T12:00');

  it('computes the known figures', () => {
    const figures = computeFigures(requests, asOf);
    expect(figures.total).toBe(13);
    expect(figures.byCategory).toMatchObject({ supplies: 11, medicine: 2, dispute: 0 });
    expect(figures.urgent).toBe(1);
    expect(figures.responded).toBe(11);
    // Within target: 1..10 minutes (10 requests). Known outcomes: 11 answered + 1 overdue = 12.
    expect(figures.withinTarget).toBe(10);
    expect(figures.shareWithinTarget).toBeCloseTo(10 / 12);
    // Sorted times 1..10, 25 (n = 11): p50 rank 6 → 6 min; p90 rank ceil(9.9) = 10 → 10 min.
    expect(figures.firstResponseP50Ms).toBe(6 * MINUTE_MS);
    expect(figures.firstResponseP90Ms).toBe(10 * MINUTE_MS);
    expect(figures.escalationsByLevel).toEqual([2, 2, 1]);
    expect(figures.noResponderFallbacks).toBe(1);
  });

  it('counts an unanswered request only once its deadline has passed', () => {
    const pending = made(0, undefined);
    expect(computeFigures([pending], pending.submittedAt + 5 * MINUTE_MS).shareWithinTarget).toBeNull();
    expect(computeFigures([pending], pending.submittedAt + 11 * MINUTE_MS).shareWithinTarget).toBe(0);
  });

  it('measures resolution time and satisfaction', () => {
    const rated = [
      made(0, 2, { state: 'confirmed', resolvedAt: T0 + 60 * MINUTE_MS, rating: 5 }),
      made(1, 2, { state: 'confirmed', resolvedAt: T0 + MINUTE_MS + 120 * MINUTE_MS, rating: 2 }),
      made(2, 2, { state: 'confirmed', resolvedAt: T0 + 2 * MINUTE_MS + 30 * MINUTE_MS, rating: 4 }),
      made(3, 2),
    ];
    const figures = computeFigures(rated, asOf);
    expect(figures.resolved).toBe(3);
    expect(figures.resolutionP50Ms).toBe(60 * MINUTE_MS);
    expect(figures.resolutionP90Ms).toBe(120 * MINUTE_MS);
    expect(figures.rated).toBe(3);
    expect(figures.averageRating).toBeCloseTo(11 / 3);
    expect(figures.lowRatings).toBe(1);
  });
});

describe('weekRange (China time, Monday start)', () => {
  it('starts on Monday 00:00 in China', () => {
    // Tuesday 2026-11-24.
    expect(weekRange(at('2026-11-24T10:00'))).toEqual({ start: at('2026-11-23T00:00'), end: at('2026-11-30T00:00'), weekOf: '2026-11-23' });
    // Monday 00:00 in China is still Sunday in UTC.
    expect(weekRange(at('2026-11-23T00:00')).weekOf).toBe('2026-11-23');
    expect(weekRange(at('2026-11-22T23:59')).weekOf).toBe('2026-11-16');
    // Sunday late evening belongs to the week that began on Monday.
    expect(weekRange(at('2026-11-29T23:59')).weekOf).toBe('2026-11-23');
    expect(previousWeekRange(at('2026-11-24T10:00')).weekOf).toBe('2026-11-16');
  });
});

describe('buildReport', () => {
  const week = weekRange(T0);
  const requests = [
    made(0, 3, { gridId: 'g1', routedTo: ['leaderWang'] }),
    made(1, 12, { gridId: 'g2', villageId: 'v1', routedTo: ['leaderOther', 'partyLi'] }),
    made(2, 5, { gridId: 'g3', villageId: 'v2', routedTo: ['partyLi'] }),
    made(3, 1, { submittedAt: week.end, responseDueAt: week.end + 10 * MINUTE_MS }), // next week
  ];

  it('groups by grid, village, street and leader for the period', () => {
    const byGrid = buildReport(requests, 'grid', week, week.end);
    expect(byGrid.groups.map((g) => [g.key, g.figures.total])).toEqual([
      ['g1', 1],
      ['g2', 1],
      ['g3', 1],
    ]);
    expect(byGrid.overall.total).toBe(3);
    expect(buildReport(requests, 'village', week, week.end).groups.map((g) => [g.key, g.figures.withinTarget])).toEqual([
      ['v1', 1],
      ['v2', 1],
    ]);
    expect(buildReport(requests, 'street', week, week.end).groups).toHaveLength(1);
    const byLeader = buildReport(requests, 'leader', week, week.end);
    expect(byLeader.groups.map((g) => [g.key, g.figures.total])).toEqual([
      ['leaderOther', 1],
      ['leaderWang', 1],
      ['partyLi', 2],
    ]);
    expect(byLeader.overall.total).toBe(3);
  });
});

describe('computeAppraisal: 解决率, 满意率, escalations and follow-ups', () => {
  const asOf = at('2026-11-28T12:00');
  // Medicine: 24 h to resolve by default; repairs: 72 h.
  const requests: Request[] = [
    made(0, 2, { category: 'medicine', state: 'confirmed', resolvedAt: T0 + 20 * HOUR_MS, rating: 5 }),
    made(1, 2, { category: 'medicine', state: 'confirmed', resolvedAt: T0 + 30 * HOUR_MS, rating: 4 }),
    made(2, 2, { category: 'repairs', state: 'confirmed', resolvedAt: T0 + 50 * HOUR_MS, rating: 2, escalationLevel: 1 }),
    // Answered, never resolved, past its 24 h: known and missed.
    made(3, 2, { category: 'medicine', state: 'inProgress' }),
    // Unresolved but still inside its 72 h: not known yet.
    made(4, 2, { category: 'repairs', submittedAt: asOf - 10 * HOUR_MS, responseDueAt: asOf - 10 * HOUR_MS + 10 * MINUTE_MS }),
    // Cancelled: left out of 解决率.
    made(5, undefined, { state: 'cancelled', cancelledAt: T0 + 6 * MINUTE_MS }),
  ];

  it('counts resolved within the category target among known outcomes, and ratings of 4–5 among rated', () => {
    const f = computeAppraisal(requests, [], asOf);
    expect(f.resolvedWithinTarget).toBe(2);
    expect(f.shareResolvedWithinTarget).toBeCloseTo(2 / 4);
    expect(f.satisfied).toBe(2);
    expect(f.shareSatisfied).toBeCloseTo(2 / 3);
    expect(f.escalated).toBe(1);
    expect(f.followUpsCreated).toBe(0);
  });

  it('takes each village’s own resolution targets', () => {
    const lenient = resolvePolicy({ resolutionTargetsMs: { medicine: 48 * HOUR_MS } });
    const f = computeAppraisal(requests, [], asOf, (villageId) => (villageId === 'v1' ? lenient : resolvePolicy()));
    // r1 (30 h) is now within; r3 (unresolved, 48 h passed) still missed.
    expect(f.resolvedWithinTarget).toBe(3);
    expect(f.shareResolvedWithinTarget).toBeCloseTo(3 / 4);
  });

  it('a reopened request is unresolved again; nothing rated means no 满意率', () => {
    const reopened = made(0, 2, { category: 'medicine', state: 'reopened', reopenCount: 1 });
    const f = computeAppraisal([reopened], [], T0 + 2 * DAY_MS);
    expect(f.shareResolvedWithinTarget).toBe(0);
    expect(f.shareSatisfied).toBeNull();
  });
});

describe('buildReport with follow-ups and policies', () => {
  const week = weekRange(T0);
  const followUp = (gridId: string, createdAt: number, state: FollowUpTally['state']): FollowUpTally => ({
    streetId: 'st1',
    villageId: 'v1',
    gridId,
    routedTo: ['leaderWang'],
    createdAt,
    state,
  });

  it('counts follow-ups created in the period under their grid and leaders, done ones apart', () => {
    const requests = [made(0, 3, { gridId: 'g1' })];
    const followUps = [followUp('g1', T0, 'done'), followUp('g2', T0 + HOUR_MS, 'open'), followUp('g1', week.end, 'open')];
    const byGrid = buildReport(requests, 'grid', week, week.end, { followUps });
    expect(byGrid.groups.map((g) => [g.key, g.figures.total, g.figures.followUpsCreated, g.figures.followUpsDone])).toEqual([
      ['g1', 1, 1, 1],
      ['g2', 0, 1, 0],
    ]);
    expect(buildReport(requests, 'leader', week, week.end, { followUps }).groups[0]?.figures.followUpsCreated).toBe(2);
    expect(byGrid.overall.followUpsCreated).toBe(2);
  });
});

function row(label: string, response: number | null, resolution: number | null): ReportRow {
  const figures = { shareWithinTarget: response, shareResolvedWithinTarget: resolution } as AppraisalFigures;
  return { key: label, label, figures };
}

describe('rows by name and role', () => {
  const gridNames = new Map([
    ['g1', '第1网格'],
    ['g2', '第2网格'],
  ]);
  const assignment = (role: RoleAssignment['role'], gridId: string | undefined, displayName?: string): RoleAssignment => ({
    userId: 'openid-secret',
    role,
    scope: { streetId: 'st1', villageId: 'v1', ...(gridId !== undefined ? { gridId } : {}) },
    assignedAt: 0,
    assignedBy: 'admin',
    ...(displayName !== undefined ? { displayName } : {}),
  });

  it('names a person by displayName with the role and grid they answer in, or by the role when unnamed', () => {
    expect(leaderLabel('k1', [assignment('gridWorker', 'g2', '孙丽'), assignment('gridLeader', 'g1', '王建国')], gridNames)).toEqual({
      key: 'k1',
      label: '王建国',
      role: '网格长',
      gridName: '第1网格',
    });
    expect(leaderLabel('k2', [assignment('gridLeader', 'g2')], gridNames)).toEqual({
      key: 'k2',
      label: '网格长（未留名）',
      role: '网格长',
      gridName: '第2网格',
    });
    expect(leaderLabel('k3', [], gridNames).label).toBe('已离岗人员');
  });

  it('labels leader rows with their key, never the openid, sorted by grid then role', () => {
    const week = weekRange(T0);
    const report = buildReport([made(0, 3, { routedTo: ['openid-a', 'openid-b'] })], 'leader', week, week.end);
    const leaders = new Map([
      ['openid-a', { key: 'ka', label: '李四', role: '党小组长', gridName: '第1网格' }],
      ['openid-b', { key: 'kb', label: '王五', role: '网格长', gridName: '第1网格' }],
    ]);
    const rows = labelRows(report, { grids: gridNames, villages: new Map(), streets: new Map(), leaders });
    expect(rows.map((r) => [r.key, r.label, r.role])).toEqual([
      ['kb', '王五', '网格长'],
      ['ka', '李四', '党小组长'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('openid-');
  });

  it('ranks villages by 响应率, then 解决率, unknown rates last', () => {
    const ranked = rankRows([row('东村', 0.5, 0.9), row('西村', 0.8, 0.1), row('南村', 0.5, 0.95), row('北村', null, 1)]);
    expect(ranked.map((r) => [r.rank, r.label])).toEqual([
      [1, '西村'],
      [2, '南村'],
      [3, '东村'],
      [4, '北村'],
    ]);
  });
});

describe('noticeReachByGrid', () => {
  const grids = [
    { id: 'g1', villageId: 'v1', streetId: 'st1' },
    { id: 'g2', villageId: 'v1', streetId: 'st1' },
  ];
  const households = [
    { id: 'h1', gridId: 'g1', careNeeds: [] },
    { id: 'h2', gridId: 'g1', careNeeds: [] },
    { id: 'h3', gridId: 'g2', careNeeds: [] },
  ];

  it('sums households reached over the notices that reach each grid', () => {
    const notices = [
      { id: 'n1', streetId: 'st1', scope: { kind: 'village' as const, villageId: 'v1' } },
      { id: 'n2', streetId: 'st1', scope: { kind: 'grids' as const, villageId: 'v1', gridIds: ['g1'] } },
    ];
    const reach = noticeReachByGrid(
      grids,
      notices,
      households,
      [
        { noticeId: 'n1', householdId: 'h1' },
        { noticeId: 'n2', householdId: 'h1' },
      ],
      [{ noticeId: 'n2', householdId: 'h2' }],
      NO_PENDING_CLAIMS,
    );
    expect(reach.get('g1')).toEqual({ notices: 2, households: 4, reached: 3, share: 3 / 4 });
    expect(reach.get('g2')).toEqual({ notices: 1, households: 1, reached: 0, share: 0 });
  });

  it("does not count a pending member's read (待核实) as reaching the household; a verified member's does", () => {
    const notices = [{ id: 'n1', streetId: 'st1', scope: { kind: 'village' as const, villageId: 'v1' } }];
    const pending = pendingClaims([
      { userId: 'stranger', householdId: 'h1', verification: 'pending' },
      { userId: 'neighbour', householdId: 'h2', verification: 'verified' },
    ]);
    const reach = noticeReachByGrid(
      grids,
      notices,
      households,
      [
        { noticeId: 'n1', householdId: 'h1', userId: 'stranger' },
        { noticeId: 'n1', householdId: 'h2', userId: 'neighbour' },
      ],
      [],
      pending,
    );
    expect(reach.get('g1')).toEqual({ notices: 1, households: 2, reached: 1, share: 1 / 2 });
  });

  it('has no share when no notice was published', () => {
    expect(noticeReachByGrid(grids, [], households, [], [], NO_PENDING_CLAIMS).get('g1')).toEqual({ notices: 0, households: 0, reached: 0, share: null });
  });
});
