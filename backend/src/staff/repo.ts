// Reads and writes of the village's staff: its role assignments, invitations and micro-grids, each
// through an index on the village (roleAssignments `scope.villageId`, invitations `villageId`,
// microGrids `villageId`).
import type { Id, Invitation, RoleAssignment } from '../../../core/src/model';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchAll, MAX_GET_LIMIT, removeWhere, type Stored, updateWhere } from '../db';
import type { MicroGridDoc } from '../organisation/repo';

export type AssignmentDoc = RoleAssignment & { _id: string };

export function fetchVillageAssignments(db: Database, villageId: Id): Promise<AssignmentDoc[]> {
  return fetchAll<AssignmentDoc>(db.collection(COLLECTIONS.roleAssignments).where({ 'scope.villageId': villageId }).limit(MAX_GET_LIMIT));
}

export function fetchVillageInvitations(db: Database, villageId: Id): Promise<Stored<Invitation>[]> {
  return fetchAll<Stored<Invitation>>(db.collection(COLLECTIONS.invitations).where({ villageId }).limit(MAX_GET_LIMIT));
}

export function fetchVillageMicroGrids(db: Database, villageId: Id): Promise<MicroGridDoc[]> {
  return fetchAll<MicroGridDoc>(db.collection(COLLECTIONS.microGrids).where({ villageId }).limit(MAX_GET_LIMIT));
}

/** Removes one role assignment; false when it was gone already. */
export async function removeAssignment(db: Database, assignmentId: string): Promise<boolean> {
  return (await removeWhere(db.collection(COLLECTIONS.roleAssignments).where({ _id: assignmentId }))) > 0;
}

/** Marks the invitation revoked unless it was accepted or revoked meanwhile: true when this call revoked it. */
export async function markInvitationRevoked(db: Database, invitationId: Id, revokedBy: Id, at: number): Promise<boolean> {
  const _ = db.command;
  const open = { _id: invitationId, acceptedAt: _.exists(false), revokedAt: _.exists(false) };
  return (await updateWhere(db.collection(COLLECTIONS.invitations).where(open), { revokedAt: at, revokedBy })) === 1;
}
