// Named, configurable policy: response targets (黄金10分钟), escalation table, auto-close, limits.
// Defaults live here; a village's overrides merge over them (resolvePolicy). Nothing else in the
// core hard-codes a duration or a limit.

import type { DutyShift, EscalationStepPolicy, RequestCategory, ServiceCalendar, SmsPolicy, VillagePolicy } from './model';

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** 黄金10分钟: the first real reply is due 10 minutes (of service time) after submission. */
export const DEFAULT_RESPONSE_TARGET_MS = 10 * MINUTE_MS;
/** Urgent requests have the same ten minutes, counted around the clock (below). */
const DEFAULT_URGENT_RESPONSE_TARGET_MS = DEFAULT_RESPONSE_TARGET_MS;
/** An urgent request (medicine, a fall) at 03:15 is due at 03:25, not when service opens; a village can turn this off. */
const DEFAULT_URGENT_AROUND_THE_CLOCK = true;
/** An urgent request goes to all three 三长 at once; a village can turn this off. */
const DEFAULT_URGENT_TO_ALL_LEADERS = true;
/** Responders are reminded this long before a response target (as Zammad warns before an SLA breach). */
const DEFAULT_DUE_SOON_BEFORE_MS = 3 * MINUTE_MS;
/** SMS is on, within a daily budget per village (SMS is paid for from the CloudBase SMS pack). */
const DEFAULT_SMS_POLICY: SmsPolicy = { enabled: true, dailyBudget: 200 };

/**
 * Escalation table. Level 1 at the target (the other 三长 of the grid), level 2 ten minutes later
 * (the village duty officers), level 3 twenty minutes after the target (the street).
 * With the default 10-minute target that is 10 / 20 / 30 minutes after submission.
 */
const DEFAULT_ESCALATION_STEPS: readonly EscalationStepPolicy[] = [
  { level: 1, audience: 'otherLeaders', afterTargetMs: 0 },
  { level: 2, audience: 'dutyOfficers', afterTargetMs: 10 * MINUTE_MS },
  { level: 3, audience: 'streetAdmins', afterTargetMs: 20 * MINUTE_MS },
];

/**
 * Resolution targets (办结时限): how long after submission an answered request should be resolved.
 * Wall-clock hours, not service time: a resident waiting for medicine waits nights too, and a
 * target of days would otherwise stretch by the closed hours unpredictably.
 */
const URGENT_NEED_RESOLUTION_TARGET_MS = 24 * HOUR_MS;
const WORK_ORDER_RESOLUTION_TARGET_MS = 72 * HOUR_MS;
const DEFAULT_RESOLUTION_TARGETS_MS: Readonly<Record<RequestCategory, number>> = {
  supplies: WORK_ORDER_RESOLUTION_TARGET_MS,
  medicine: URGENT_NEED_RESOLUTION_TARGET_MS,
  elderlyCare: URGENT_NEED_RESOLUTION_TARGET_MS,
  sanitation: WORK_ORDER_RESOLUTION_TARGET_MS,
  repairs: WORK_ORDER_RESOLUTION_TARGET_MS,
  dispute: WORK_ORDER_RESOLUTION_TARGET_MS,
  healthReport: URGENT_NEED_RESOLUTION_TARGET_MS,
  consultation: WORK_ORDER_RESOLUTION_TARGET_MS,
  other: WORK_ORDER_RESOLUTION_TARGET_MS,
};
/** Bounds a village may choose a category's resolution target within (setVillagePolicy). */
export const MIN_RESOLUTION_TARGET_MS = 1 * HOUR_MS;
export const MAX_RESOLUTION_TARGET_MS = 30 * DAY_MS;

/** 常用回复: the replies a village starts with (staff tap one to answer). */
const DEFAULT_QUICK_REPLIES: readonly string[] = ['收到，马上安排', '已联系，正在处理', '物资已送达', '已上门查看', '请留意电话，稍后联系您'];
/** How many quick replies a village may keep, and how long each may be (setVillagePolicy). */
export const MAX_QUICK_REPLIES = 12;
export const QUICK_REPLY_MAX_LENGTH = 40;

/** A resolved request the resident neither confirms nor reopens closes itself after this many days. */
export const DEFAULT_AUTO_CLOSE_AFTER_DAYS = 7;

/** The escalation sweeper runs this often (a CloudBase timer trigger). */
export const SWEEP_INTERVAL_MS = 10 * SECOND_MS;

/** Request text limit, in characters (code points). */
export const REQUEST_TEXT_MAX_LENGTH = 500;
/** Photos per request or per resolution. */
export const REQUEST_PHOTO_MAX_COUNT = 3;
/** The cloud folder of a resident's photos: `requests/<idempotencyKey>-<n>.<ext>`, one name per submission. */
export const REQUEST_PHOTO_FOLDER = 'requests';
/** The cloud folder of a leader's resolution photos: `resolutions/<requestId>-<time>-<n>.<ext>`. */
export const RESOLUTION_PHOTO_FOLDER = 'resolutions';
export const RATING_MIN = 1;
export const RATING_MAX = 5;
/** Ratings at or below this are followed up (回访). */
export const LOW_RATING_THRESHOLD = 2;
export const RATING_COMMENT_MAX_LENGTH = 200;
export const NOTE_MAX_LENGTH = 500;

/** Default service hours: 08:00–20:00 every day, weekends included (residents' needs don't stop). */
const DEFAULT_SERVICE_START = '08:00';
const DEFAULT_SERVICE_END = '20:00';
const EVERY_DAY_DEFAULT_HOURS = [{ start: DEFAULT_SERVICE_START, end: DEFAULT_SERVICE_END }];

