import { describe, expect, it } from 'vitest';
import {
  claimEffect,
  EFFECT_INTERRUPTED,
  EFFECT_MAX_TRIES,
  effectCancelled,
  effectDone,
  effectRetry,
  isEffectDue,
  isScheduled,
  newEffect,
  newScheduledEffect,
  nextEffectAt,
  retryDelayMs,
} from '../../core/src/effects';
import { SECOND_MS } from '../../core/src/policy';
import { at } from './fixtures';

const NOW = at('2026-11-24T09:00');

describe('effects', () => {
  it('is due at once when recorded, and done with its outcome after one attempt', () => {
    const effect = newEffect('r1:1:message:o-a', 'message', { to: 'o-a' }, NOW);
    expect(isEffectDue(effect, NOW)).toBe(true);
    const done = effectDone(effect, 'sent', NOW + 1);
    expect(done).toMatchObject({ state: 'done', tries: 1, outcome: 'sent', finishedAt: NOW + 1 });
    expect(isEffectDue(done, NOW + 1)).toBe(false);
  });

  it('backs off 10 s, 20 s, 40 s, 80 s between attempts and gives up after the last, keeping the reason', () => {
    let effect = newEffect('r1:1:inbox:o-a', 'inbox', {}, NOW);
    const waits: number[] = [];
    let clock = NOW;
    while (effect.state === 'pending') {
      effect = effectRetry(effect, 'DATABASE_WRITE_FAULT', clock);
      if (effect.state === 'pending') {
        waits.push(effect.nextAttemptAt - clock);
        expect(isEffectDue(effect, effect.nextAttemptAt - 1)).toBe(false);
        clock = effect.nextAttemptAt;
      }
    }
    expect(waits).toEqual([10, 20, 40, 80].map((s) => s * SECOND_MS));
    expect(effect).toMatchObject({ state: 'failed', tries: EFFECT_MAX_TRIES, outcome: 'gaveUp', lastError: 'DATABASE_WRITE_FAULT' });
    expect(retryDelayMs(30)).toBe(5 * 60 * SECOND_MS);
  });

  it('names when the earliest pending effect is due, or null when nothing is owed', () => {
    const a = newEffect('a', 'x', {}, NOW + 5);
    const b = effectRetry(newEffect('b', 'x', {}, NOW), 'fault', NOW);
    expect(nextEffectAt([a, b])).toBe(NOW + 5);
    expect(nextEffectAt([effectDone(a, 'sent', NOW)])).toBeNull();
  });
});

describe('claimEffect', () => {
  it('counts the try and holds the effect off for the backoff, so a crash leaves it due again marked interrupted', () => {
    const claimed = claimEffect(newEffect('r1:1:message:o-a', 'message', {}, NOW), NOW);
    expect(claimed).toMatchObject({ state: 'pending', tries: 1, lastError: EFFECT_INTERRUPTED, nextAttemptAt: NOW + retryDelayMs(1) });
    expect(isEffectDue(claimed, NOW + retryDelayMs(1) - 1)).toBe(false);
    expect(isEffectDue(claimed, NOW + retryDelayMs(1))).toBe(true);
  });

  it('gives up an effect whose tries are used up instead of claiming it', () => {
    const used = { ...newEffect('r1:1:inbox:o-a', 'inbox', {}, NOW), tries: EFFECT_MAX_TRIES };
    expect(claimEffect(used, NOW)).toMatchObject({ state: 'failed', outcome: 'gaveUp', tries: EFFECT_MAX_TRIES, finishedAt: NOW });
  });
});

describe('scheduled effects', () => {
  it('a reminder scheduled for later is not due nor owed until its time, and a cancelled one is done untried', () => {
    const now = at('2026-11-24T10:00');
    const later = now + 7 * 60 * SECOND_MS;
    const reminder = newScheduledEffect('r1:v1:dueSoon:o-a', 'dueSoon', {}, now, later);
    expect(isEffectDue(reminder, now)).toBe(false);
    expect(isScheduled(reminder, now)).toBe(true);
    expect(isEffectDue(reminder, later)).toBe(true);
    expect(isScheduled(reminder, later)).toBe(false);
    expect(nextEffectAt([reminder])).toBe(later);
    const cancelled = effectCancelled(reminder, 'answered', now);
    expect(cancelled).toMatchObject({ state: 'done', outcome: 'answered', tries: 0, finishedAt: now });
    expect(nextEffectAt([cancelled])).toBeNull();
    // Scheduled in the past: due at once.
    expect(newScheduledEffect('x', 'dueSoon', {}, now, now - 1).nextAttemptAt).toBe(now);
  });
});
