// Who holds which role where, answered from a list of role assignments (the handler loads the
// assignments of one grid, its village and its street), and the rules for managing the village's
// staff: removing a role (never the village's last committee member), revoking an invitation, ending
// a micro-grid. Pure, no I/O.

import { type GridPlace, mayLeadGrid, mayManageVillage, type VillagePlace } from './access';
import { fail, ok, type Result } from './errors';
import type { EpochMs, GridRole, Id, Invitation, MicroGrid, Role, RoleAssignment } from './model';
import { ROLE_LABELS, THREE_LEADER_ROLES } from './model';
import type { StaffMember } from './schemas/staff';

export interface RequestPlace {
  streetId: Id;
  villageId: Id;
  gridId: Id;
}

function unique(ids: Iterable<Id>): Id[] {
  return [...new Set(ids)];
}

/** Holders of a grid role in that grid. */
export function gridRoleHolders(assignments: readonly RoleAssignment[], gridId: Id, roles: readonly GridRole[]): Id[] {
  return unique(assignments.filter((a) => a.scope.gridId === gridId && (roles as readonly string[]).includes(a.role)).map((a) => a.userId));
}

/** The 三长 of a grid. */
export function gridLeaders(assignments: readonly RoleAssignment[], gridId: Id): Id[] {
  return gridRoleHolders(assignments, gridId, THREE_LEADER_ROLES);
}

export function dutyOfficers(assignments: readonly RoleAssignment[], villageId: Id): Id[] {
  return unique(assignments.filter((a) => a.role === 'dutyOfficer' && a.scope.villageId === villageId).map((a) => a.userId));
}

export function committeeMembers(assignments: readonly RoleAssignment[], villageId: Id): Id[] {
  return unique(assignments.filter((a) => a.role === 'committee' && a.scope.villageId === villageId).map((a) => a.userId));
}

export function streetAdmins(assignments: readonly RoleAssignment[], streetId: Id): Id[] {
  return unique(assignments.filter((a) => a.role === 'streetAdmin' && a.scope.streetId === streetId).map((a) => a.userId));
}

// ---------------------------------------------------------------------------------------------
// Managing the village's staff: removing a role, revoking an invitation, ending a micro-grid.

/** Whether `roles` (the actor's) may remove `target` from the village, given the village's role assignments. */
export function decideRoleRemoval(
  target: RoleAssignment | null,
  villageId: Id,
  roles: readonly RoleAssignment[],
  villageAssignments: readonly RoleAssignment[],
  village: VillagePlace,
): Result<'remove' | 'alreadyGone'> {
  if (!mayManageVillage(roles, village)) return fail('AUTH.FORBIDDEN');
  // Already removed: a retry (or a second committee member tapping the same row) is not an error.
  if (!target) return ok('alreadyGone');
  // Street admins are the street's, not the village's to remove; another village's staff are not theirs.
  if (target.scope.villageId !== villageId) return fail('AUTH.FORBIDDEN');
  if (target.role === 'committee' && committeeMembers(villageAssignments, villageId).every((id) => id === target.userId)) {
    return fail('STAFF.LAST_COMMITTEE');
  }
  return ok('remove');
}

/** Revoke an unused invitation; a revoked one stays revoked (retry), an accepted one cannot be. */
export function decideRevocation(invitation: Invitation | null, roles: readonly RoleAssignment[]): Result<'revoke' | 'alreadyRevoked'> {
  if (!invitation) return fail('INVITATION.NOT_FOUND');
  if (!mayManageVillage(roles, { streetId: invitation.streetId, villageId: invitation.villageId })) return fail('AUTH.FORBIDDEN');
  if (invitation.revokedAt !== undefined) return ok('alreadyRevoked');
  if (invitation.acceptedAt !== undefined) return fail('INVITATION.USED', '这份邀请已被接受，请在人员列表里移除该职务');
  return ok('revoke');
}

/** What ending a micro-grid writes: its buildings and leader move to former*, so routing no longer finds it. */
export function endedMicroGrid(microGrid: MicroGrid, endedBy: Id, now: EpochMs): MicroGrid {
  const { leaderUserId, buildings, ...rest } = microGrid;
  return {
    ...rest,
    buildings: [],
    endedAt: now,
    endedBy,
    ...(buildings !== undefined ? { formerBuildings: buildings } : {}),
    ...(leaderUserId !== undefined ? { formerLeaderUserId: leaderUserId } : {}),
  };
}

/** Whether the micro-grid may be ended by `roles` (the grid's 三长 or the village's managers); ended once. */
export function decideEndMicroGrid(microGrid: MicroGrid | null, grid: GridPlace | null, roles: readonly RoleAssignment[]): Result<'end' | 'alreadyEnded'> {
  if (!microGrid || !grid) return fail('MICROGRID.NOT_FOUND');
  if (!mayLeadGrid(roles, grid)) return fail('AUTH.FORBIDDEN');
  return ok(microGrid.endedAt !== undefined ? 'alreadyEnded' : 'end');
}

/** Order of roles on the staff page: village roles, then the 三长 and the grid worker. */
const STAFF_ROLE_ORDER: readonly Role[] = ['committee', 'dutyOfficer', ...THREE_LEADER_ROLES, 'gridWorker'];

/** The village's staff as the page lists them: village roles first, then by grid name, in role order. */
export function staffList(assignments: ReadonlyArray<RoleAssignment & { id: string }>, gridNames: ReadonlyMap<Id, string>): StaffMember[] {
  const rows = assignments
    .filter((a) => a.role !== 'resident' && a.role !== 'streetAdmin')
    .map((a): StaffMember => {
      const gridName = a.scope.gridId !== undefined ? gridNames.get(a.scope.gridId) : undefined;
      return {
        assignmentId: a.id,
        userId: a.userId,
        displayName: a.displayName ?? '',
        role: a.role,
        roleLabel: ROLE_LABELS[a.role],
        ...(a.scope.gridId !== undefined ? { gridId: a.scope.gridId } : {}),
        ...(gridName !== undefined ? { gridName } : {}),
        ...(a.microGridId !== undefined ? { microGridId: a.microGridId } : {}),
        ...(a.phone !== undefined ? { phone: a.phone } : {}),
        assignedAt: a.assignedAt,
      };
    });
  const rank = (m: StaffMember): number => STAFF_ROLE_ORDER.indexOf(m.role);
  return rows.sort(
    (a, b) =>
      Number(a.gridId !== undefined) - Number(b.gridId !== undefined) ||
      (a.gridName ?? '').localeCompare(b.gridName ?? '', 'zh') ||
      rank(a) - rank(b) ||
      a.assignedAt - b.assignedAt,
  );
}

/** Invitations that still work at `now`: neither accepted nor revoked nor expired. Soonest to expire first. */
export function pendingInvitations(invitations: readonly Invitation[], now: EpochMs): Invitation[] {
  return invitations.filter((i) => i.acceptedAt === undefined && i.revokedAt === undefined && now < i.expiresAt).sort((a, b) => a.expiresAt - b.expiresAt);
}
