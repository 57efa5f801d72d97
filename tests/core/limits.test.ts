import { describe, expect, it } from 'vitest';
import {
  checkNoticeLimit,
  checkSubmissionLimits,
  LIMIT_WINDOW_MS,
  MAX_NOTICES_PER_HOUR,
  MAX_OPEN_REQUESTS_PER_CATEGORY,
  MAX_SUBMISSIONS_PER_HOUR,
  RESIDENT_LIMIT_READ_SIZE,
  type RecentRequest,
} from '../../core/src/limits';
import { MINUTE_MS } from '../../core/src/policy';

const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);
const DAY_AGO = NOW - 24 * 60 * MINUTE_MS;

function requests(count: number, extra: Partial<RecentRequest> = {}): RecentRequest[] {
  return Array.from({ length: count }, () => ({ category: 'repairs', state: 'submitted', submittedAt: DAY_AGO, ...extra }));
}

const ordinary = { category: 'repairs', urgent: false } as const;

describe('a resident’s submissions', () => {
  it('allows up to the open-request limit in one category, then refuses with a message that says what to do', () => {
    expect(checkSubmissionLimits(ordinary, requests(MAX_OPEN_REQUESTS_PER_CATEGORY - 1), NOW)).toBeNull();
    const refused = checkSubmissionLimits(ordinary, requests(MAX_OPEN_REQUESTS_PER_CATEGORY), NOW);
    expect(refused?.limit).toBe('openRequests');
    expect(refused?.failure).toMatchObject({ ok: false, code: 'LIMIT.OPEN_REQUESTS', details: { max: MAX_OPEN_REQUESTS_PER_CATEGORY } });
    expect(refused?.failure.message).toBe(`您已有${MAX_OPEN_REQUESTS_PER_CATEGORY}件未办结的同类诉求，请等待处理或直接联系网格长；紧急情况请勾选"紧急"`);
  });

  it('counts only open requests of the same category', () => {
    const finished = requests(MAX_OPEN_REQUESTS_PER_CATEGORY, { state: 'confirmed' });
    const spam = requests(MAX_OPEN_REQUESTS_PER_CATEGORY, { state: 'spam' });
    const otherCategory = requests(MAX_OPEN_REQUESTS_PER_CATEGORY, { category: 'medicine' });
    expect(checkSubmissionLimits(ordinary, [...finished, ...spam, ...otherCategory], NOW)).toBeNull();
  });

  it('refuses the submission past the hourly limit, and allows it again once the hour has moved on', () => {
    const recent = requests(MAX_SUBMISSIONS_PER_HOUR, { state: 'confirmed', submittedAt: NOW - 30 * MINUTE_MS });
    const refused = checkSubmissionLimits(ordinary, recent, NOW);
    expect(refused?.limit).toBe('submissionsPerHour');
    expect(refused?.failure.code).toBe('LIMIT.SUBMISSIONS_PER_HOUR');
    expect(refused?.failure.message).toContain(`${MAX_SUBMISSIONS_PER_HOUR}件`);
    expect(checkSubmissionLimits(ordinary, recent, NOW - 30 * MINUTE_MS + LIMIT_WINDOW_MS)).toBeNull();
  });

  it('never refuses an urgent request', () => {
    const everything = [...requests(MAX_OPEN_REQUESTS_PER_CATEGORY), ...requests(MAX_SUBMISSIONS_PER_HOUR, { submittedAt: NOW - MINUTE_MS })];
    expect(checkSubmissionLimits({ category: 'repairs', urgent: true }, everything, NOW)).toBeNull();
  });

  it('decides from a read of RESIDENT_LIMIT_READ_SIZE: a full read always refuses one way or the other', () => {
    // Fewer than the hourly limit within the hour: the rest of a full read are open ones of the category.
    const full = [
      ...requests(MAX_SUBMISSIONS_PER_HOUR - 1, { category: 'medicine', submittedAt: NOW - MINUTE_MS }),
      ...requests(RESIDENT_LIMIT_READ_SIZE - (MAX_SUBMISSIONS_PER_HOUR - 1)),
    ];
    expect(full).toHaveLength(RESIDENT_LIMIT_READ_SIZE);
    expect(checkSubmissionLimits(ordinary, full, NOW)?.limit).toBe('openRequests');
  });
});

describe('a village’s notices', () => {
  it('allows up to the hourly limit, then refuses with its code', () => {
    expect(checkNoticeLimit(MAX_NOTICES_PER_HOUR - 1)).toBeNull();
    const refused = checkNoticeLimit(MAX_NOTICES_PER_HOUR);
    expect(refused?.limit).toBe('noticesPerHour');
    expect(refused?.failure).toMatchObject({ code: 'LIMIT.NOTICES_PER_HOUR', details: { max: MAX_NOTICES_PER_HOUR } });
    expect(refused?.failure.message).toContain(`${MAX_NOTICES_PER_HOUR}条通知`);
  });
});
