// Who holds which role where, answered from a list of role assignments (the handler loads the
// assignments of one grid, its village and its street). Pure lookups, no I/O.

import type { GridRole, Id, RoleAssignment } from './model';
import { THREE_LEADER_ROLES } from './model';

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
