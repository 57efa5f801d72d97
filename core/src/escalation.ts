// Escalation (升级), in the manner of PagerDuty's escalation policies and Zammad's escalation
// times: a request nobody has answered moves up one level per deadline — level 1 the other 三长 of
// the grid, level 2 the village duty officer on the rota at that instant (all duty officers when the
// rota has a hole; dutyRota.ts), level 3 the street. Only the first response target
// escalates: once someone has really replied, the request stops escalating (an unresolved but
// answered request is followed up through reports and satisfaction, not paged).
//
// decideEscalation() is the one answer: the level, who is told, and the deadline after it.
// lifecycle.transition() applies that answer as it is. The sweeper runs every SWEEP_INTERVAL_MS and
// may overlap with another sweep, so every answer carries the version it was decided on (its guard):
// transition refuses an answer whose guard no longer holds, and the handler stores it
// `where version == guard.expectedVersion` (every change bumps the version), so the loser of a race
// updates nothing.

import { dutyOfficersAt } from './dutyRota';
import type { DutyShift, EpochMs, EscalationAudience, Id, Request, RequestEvent, RoleAssignment } from './model';
import { isAwaitingResponse, isClosed } from './model';
import type { ResolvedPolicy } from './policy';
import { gridLeaders, streetAdmins } from './staff';

export interface EscalationGuard {
  expectedLevel: number;
  expectedVersion: number;
}

/** A request due to move up one level: everything transition() needs to apply it. */
export interface EscalationDue {
  kind: 'escalate';
  toLevel: number;
  audience: EscalationAudience;
  /** When this level fell due; the answer may not be applied before. */
  dueAt: EpochMs;
  /** Deadline of the level after this one, or null when this is the last. */
  nextEscalationAt: EpochMs | null;
  /** Who is told: the audience's staff, less those already responsible. */
  recipients: Id[];
  guard: EscalationGuard;
}

export type EscalationDecision = { kind: 'none'; reason: 'responded' | 'closed' | 'finalLevelReached' } | { kind: 'notDue'; dueAt: EpochMs } | EscalationDue;

export const ESCALATION_EVENT_LABELS: Record<EscalationAudience, string> = {
  otherLeaders: '已通知其他三长',
  dutyOfficers: '已转值班员',
  streetAdmins: '已上报街道',
};

type EscalationView = Pick<
  Request,
  'state' | 'escalationLevel' | 'escalationPlan' | 'nextEscalationAt' | 'version' | 'streetId' | 'villageId' | 'gridId' | 'responders'
>;

/**
 * What the sweeper should do with this request at `now`, given the staff of its place and its
 * village's policy in force (for the duty rota). One level per decision: if the sweeper was down and
 * several deadlines passed, the next sweep takes the next level (notifications stay in order and each
 * level gets its own event).
 */
export function decideEscalation(
  request: EscalationView,
  staff: readonly RoleAssignment[],
  now: EpochMs,
  policy: Pick<ResolvedPolicy, 'dutyRota'>,
): EscalationDecision {
  if (isClosed(request.state)) return { kind: 'none', reason: 'closed' };
  if (!isAwaitingResponse(request.state)) return { kind: 'none', reason: 'responded' };
  const plan = [...request.escalationPlan].sort((a, b) => a.level - b.level);
  const next = plan.find((step) => step.level > request.escalationLevel);
  if (!next) return { kind: 'none', reason: 'finalLevelReached' };
  if (now < next.dueAt) return { kind: 'notDue', dueAt: next.dueAt };
  const after = plan.find((step) => step.level > next.level);
  return {
    kind: 'escalate',
    toLevel: next.level,
    audience: next.audience,
    dueAt: next.dueAt,
    nextEscalationAt: after ? after.dueAt : null,
    recipients: escalationRecipients(next.audience, request, staff, policy.dutyRota, now),
    guard: { expectedLevel: request.escalationLevel, expectedVersion: request.version },
  };
}

