// verifyMember: grid staff (or the household's verified member) confirm or reject a resident's pending
// claim on a household (待核实; the rule is the core's decideVerification). The write is conditional on
// the claim still standing as read, so a confirmation racing a rejection, or a new join, changes nothing twice.
//
// Database round trips: 3 sequential (loadActor 2 ∥ the claimant's membership 1; their grid 1; the
// conditional membership write 1, then the history entry 1 for a rejection).
import { decideVerification } from '../../../core/src/claims';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs, MemberVerification } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { CallContext } from '../handler';
import { fetchGrid, gridPlace } from '../organisation/repo';
import { appendMembershipChange, loadMembership, settleClaim } from './repo';

export async function verifyMember(input: FunctionInputs['verifyMember'], ctx: CallContext): Promise<Result<MemberVerification>> {
  const { db, now } = ctx;
  const [actor, claimant] = await Promise.all([loadActor(db, ctx.openid, ctx.adminOpenids), loadMembership(db, input.userId)]);
  const grid = claimant === null ? null : await fetchGrid(db, claimant.gridId);
  const decided = decideVerification({
    verifier: { userId: ctx.openid, roles: actor.roles, membership: actor.membership },
    claimant,
    grid: grid === null ? null : gridPlace(grid),
    decision: input.decision,
    now,
  });
  if (!decided.ok) return decided;
  const { membership, history, claimedHouseholdId } = decided.value;
  if (!(await settleClaim(db, membership, claimedHouseholdId))) return fail('MEMBER.NOT_PENDING');
  if (history !== null) await appendMembershipChange(db, claimant, history);
  return ok({ userId: input.userId, householdId: claimedHouseholdId, outcome: input.decision === 'confirm' ? 'confirmed' : 'rejected' });
}
