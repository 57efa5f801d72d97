// One-time invitations that carry a role, decided without I/O: who may issue one and what it says
// (draftInvitation), whether a scanned one may be accepted (decideAcceptance), what a lost race for
// it means (afterLostClaim), and the role assignment an accept makes (roleAssignmentFor). Single use
// itself is the backend's conditional write: the first claim wins.
import { mayManageVillage } from './access';
import { fail, ok, type Result } from './errors';
import { tokenExpiry } from './joinToken';
import type { EpochMs, Grid, Id, Invitation, MicroGrid, RoleAssignment, RoleScope, Village } from './model';
import { DAY_MS, HOUR_MS } from './policy';
import type { IssueInvitationInput } from './schemas/membership';

/** A week: long enough to reach a busy volunteer, short enough that a lost code soon stops working. */
const INVITATION_VALID_DAYS_DEFAULT = 7;
/**
 * The signed scene outlives the invitation by this much, so a scan soon after the expiry reads the invitation's own
 * INVITATION.EXPIRED ("ask the village to invite you again") rather than a bare expired QR code.
 */
const INVITATION_TOKEN_GRACE_MS = 2 * HOUR_MS;

/** An invitation before it has its random code (the backend draws one, and draws again on a collision). */
export type InvitationDraft = Omit<Invitation, 'id' | 'code'>;

/**
 * The invitation `invitedBy` (holding `roles`) asks for, or why not: the village must exist and be
 * theirs to manage, and a grid role's grid must be in that village. The role/grid pairing itself is
 * checked from the input alone (checkInvitationScope), before anything is read.
 */
export function draftInvitation(
  request: IssueInvitationInput,
  roles: readonly RoleAssignment[],
  village: Pick<Village, 'id' | 'streetId'> | null,
  grid: Pick<Grid, 'villageId'> | null,
  invitedBy: Id,
  now: EpochMs,
  microGrid: Pick<MicroGrid, 'gridId' | 'endedAt'> | null = null,
): Result<InvitationDraft> {
  if (!village) return fail('VILLAGE.NOT_FOUND');
  if (!mayManageVillage(roles, { streetId: village.streetId, villageId: village.id })) return fail('AUTH.FORBIDDEN');
  if (request.gridId !== undefined && (!grid || grid.villageId !== village.id)) return fail('GRID.NOT_FOUND');
  if (request.microGridId !== undefined) {
    if (request.gridId === undefined) return fail('INPUT.INVALID', '小网格的临时负责人须邀请为网格职务');
    if (!microGrid || microGrid.gridId !== request.gridId) return fail('MICROGRID.NOT_FOUND');
    if (microGrid.endedAt !== undefined) return fail('MICROGRID.ENDED');
  }
  return ok({
    streetId: village.streetId,
    villageId: village.id,
    ...(request.gridId !== undefined ? { gridId: request.gridId } : {}),
    ...(request.microGridId !== undefined ? { microGridId: request.microGridId } : {}),
    role: request.role,
    invitedBy,
    createdAt: now,
    expiresAt: tokenExpiry(now + (request.validDays ?? INVITATION_VALID_DAYS_DEFAULT) * DAY_MS),
  });
}

/** When the invitation's signed scene stops working: a little after the invitation itself. */
export function invitationSceneExpiry(invitation: Pick<Invitation, 'expiresAt'>): EpochMs {
  return invitation.expiresAt + INVITATION_TOKEN_GRACE_MS;
}

/** Whether an invitation can still be accepted at `now`; single use is enforced by the handler's conditional update. */
export function canAcceptInvitation(invitation: Invitation | null | undefined, now: EpochMs): Result<Invitation> {
  if (!invitation) return fail('INVITATION.NOT_FOUND');
  if (invitation.revokedAt !== undefined) return fail('INVITATION.REVOKED');
  if (invitation.acceptedAt !== undefined) return fail('INVITATION.USED');
  if (now >= invitation.expiresAt) return fail('INVITATION.EXPIRED');
  return ok(invitation);
}

/** An accept that may go ahead. */
export interface Acceptance {
  invitation: Invitation;
  /** When it was accepted (or is being now): the role assignment's assignedAt. */
  acceptedAt: EpochMs;
  /**
   * True when this accept must still claim the invitation, conditionally so that of two concurrent
   * accepts only the first wins; false when this person's earlier accept already claimed it.
   */
  mustClaim: boolean;
}

function acceptedEarlierBy(invitation: Invitation | null, userId: Id, now: EpochMs): Acceptance | null {
  if (invitation?.acceptedBy !== userId) return null;
  return { invitation, acceptedAt: invitation.acceptedAt ?? now, mustClaim: false };
}

/**
 * Whether `userId` may accept the invitation read for a scanned scene. The same person accepting
 * again (a retry after a lost reply) finishes the job instead of failing, even once it has expired.
 */
export function decideAcceptance(invitation: Invitation | null, userId: Id, now: EpochMs): Result<Acceptance> {
  const earlier = acceptedEarlierBy(invitation, userId, now);
  if (earlier) return ok(earlier);
  const acceptable = canAcceptInvitation(invitation, now);
  if (!acceptable.ok) return acceptable;
  return ok({ invitation: acceptable.value, acceptedAt: now, mustClaim: true });
}

/**
 * The claim lost: the invitation as read again after it. A concurrent accept by the same person
 * carries on with that accept; anyone else's win makes this one INVITATION.USED (or REVOKED).
 */
export function afterLostClaim(invitation: Invitation | null, userId: Id, now: EpochMs): Result<Acceptance> {
  const earlier = acceptedEarlierBy(invitation, userId, now);
  if (earlier) return ok(earlier);
  return fail(invitation?.revokedAt !== undefined ? 'INVITATION.REVOKED' : 'INVITATION.USED');
}

/** Where the invited role applies: the invitation's grid, else its village. */
function scopeOf(invitation: Invitation): RoleScope {
  return {
    streetId: invitation.streetId,
    villageId: invitation.villageId,
    ...(invitation.gridId !== undefined ? { gridId: invitation.gridId } : {}),
  };
}

/** A role assignment made by accepting an invitation; it names the invitation it came from. */
export type InvitedRoleAssignment = RoleAssignment & { invitationId: Id };

/** The role the accept gives `holder`, assigned by whoever invited them. */
export function roleAssignmentFor(acceptance: Acceptance, holder: { userId: Id; displayName: string; phone?: string | undefined }): InvitedRoleAssignment {
  const { invitation } = acceptance;
  return {
    userId: holder.userId,
    role: invitation.role,
    scope: scopeOf(invitation),
    assignedAt: acceptance.acceptedAt,
    assignedBy: invitation.invitedBy,
    invitationId: invitation.id,
    ...(invitation.microGridId !== undefined ? { microGridId: invitation.microGridId } : {}),
    displayName: holder.displayName,
    ...(holder.phone !== undefined ? { phone: holder.phone } : {}),
  };
}
