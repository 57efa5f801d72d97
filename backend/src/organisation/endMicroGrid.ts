// Use case: end a micro-grid (战时小网格) when the emergency is over. Its buildings and temporary
// leader are cleared (kept as formerBuildings / formerLeaderUserId), so submitRequest no longer finds
// it for any household and their requests go to the grid's responders alone; the temporary role
// assignments made by its invitations (those carrying its microGridId) are removed. Idempotent: an
// ended micro-grid answers `ended: false`, and a retry after a half-finished call removes what is left.
//
// Database round trips: 3 (actor ∥ micro-grid; grid; update ∥ remove the temporary roles).
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { MicroGridEnded } from '../../../core/src/schemas/staff';
import { decideEndMicroGrid, endedMicroGrid } from '../../../core/src/staff';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchById, fromStored, removeWhere, setById } from '../db';
import type { CallContext } from '../handler';
import { fetchGrid, gridPlace, type MicroGridDoc } from './repo';

export async function endMicroGrid(input: FunctionInputs['endMicroGrid'], ctx: CallContext): Promise<Result<MicroGridEnded>> {
  const { db } = ctx;
  const [actor, doc] = await Promise.all([loadActor(db, ctx.openid, ctx.adminOpenids), fetchById<MicroGridDoc>(db, COLLECTIONS.microGrids, input.microGridId)]);
  if (!doc) return fail('MICROGRID.NOT_FOUND');
  const grid = await fetchGrid(db, doc.gridId);
  const microGrid = fromStored(doc);
  const decided = decideEndMicroGrid(microGrid, grid && gridPlace(grid), actor.roles);
  if (!decided.ok) return decided;
  const endedAt = decided.value === 'alreadyEnded' ? (microGrid.endedAt ?? ctx.now) : ctx.now;
  const writes: Promise<unknown>[] = [removeTemporaryRoles(ctx, doc._id)];
  if (decided.value === 'end') {
    const { id: _id, ...ended } = endedMicroGrid(microGrid, ctx.openid, ctx.now);
    writes.push(setById(db, COLLECTIONS.microGrids, doc._id, { ...ended, createdAt: doc.createdAt, createdBy: doc.createdBy }));
  }
  const [rolesEnded] = (await Promise.all(writes)) as [number, ...unknown[]];
  return ok({ microGridId: doc._id, endedAt, ended: decided.value === 'end', rolesEnded });
}

async function removeTemporaryRoles(ctx: CallContext, microGridId: string): Promise<number> {
  return removeWhere(ctx.db.collection(COLLECTIONS.roleAssignments).where({ microGridId }));
}
