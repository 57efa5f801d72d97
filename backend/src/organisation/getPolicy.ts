// Use case: the village policy for its committee (or a street admin): as stored, and as in force
// (the stored fields over the defaults), so the policy page shows and edits what applies.
//
// Database round trips: 1 (actor ∥ village ∥ stored policy).
import { mayManageVillage } from '../../../core/src/access';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { VillagePolicy } from '../../../core/src/model';
import { resolvePolicy } from '../../../core/src/policy';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { VillagePolicyView } from '../../../core/src/schemas/staff';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { fetchById } from '../db';
import type { CallContext } from '../handler';
import { fetchVillage, villagePlace } from './repo';

export async function getVillagePolicy(input: FunctionInputs['getVillagePolicy'], ctx: CallContext): Promise<Result<VillagePolicyView>> {
  const [actor, village, stored] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchVillage(ctx.db, input.villageId),
    fetchById<VillagePolicy & { _id: string }>(ctx.db, COLLECTIONS.villagePolicies, input.villageId),
  ]);
  if (!village) return fail('VILLAGE.NOT_FOUND');
  if (!mayManageVillage(actor.roles, villagePlace(village))) return fail('AUTH.FORBIDDEN');
  const policy = stored ? withoutId(stored) : null;
  return ok({ villageId: village._id, stored: policy, resolved: resolvePolicy(policy ?? undefined) });
}

function withoutId(doc: VillagePolicy & { _id: string }): VillagePolicy {
  const { _id: _ignored, ...policy } = doc;
  return policy;
}
