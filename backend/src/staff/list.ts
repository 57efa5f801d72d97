// Use case: the village's staff for its committee (or a street admin): who holds which role, by name,
// role word, grid and phone; the invitations still waiting to be accepted; the micro-grids.
//
// Database round trips: 1 (actor ∥ village ∥ its grids ∥ its role assignments ∥ its invitations ∥ its
// micro-grids, in parallel, each through a villageId index).
import { mayManageVillage } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import { ROLE_LABELS } from '../../../core/src/model';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { MicroGridView, PendingInvitation, StaffList } from '../../../core/src/schemas/staff';
import { pendingInvitations, staffList } from '../../../core/src/staff';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchAll, fromStored, MAX_GET_LIMIT } from '../db';
import type { CallContext } from '../handler';
import { fetchVillage, villagePlace, type GridDoc, type MicroGridDoc } from '../organisation/repo';
import { fetchVillageAssignments, fetchVillageInvitations, fetchVillageMicroGrids } from './repo';

export async function listStaff(input: FunctionInputs['listStaff'], ctx: CallContext): Promise<Result<StaffList>> {
  const { db } = ctx;
  const [actor, village, gridDocs, assignmentDocs, invitationDocs, microGridDocs] = await Promise.all([
    loadActor(db, ctx.openid, ctx.adminOpenids),
    fetchVillage(db, input.villageId),
    fetchAll<GridDoc>(db.collection(COLLECTIONS.grids).where({ villageId: input.villageId }).orderBy('_id', 'asc').limit(MAX_GET_LIMIT)),
    fetchVillageAssignments(db, input.villageId),
    fetchVillageInvitations(db, input.villageId),
    fetchVillageMicroGrids(db, input.villageId),
  ]);
  if (!village) return fail('VILLAGE.NOT_FOUND');
  if (!mayManageVillage(actor.roles, villagePlace(village))) return fail('AUTH.FORBIDDEN');

  const gridNames = new Map(gridDocs.map((g) => [g._id, g.name]));
  const staff = staffList(
    assignmentDocs.map(({ _id, ...a }) => ({ ...a, id: _id })),
    gridNames,
  );
  const nameOf = new Map(staff.filter((s) => s.displayName !== '').map((s) => [s.userId, s.displayName]));
  const invitations = pendingInvitations(invitationDocs.map(fromStored), ctx.now).map((i): PendingInvitation => {
    const gridName = i.gridId !== undefined ? gridNames.get(i.gridId) : undefined;
    return {
      invitationId: i.id,
      role: i.role,
      roleLabel: ROLE_LABELS[i.role],
      ...(i.gridId !== undefined ? { gridId: i.gridId } : {}),
      ...(gridName !== undefined ? { gridName } : {}),
      ...(i.microGridId !== undefined ? { microGridId: i.microGridId } : {}),
      invitedBy: i.invitedBy,
      invitedByName: nameOf.get(i.invitedBy) ?? '',
      createdAt: i.createdAt,
      expiresAt: i.expiresAt,
    };
  });
  const microGrids = microGridDocs
    .map((doc) => microGridView(doc, gridNames.get(doc.gridId) ?? '', nameOf))
    .sort((a, b) => Number(a.endedAt !== undefined) - Number(b.endedAt !== undefined) || b.createdAt - a.createdAt);
  return ok({
    villageId: village._id,
    staff,
    invitations,
    microGrids,
    grids: gridDocs.map((g) => ({ gridId: g._id, name: g.name })),
  });
}

function microGridView(doc: MicroGridDoc, gridName: string, nameOf: ReadonlyMap<string, string>): MicroGridView {
  const { createdBy: _createdBy, ...microGrid } = fromStored(doc);
  const leaderName = microGrid.leaderUserId !== undefined ? nameOf.get(microGrid.leaderUserId) : undefined;
  return { ...microGrid, gridName, ...(leaderName !== undefined ? { leaderName } : {}) };
}
