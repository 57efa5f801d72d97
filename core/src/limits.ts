// Rate limits (防刷): how much one resident may submit and one village may be sent, decided from
// recent counts and the time passed in. One resident once filed 500 requests in a minute (500 inbox
// items for one leader) and a committee account published 30 notices in 7 seconds; these bounds stop
// that while leaving every real use through. An urgent request is never refused: an emergency must
// always reach someone, whatever came before it.
import { fail, type ErrorCode, type Failure } from './errors';
import { isOpen, type EpochMs, type RequestCategory, type RequestState } from './model';
import { HOUR_MS } from './policy';

/** Open (not yet finished) requests one resident may have in one category; the next waits until one is done. */
export const MAX_OPEN_REQUESTS_PER_CATEGORY = 3;
/** Requests one resident may submit in any hour (all categories). */
export const MAX_SUBMISSIONS_PER_HOUR = 10;
/** Notices one village (or the street, for street-wide notices) may be sent in any hour. */
export const MAX_NOTICES_PER_HOUR = 10;
/** The sliding window of the hourly limits. */
export const LIMIT_WINDOW_MS = HOUR_MS;

/** The limits, by the name the refusal counter (limitRefusals) and the dashboard use. */
export const LIMIT_KINDS = ['openRequests', 'submissionsPerHour', 'noticesPerHour'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** The error code each limit refuses with (messages in errorMessages.ts). */
const LIMIT_CODES = {
  openRequests: 'LIMIT.OPEN_REQUESTS',
  submissionsPerHour: 'LIMIT.SUBMISSIONS_PER_HOUR',
  noticesPerHour: 'LIMIT.NOTICES_PER_HOUR',
} as const satisfies Record<LimitKind, ErrorCode>;

/** A refusal: which limit, and the failure the caller is answered with. */
export interface LimitRefusal {
  limit: LimitKind;
  failure: Failure;
}

/** One of the resident's own requests as the limit read returns it. */
export interface RecentRequest {
  category: RequestCategory;
  state: RequestState;
  submittedAt: EpochMs;
}

/**
 * How many of the resident's requests the limit read fetches (newest first): the ones submitted within
 * the window and the open ones of the category. Enough to decide both limits exactly: a full read has
 * either MAX_SUBMISSIONS_PER_HOUR within the window, or at least MAX_OPEN_REQUESTS_PER_CATEGORY older
 * ones, each of which is open in the category.
 */
export const RESIDENT_LIMIT_READ_SIZE = MAX_SUBMISSIONS_PER_HOUR + MAX_OPEN_REQUESTS_PER_CATEGORY;

/** Where the hourly window starts at `now`. */
export function limitWindowStart(now: EpochMs): EpochMs {
  return now - LIMIT_WINDOW_MS;
}

/**
 * Whether a resident may submit a request of `category` now, given their own recent and open requests
 * (RESIDENT_LIMIT_READ_SIZE of them at most). Null: allowed. Urgent requests are always allowed.
 */
export function checkSubmissionLimits(
  draft: { category: RequestCategory; urgent: boolean },
  recent: readonly RecentRequest[],
  now: EpochMs,
): LimitRefusal | null {
  if (draft.urgent) return null;
  const openInCategory = recent.filter((r) => r.category === draft.category && isOpen(r.state)).length;
  if (openInCategory >= MAX_OPEN_REQUESTS_PER_CATEGORY) {
    return {
      limit: 'openRequests',
      failure: fail(LIMIT_CODES.openRequests, `您已有${MAX_OPEN_REQUESTS_PER_CATEGORY}件未办结的同类诉求，请等待处理或直接联系网格长；紧急情况请勾选"紧急"`, {
        limit: 'openRequests',
        max: MAX_OPEN_REQUESTS_PER_CATEGORY,
      }),
    };
  }
  const windowStart = limitWindowStart(now);
  const withinHour = recent.filter((r) => r.submittedAt > windowStart).length;
  if (withinHour >= MAX_SUBMISSIONS_PER_HOUR) {
    return {
      limit: 'submissionsPerHour',
      failure: fail(LIMIT_CODES.submissionsPerHour, `您一小时内已提交${MAX_SUBMISSIONS_PER_HOUR}件诉求，请稍后再提交或直接联系网格长；紧急情况请勾选"紧急"`, {
        limit: 'submissionsPerHour',
        max: MAX_SUBMISSIONS_PER_HOUR,
      }),
    };
  }
  return null;
}

/** Whether one more notice may go to a village (or the street) that was sent `publishedWithinHour` in the window. Null: allowed. */
export function checkNoticeLimit(publishedWithinHour: number): LimitRefusal | null {
  if (publishedWithinHour < MAX_NOTICES_PER_HOUR) return null;
  return {
    limit: 'noticesPerHour',
    failure: fail(LIMIT_CODES.noticesPerHour, `一小时内已向这里发布${MAX_NOTICES_PER_HOUR}条通知，请稍后再发，或把内容合并到一条通知里`, {
      limit: 'noticesPerHour',
      max: MAX_NOTICES_PER_HOUR,
    }),
  };
}
