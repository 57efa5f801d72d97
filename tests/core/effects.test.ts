import { describe, expect, it } from 'vitest';
import {
  claimEffect,
  EFFECT_INTERRUPTED,
  EFFECT_MAX_TRIES,
  effectDone,
  effectRetry,
  isEffectDue,
  newEffect,
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