export const DEFAULT_SERVICE_CALENDAR: ServiceCalendar = {
  weeklyHours: {
    0: EVERY_DAY_DEFAULT_HOURS,
    1: EVERY_DAY_DEFAULT_HOURS,
    2: EVERY_DAY_DEFAULT_HOURS,
    3: EVERY_DAY_DEFAULT_HOURS,
    4: EVERY_DAY_DEFAULT_HOURS,
    5: EVERY_DAY_DEFAULT_HOURS,
    6: EVERY_DAY_DEFAULT_HOURS,
  },
  holidays: [],
  emergencyMode: false,
};

/** Bounds a village may choose its response targets within (setVillagePolicy's schema, in minutes). */
export const MIN_RESPONSE_TARGET_MS = 1 * MINUTE_MS;
export const MAX_RESPONSE_TARGET_MS = 24 * HOUR_MS;
export const MAX_AUTO_CLOSE_AFTER_DAYS = 90;
export const MAX_ESCALATION_LEVEL = 3;
/** A duty rota's shifts: a week of a few shifts a day for a handful of officers, plus holiday duty. */
export const MAX_DUTY_SHIFTS = 50;
/** Particular dates one shift may list (a month of holiday duty). */
export const MAX_DUTY_SHIFT_DATES = 31;
/** The due-soon lead is at least 0 (no reminder) and below the response target (checked in fromInput). */
export const MIN_DUE_SOON_BEFORE_MS = 0;
export const MAX_DUE_SOON_BEFORE_MS = MAX_RESPONSE_TARGET_MS - 1;
/** The most SMS a village may budget per China day. */
export const MAX_SMS_DAILY_BUDGET = 10_000;

/** The policy in force for one village, every field filled in. */
export interface ResolvedPolicy {
  responseTargetMs: number;
  urgentResponseTargetMs: number;
  urgentAroundTheClock: boolean;
  escalationSteps: readonly EscalationStepPolicy[];
  autoCloseAfterDays: number;
  calendar: ServiceCalendar;
  urgentToAllLeaders: boolean;
  dutyRota: readonly DutyShift[];
  dueSoonBeforeMs: number;
  sms: SmsPolicy;
  resolutionTargetsMs: Readonly<Record<RequestCategory, number>>;
  quickReplies: readonly string[];
}

export const DEFAULT_POLICY: ResolvedPolicy = {
  responseTargetMs: DEFAULT_RESPONSE_TARGET_MS,
  urgentResponseTargetMs: DEFAULT_URGENT_RESPONSE_TARGET_MS,
  urgentAroundTheClock: DEFAULT_URGENT_AROUND_THE_CLOCK,
  escalationSteps: DEFAULT_ESCALATION_STEPS,
  autoCloseAfterDays: DEFAULT_AUTO_CLOSE_AFTER_DAYS,
  calendar: DEFAULT_SERVICE_CALENDAR,
  urgentToAllLeaders: DEFAULT_URGENT_TO_ALL_LEADERS,
  dutyRota: [],
  dueSoonBeforeMs: DEFAULT_DUE_SOON_BEFORE_MS,
  sms: DEFAULT_SMS_POLICY,
  resolutionTargetsMs: DEFAULT_RESOLUTION_TARGETS_MS,
  quickReplies: DEFAULT_QUICK_REPLIES,
};

/** Merge a village's overrides over the defaults (absent fields keep the default). */
export function resolvePolicy(overrides?: Partial<Omit<VillagePolicy, 'villageId' | 'updatedAt' | 'updatedBy'>>): ResolvedPolicy {
  if (!overrides) return DEFAULT_POLICY;
  const calendar = overrides.calendar;
  return {
    responseTargetMs: overrides.responseTargetMs ?? DEFAULT_POLICY.responseTargetMs,
    urgentResponseTargetMs: overrides.urgentResponseTargetMs ?? DEFAULT_POLICY.urgentResponseTargetMs,
    urgentAroundTheClock: overrides.urgentAroundTheClock ?? DEFAULT_POLICY.urgentAroundTheClock,
    escalationSteps: [...(overrides.escalationSteps ?? DEFAULT_POLICY.escalationSteps)].sort((a, b) => a.level - b.level),
    autoCloseAfterDays: overrides.autoCloseAfterDays ?? DEFAULT_POLICY.autoCloseAfterDays,
    calendar: {
      weeklyHours: calendar?.weeklyHours ?? DEFAULT_SERVICE_CALENDAR.weeklyHours,
      holidays: calendar?.holidays ?? DEFAULT_SERVICE_CALENDAR.holidays,
      ...(calendar?.specialHours ? { specialHours: calendar.specialHours } : {}),
      emergencyMode: calendar?.emergencyMode ?? DEFAULT_SERVICE_CALENDAR.emergencyMode,
    },
    urgentToAllLeaders: overrides.urgentToAllLeaders ?? DEFAULT_POLICY.urgentToAllLeaders,
    dutyRota: overrides.dutyRota ?? DEFAULT_POLICY.dutyRota,
    dueSoonBeforeMs: overrides.dueSoonBeforeMs ?? DEFAULT_POLICY.dueSoonBeforeMs,
    sms: { ...DEFAULT_SMS_POLICY, ...overrides.sms },
    resolutionTargetsMs: { ...DEFAULT_RESOLUTION_TARGETS_MS, ...overrides.resolutionTargetsMs },
    quickReplies: overrides.quickReplies ?? DEFAULT_POLICY.quickReplies,
  };
}

/** The target that applies to one request. */
export function responseTargetFor(policy: ResolvedPolicy, urgent: boolean): number {
  return urgent ? Math.min(policy.urgentResponseTargetMs, policy.responseTargetMs) : policy.responseTargetMs;
}
