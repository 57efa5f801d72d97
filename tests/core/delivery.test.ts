import { describe, expect, it } from 'vitest';
import {
  addCounts,
  advanceJob,
  claimDelivery,
  claimJob,
  DELIVERY_CLAIM_MS,
  deliveriesByGrid,
  deliveryFigures,
  EFFECT_MAX_TRIES,
  EMPTY_COUNTS,
  finishJob,
  isLastPage,
  LEASE_MS,
  mayRunBatch,
  newDelivery,
  newDeliveryJob,
  noticeMessageLine,
  OUTCOME_UNKNOWN,
  retryDelayMs,
  retryJob,
  settleDelivery,
  shouldSend,
  tallyBatch,
  yieldJob,
  type DeliveryJob,
  type NoticeDelivery,
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
  it('starts batches while time and batches are left', () => {
    expect(mayRunBatch(budget, NOW, 0)).toBe(true);
    expect(mayRunBatch(budget, NOW + 8 * SECOND_MS, 0)).toBe(false);
    expect(mayRunBatch(budget, NOW, 2)).toBe(false);
  });
});

describe('a resident in a batch', () => {
  it('gets a pending delivery, claimed for its first attempt, with the household when the membership names one', () => {
    expect(newDelivery('n1', { userId: 'u1', gridId: GRID, householdId: 'h1' }, 'claim-1', NOW)).toEqual({
      id: 'n1:u1',
      kind: 'noticeDelivery',
      payload: null,
      state: 'pending',
      tries: 0,
      nextAttemptAt: NOW + DELIVERY_CLAIM_MS,
      noticeId: 'n1',
      userId: 'u1',
      gridId: GRID,
      householdId: 'h1',
      createdAt: NOW,
      claimId: 'claim-1',
    });
    expect(newDelivery('n1', { userId: 'u2', gridId: GRID }, 'claim-1', NOW)).not.toHaveProperty('householdId');
  });

  it('is sent to only with an authorisation left, or when authorisations are not counted', () => {
    expect(shouldSend(null)).toBe(true);
    expect(shouldSend(1)).toBe(true);
    expect(shouldSend(0)).toBe(false);
  });

  it('reads a line that says whether the notice is urgent', () => {
    expect(noticeMessageLine(true)).toBe('紧急通知，请尽快查看');
    expect(noticeMessageLine(false)).toBe('新通知，请查看');
  });
});

