// Storage of memberships (one per resident, `_id` = openid), households, membership history,
// invitations and the role assignments invitations make: what joinGrid and acceptInvitation read and
// write, through the one mapper in db.ts. Deterministic ids live here: a retried write computes the
// same _id and collides instead of making a twin.
import type { HouseholdAddress } from '../../../core/src/schemas';
import type { InvitedRoleAssignment } from '../../../core/src/invitations';
import { ADDRESS_PARTS, type HouseholdWrite, type MembershipChange, type MembershipRecord } from '../../../core/src/membership';
import type { Household, Id, Invitation } from '../../../core/src/model';
import type { PrivacyConsent } from '../../../core/src/privacyNotice';
import type { Database } from '../cloud';
import { COLLECTIONS } from '../collections';
import { fetchById, fetchOne, fromStored, insertOnce, setById, toStored, updateWhere, type Stored } from '../db';
import { stableId } from '../organisation/ids';
import { roleAssignmentId } from '../seed';

type MembershipDoc = MembershipRecord & { _id: Id };

export async function loadMembership(db: Database, userId: Id): Promise<MembershipRecord | null> {
  const doc = await fetchById<MembershipDoc>(db, COLLECTIONS.memberships, userId);
  if (!doc) return null;
  const { _id, ...membership } = doc;
  return membership;
}

/** Writes the resident's whole membership: a retry writes the same again. */
export function saveMembership(db: Database, membership: MembershipRecord): Promise<void> {
  return setById(db, COLLECTIONS.memberships, membership.userId, membership);
}

/**
 * Writes the decided membership only while it still claims `householdId` and is pending: of a
 * confirmation and a rejection racing, or a decision racing a new join, one wins. False: nothing written.
 */
export async function settleClaim(db: Database, membership: MembershipRecord, householdId: Id): Promise<boolean> {
  const _ = db.command;
  const { userId, ...fields } = membership;
  // A rejection drops the claim's fields: an update removes them, a `set` could not be made conditional.
  const dropped = Object.fromEntries(CLAIM_FIELDS.filter((f) => !(f in fields)).map((f) => [f, _.remove()]));
  const stillPending = { _id: userId, householdId, verification: 'pending' };
  return (await updateWhere(db.collection(COLLECTIONS.memberships).where(stillPending), { ...fields, ...dropped })) === 1;
}

/** A resident who stays as they were but agreed to a newer privacy notice: only the consent changes. */
export async function recordPrivacyConsent(db: Database, userId: Id, consent: PrivacyConsent): Promise<void> {
  await updateWhere(db.collection(COLLECTIONS.memberships).where({ _id: userId }), { privacyConsent: consent });
}

/** The fields a household claim adds to a membership. */
const CLAIM_FIELDS = ['householdId', 'verification', 'verifiedBy', 'verifiedAt'] as const;

/** The id of a change: derived from the membership it leaves and the one it makes, so a retried join adds no second copy. */
function changeId(from: MembershipRecord | null, change: MembershipChange): Id {
  const fromVersion = String(from?.updatedAt ?? from?.joinedAt ?? 0);
  return stableId('mh', change.userId, from?.gridId ?? '', from?.householdId ?? '', fromVersion, change.gridId, change.householdId ?? '');
}

export async function appendMembershipChange(db: Database, from: MembershipRecord | null, change: MembershipChange): Promise<void> {
  await insertOnce(db, COLLECTIONS.membershipHistory, toStored({ id: changeId(from, change), ...change }));
}

/** The id a household at this address in the grid is created under. */
export function householdIdAt(gridId: Id, address: HouseholdAddress): Id {
  return stableId('h', gridId, address.building ?? '', address.unit ?? '', address.room ?? '');
}

/** The id of a resident's own household, for a grid without house numbers. */
export function residentHouseholdId(gridId: Id, userId: Id): Id {
  return stableId('h', gridId, 'resident', userId);
}

export async function loadHousehold(db: Database, householdId: Id): Promise<Household | null> {
  const doc = await fetchById<Stored<Household>>(db, COLLECTIONS.households, householdId);
  return doc && fromStored(doc);
}

/** The household with exactly this address in the grid: parts not given must be absent there too. */
export async function findHouseholdAt(db: Database, gridId: Id, address: HouseholdAddress): Promise<Household | null> {
  const _ = db.command;
  const where: Record<string, unknown> = { gridId };
  for (const part of ADDRESS_PARTS) where[part] = address[part] ?? _.exists(false);
  const doc = await fetchOne<Stored<Household>>(db.collection(COLLECTIONS.households).where(where).limit(1));
  return doc && fromStored(doc);
}

export async function saveHousehold(db: Database, write: HouseholdWrite): Promise<void> {
  if (write.kind === 'create') {
    // False when a concurrent join of the same address created it: fine, it is the same household.
    await insertOnce(db, COLLECTIONS.households, toStored(write.household));
    return;
  }
  await updateWhere(db.collection(COLLECTIONS.households).where({ _id: write.householdId }), write.additions);
}

export async function loadInvitation(db: Database, code: string): Promise<Invitation | null> {
  const doc = await fetchById<Stored<Invitation>>(db, COLLECTIONS.invitations, code);
  return doc && fromStored(doc);
}

/** False when an invitation with this code exists already. */
export function insertInvitation(db: Database, invitation: Invitation): Promise<boolean> {
  return insertOnce(db, COLLECTIONS.invitations, toStored(invitation));
}

/** Marks the invitation accepted unless it is accepted or revoked already: of concurrent claims exactly one wins. */
export async function claimInvitation(db: Database, invitationId: Id, userId: Id, at: number): Promise<boolean> {
  const _ = db.command;
  const open = { _id: invitationId, acceptedAt: _.exists(false), revokedAt: _.exists(false) };
  return (await updateWhere(db.collection(COLLECTIONS.invitations).where(open), { acceptedAt: at, acceptedBy: userId })) === 1;
}

/** Writes the assignment under its deterministic id (a retried accept writes the same document); returns that id. */
export async function saveInvitedRole(db: Database, assignment: InvitedRoleAssignment): Promise<Id> {
  const assignmentId = roleAssignmentId(assignment);
  await setById(db, COLLECTIONS.roleAssignments, assignmentId, assignment);
  return assignmentId;
}
