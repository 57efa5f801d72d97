// 回访 (follow-up): a resident unhappy with how a request ended — a rating at or below
// LOW_RATING_THRESHOLD, or a reopened request — gets a call from the village committee, as 12345
// re-dispatches an unsatisfied case. The committee records the call's outcome and a note.
//
// A follow-up is derived from the request's state, never from the payload: its id is
// `${requestId}:rating` for a low rating and `${requestId}:${reopenCount}` for each reopen, so
// deriving it twice (a retried confirm, a crash between the request's write and the follow-up's)
// names the same follow-up and stores it once.
import { fail, ok, type Result } from './errors';
import type { EpochMs, Id, Request, RequestCategory } from './model';
import { LOW_RATING_THRESHOLD, NOTE_MAX_LENGTH } from './policy';
import { characterCount, truncateChars } from './text';

const FOLLOW_UP_REASONS = ['lowRating', 'reopened'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];
export const FOLLOW_UP_REASON_LABELS: Record<FollowUpReason, string> = {
  lowRating: '差评',
  reopened: '重新打开',
};

/** What the call came to. 需再派单 is recorded only: the committee re-dispatches by hand for now. */
export const FOLLOW_UP_OUTCOMES = ['resolved', 'explained', 'redispatch', 'unreachable'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];
export const FOLLOW_UP_OUTCOME_LABELS: Record<FollowUpOutcome, string> = {
  resolved: '已解决',
  explained: '已解释',
  redispatch: '需再派单',
  unreachable: '联系不上',
};

type FollowUpState = 'open' | 'done';

/** Characters of the request's text kept on the follow-up (the committee reads it before calling). */
const FOLLOW_UP_EXCERPT_LENGTH = 120;

export interface FollowUp {
  /** `${requestId}:rating` or `${requestId}:${reopenCount}`. */
  id: Id;
  requestId: Id;
  streetId: Id;
  villageId: Id;
  gridId: Id;
  householdId?: Id;
  /** Who routing chose for the request (the report counts the follow-up under each). Never shown. */
  routedTo: Id[];
  reason: FollowUpReason;
  category: RequestCategory;
  text: string;
  rating?: number;
  comment?: string;
  /** The resident's reason for reopening. */
  reopenReason?: string;
  createdAt: EpochMs;
  state: FollowUpState;
  outcome?: FollowUpOutcome;
  note?: string;
  doneAt?: EpochMs;
  doneBy?: Id;
}

function isLowRating(rating: number | undefined): boolean {
  return rating !== undefined && rating <= LOW_RATING_THRESHOLD;
}

function base(request: Request, now: EpochMs): Omit<FollowUp, 'id' | 'reason'> {
  return {
    requestId: request.id,
    streetId: request.streetId,
    villageId: request.villageId,
    gridId: request.gridId,
    ...(request.householdId !== undefined ? { householdId: request.householdId } : {}),
    routedTo: [...request.routedTo],
    category: request.category,
    text: truncateChars(request.text, FOLLOW_UP_EXCERPT_LENGTH),
    ...(request.rating !== undefined ? { rating: request.rating } : {}),
    ...(request.ratingComment !== undefined ? { comment: request.ratingComment } : {}),
    createdAt: now,
    state: 'open',
  };
}

/**
 * The follow-ups a request's state calls for: one for a low rating, one for its latest reopen
 * (`reopenReason` is the reason the latest reopen gave, when known). Deterministic ids: deriving
 * them again gives the same ones, which the store keeps once.
 */
export function followUpsOwed(request: Request, now: EpochMs, reopenReason?: string): FollowUp[] {
  const owed: FollowUp[] = [];
  if (isLowRating(request.rating)) owed.push({ ...base(request, now), id: `${request.id}:rating`, reason: 'lowRating' });
  if (request.reopenCount > 0) {
    owed.push({
      ...base(request, now),
      id: `${request.id}:${request.reopenCount}`,
      reason: 'reopened',
      ...(reopenReason !== undefined ? { reopenReason } : {}),
    });
  }
  return owed;
}

/**
 * The committee's call recorded: the follow-up is done with its outcome and note. Recording the same
 * outcome and note again answers the follow-up as it is (a retried tap); a different one is refused.
 */
export function recordCall(followUp: FollowUp, outcome: FollowUpOutcome, note: string | undefined, by: Id, now: EpochMs): Result<FollowUp> {
  const trimmed = note?.trim() || undefined;
  if (trimmed !== undefined && characterCount(trimmed) > NOTE_MAX_LENGTH) return fail('INPUT.INVALID', `回访记录最多 ${NOTE_MAX_LENGTH} 字`);
  if (followUp.state === 'done') {
    if (followUp.outcome === outcome && followUp.note === trimmed) return ok(followUp);
    return fail('FOLLOW_UP.ALREADY_RECORDED');
  }
  return ok({ ...followUp, state: 'done', outcome, ...(trimmed !== undefined ? { note: trimmed } : {}), doneAt: now, doneBy: by });
}
