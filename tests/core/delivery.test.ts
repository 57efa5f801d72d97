import { describe, expect, it } from 'vitest';
import {
  addCounts,
  advanceJob,
  authorisationSpends,
  claimBatch,
  claimJob,
  DELIVERY_CLAIM_MS,
  deliveriesByGrid,
  deliveryBatchId,
  deliveryFigures,
  EFFECT_MAX_TRIES,
  EMPTY_COUNTS,
  finishJob,
  hasTimeLeft,
  isLastPage,
  LEASE_MS,
  mayRunBatch,
  newDeliveryBatch,
  newDeliveryJob,
  noticeMessageLine,
  OUTCOME_UNKNOWN,
  owedRecipients,
  residentDeliveries,
  retryDelayMs,
  retryJob,
  roundCounts,
  settleBatch,
  shouldSend,
  yieldJob,
  type AttemptResult,
  type DeliveryJob,
  type Notice,
} from '../../core/src';
import { at, GRID, OTHER_GRID, STREET, VILLAGE } from './fixtures';

const PUBLISHED = at('2026-11-24T09:00');
const NOW = at('2026-11-24T09:10');
const SECOND_MS = 1_000;

const notice: Notice = {
  id: 'n1',
  streetId: STREET,
  title: '停水通知',
  body: '明天上午停水。',
  attachments: [],
  scope: { kind: 'village', villageId: VILLAGE },
  urgent: true,
  publishedAt: PUBLISHED,
  publishedBy: 'committeeZheng',
};
const job: DeliveryJob = newDeliveryJob(notice, { villageId: VILLAGE, gridIds: [GRID, OTHER_GRID] }, PUBLISHED);

describe('a delivery job', () => {
  it('starts pending, workable at once, with nothing counted', () => {
    expect(job).toEqual({
      id: `n1:${VILLAGE}`,
      noticeId: 'n1',
      streetId: STREET,
      villageId: VILLAGE,
      gridIds: [GRID, OTHER_GRID],
      title: '停水通知',
      urgent: true,
      publishedAt: PUBLISHED,
      state: 'pending',
      nextRunAt: PUBLISHED,
      leaseUntil: null,
      leaseId: null,
      cursor: null,
      attempts: 0,
      createdAt: PUBLISHED,
      updatedAt: PUBLISHED,
    });
  });

  it('is claimed under a lease that outlives its holder; nobody else may take it until the lease ends', () => {
    expect(claimJob(job, 'lease-1', NOW)).toEqual({
      state: 'running',
      leaseId: 'lease-1',
      leaseUntil: NOW + LEASE_MS,
      nextRunAt: NOW + LEASE_MS,
      attempts: 1,
      updatedAt: NOW,
    });
    expect(claimJob({ attempts: 4 }, 'lease-2', NOW).attempts).toBe(5);
  });

  it('moves its cursor past each batch and renews the lease; it keeps no counts of its own (they are counted from the deliveries)', () => {
    const running = { ...job, ...claimJob(job, 'lease-1', NOW) };
    const later = NOW + 5 * SECOND_MS;
    expect(advanceJob(running, 'user-10', later)).toEqual({
      cursor: 'user-10',
      leaseUntil: later + LEASE_MS,
      nextRunAt: later + LEASE_MS,
      updatedAt: later,
    });
    // An empty page leaves the cursor where it was.
    expect(advanceJob({ ...running, cursor: 'user-10' }, null, later).cursor).toBe('user-10');
  });

  it('yields back to pending at once when the run is out of time, and retries a failed batch after a delay', () => {
    expect(yieldJob(NOW)).toEqual({ state: 'pending', nextRunAt: NOW, leaseId: null, leaseUntil: null, updatedAt: NOW });
    const retry = retryJob(new Error('injected fault'), NOW);
    expect(retry).toMatchObject({ state: 'pending', leaseId: null, leaseUntil: null, lastError: 'injected fault', updatedAt: NOW });
    expect(retry.nextRunAt).toBeGreaterThan(NOW);
    expect(retryJob('not an Error', NOW).lastError).toBe('not an Error');
  });

  it('is done after a page shorter than the batch', () => {
    expect(finishJob(NOW)).toEqual({ state: 'done', finishedAt: NOW, leaseId: null, leaseUntil: null, updatedAt: NOW });
    expect(isLastPage(7, 10)).toBe(true);
    expect(isLastPage(0, 10)).toBe(true);
    expect(isLastPage(10, 10)).toBe(false);
  });
});

