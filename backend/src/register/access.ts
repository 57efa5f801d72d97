// The grid a register function works on, opened only to the grid's staff: its 三长, grid worker,
// the village committee and the street admins above it (mayServeGrid). The register names people,
// their phones and care needs.
import { mayServeGrid } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { Id } from '../../../core/src/model';
import { loadActor } from '../actor';
import type { CallContext } from '../handler';
import { fetchGrid, gridPlace, type GridDoc } from '../organisation/repo';

/** The grid if the caller serves it; a missing grid and a forbidden one answer alike, so nothing leaks about other grids. */
export async function servedGrid(ctx: CallContext, gridId: Id): Promise<Result<GridDoc>> {
  const [actor, grid] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), fetchGrid(ctx.db, gridId)]);
  if (grid === null || !mayServeGrid(actor.roles, gridPlace(grid))) return fail('AUTH.FORBIDDEN', '只有本网格的网格员、三长和村（社区）两委可以登记住户');
  return ok(grid);
}
