// One-time invitations that carry a role: the village committee (or a street admin) invites someone
// to be a grid leader, party-group leader, building leader, grid worker, duty officer or committee
// member. The invitee scans the code; the first accept wins (a conditional update on `acceptedAt`),
// and the role assignment is written with a deterministic _id, so a retried accept is harmless.
// Invitation tokens are signed with the join keys: rotating them also revokes pending invitations.
//
// Database round trips: issueInvitation 2 (actor ∥ village ∥ grid ∥ keyring; insert), then the open
// API and storage. acceptInvitation 4 (keyring; invitation; conditional update; role assignment),
// +1 read when the conditional update loses.
import { fail, ok, type Result } from '../../../core/src/errors';
import { checkInvitationScope } from '../../../core/src/fromInput';
import { canAcceptInvitation, INVITATION_CODE_LENGTH, issueJoinToken, verifyJoinToken } from '../../../core/src/joinToken';
import type { InvitableRole, Invitation, RoleAssignment, RoleScope } from '../../../core/src/model';
import { DAY_MS, HOUR_MS } from '../../../core/src/policy';
import type { FunctionInputs } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fromStored, insertOnce, updateWhere, type Stored } from '../db';
import type { CallContext } from '../handler';
import { roleAssignmentId } from '../seed';
import { mayManageVillage } from '../../../core/src/access';
import { randomCode } from '../organisation/ids';
import { fetchGrid, fetchVillage, villagePlace } from '../organisation/repo';
import { tokenExpiry } from './joinCode';
import { loadKeyring } from './keyring';
import { INVITE_PAGE, makeQrFile } from './qrcode';

/** A week: long enough to reach a busy volunteer, short enough that a lost code soon stops working. */
const INVITATION_VALID_DAYS_DEFAULT = 7;
/**
 * The signed scene outlives the invitation by this much, so a scan soon after the expiry reads the invitation's own
 * INVITATION.EXPIRED ("ask the village to invite you again") rather than a bare expired QR code.
 */
const INVITATION_TOKEN_GRACE_MS = 2 * HOUR_MS;
/** Random 10-character codes practically never collide; retry a couple of times if one does. */
const INVITATION_CODE_ATTEMPTS = 3;

type InvitationDoc = Stored<Invitation>;

export interface IssuedInvitation {
  invitationId: string;
  role: InvitableRole;
  villageId: string;
  gridId?: string;
  scene: string;
  fileID: string;
  tempFileURL?: string;
  expiresAt: number;
}

export async function issueInvitation(input: FunctionInputs['issueInvitation'], ctx: CallContext): Promise<Result<IssuedInvitation>> {
  const scope = checkInvitationScope(input.role, input.gridId);
  if (!scope.ok) return scope;
  const [actor, village, grid, keyring] = await Promise.all([
    loadActor(ctx.db, ctx.openid, ctx.adminOpenids),
    fetchVillage(ctx.db, input.villageId),
    input.gridId !== undefined ? fetchGrid(ctx.db, input.gridId) : Promise.resolve(null),
    loadKeyring(ctx.db, ctx.now),
  ]);
  if (!village) return fail('VILLAGE.NOT_FOUND');
  if (!mayManageVillage(actor.roles, villagePlace(village))) return fail('AUTH.FORBIDDEN');
  if (input.gridId !== undefined && (!grid || grid.villageId !== village._id)) return fail('GRID.NOT_FOUND');

  const expiresAt = tokenExpiry(ctx.now + (input.validDays ?? INVITATION_VALID_DAYS_DEFAULT) * DAY_MS);
  for (let attempt = 0; attempt < INVITATION_CODE_ATTEMPTS; attempt += 1) {
    const code = randomCode(INVITATION_CODE_LENGTH);
    const token = issueJoinToken({ purpose: 'invitation', subject: code, expiresAt: expiresAt + INVITATION_TOKEN_GRACE_MS }, keyring);
    if (!token.ok) return token;
    const doc: InvitationDoc = {
      _id: code,
      code,
      streetId: village.streetId,
      villageId: village._id,
      ...(input.gridId !== undefined ? { gridId: input.gridId } : {}),
      role: input.role,
      invitedBy: ctx.openid,
      createdAt: ctx.now,
      expiresAt,
    };
    if (!(await insertInvitation(ctx.db, doc))) continue;
    const file = await makeQrFile(ctx.cloud, { scene: token.value, page: INVITE_PAGE, cloudPath: `invitations/${code}.png` });
    return ok({
      invitationId: code,
      role: input.role,
      villageId: village._id,
      ...(input.gridId !== undefined ? { gridId: input.gridId } : {}),
      scene: token.value,
      ...file,
      expiresAt,
    });
  }
  throw new Error(`no free invitation code after ${INVITATION_CODE_ATTEMPTS} attempts`);
}

function insertInvitation(db: Database, doc: InvitationDoc): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.invitations, doc);
}

export interface AcceptedInvitation {
  assignmentId: string;
  role: InvitableRole;
  scope: RoleScope;
}

export async function acceptInvitation(input: FunctionInputs['acceptInvitation'], ctx: CallContext): Promise<Result<AcceptedInvitation>> {
  const { db } = ctx;
  const keyring = await loadKeyring(db, ctx.now);
  const token = verifyJoinToken(input.scene, keyring, ctx.now, 'invitation');
  if (!token.ok) return token;
  const stored = await fetchById<InvitationDoc>(db, COLLECTIONS.invitations, token.value.subject);
  const invitation = stored ? (fromStored(stored) as Invitation) : null;
  // The same person accepting again (a retry after a lost reply) finishes the job instead of failing.
  const retriedByMe = invitation?.acceptedBy === ctx.openid;
  if (!retriedByMe) {
    const acceptable = canAcceptInvitation(invitation, ctx.now);
    if (!acceptable.ok) return acceptable;
    const _ = db.command;
    const won = await updateWhere(
      db.collection(COLLECTIONS.invitations).where({ _id: acceptable.value.id, acceptedAt: _.exists(false), revokedAt: _.exists(false) }),
      { acceptedAt: ctx.now, acceptedBy: ctx.openid },
    );
    if (won !== 1) {
      const after = await fetchById<InvitationDoc>(db, COLLECTIONS.invitations, acceptable.value.id);
      if (after?.acceptedBy !== ctx.openid) return fail(after?.revokedAt !== undefined ? 'INVITATION.REVOKED' : 'INVITATION.USED');
    }
  }
  if (!invitation) return fail('INVITATION.NOT_FOUND');
  const scope: RoleScope = {
    streetId: invitation.streetId,
    villageId: invitation.villageId,
    ...(invitation.gridId !== undefined ? { gridId: invitation.gridId } : {}),
  };
  const assignment: RoleAssignment & { invitationId: string } = {
    userId: ctx.openid,
    role: invitation.role,
    scope,
    assignedAt: invitation.acceptedAt ?? ctx.now,
    assignedBy: invitation.invitedBy,
    invitationId: invitation.id,
    displayName: input.displayName,
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
  };
  const assignmentId = roleAssignmentId(assignment);
  await db.collection(COLLECTIONS.roleAssignments).doc(assignmentId).set({ data: assignment as never });
  return ok({ assignmentId, role: invitation.role, scope });
}