describe('a delivery run', () => {
  const budget = { deadline: NOW + 8 * SECOND_MS, maxBatches: 2 };
  it('starts batches while time and batches are left, and rounds of sends while time is left', () => {
    expect(mayRunBatch(budget, NOW, 0)).toBe(true);
    expect(mayRunBatch(budget, NOW + 8 * SECOND_MS, 0)).toBe(false);
    expect(mayRunBatch(budget, NOW, 2)).toBe(false);
    expect(hasTimeLeft(budget, NOW + 8 * SECOND_MS - 1)).toBe(true);
    expect(hasTimeLeft(budget, NOW + 8 * SECOND_MS)).toBe(false);
  });

  it('adds counts outcome by outcome', () => {
    expect(addCounts({ ...EMPTY_COUNTS, sent: 1, failed: 2 }, { ...EMPTY_COUNTS, sent: 3, skipped: 4 })).toEqual({
      sent: 4,
      noAuthorisation: 0,
      refused: 0,
      failed: 2,
      skipped: 4,
    });
  });

  it('reads a line that says whether the notice is urgent', () => {
    expect(noticeMessageLine(true)).toBe('紧急通知，请尽快查看');
    expect(noticeMessageLine(false)).toBe('新通知，请查看');
  });

  it('sends only with an authorisation left, or when authorisations are not counted', () => {
    expect(shouldSend(null)).toBe(true);
    expect(shouldSend(1)).toBe(true);
    expect(shouldSend(0)).toBe(false);
  });
});

