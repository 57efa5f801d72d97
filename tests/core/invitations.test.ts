import { describe, expect, it } from 'vitest';
import {
  afterLostClaim,
  DAY_MS,
  decideAcceptance,
  draftInvitation,
  HOUR_MS,
  invitationSceneExpiry,
  roleAssignmentFor,
  rolesOf,
  type Invitation,
} from '../../core/src';
import { ASSIGNMENTS, at, GRID, OTHER_GRID, STREET, VILLAGE } from './fixtures';

const NOW = at('2026-11-24T09:00');
const village = { id: VILLAGE, streetId: STREET };
const grid = { villageId: VILLAGE };
const committee = rolesOf(ASSIGNMENTS, 'committeeZheng');

const invitation: Invitation = {
  id: 'Inv0123456',
  code: 'Inv0123456',
  streetId: STREET,
  villageId: VILLAGE,
  gridId: GRID,
  role: 'buildingLeader',
  invitedBy: 'committeeZheng',
  createdAt: NOW,
  expiresAt: NOW + 7 * DAY_MS,
};
/** The invitation before it has its code (what draftInvitation gives). */
const { id: _id, code: _code, ...drafted } = invitation;
const accepted = (by: string, when = NOW + HOUR_MS): Invitation => ({ ...invitation, acceptedAt: when, acceptedBy: by });

describe('draftInvitation', () => {
  it('drafts what the committee asks for, valid a week by default and whole hours', () => {
    expect(draftInvitation({ villageId: VILLAGE, gridId: GRID, role: 'buildingLeader' }, committee, village, grid, 'committeeZheng', NOW)).toEqual({
      ok: true,
      value: drafted,
    });
    const later = at('2026-11-24T09:20');
    const oneDay = draftInvitation({ villageId: VILLAGE, role: 'dutyOfficer', validDays: 1 }, committee, village, null, 'committeeZheng', later);
    expect(oneDay).toMatchObject({ ok: true, value: { expiresAt: at('2026-11-25T10:00') } });
    expect(oneDay.ok && oneDay.value).not.toHaveProperty('gridId');
  });

  it('refuses an unknown village, someone who does not manage it, and a grid outside it', () => {
    const ask = { villageId: VILLAGE, gridId: OTHER_GRID, role: 'gridLeader' } as const;
    expect(draftInvitation(ask, committee, null, grid, 'committeeZheng', NOW)).toMatchObject({ ok: false, code: 'VILLAGE.NOT_FOUND' });
    expect(draftInvitation(ask, rolesOf(ASSIGNMENTS, 'leaderWang'), village, grid, 'leaderWang', NOW)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(draftInvitation(ask, committee, village, { villageId: 'v2' }, 'committeeZheng', NOW)).toMatchObject({ ok: false, code: 'GRID.NOT_FOUND' });
    expect(draftInvitation(ask, committee, village, null, 'committeeZheng', NOW)).toMatchObject({ ok: false, code: 'GRID.NOT_FOUND' });
  });

  it('lets the signed scene outlive the invitation by two hours', () => {
    expect(invitationSceneExpiry(invitation)).toBe(invitation.expiresAt + 2 * HOUR_MS);
  });
});

describe('decideAcceptance', () => {
  it('claims a fresh invitation at now', () => {
    expect(decideAcceptance(invitation, 'u1', NOW + DAY_MS)).toEqual({ ok: true, value: { invitation, acceptedAt: NOW + DAY_MS, mustClaim: true } });
  });

  it('refuses one not found, used by someone else, revoked or expired, before anything is written', () => {
    expect(decideAcceptance(null, 'u1', NOW)).toMatchObject({ ok: false, code: 'INVITATION.NOT_FOUND' });
    expect(decideAcceptance(accepted('u2'), 'u1', NOW + DAY_MS)).toMatchObject({ ok: false, code: 'INVITATION.USED' });
    expect(decideAcceptance({ ...invitation, revokedAt: NOW + 1 }, 'u1', NOW + 2)).toMatchObject({ ok: false, code: 'INVITATION.REVOKED' });
    expect(decideAcceptance(invitation, 'u1', invitation.expiresAt)).toMatchObject({ ok: false, code: 'INVITATION.EXPIRED' });
  });

  it('lets the same person finish an earlier accept, even after the expiry, at the first accept’s time', () => {
    const mine = accepted('u1');
    expect(decideAcceptance(mine, 'u1', invitation.expiresAt + DAY_MS)).toEqual({
      ok: true,
      value: { invitation: mine, acceptedAt: NOW + HOUR_MS, mustClaim: false },
    });
  });
});

describe('afterLostClaim', () => {
  it('carries on with a concurrent accept by the same person; anyone else’s win is USED, a revocation REVOKED', () => {
    const mine = accepted('u1');
    expect(afterLostClaim(mine, 'u1', NOW + DAY_MS)).toEqual({ ok: true, value: { invitation: mine, acceptedAt: NOW + HOUR_MS, mustClaim: false } });
    expect(afterLostClaim(accepted('u2'), 'u1', NOW + DAY_MS)).toMatchObject({ ok: false, code: 'INVITATION.USED' });
    expect(afterLostClaim({ ...invitation, revokedAt: NOW + 1 }, 'u1', NOW + DAY_MS)).toMatchObject({ ok: false, code: 'INVITATION.REVOKED' });
  });
});

describe('roleAssignmentFor', () => {
  it('gives the invited role in the invitation’s grid, assigned by the inviter when it was accepted', () => {
    const acceptance = { invitation, acceptedAt: NOW + HOUR_MS, mustClaim: false };
    expect(roleAssignmentFor(acceptance, { userId: 'u1', displayName: '周卫东', phone: '13955556666' })).toEqual({
      userId: 'u1',
      role: 'buildingLeader',
      scope: { streetId: STREET, villageId: VILLAGE, gridId: GRID },
      assignedAt: NOW + HOUR_MS,
      assignedBy: 'committeeZheng',
      invitationId: 'Inv0123456',
      displayName: '周卫东',
      phone: '13955556666',
    });
    const { gridId: _grid, ...villageWide } = invitation;
    const duty = roleAssignmentFor(
      { invitation: { ...villageWide, role: 'dutyOfficer' }, acceptedAt: NOW, mustClaim: true },
      { userId: 'u2', displayName: '王' },
    );
    expect(duty.scope).toEqual({ streetId: STREET, villageId: VILLAGE });
    expect(duty).not.toHaveProperty('phone');
  });
});