/** Whether a guard still matches the stored request (false: someone else escalated or answered). */
export function guardHolds(request: Pick<Request, 'escalationLevel' | 'version'>, guard: EscalationGuard): boolean {
  return request.escalationLevel === guard.expectedLevel && request.version === guard.expectedVersion;
}

/**
 * Who is notified for an audience at `at`: the 三长 of the request's grid, its village's duty officers
 * on the rota (all of them when the rota has a hole), or its street's admins — leaving out those
 * already responsible (they were notified before).
 */
export function escalationRecipients(
  audience: EscalationAudience,
  request: Pick<Request, 'streetId' | 'villageId' | 'gridId' | 'responders'>,
  assignments: readonly RoleAssignment[],
  dutyRota: readonly DutyShift[],
  at: EpochMs,
): Id[] {
  const candidates =
    audience === 'otherLeaders'
      ? gridLeaders(assignments, request.gridId)
      : audience === 'dutyOfficers'
        ? dutyOfficersAt(assignments, request.villageId, dutyRota, at)
        : streetAdmins(assignments, request.streetId);
  return candidates.filter((id) => !request.responders.includes(id));
}

/**
 * What one escalation changes on a request, stated so that it is the same for every request it
 * applies to: the guard it was decided on, the level and who is told, the responders after it, how
 * far the next deadline moves (each request keeps its own deadline; the step between levels is
 * the village's), and the event without its request id. Requests whose changes are equal form a
 * group, and one conditional multi-document write applies the change to the whole group — a burst
 * of thousands due at once costs a write per grid and level, not per request.
 */
export interface EscalationChange {
  villageId: Id;
  streetId: Id;
  fromVersion: number;
  fromLevel: number;
  toLevel: number;
  audience: EscalationAudience;
  recipients: Id[];
  responders: Id[];
  /** How far `nextEscalationAt` moves, or null when the level reached is the last. */
  nextEscalationShiftMs: number | null;
  event: Omit<RequestEvent, 'requestId'>;
}

/** Requests sharing one escalation change, as they are after it. */
export interface EscalationGroup {
  change: EscalationChange;
  requests: Request[];
}

/** Fields an escalation changes: EscalationChange covers each (tests/core/escalation.test.ts holds transition() to it). */
export const ESCALATION_CHANGED_FIELDS = ['version', 'escalationLevel', 'nextEscalationAt', 'responders'] as const;

/** The change that took `before` to `after` by `event` under `decision`, in its shared form. */
export function escalationChange(before: Request, after: Request, event: RequestEvent, decision: EscalationDue): EscalationChange {
  const { requestId: _requestId, ...shared } = event;
  const shift = after.nextEscalationAt === null || before.nextEscalationAt === null ? null : after.nextEscalationAt - before.nextEscalationAt;
  return {
    villageId: before.villageId,
    streetId: before.streetId,
    fromVersion: decision.guard.expectedVersion,
    fromLevel: decision.guard.expectedLevel,
    toLevel: decision.toLevel,
    audience: decision.audience,
    recipients: [...decision.recipients],
    responders: [...after.responders],
    nextEscalationShiftMs: after.nextEscalationAt === null ? null : (shift ?? 0),
    event: shared,
  };
}

/**
 * Escalations grouped by equal change, each group at most `maxSize` requests (one write's worth),
 * in the order of their earliest request (the due list's order: oldest deadline first).
 */
export function groupEscalations(escalated: readonly { change: EscalationChange; request: Request }[], maxSize: number): EscalationGroup[] {
  const open = new Map<string, EscalationGroup>();
  const groups: EscalationGroup[] = [];
  for (const { change, request } of escalated) {
    const key = JSON.stringify(change);
    let group = open.get(key);
    if (!group || group.requests.length >= maxSize) {
      group = { change, requests: [] };
      open.set(key, group);
      groups.push(group);
    }
    group.requests.push(request);
  }
  return groups;
}
