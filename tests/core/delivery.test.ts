import { describe, expect, it } from 'vitest';
import {
  addCounts,
  advanceJob,
  claimJob,
  EMPTY_COUNTS,
  finishJob,
  isLastPage,
  LEASE_MS,
  mayRunBatch,
  newDelivery,
  newDeliveryJob,
  noticeMessageLine,
  retryJob,
  shouldSend,
  tallyBatch,
  yieldJob,
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
      counts: EMPTY_COUNTS,
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

  it('moves its cursor past each batch, adds the counts and renews the lease', () => {
    const running = { ...job, ...claimJob(job, 'lease-1', NOW), counts: { ...EMPTY_COUNTS, sent: 3 } };
    const later = NOW + 5 * SECOND_MS;
    expect(advanceJob(running, 'user-10', { ...EMPTY_COUNTS, sent: 2, skipped: 1 }, later)).toEqual({
      cursor: 'user-10',
      counts: { ...EMPTY_COUNTS, sent: 5, skipped: 1 },
      leaseUntil: later + LEASE_MS,
      nextRunAt: later + LEASE_MS,
      updatedAt: later,
    });
    // An empty page leaves the cursor where it was.
    expect(advanceJob({ ...running, cursor: 'user-10' }, null, EMPTY_COUNTS, later).cursor).toBe('user-10');
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
  it('gets a pending delivery record, with the household when the membership names one', () => {
    expect(newDelivery('n1', { userId: 'u1', gridId: GRID, householdId: 'h1' }, NOW)).toEqual({
      id: 'n1:u1',
      noticeId: 'n1',
      userId: 'u1',
      gridId: GRID,
      householdId: 'h1',
      createdAt: NOW,
      outcome: 'pending',
    });
    expect(newDelivery('n1', { userId: 'u2', gridId: GRID }, NOW)).not.toHaveProperty('householdId');
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
  it('counts every outcome, records each send outcome once per delivery, and leaves the skipped alone', () => {
    const tally = tallyBatch('n1', [
      { userId: 'u1', outcome: 'sent' },
      { userId: 'u2', outcome: 'skipped' },
      { userId: 'u3', outcome: 'noAuthorisation' },
      { userId: 'u4', outcome: 'sent' },
      { userId: 'u5', outcome: 'refused' },
    ]);
    expect(tally.counts).toEqual({ sent: 2, noAuthorisation: 1, refused: 1, failed: 0, skipped: 1 });
    expect([...tally.deliveriesByOutcome]).toEqual([
      ['sent', ['n1:u1', 'n1:u4']],
      ['noAuthorisation', ['n1:u3']],
      ['refused', ['n1:u5']],
    ]);
    expect(tally.failure).toBeNull();
  });

  it('fails the batch with the first error, still recording what went out', () => {
    const first = new Error('write fault');
    const tally = tallyBatch('n1', [
      { userId: 'u1', outcome: 'sent' },
      { userId: 'u2', error: first },
      { userId: 'u3', error: new Error('second') },
    ]);
    expect(tally.failure).toEqual({ error: first });
    expect(tally.counts.sent).toBe(1);
    expect([...tally.deliveriesByOutcome]).toEqual([['sent', ['n1:u1']]]);
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
