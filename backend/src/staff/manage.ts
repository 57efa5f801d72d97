// Use cases that change the village's staff: the committee removes a role (never the village's last
// committee member) and revokes an invitation nobody has accepted yet. Both are idempotent: a retry
// finds the role gone or the invitation revoked and answers the same.
//
// What a removal means for requests: the role assignment is deleted, so the person is no longer
// routed new requests (routing reads the grid's assignments at submission), no longer a candidate for
// escalation (escalation picks its audience from the assignments at each step) and loses every staff
// page (access is decided from their own assignments). Requests already routed to them keep them in
// `responders` and stay with the other responders routed with them; escalation carries on as before.
//
// Database round trips: removeRole 2 (actor ∥ village ∥ the village's assignments; remove).
// revokeInvitation 2 (actor ∥ invitation; conditional update), +1 read when the update loses a race.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { InvitationRevoked, RoleRemoved } from '../../../core/src/schemas/staff';
import { decideRevocation, decideRoleRemoval } from '../../../core/src/staff';
import { loadActor } from '../actor';
import { COLLECTIONS } from '../collections';
import { countOf } from '../db';
import type { CallContext } from '../handler';
import { loadInvitation } from '../membership/repo';
import { fetchVillage, villagePlace } from '../organisation/repo';
import { fetchVillageAssignments, markInvitationRevoked, removeAssignment } from './repo';

export async function removeRole(input: FunctionInputs['removeRole'], ctx: CallContext): Promise<Result<RoleRemoved>> {
  const [actor, village, assignments] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchVillage(ctx.db, input.villageId),
    fetchVillageAssignments(ctx.db, input.villageId),
  ]);
  if (!village) return fail('VILLAGE.NOT_FOUND');
  const target = assignments.find((a) => a._id === input.assignmentId) ?? null;
  // Not among this village's assignments: either gone already or another village's (or the street's).
  const elsewhere = target === null && (await assignmentExists(ctx, input.assignmentId));
  if (elsewhere) return fail('AUTH.FORBIDDEN');
  const decided = decideRoleRemoval(target, village._id, actor.roles, assignments, villagePlace(village));
  if (!decided.ok) return decided;
  if (decided.value === 'alreadyGone') return ok({ assignmentId: input.assignmentId, removed: false });
  return ok({ assignmentId: input.assignmentId, removed: await removeAssignment(ctx.db, input.assignmentId) });
}

/** Only read when the id is not among the village's: tells "someone else's" from "already removed". */
async function assignmentExists(ctx: CallContext, assignmentId: string): Promise<boolean> {
  return (await countOf(ctx.db.collection(COLLECTIONS.roleAssignments).where({ _id: assignmentId }))) > 0;
}

export async function revokeInvitation(input: FunctionInputs['revokeInvitation'], ctx: CallContext): Promise<Result<InvitationRevoked>> {
  const [actor, invitation] = await Promise.all([loadActor(ctx.db, ctx.openid, ctx.adminOpenids), loadInvitation(ctx.db, input.invitationId)]);
  const decided = decideRevocation(invitation, actor.roles);
  if (!decided.ok) return decided;
  if (decided.value === 'alreadyRevoked' && invitation?.revokedAt !== undefined) {
    return ok({ invitationId: input.invitationId, revokedAt: invitation.revokedAt, revoked: false });
  }
  if (await markInvitationRevoked(ctx.db, input.invitationId, ctx.openid, ctx.now)) {
    return ok({ invitationId: input.invitationId, revokedAt: ctx.now, revoked: true });
  }
  // Lost a race: accepted (then it cannot be revoked) or revoked by someone else meanwhile.
  const reread = await loadInvitation(ctx.db, input.invitationId);
  const after = decideRevocation(reread, actor.roles);
  if (!after.ok) return after;
  return ok({ invitationId: input.invitationId, revokedAt: reread?.revokedAt ?? ctx.now, revoked: false });
}
