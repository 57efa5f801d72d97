import { describe, expect, it } from 'vitest';
import { decideVerification, isVerifiedMember, pendingClaims, verifiedReads, type VerificationFacts } from '../../core/src/claims';
import type { MembershipRecord } from '../../core/src/membership';
import type { RoleAssignment } from '../../core/src/model';
import { at, GRID, OTHER_GRID, RESIDENT, STREET, VILLAGE } from './fixtures';

const NOW = at('2026-11-24T09:00');
const place = { streetId: STREET, villageId: VILLAGE, gridId: GRID };
const claimant: MembershipRecord = { userId: RESIDENT, gridId: GRID, villageId: VILLAGE, householdId: 'h1', verification: 'pending', joinedAt: NOW };
const leaderOf = (gridId: string): RoleAssignment => ({
  userId: 'o-leader',
  role: 'gridLeader',
  scope: { streetId: STREET, villageId: VILLAGE, gridId },
  assignedAt: 0,
  assignedBy: 'x',
});
const facts = (over: Partial<VerificationFacts>): VerificationFacts => ({
  verifier: { userId: 'o-leader', roles: [leaderOf(GRID)], membership: null },
  claimant,
  grid: place,
  decision: 'confirm',
  now: NOW,
  ...over,
});

describe('household claims', () => {
  it('treats a membership without a state (stored before claims) as verified', () => {
    expect(isVerifiedMember({})).toBe(true);
    expect(isVerifiedMember({ verification: 'pending' })).toBe(false);
  });

  it('counts only verified reads, and marks households only pending members claimed', () => {
    const pending = pendingClaims([
      claimant,
      { userId: 'o-old', householdId: 'h2' },
      { userId: 'o-stranger', householdId: 'h2', verification: 'pending' },
      { userId: 'o-none', verification: 'pending' },
    ]);
    expect([...pending.claimants].sort()).toEqual(['o-stranger', RESIDENT]);
    expect([...pending.households]).toEqual(['h1']);
    const receipts = [{ userId: RESIDENT, householdId: 'h1' }, { userId: 'o-old', householdId: 'h2' }, { householdId: 'h3' }];
    expect(verifiedReads(receipts, pending).map((r) => r.householdId)).toEqual(['h2', 'h3']);
  });

  it("lets the grid's staff confirm, recording who and when", () => {
    const decided = decideVerification(facts({}));
    expect(decided).toEqual({
      ok: true,
      value: { membership: { ...claimant, verification: 'verified', verifiedBy: 'o-leader', verifiedAt: NOW }, history: null, claimedHouseholdId: 'h1' },
    });
  });

  it('lets a verified member of the same household vouch, never the claimant or a pending housemate', () => {
    const housemate = { userId: 'o-mate', gridId: GRID, villageId: VILLAGE, householdId: 'h1', joinedAt: 0 };
    expect(decideVerification(facts({ verifier: { userId: 'o-mate', roles: [], membership: housemate } })).ok).toBe(true);
    const pendingMate = { ...housemate, verification: 'pending' as const };
    expect(decideVerification(facts({ verifier: { userId: 'o-mate', roles: [], membership: pendingMate } }))).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
    expect(decideVerification(facts({ verifier: { userId: RESIDENT, roles: [], membership: claimant } }))).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(decideVerification(facts({ verifier: { userId: 'o-leader', roles: [leaderOf(OTHER_GRID)], membership: null } }))).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
  });

  it('rejects by removing the claim and recording it, keeping the resident in the grid', () => {
    const decided = decideVerification(facts({ decision: 'reject' }));
    expect(decided).toEqual({
      ok: true,
      value: {
        membership: { userId: RESIDENT, gridId: GRID, villageId: VILLAGE, joinedAt: NOW, updatedAt: NOW },
        history: { userId: RESIDENT, gridId: GRID, villageId: VILLAGE, fromGridId: GRID, fromHouseholdId: 'h1', kind: 'claimRejected', at: NOW },
        claimedHouseholdId: 'h1',
      },
    });
  });

  it('answers MEMBER.NOT_PENDING for a verified member or one without a household', () => {
    const { verification: _v, ...verified } = claimant;
    expect(decideVerification(facts({ claimant: verified }))).toMatchObject({ ok: false, code: 'MEMBER.NOT_PENDING' });
    expect(decideVerification(facts({ claimant: null }))).toMatchObject({ ok: false, code: 'MEMBER.NOT_PENDING' });
  });
});