describe('tallyBatch', () => {
  it('counts every outcome, the skipped too, and fails nothing when every member was recorded', () => {
    const tally = tallyBatch([
      { userId: 'u1', outcome: 'sent' },
      { userId: 'u2', outcome: 'skipped' },
      { userId: 'u3', outcome: 'noAuthorisation' },
      { userId: 'u4', outcome: 'sent' },
      { userId: 'u5', outcome: 'refused' },
    ]);
    expect(tally.counts).toEqual({ sent: 2, noAuthorisation: 1, refused: 1, failed: 0, skipped: 1 });
    expect(Object.values(tally.counts).reduce((a, b) => a + b, 0)).toBe(5);
    expect(tally.failure).toBeNull();
  });

  it('fails the batch with the first error, still counting what went out', () => {
    const first = new Error('write fault');
    const tally = tallyBatch([
      { userId: 'u1', outcome: 'sent' },
      { userId: 'u2', error: first },
      { userId: 'u3', error: new Error('second') },
    ]);
    expect(tally.failure).toEqual({ error: first });
    expect(tally.counts.sent).toBe(1);
    expect(tally.counts).toEqual({ ...EMPTY_COUNTS, sent: 1 });
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
});

describe('a resident’s delivery as an effect', () => {
  const first: NoticeDelivery = newDelivery('n1', { userId: 'u1', gridId: GRID }, 'claim-1', NOW);
  const later = NOW + 3 * SECOND_MS;

  it('is done with the send’s answer, the claim released; sentAt only when sent', () => {
    const sent = settleDelivery(first, 'sent', later);
    expect(sent).toMatchObject({ state: 'done', outcome: 'sent', tries: 1, claimId: null, sentAt: later, finishedAt: later });
    const refused = settleDelivery(first, 'refused', later);
    expect(refused).toMatchObject({ state: 'done', outcome: 'refused', claimId: null });
    expect(refused).not.toHaveProperty('sentAt');
    expect(settleDelivery(first, 'noAuthorisation', later)).toMatchObject({ state: 'done', outcome: 'noAuthorisation', tries: 1 });
  });

  it('is retried after the backoff when the send failed (a system error) or a write threw, and given up after the last try', () => {
    const failed = settleDelivery(first, 'failed', later);
    expect(failed).toMatchObject({ state: 'pending', tries: 1, claimId: null, nextAttemptAt: later + retryDelayMs(1) });
    expect(failed.lastError).toMatch(/subscribeMessage\.send/);
    expect(failed).not.toHaveProperty('outcome');
    const threw = settleDelivery(first, { error: new Error('injected database write fault') }, later);
    expect(threw).toMatchObject({ state: 'pending', tries: 1, lastError: 'injected database write fault' });
    let d = first;
    for (let i = 0; i < EFFECT_MAX_TRIES; i += 1) d = settleDelivery({ ...d, claimId: 'c' }, 'failed', later);
    expect(d).toMatchObject({ state: 'failed', outcome: 'gaveUp', tries: EFFECT_MAX_TRIES, finishedAt: later });
  });

  it('is claimed again for a retry; an earlier claim that ran out unrecorded counts as a failed try (outcome unknown)', () => {
    const due = settleDelivery(first, 'failed', NOW);
    const retried = claimDelivery(due, 'claim-2', later);
    expect(retried).toMatchObject({ state: 'pending', tries: 1, claimId: 'claim-2', nextAttemptAt: later + DELIVERY_CLAIM_MS });
    // The first attempt's worker died after claiming: that attempt is counted, and it is sent again.
    const orphaned = claimDelivery(first, 'claim-3', later);
    expect(orphaned).toMatchObject({ state: 'pending', tries: 1, claimId: 'claim-3', lastError: OUTCOME_UNKNOWN });
    // With the tries used up, it is given up instead of claimed: nothing more is sent.
    const lastTry = { ...first, tries: EFFECT_MAX_TRIES - 1 };
    expect(claimDelivery(lastTry, 'claim-4', later)).toMatchObject({ state: 'failed', outcome: 'gaveUp', claimId: null, lastError: OUTCOME_UNKNOWN });
  });

  it('gives figures that add up to the deliveries, and per grid who is pending or failed', () => {
    const other = newDelivery('n1', { userId: 'u2', gridId: OTHER_GRID, householdId: 'h2' }, 'claim-1', NOW);
    const deliveries = [
      settleDelivery(first, 'sent', later),
      settleDelivery({ ...first, id: 'n1:u3', userId: 'u3' }, 'refused', later),
      settleDelivery({ ...first, id: 'n1:u4', userId: 'u4' }, 'noAuthorisation', later),
      { ...settleDelivery(other, 'failed', later), state: 'failed' as const, outcome: 'gaveUp' as const },
      other,
    ];
    expect(deliveryFigures(deliveries)).toEqual({ sent: 1, refused: 1, noAuthorisation: 1, failed: 1, pending: 1 });
    const [mine, theirs] = deliveriesByGrid([GRID, OTHER_GRID], deliveries);
    expect(mine).toEqual({ gridId: GRID, figures: { sent: 1, refused: 1, noAuthorisation: 1, failed: 0, pending: 0 }, undelivered: [] });
    expect(theirs?.figures).toEqual({ sent: 0, refused: 0, noAuthorisation: 0, failed: 1, pending: 1 });
    expect(theirs?.undelivered).toEqual([
      { userId: 'u2', householdId: 'h2', state: 'failed', tries: 1, lastError: expect.stringMatching(/send failed/) },
      { userId: 'u2', householdId: 'h2', state: 'pending', tries: 0 },
    ]);
  });
});
