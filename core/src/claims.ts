// Household claims (户籍认领): anyone holding a grid's printed code can name an address, so a resident
// who joins into a household is a pending member (待核实) of it until someone who knows the household
// confirms them: the grid's staff (三长, grid worker), the village committee or a street admin, or a
// member of that household already verified. Until then their reads do not count as the household
// reached (core/src/reach.ts), and their household data are not trusted; requests still go through.
// Pure: the backend loads the memberships and the grid, and writes what decideVerification says.
import { mayServeGrid, type GridPlace } from './access';
import { fail, ok, type Result } from './errors';
import type { EpochMs, Id, Membership, RoleAssignment } from './model';
import type { MembershipChange, MembershipRecord } from './membership';

/** Memberships stored before claims were checked have no state: they stay verified, so nothing changes for them. */
export function isVerifiedMember(membership: Pick<Membership, 'verification'>): boolean {
  return membership.verification !== 'pending';
}

/** Who is pending (待核实) out of a grid's memberships, and the households only pending members have claimed. */
export interface PendingClaims {
  /** Users whose claim on their household is still pending: their reads do not reach it. */
  claimants: ReadonlySet<Id>;
  /** Households claimed by a pending member and by no verified one: shown 待核实 while unreached. */
  households: ReadonlySet<Id>;
}

export const NO_PENDING_CLAIMS: PendingClaims = { claimants: new Set(), households: new Set() };

export function pendingClaims(memberships: readonly Pick<Membership, 'userId' | 'householdId' | 'verification'>[]): PendingClaims {
  const claimants = new Set<Id>();
  const claimed = new Set<Id>();
  const verified = new Set<Id>();
  for (const m of memberships) {
    if (m.householdId === undefined) continue;
    if (isVerifiedMember(m)) verified.add(m.householdId);
    else {
      claimants.add(m.userId);
      claimed.add(m.householdId);
    }
  }
  return { claimants, households: new Set([...claimed].filter((id) => !verified.has(id))) };
}

/** The receipts that reach their household: a pending member's read does not (a stranger may have claimed the door). */
export function verifiedReads<R extends { userId?: Id }>(receipts: readonly R[], pending: PendingClaims): R[] {
  return receipts.filter((r) => r.userId === undefined || !pending.claimants.has(r.userId));
}

type VerificationDecision = 'confirm' | 'reject';

export interface VerificationFacts {
  /** The caller: their roles and their own membership. */
  verifier: { userId: Id; roles: readonly RoleAssignment[]; membership: Membership | null };
  /** The pending member's membership, as stored (null: not joined). */
  claimant: MembershipRecord | null;
  /** The claimant's grid (null when it no longer exists). */
  grid: GridPlace | null;
  decision: VerificationDecision;
  now: EpochMs;
}

export interface VerificationOutcome {
  /** The claimant's membership after the decision: verified, or without the household it claimed. */
  membership: MembershipRecord;
  /** A rejection leaves the household: appended to membershipHistory like every change of household. */
  history: MembershipChange | null;
  /** The household the claim was about: the store writes only while the membership still claims it, pending. */
  claimedHouseholdId: Id;
}

/** The household's own verified member may vouch for a newcomer; nobody vouches for themselves. */
function isVerifiedHousemate(verifier: VerificationFacts['verifier'], claimant: MembershipRecord): boolean {
  const own = verifier.membership;
  return (
    own !== null && verifier.userId !== claimant.userId && own.gridId === claimant.gridId && own.householdId === claimant.householdId && isVerifiedMember(own)
  );
}

export function decideVerification(facts: VerificationFacts): Result<VerificationOutcome> {
  const { verifier, claimant, grid, decision, now } = facts;
  if (claimant === null || grid === null || claimant.householdId === undefined) return fail('MEMBER.NOT_PENDING');
  const staff = mayServeGrid(verifier.roles, grid);
  if (!staff && !isVerifiedHousemate(verifier, claimant)) return fail('AUTH.FORBIDDEN', '只有本网格工作人员或这一户已核实的住户可以核实');
  if (isVerifiedMember(claimant)) return fail('MEMBER.NOT_PENDING');
  const claimedHouseholdId = claimant.householdId;
  if (decision === 'confirm') {
    return ok({ membership: { ...claimant, verification: 'verified', verifiedBy: verifier.userId, verifiedAt: now }, history: null, claimedHouseholdId });
  }
  // Rejecting takes the claim away, never the household: it may be a registered one somebody else lives in.
  const { householdId: _claimed, verification: _state, verifiedBy: _by, verifiedAt: _at, ...rest } = claimant;
  return ok({
    membership: { ...rest, updatedAt: now },
    history: {
      userId: claimant.userId,
      gridId: claimant.gridId,
      villageId: claimant.villageId,
      fromGridId: claimant.gridId,
      fromHouseholdId: claimedHouseholdId,
      kind: 'claimRejected',
      at: now,
    },
    claimedHouseholdId,
  });
}
