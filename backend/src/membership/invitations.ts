// One-time invitations that carry a role: the village committee (or a street admin) invites someone
// to be a grid leader, party-group leader, building leader, grid worker, duty officer or committee
// member. The invitee scans the code; the first accept wins (a conditional update on `acceptedAt`),
// and the role assignment is written with a deterministic _id, so a retried accept is harmless.
// Invitation tokens are signed with the join keys: rotating them also revokes pending invitations.
//
// Acceptance is decided in the core from the invitation as read, before anything is written.
//
// Database round trips: issueInvitation 2 (actor ∥ village ∥ grid ∥ keyring; insert), then the open
// API and storage (∥ the micro-grid when one is named). acceptInvitation 4 (keyring; invitation;
// conditional update; role assignment), 3 for a retry by the same person, +1 read when the
// conditional update loses, +1 update making a micro-grid invitation's acceptor its leader.
import { ok, type Result } from '../../../core/src/errors';
import { checkInvitationScope } from '../../../core/src/fromInput';
import { afterLostClaim, decideAcceptance, draftInvitation, invitationSceneExpiry, roleAssignmentFor, type Acceptance } from '../../../core/src/invitations';
import { INVITATION_CODE_LENGTH, issueJoinToken, verifyJoinToken } from '../../../core/src/joinToken';
import type { Id } from '../../../core/src/model';
import type { AcceptedInvitation, FunctionInputs, IssuedInvitation } from '../../../core/src/schemas';
import { loadActor } from '../actor';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fromStored, updateWhere } from '../db';
import type { CallContext } from '../handler';
import { randomCode } from '../organisation/ids';
import { fetchGrid, fetchVillage, type MicroGridDoc } from '../organisation/repo';
import { loadKeyring } from './keyring';
import { INVITE_PAGE, makeQrFile } from './qrcode';
import { claimInvitation, insertInvitation, loadInvitation, saveInvitedRole } from './repo';

/** Random 10-character codes practically never collide; retry a couple of times if one does. */
const INVITATION_CODE_ATTEMPTS = 3;

export async function issueInvitation(input: FunctionInputs['issueInvitation'], ctx: CallContext): Promise<Result<IssuedInvitation>> {
  const { db, now } = ctx;
  const scope = checkInvitationScope(input.role, input.gridId);
  if (!scope.ok) return scope;
  const [actor, village, grid, keyring, microGrid] = await Promise.all([
    loadActor(db, ctx.openid, ctx.adminOpenids),
    fetchVillage(db, input.villageId),
    input.gridId !== undefined ? fetchGrid(db, input.gridId) : Promise.resolve(null),
    loadKeyring(db, now),
    input.microGridId !== undefined ? fetchById<MicroGridDoc>(db, COLLECTIONS.microGrids, input.microGridId) : Promise.resolve(null),
  ]);
  const draft = draftInvitation(input, actor.roles, village && fromStored(village), grid, ctx.openid, now, microGrid);
  if (!draft.ok) return draft;

  for (let attempt = 0; attempt < INVITATION_CODE_ATTEMPTS; attempt += 1) {
    const code = randomCode(INVITATION_CODE_LENGTH);
    const invitation = { id: code, code, ...draft.value };
    const token = issueJoinToken({ purpose: 'invitation', subject: code, expiresAt: invitationSceneExpiry(invitation) }, keyring);
    if (!token.ok) return token;
    if (!(await insertInvitation(db, invitation))) continue;
    const file = await makeQrFile(ctx.cloud, { scene: token.value, page: INVITE_PAGE, cloudPath: `invitations/${code}.png` });
    return ok({
      invitationId: code,
      role: invitation.role,
      villageId: invitation.villageId,
      ...(invitation.gridId !== undefined ? { gridId: invitation.gridId } : {}),
      scene: token.value,
      ...file,
      expiresAt: invitation.expiresAt,
    });
  }
  throw new Error(`no free invitation code after ${INVITATION_CODE_ATTEMPTS} attempts`);
}

/** The first claim wins; a loser reads the invitation again to learn who won. */
async function claim(db: Database, acceptance: Acceptance, userId: Id, now: number): Promise<Result<Acceptance>> {
  if (await claimInvitation(db, acceptance.invitation.id, userId, now)) return ok(acceptance);
  return afterLostClaim(await loadInvitation(db, acceptance.invitation.id), userId, now);
}

async function setMicroGridLeader(db: Database, microGridId: Id, leaderUserId: Id): Promise<void> {
  const _ = db.command;
  await updateWhere(db.collection(COLLECTIONS.microGrids).where({ _id: microGridId, endedAt: _.exists(false) }), { leaderUserId });
}

export async function acceptInvitation(input: FunctionInputs['acceptInvitation'], ctx: CallContext): Promise<Result<AcceptedInvitation>> {
  const { db, openid, now } = ctx;
  const keyring = await loadKeyring(db, now);
  const token = verifyJoinToken(input.scene, keyring, now, 'invitation');
  if (!token.ok) return token;
  const decided = decideAcceptance(await loadInvitation(db, token.value.subject), openid, now);
  if (!decided.ok) return decided;
  const accepted = decided.value.mustClaim ? await claim(db, decided.value, openid, now) : decided;
  if (!accepted.ok) return accepted;
  const assignment = roleAssignmentFor(accepted.value, { userId: openid, displayName: input.displayName, phone: input.phone });
  const assignmentId = await saveInvitedRole(db, assignment);
  // A micro-grid's temporary leader: the micro-grid's requests reach them from now on (unless it has ended).
  if (accepted.value.invitation.microGridId !== undefined) await setMicroGridLeader(db, accepted.value.invitation.microGridId, openid);
  return ok({ assignmentId, role: accepted.value.invitation.role, scope: assignment.scope });
}
