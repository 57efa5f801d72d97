// Turns validated cloud-function inputs into domain values where the two differ in shape: a
// village's policy (minutes and lists in the input, ms and maps in the domain) and a report
// period (China dates in the input, instants in the domain). Checks the rules a schema cannot
// express, such as "the urgent target is not longer than the normal one".

import { hasAnyServiceHours } from './calendar';
import { chinaDateStart, minutesOfDay } from './chinaTime';
import { fail, ok, type Result } from './errors';
import type { DutyShift, EpochMs, Id, InvitableRole, ServiceCalendar, ServiceInterval, VillagePolicy, Weekday } from './model';
import { isGridRole } from './model';
import { DAY_MS, MINUTE_MS, resolvePolicy, type ResolvedPolicy } from './policy';
import { weekRange, type Period } from './reports';
import type { GetReportInput, SetVillagePolicyInput } from './schemas';

/** Longest period one report may cover, so a report query stays bounded. */
const REPORT_PERIOD_MAX_DAYS = 366;

function intervalsProblem(intervals: readonly ServiceInterval[]): string | null {
  const spans = intervals.map((i) => [minutesOfDay(i.start), minutesOfDay(i.end)] as const);
  for (const [start, end] of spans) {
    if (start === null || end === null || end <= start) return '服务时段的结束时间须晚于开始时间';
  }
  const sorted = [...spans].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  for (let i = 1; i < sorted.length; i += 1) {
    const previousEnd = sorted[i - 1]?.[1] ?? 0;
    if ((sorted[i]?.[0] ?? 0) < previousEnd) return '同一天的服务时段不能重叠';
  }
  return null;
}

function dutyShiftFromInput(shift: NonNullable<SetVillagePolicyInput['dutyRota']>[number]): DutyShift {
  return {
    officerId: shift.officerId,
    ...(shift.weekdays ? { weekdays: shift.weekdays.map((day) => day as Weekday) } : {}),
    ...(shift.dates ? { dates: [...shift.dates] } : {}),
    start: shift.start,
    end: shift.end,
  };
}

/** Rules across fields of a resolved policy; null when it is consistent. */
/** What is wrong with a merged policy, and the setVillagePolicy field it is about (the policy page shows it there). */
interface PolicyProblem {
  field: string;
  message: string;
}

function policyProblem(policy: ResolvedPolicy): PolicyProblem | null {
  if (policy.urgentResponseTargetMs > policy.responseTargetMs) return { field: 'urgentResponseTargetMinutes', message: '紧急诉求的响应时限不能长于一般诉求' };
  const levels = policy.escalationSteps.map((s) => s.level);
  if (new Set(levels).size !== levels.length) return { field: 'escalationSteps', message: '升级级别不能重复' };
  for (let i = 1; i < policy.escalationSteps.length; i += 1) {
    const previous = policy.escalationSteps[i - 1];
    const current = policy.escalationSteps[i];
    if (previous && current && current.afterTargetMs < previous.afterTargetMs)
      return { field: 'escalationSteps', message: '更高级别的升级时间不能早于较低级别' };
  }
  const calendar = policy.calendar;
  for (const [field, days] of [
    ['calendar.weeklyHours', Object.values(calendar.weeklyHours)],
    ['calendar.specialHours', Object.values(calendar.specialHours ?? {})],
  ] as const) {
    for (const intervals of days) {
      const problem = intervalsProblem(intervals ?? []);
      if (problem) return { field, message: problem };
    }
  }
  if (!hasAnyServiceHours(calendar)) return { field: 'calendar.weeklyHours', message: '每周至少要有一个服务时段，或开启应急模式' };
  return null;
}

/**
 * Merge a setVillagePolicy input over the village's stored policy (fields left out keep their
 * stored value), and check the result. POLICY.INVALID says what is wrong in plain words.
 */
