// How many new households a join may create (issue 13: one printed code let one user create 40
// households with care-need flags). A join that reuses a household costs nothing; one that creates a
// household counts against the person and against the grid's printed code, per China day. Counted by
// the backend in one document per person or code and day (householdCounters), one conditional increment each.
import { chinaDateOf } from './chinaTime';
import type { EpochMs, Id } from './model';

/** A resident creates their own household, and perhaps one for a parent next door; more is for staff to register. */
export const NEW_HOUSEHOLDS_PER_USER_PER_DAY = 2;
/** A printed code on a building door: a busy day of move-ins, not a script. */
export const NEW_HOUSEHOLDS_PER_CODE_PER_DAY = 30;

type HouseholdCounterKind = 'user' | 'code';

export interface HouseholdCounter {
  /** householdCounters `_id`: kind, who or which code, China date. */
  id: string;
  kind: HouseholdCounterKind;
  max: number;
  refusal: 'LIMIT.HOUSEHOLDS_PER_USER' | 'LIMIT.HOUSEHOLDS_PER_CODE';
}

/** The counters a join creating a household takes one from, the person's first (the likelier to be spent). */
export function householdCounters(userId: Id, gridCode: string, now: EpochMs): HouseholdCounter[] {
  const day = chinaDateOf(now);
  return [
    { id: `user:${userId}:${day}`, kind: 'user', max: NEW_HOUSEHOLDS_PER_USER_PER_DAY, refusal: 'LIMIT.HOUSEHOLDS_PER_USER' },
    { id: `code:${gridCode}:${day}`, kind: 'code', max: NEW_HOUSEHOLDS_PER_CODE_PER_DAY, refusal: 'LIMIT.HOUSEHOLDS_PER_CODE' },
  ];
}
