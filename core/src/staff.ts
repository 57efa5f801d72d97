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

/**
 * Whether the user is staff responsible for this place: a grid role in its grid, a village role in
 * its village, or a street admin of its street.
 */
export function isStaffFor(assignments: readonly RoleAssignment[], userId: Id, place: RequestPlace): boolean {
  return assignments.some((a) => {
    if (a.userId !== userId) return false;
    switch (a.role) {
      case 'resident':
        return false;
      case 'gridLeader':
      case 'partyGroupLeader':
      case 'buildingLeader':
      case 'gridWorker':
        return a.scope.gridId === place.gridId;
      case 'dutyOfficer':
      case 'committee':
        return a.scope.villageId === place.villageId;
      case 'streetAdmin':
        return a.scope.streetId === place.streetId;
    }
  });
}

/** Whether the user holds a village-level role (committee or duty officer) for the village, or is a street admin. */
export function isVillageAuthority(assignments: readonly RoleAssignment[], userId: Id, place: Omit<RequestPlace, 'gridId'>): boolean {
  return assignments.some(
    (a) =>
      a.userId === userId &&
      (((a.role === 'committee' || a.role === 'dutyOfficer') && a.scope.villageId === place.villageId) ||
        (a.role === 'streetAdmin' && a.scope.streetId === place.streetId)),
  );
}
