// The duty rota (值班表): which duty officer covers which hours of a village. Level 2 of an escalation
// goes to the officers on duty at that instant; when the rota has a hole there (no shift covers it),
// or nobody it names still holds the duty-officer role in the village, it goes to every duty officer
// of the village, as without a rota: an escalation never reaches nobody because of a rota.
//
// A shift belongs to the China day it starts on: it repeats on its weekdays, or covers its dates, or
// every day when it names neither. A shift whose end is not after its start runs past midnight into
// the next day (20:00–08:00), and one whose end equals its start lasts 24 hours.

import { chinaDateOf, chinaDayStart, chinaWeekdayOf, minutesOfDay } from './chinaTime';
import type { DutyShift, EpochMs, Id, RoleAssignment } from './model';
import { DAY_MS, MINUTE_MS } from './policy';
import { dutyOfficers } from './staff';

/** Whether a shift is on the rota on the China day containing `dayInstant`. */
function shiftRunsOn(shift: DutyShift, dayInstant: EpochMs): boolean {
  const weekdays = shift.weekdays ?? [];
  const dates = shift.dates ?? [];
  if (weekdays.length === 0 && dates.length === 0) return true;
  return weekdays.includes(chinaWeekdayOf(dayInstant)) || dates.includes(chinaDateOf(dayInstant));
}

/** Whether the shift covers the instant (China time); a shift with a malformed time covers nothing. */
export function shiftCovers(shift: DutyShift, at: EpochMs): boolean {
  const start = minutesOfDay(shift.start);
  const end = minutesOfDay(shift.end);
  if (start === null || end === null) return false;
  const minute = Math.floor((at - chinaDayStart(at)) / MINUTE_MS);
  if (end > start) return shiftRunsOn(shift, at) && start <= minute && minute < end;
  // Past midnight: the evening part belongs to today's shift, the early hours to yesterday's.
  return (shiftRunsOn(shift, at) && minute >= start) || (shiftRunsOn(shift, at - DAY_MS) && minute < end);
}

/** The officers the rota has on duty at the instant, in rota order, each once. */
export function officersOnRota(rota: readonly DutyShift[], at: EpochMs): Id[] {
  return [...new Set(rota.filter((shift) => shiftCovers(shift, at)).map((shift) => shift.officerId))];
}

/**
 * The duty officers of the village to call at the instant: those on duty who still hold the role
 * there, else (a hole in the rota, no rota, or only people who left the role) all of them.
 */
export function dutyOfficersAt(assignments: readonly RoleAssignment[], villageId: Id, rota: readonly DutyShift[], at: EpochMs): Id[] {
  const all = dutyOfficers(assignments, villageId);
  const onDuty = officersOnRota(rota, at).filter((id) => all.includes(id));
  return onDuty.length > 0 ? onDuty : all;
}

/** The rota's officers who are not duty officers of the village (setVillagePolicy refuses them). */
export function rotaOfficersWithoutRole(rota: readonly DutyShift[], assignments: readonly RoleAssignment[], villageId: Id): Id[] {
  const holders = dutyOfficers(assignments, villageId);
  return [...new Set(rota.map((shift) => shift.officerId))].filter((id) => !holders.includes(id));
}
