// The day's new-household counts per person and per join code (core/src/joinLimits.ts), one document
// each in householdCounters: a conditional increment (`count < max`), or the day's first document.
// Two joins never take a count past its limit.
import type { ErrorCode } from '../../../core/src/errors';
import { householdCounters, type HouseholdCounter } from '../../../core/src/joinLimits';
import type { EpochMs, Id } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { insertOnce, updateWhere } from '../db';

interface HouseholdCounterDoc {
  _id: string;
  kind: HouseholdCounter['kind'];
  count: number;
  updatedAt: EpochMs;
}

/** Round trips: one update, and on the day's first an insert (and a second update if another join inserted first). */
async function take(db: Database, counter: HouseholdCounter, now: EpochMs): Promise<boolean> {
  const _ = db.command;
  const increment = () =>
    updateWhere(db.collection(COLLECTIONS.householdCounters).where({ _id: counter.id, count: _.lt(counter.max) }), { count: _.inc(1), updatedAt: now });
  if ((await increment()) === 1) return true;
  const first: HouseholdCounterDoc = { _id: counter.id, kind: counter.kind, count: 1, updatedAt: now };
  if (await insertOnce(db, COLLECTIONS.householdCounters, first)) return true;
  return (await increment()) === 1;
}

async function giveBack(db: Database, counter: HouseholdCounter, now: EpochMs): Promise<void> {
  await updateWhere(db.collection(COLLECTIONS.householdCounters).where({ _id: counter.id, count: db.command.gt(0) }), {
    count: db.command.inc(-1),
    updatedAt: now,
  });
}

/**
 * Takes one new household from the person's and the code's counts for today; the refusal's code when
 * either is spent, with what was taken given back, so a refused join leaves the counts as they were.
 */
export async function takeNewHousehold(db: Database, userId: Id, gridCode: string, now: EpochMs): Promise<ErrorCode | null> {
  const taken: HouseholdCounter[] = [];
  for (const counter of householdCounters(userId, gridCode, now)) {
    if (!(await take(db, counter, now))) {
      await Promise.all(taken.map((t) => giveBack(db, t, now)));
      return counter.refusal;
    }
    taken.push(counter);
  }
  return null;
}
