import { describe, expect, it } from 'vitest';
import { buildReport, computeFigures, MINUTE_MS, percentileNearestRank, previousWeekRange, weekRange, type Request } from '../../core/src';
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