export function villagePolicyFromInput(
  input: SetVillagePolicyInput,
  stored: VillagePolicy | null,
  updatedBy: Id,
  now: EpochMs,
): Result<{ policy: VillagePolicy; resolved: ResolvedPolicy }> {
  const minutes = (value: number | undefined): number | undefined => (value === undefined ? undefined : value * MINUTE_MS);
  const calendarInput = input.calendar;
  const storedCalendar = stored?.calendar ?? {};
  const calendar: Partial<ServiceCalendar> = { ...storedCalendar };
  if (calendarInput?.weeklyHours) {
    const weekly: Partial<Record<Weekday, ServiceInterval[]>> = {};
    for (const day of calendarInput.weeklyHours) weekly[day.weekday as Weekday] = day.intervals.map((i) => ({ start: i.start, end: i.end }));
    calendar.weeklyHours = weekly;
  }
  if (calendarInput?.holidays) calendar.holidays = [...calendarInput.holidays];
  if (calendarInput?.specialHours) {
    calendar.specialHours = Object.fromEntries(calendarInput.specialHours.map((d) => [d.date, d.intervals.map((i) => ({ start: i.start, end: i.end }))]));
  }
  if (calendarInput?.emergencyMode !== undefined) calendar.emergencyMode = calendarInput.emergencyMode;
  for (const [field, dates] of [
    ['calendar.holidays', calendar.holidays ?? []],
    ['calendar.specialHours', Object.keys(calendar.specialHours ?? {})],
  ] as const) {
    for (const date of dates) if (chinaDateStart(date) === null) return fail('POLICY.INVALID', `日期 ${date} 不存在`, { field });
  }

  const policy: VillagePolicy = {
    ...(stored ?? {}),
    villageId: input.villageId,
    updatedAt: now,
    updatedBy,
    calendar,
  };
  const responseTargetMs = minutes(input.responseTargetMinutes);
  if (responseTargetMs !== undefined) policy.responseTargetMs = responseTargetMs;
  const urgentResponseTargetMs = minutes(input.urgentResponseTargetMinutes);
  if (urgentResponseTargetMs !== undefined) policy.urgentResponseTargetMs = urgentResponseTargetMs;
  if (input.urgentAroundTheClock !== undefined) policy.urgentAroundTheClock = input.urgentAroundTheClock;
  if (input.autoCloseAfterDays !== undefined) policy.autoCloseAfterDays = input.autoCloseAfterDays;
  if (input.escalationSteps) {
    policy.escalationSteps = input.escalationSteps.map((s) => ({ level: s.level, audience: s.audience, afterTargetMs: s.afterTargetMinutes * MINUTE_MS }));
  }
  if (input.urgentToAllLeaders !== undefined) policy.urgentToAllLeaders = input.urgentToAllLeaders;
  if (input.dutyRota) policy.dutyRota = input.dutyRota.map(dutyShiftFromInput);
  if (input.dueSoonBeforeMs !== undefined) policy.dueSoonBeforeMs = input.dueSoonBeforeMs;
  if (input.sms) policy.sms = { ...stored?.sms, ...input.sms };
  if (input.resolutionTargetsMs) policy.resolutionTargetsMs = { ...stored?.resolutionTargetsMs, ...input.resolutionTargetsMs };
  // The whole list, in the committee's order, trimmed and without repeats (the schema refused blanks and overlong ones).
  if (input.quickReplies) policy.quickReplies = [...new Set(input.quickReplies.map((reply) => reply.trim()))];

  const resolved = resolvePolicy(policy);
  const problem = policyProblem(resolved);
  if (problem) return fail('POLICY.INVALID', problem.message, { field: problem.field });
  // A lead the village chose must fall inside its target (the default lead is the reminder's to fit).
  if (policy.dueSoonBeforeMs !== undefined && resolved.dueSoonBeforeMs >= resolved.responseTargetMs) {
    return fail('POLICY.INVALID', '到期提醒的提前量须短于响应时限', { field: 'dueSoonBeforeMs' });
  }
  return ok({ policy, resolved });
}

/** A report period from China dates: a Monday-start week, or from..to inclusive. */
export function reportPeriodFromInput(period: GetReportInput['period']): Result<Period> {
  if (period.kind === 'week') {
    const day = chinaDateStart(period.date);
    if (day === null) return fail('INPUT.INVALID', `日期 ${period.date} 不存在`);
    const week = weekRange(day);
    return ok({ start: week.start, end: week.end });
  }
  const start = chinaDateStart(period.from);
  const lastDay = chinaDateStart(period.to);
  if (start === null || lastDay === null) return fail('INPUT.INVALID', '日期不存在');
  const end = lastDay + DAY_MS;
  if (end <= start) return fail('INPUT.INVALID', '结束日期不能早于开始日期');
  if (end - start > REPORT_PERIOD_MAX_DAYS * DAY_MS) return fail('INPUT.INVALID', `统计区间最长 ${REPORT_PERIOD_MAX_DAYS} 天`);
  return ok({ start, end });
}

/** Grid roles (the 三长, grid worker) are invited into one grid; village roles into no grid. */
export function checkInvitationScope(role: InvitableRole, gridId: Id | undefined): Result<null> {
  if (isGridRole(role) && gridId === undefined) return fail('INPUT.INVALID', '邀请网格职务时须选择网格');
  if (!isGridRole(role) && gridId !== undefined) return fail('INPUT.INVALID', '村（社区）职务不属于某个网格');
  return ok(null);
}
