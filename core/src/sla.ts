// Response targets (响应时限, 黄金10分钟): when the first real reply is due, and how a request did.
// The target counts only service time of the village's calendar; the clock stops at the first real
// reply, whose time (firstResponseAt) the lifecycle records.

import { addServiceTime } from './calendar';
import { responseTargetFor, type ResolvedPolicy } from './policy';
import type { EpochMs, EscalationStep, Request, ServiceCalendar } from './model';

function effectiveCalendar(policy: ResolvedPolicy, calendar: ServiceCalendar, urgent: boolean): ServiceCalendar {
  return urgent && policy.urgentAroundTheClock ? { ...calendar, emergencyMode: true } : calendar;
}

/** When the first reply to a request submitted at `submittedAt` is due. */
export function responseDeadline(submittedAt: EpochMs, policy: ResolvedPolicy, calendar: ServiceCalendar = policy.calendar, urgent = false): EpochMs {
  return addServiceTime(effectiveCalendar(policy, calendar, urgent), submittedAt, responseTargetFor(policy, urgent));
}

/**
 * The whole escalation plan, fixed at submission: level N is due `afterTargetMs` of service time
 * after the response target (so a request submitted at 19:55 escalates the next morning, not at night).
 */
export function escalationPlan(submittedAt: EpochMs, policy: ResolvedPolicy, calendar: ServiceCalendar = policy.calendar, urgent = false): EscalationStep[] {
  const effective = effectiveCalendar(policy, calendar, urgent);
  const target = responseTargetFor(policy, urgent);
  return [...policy.escalationSteps]
    .sort((a, b) => a.level - b.level)
    .map((step) => ({
      level: step.level,
      audience: step.audience,
      dueAt: addServiceTime(effective, submittedAt, target + step.afterTargetMs),
    }));
}

/** Wall-clock ms from submission to the first real reply; null if not yet answered. */
export function firstResponseMs(request: Pick<Request, 'submittedAt' | 'firstResponseAt'>): number | null {
  return request.firstResponseAt === undefined ? null : request.firstResponseAt - request.submittedAt;
}

/**
 * Whether the request was answered within its target. Unanswered requests are within target
 * until the deadline passes (`now`), after which they count as missed.
 */
export function isWithinTarget(request: Pick<Request, 'firstResponseAt' | 'responseDueAt'>, now?: EpochMs): boolean | null {
  if (request.firstResponseAt !== undefined) return request.firstResponseAt <= request.responseDueAt;
  if (now !== undefined && now > request.responseDueAt) return false;
  return null;
}

/** Answered and still being worked on: the resolution clock runs (resolved, closed and unanswered don't count). */
export const RESOLUTION_CLOCK_STATES: readonly Request['state'][] = ['responded', 'inProgress', 'reopened'];

/** When an answered request should be resolved: its category's target after submission (wall clock). */
export function resolutionDueAt(request: Pick<Request, 'submittedAt' | 'category'>, policy: Pick<ResolvedPolicy, 'resolutionTargetsMs'>): EpochMs {
  return request.submittedAt + policy.resolutionTargetsMs[request.category];
}

/** An answered, unresolved request past its resolution target (answered is not resolved). */
export function isResolutionOverdue(request: Pick<Request, 'submittedAt' | 'category' | 'state'>, policy: ResolvedPolicy, now: EpochMs): boolean {
  return RESOLUTION_CLOCK_STATES.includes(request.state) && now > resolutionDueAt(request, policy);
}
