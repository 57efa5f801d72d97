// Routing (分派): who answers a request, from a table of rules keyed by (grid, category). The table
// is data with an audit trail (FixMyStreet's habit), not code. When nobody is found, that is a
// recorded outcome: the request goes to the village duty officers (then the committee, then the
// street) and is never lost. An urgent request (medicine, a fall) goes to all three 三长 of its grid
// at once, besides whoever the rule names, unless the village turns `urgentToAllLeaders` off.

import { fail, ok, type Result } from './errors';
import type { GridRole, Id, MicroGrid, RequestCategory, RoleAssignment, RoutingAuditEntry, RoutingCategory, RoutingRule, RoutingOutcome } from './model';
import { DEFAULT_POLICY, type ResolvedPolicy } from './policy';
import { committeeMembers, dutyOfficers, gridLeaders, gridRoleHolders, streetAdmins, type RequestPlace } from './staff';

/** With no rule for the grid, requests go to the grid leader (网格长). */
const DEFAULT_RESPONDER_ROLES: readonly GridRole[] = ['gridLeader'];
/** Wildcard category: a grid-wide rule used when the category has no rule of its own. */
const ANY_CATEGORY = '*';

type FallbackAudience = 'dutyOfficers' | 'committee' | 'streetAdmins' | 'nobody';

export interface RoutingDecision {
  outcome: RoutingOutcome;
  responders: Id[];
  /** Which rule decided ('default' when the grid has none). */
  source: { kind: 'rule'; ruleId: Id } | { kind: 'default' };
  /** Set when outcome is noResponderFallback: who got it instead. */
  fallbackTo?: FallbackAudience;
}

/** The rule for (grid, category), else the grid's wildcard rule, else none. */
export function findRoutingRule(rules: readonly RoutingRule[], gridId: Id, category: RequestCategory): RoutingRule | undefined {
  const forGrid = rules.filter((r) => r.gridId === gridId);
  return forGrid.find((r) => r.category === category) ?? forGrid.find((r) => r.category === ANY_CATEGORY);
}

export interface RouteInput {
  place: RequestPlace;
  category: RequestCategory;
  /** The resident's micro-grid, if any: its temporary leader answers too. */
  microGrid?: Pick<MicroGrid, 'leaderUserId'>;
  /** Flagged urgent by the resident: with `urgentToAllLeaders`, all three 三长 answer. */
  urgent?: boolean;
}

export function routeRequest(
  input: RouteInput,
  rules: readonly RoutingRule[],
  assignments: readonly RoleAssignment[],
  policy: Pick<ResolvedPolicy, 'urgentToAllLeaders'> = DEFAULT_POLICY,
): RoutingDecision {
  const rule = findRoutingRule(rules, input.place.gridId, input.category);
  const roles = rule ? rule.roles : DEFAULT_RESPONDER_ROLES;
  const responders = new Set<Id>([...gridRoleHolders(assignments, input.place.gridId, roles), ...(rule?.userIds ?? [])]);
  if (input.microGrid?.leaderUserId) responders.add(input.microGrid.leaderUserId);
  if (input.urgent && policy.urgentToAllLeaders) for (const leader of gridLeaders(assignments, input.place.gridId)) responders.add(leader);
  const source: RoutingDecision['source'] = rule ? { kind: 'rule', ruleId: rule.id } : { kind: 'default' };
  if (responders.size > 0) return { outcome: 'routed', responders: [...responders], source };

  const fallbacks: Array<[FallbackAudience, Id[]]> = [
    ['dutyOfficers', dutyOfficers(assignments, input.place.villageId)],
    ['committee', committeeMembers(assignments, input.place.villageId)],
    ['streetAdmins', streetAdmins(assignments, input.place.streetId)],
  ];
  for (const [audience, ids] of fallbacks) {
    if (ids.length > 0) return { outcome: 'noResponderFallback', responders: ids, source, fallbackTo: audience };
  }
  // Still stored and visible in the village's queue; the outcome says nobody was notified.
  return { outcome: 'noResponderFallback', responders: [], source, fallbackTo: 'nobody' };
}

export interface RoutingRuleChange {
  gridId: Id;
  category: RoutingCategory;
  /** null removes the rule (the grid falls back to its wildcard rule or the default). */
  set: { roles: GridRole[]; userIds: Id[] } | null;
  reason: string;
}

/**
 * Apply a change to one (grid, category) rule, producing the new rule (or null when removed) and
 * the audit entry to store with it. `newRuleId` is used when the rule did not exist.
 */
export function changeRoutingRule(
  existing: RoutingRule | null,
  change: RoutingRuleChange,
  changedBy: Id,
  now: number,
  newRuleId: Id,
): Result<{ rule: RoutingRule | null; audit: RoutingAuditEntry }> {
  const reason = change.reason.trim();
  if (!reason) return fail('ROUTING.REASON_REQUIRED');
  if (existing && (existing.gridId !== change.gridId || existing.category !== change.category)) {
    return fail('INPUT.INVALID', '规则与网格或类别不匹配');
  }
  const rule: RoutingRule | null = change.set
    ? {
        id: existing?.id ?? newRuleId,
        gridId: change.gridId,
        category: change.category,
        roles: [...new Set(change.set.roles)],
        userIds: [...new Set(change.set.userIds)],
        updatedAt: now,
        updatedBy: changedBy,
        version: (existing?.version ?? 0) + 1,
      }
    : null;
  const audit: RoutingAuditEntry = {
    ruleId: existing?.id ?? newRuleId,
    gridId: change.gridId,
    category: change.category,
    changedBy,
    changedAt: now,
    reason,
    before: existing,
    after: rule,
  };
  return ok({ rule, audit });
}
