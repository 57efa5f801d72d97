import { describe, expect, it } from 'vitest';
import { followUpsOwed, recordCall } from '../../core/src/followUps';
import { MINUTE_MS, type Request } from '../../core/src';
import { at } from './fixtures';

const T0 = at('2026-11-24T09:00');

function confirmed(patch: Partial<Request>): Request {
  return {
    id: 'r1',
    streetId: 'st1',
    villageId: 'v1',
    gridId: 'g1',
    householdId: 'h1',
    residentId: 'resident-openid',
    category: 'medicine',
    text: '需要买降压药',
    photos: [],
    urgent: false,
    idempotencyKey: 'key-r1-0000',
    state: 'confirmed',
    version: 5,
    submittedAt: T0,
    routedTo: ['leader-openid'],
    routingOutcome: 'routed',
    responders: ['leader-openid'],
    responseDueAt: T0 + 10 * MINUTE_MS,
    escalationLevel: 0,
    escalationPlan: [],
    nextEscalationAt: null,
    reopenCount: 0,
    ...patch,
  };
}

describe('followUpsOwed (回访)', () => {
  it('owes one for a rating of 1–2, none for 3 and more', () => {
    const owed = followUpsOwed(confirmed({ rating: 1, ratingComment: '根本没人来' }), T0);
    expect(owed).toHaveLength(1);
    expect(owed[0]).toMatchObject({
      id: 'r1:rating',
      reason: 'lowRating',
      rating: 1,
      comment: '根本没人来',
      state: 'open',
      householdId: 'h1',
      category: 'medicine',
    });
    expect(followUpsOwed(confirmed({ rating: 2 }), T0)).toHaveLength(1);
    expect(followUpsOwed(confirmed({ rating: 3 }), T0)).toEqual([]);
  });

  it('owes one per reopen, named by the reopen count, with the same id when derived again', () => {
    const first = followUpsOwed(confirmed({ state: 'reopened', reopenCount: 1 }), T0, '灯还是不亮');
    expect(first.map((f) => [f.id, f.reason, f.reopenReason])).toEqual([['r1:1', 'reopened', '灯还是不亮']]);
    expect(followUpsOwed(confirmed({ state: 'reopened', reopenCount: 1 }), T0 + MINUTE_MS)[0]?.id).toBe('r1:1');
    expect(followUpsOwed(confirmed({ state: 'reopened', reopenCount: 2 }), T0)[0]?.id).toBe('r1:2');
  });
});

describe('recordCall', () => {
  const [open] = followUpsOwed(confirmed({ rating: 1 }), T0);

  it('closes an open follow-up with the outcome and note', () => {
    const done = recordCall(open!, 'explained', ' 已向居民说明 ', 'committee-openid', T0 + MINUTE_MS);
    expect(done).toMatchObject({ ok: true, value: { state: 'done', outcome: 'explained', note: '已向居民说明', doneAt: T0 + MINUTE_MS } });
  });

  it('answers the same record again as it is, and refuses a different one', () => {
    const done = recordCall(open!, 'resolved', undefined, 'c', T0);
    if (!done.ok) throw new Error('expected ok');
    expect(recordCall(done.value, 'resolved', undefined, 'c', T0 + MINUTE_MS)).toEqual({ ok: true, value: done.value });
    expect(recordCall(done.value, 'unreachable', undefined, 'c', T0)).toMatchObject({ ok: false, code: 'FOLLOW_UP.ALREADY_RECORDED' });
  });
});
