import { describe, expect, it } from 'vitest';
import { householdCounters, NEW_HOUSEHOLDS_PER_CODE_PER_DAY, NEW_HOUSEHOLDS_PER_USER_PER_DAY } from '../../core/src/joinLimits';
import { at } from './fixtures';

describe('householdCounters', () => {
  it('counts per person and per join code, per China day: half past midnight starts a new count', () => {
    const counters = householdCounters('o-1', 'Gx7Kp2Q', at('2026-11-24T23:30'));
    expect(counters).toEqual([
      { id: 'user:o-1:2026-11-24', kind: 'user', max: NEW_HOUSEHOLDS_PER_USER_PER_DAY, refusal: 'LIMIT.HOUSEHOLDS_PER_USER' },
      { id: 'code:Gx7Kp2Q:2026-11-24', kind: 'code', max: NEW_HOUSEHOLDS_PER_CODE_PER_DAY, refusal: 'LIMIT.HOUSEHOLDS_PER_CODE' },
    ]);
    expect(householdCounters('o-1', 'Gx7Kp2Q', at('2026-11-25T00:30'))[0]!.id).toBe('user:o-1:2026-11-25');
  });
});