describe('a delivery batch', () => {
  const members = [
    { userId: 'u1', gridId: GRID, householdId: 'h1' },
    { userId: 'u2', gridId: GRID },
    { userId: 'u3', gridId: OTHER_GRID, householdId: 'h3' },
  ];
  /** u2 holds no authorisation; the others one each. */
  const left = (userId: string) => (userId === 'u2' ? 0 : 1);
  const first = newDeliveryBatch({ ...job, cursor: 'u0' }, members, 'u3', left, 'claim-1', NOW);
  const later = NOW + 3 * SECOND_MS;
  const results = (entries: Array<[string, AttemptResult]>) => new Map(entries);
  /** u1's message went out; u3's failed with a system error. */
  const SENT_AND_FAILED = results([
    ['u1', 'sent'],
    ['u3', 'failed'],
  ]);

  it('holds one page, claimed for its first attempts; its id comes from the job and the cursor it starts after', () => {
    expect(first).toMatchObject({
      id: `${job.id}:u0`,
      noticeId: 'n1',
      villageId: VILLAGE,
      after: 'u0',
      last: 'u3',
      state: 'pending',
      claimId: 'claim-1',
      nextAttemptAt: NOW + DELIVERY_CLAIM_MS,
    });
    expect(deliveryBatchId(job.id, null)).toBe(`${job.id}:`);
    expect(first.recipients).toEqual([
      { userId: 'u1', gridId: GRID, householdId: 'h1', tries: 0, nextAttemptAt: NOW },
      // Without an authorisation: done at once, nothing to send.
      { userId: 'u2', gridId: GRID, tries: 0, outcome: 'noAuthorisation' },
      { userId: 'u3', gridId: OTHER_GRID, householdId: 'h3', tries: 0, nextAttemptAt: NOW },
    ]);
    expect(owedRecipients(first, NOW).map((r) => r.userId)).toEqual(['u1', 'u3']);
  });

  it('is done at once, unclaimed, when nobody in it holds an authorisation', () => {
    const none = newDeliveryBatch(job, members, 'u3', () => 0, 'claim-1', NOW);
    expect(none).toMatchObject({ state: 'done', claimId: null, finishedAt: NOW });
    expect(owedRecipients(none, NOW)).toEqual([]);
  });

  it('records each send’s answer; a system error is retried after the backoff; the claim is released', () => {
    const settled = settleBatch(first, SENT_AND_FAILED, later);
    expect(settled).toMatchObject({ state: 'pending', claimId: null, nextAttemptAt: later + retryDelayMs(1) });
    expect(settled.recipients[0]).toEqual({ userId: 'u1', gridId: GRID, householdId: 'h1', tries: 1, outcome: 'sent', sentAt: later });
    expect(settled.recipients[2]).toMatchObject({ tries: 1, nextAttemptAt: later + retryDelayMs(1), lastError: expect.stringMatching(/send failed/) });
    expect(settled.recipients[2]).not.toHaveProperty('outcome');
    expect(roundCounts(settled, new Set(['u1', 'u3']))).toEqual({ ...EMPTY_COUNTS, sent: 1, failed: 1 });
    const done = settleBatch(
      first,
      results([
        ['u1', 'refused'],
        ['u3', 'sent'],
      ]),
      later,
    );
    expect(done).toMatchObject({ state: 'done', claimId: null, finishedAt: later });
    expect(done.recipients[0]).not.toHaveProperty('sentAt');
  });

  it('leaves a resident the round did not reach (out of time) owed as before, due at once', () => {
    const settled = settleBatch(first, results([['u1', 'sent']]), later);
    expect(settled.recipients[2]).toEqual(first.recipients[2]);
    expect(settled).toMatchObject({ state: 'pending', claimId: null, nextAttemptAt: NOW });
  });

  it('gives up a resident after the last try, with the reason', () => {
    let batch = first;
    for (let i = 0; i < EFFECT_MAX_TRIES; i += 1) batch = settleBatch({ ...batch, claimId: 'c' }, results([['u3', { error: new Error('boom') }]]), later);
    expect(batch.recipients[2]).toMatchObject({ tries: EFFECT_MAX_TRIES, outcome: 'gaveUp', lastError: 'boom' });
    expect(batch.recipients[2]).not.toHaveProperty('nextAttemptAt');
  });

  it('is claimed again for a retry; an earlier claim that ran out unrecorded counts as a failed try (outcome unknown), due at once', () => {
    const due = settleBatch(first, SENT_AND_FAILED, NOW);
    const retried = claimBatch(due, 'claim-2', later);
    expect(retried).toMatchObject({ claimId: 'claim-2', nextAttemptAt: later + DELIVERY_CLAIM_MS });
    expect(retried.recipients[2]).toMatchObject({ tries: 1 });
    // The first round's worker died after claiming: its attempts are counted and made again.
    const orphaned = claimBatch(first, 'claim-3', later);
    expect(orphaned.recipients.filter((r) => r.lastError === OUTCOME_UNKNOWN).map((r) => r.userId)).toEqual(['u1', 'u3']);
    expect(owedRecipients(orphaned, later).map((r) => [r.userId, r.tries])).toEqual([
      ['u1', 1],
      ['u3', 1],
    ]);
    // With the tries used up, they are given up instead: nothing more is sent.
    const lastTry = { ...first, recipients: first.recipients.map((r) => ({ ...r, tries: EFFECT_MAX_TRIES - 1 })) };
    const givenUp = claimBatch(lastTry, 'claim-4', later);
    expect(owedRecipients(givenUp, later)).toEqual([]);
    expect(givenUp).toMatchObject({ state: 'done', claimId: null });
  });

  it('says which authorisations a round used: one per accepted send, and a refusal clears the count', () => {
    expect(
      authorisationSpends(
        results([
          ['u1', 'sent'],
          ['u2', 'noAuthorisation'],
          ['u3', 'refused'],
          ['u4', 'failed'],
        ]),
      ),
    ).toEqual({
      spent: ['u1'],
      cleared: ['u3'],
    });
  });

  it('gives each resident’s delivery, figures that add up to them, and per grid who is pending or failed', () => {
    const settled = settleBatch(first, SENT_AND_FAILED, later);
    const deliveries = residentDeliveries(settled);
    expect(deliveries.map((d) => [d.id, d.state, d.outcome])).toEqual([
      ['n1:u1', 'done', 'sent'],
      ['n1:u2', 'done', 'noAuthorisation'],
      ['n1:u3', 'pending', undefined],
    ]);
    expect(deliveryFigures(deliveries)).toEqual({ sent: 1, refused: 0, noAuthorisation: 1, failed: 0, pending: 1 });
    const [mine, theirs] = deliveriesByGrid([GRID, OTHER_GRID], deliveries);
    expect(mine).toEqual({ gridId: GRID, figures: { sent: 1, refused: 0, noAuthorisation: 1, failed: 0, pending: 0 }, undelivered: [] });
    expect(theirs?.undelivered).toEqual([{ userId: 'u3', householdId: 'h3', state: 'pending', tries: 1, lastError: expect.stringMatching(/send failed/) }]);
    const gaveUp = { ...deliveries[2]!, state: 'failed' as const, outcome: 'gaveUp' as const };
    expect(deliveryFigures([gaveUp])).toEqual({ sent: 0, refused: 0, noAuthorisation: 0, failed: 1, pending: 0 });
  });
});
