import { describe, expect, it } from 'vitest';
import {
  canAcceptInvitation,
  DAY_MS,
  GRID_CODE_LENGTH,
  issueJoinToken,
  SCENE_CHARSET_PATTERN,
  SCENE_MAX_LENGTH,
  shortCodeFromBytes,
  SUBJECT_MAX_LENGTH,
  verifyJoinToken,
  type Invitation,
  type SigningKeyring,
} from '../../core/src';
import { at } from './fixtures';

const NOW = at('2026-11-24T10:00');
const KEYRING: SigningKeyring = { currentKeyId: 'A', keys: [{ id: 'A', secret: 'secret-A-0123456789abcdef' }] };

function issue(subject = 'Gx7Kp2Q', expiresAt = NOW + 30 * DAY_MS, purpose: 'join' | 'invitation' = 'join', keyring = KEYRING): string {
  const result = issueJoinToken({ purpose, subject, expiresAt }, keyring);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** Change one character to a different alphanumeric one. */
function flip(text: string, index: number): string {
  const ch = text.charAt(index);
  return text.slice(0, index) + (ch === 'a' ? 'b' : 'a') + text.slice(index + 1);
}

describe('join tokens', () => {
  it('round-trips and fits the wxacode scene', () => {
    const scene = issue();
    expect(scene.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH);
    expect(scene).toMatch(SCENE_CHARSET_PATTERN);
    const verified = verifyJoinToken(scene, KEYRING, NOW, 'join');
    expect(verified).toEqual({ ok: true, value: { purpose: 'join', subject: 'Gx7Kp2Q', keyId: 'A', expiresAt: expect.any(Number) } });
    // Expiry is coarse (whole hours), never earlier than asked.
    expect(verified.ok && verified.value.expiresAt).toBeGreaterThanOrEqual(NOW + 30 * DAY_MS);
    expect(verified.ok && verified.value.expiresAt).toBeLessThan(NOW + 30 * DAY_MS + 3_600_000);
  });

  it('fits 32 characters with the longest subject', () => {
    const scene = issue('Z'.repeat(SUBJECT_MAX_LENGTH));
    expect(scene.length).toBe(SCENE_MAX_LENGTH);
    expect(verifyJoinToken(scene, KEYRING, NOW).ok).toBe(true);
    expect(issueJoinToken({ purpose: 'join', subject: 'Z'.repeat(SUBJECT_MAX_LENGTH + 1), expiresAt: NOW + DAY_MS }, KEYRING)).toMatchObject({
      ok: false,
      code: 'INPUT.INVALID',
    });
    expect(issueJoinToken({ purpose: 'join', subject: 'bad-code', expiresAt: NOW + DAY_MS }, KEYRING)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });

  it('rejects any tampered character', () => {
    const scene = issue();
    for (let i = 0; i < scene.length; i += 1) {
      const result = verifyJoinToken(flip(scene, i), KEYRING, NOW);
      expect(result.ok, `position ${i}`).toBe(false);
      expect(['TOKEN.INVALID', 'TOKEN.REVOKED']).toContain(result.ok ? '' : result.code);
    }
    expect(verifyJoinToken(`${scene}x`, KEYRING, NOW)).toMatchObject({ ok: false, code: 'TOKEN.INVALID' });
    expect(verifyJoinToken('', KEYRING, NOW)).toMatchObject({ ok: false, code: 'TOKEN.INVALID' });
    expect(verifyJoinToken(`J#${scene.slice(2)}`, KEYRING, NOW)).toMatchObject({ ok: false, code: 'TOKEN.INVALID' });
  });

  it('rejects a token signed with another secret under the same key id', () => {
    const forged = issue('Gx7Kp2Q', NOW + DAY_MS, 'join', { currentKeyId: 'A', keys: [{ id: 'A', secret: 'guess' }] });
    expect(verifyJoinToken(forged, KEYRING, NOW)).toMatchObject({ ok: false, code: 'TOKEN.INVALID' });
  });

  it('expires', () => {
    const scene = issue('Gx7Kp2Q', at('2026-11-25T10:00'));
    expect(verifyJoinToken(scene, KEYRING, at('2026-11-25T09:59')).ok).toBe(true);
    expect(verifyJoinToken(scene, KEYRING, at('2026-11-25T10:00'))).toMatchObject({
      ok: false,
      code: 'TOKEN.EXPIRED',
      message: '二维码已过期，请向网格长索取新的二维码',
    });
  });

  it('revokes codes signed with a retired key, while codes from the next key still work', () => {
    const old = issue();
    const rotated: SigningKeyring = {
      currentKeyId: 'B',
      keys: [
        { id: 'A', secret: 'secret-A-0123456789abcdef' },
        { id: 'B', secret: 'secret-B-fedcba9876543210' },
      ],
    };
    const fresh = issue('Gx7Kp2Q', NOW + DAY_MS, 'join', rotated);
    expect(fresh.charAt(1)).toBe('B');
    // During rotation both verify.
    expect(verifyJoinToken(old, rotated, NOW).ok).toBe(true);
    expect(verifyJoinToken(fresh, rotated, NOW).ok).toBe(true);
    const retired: SigningKeyring = {
      currentKeyId: 'B',
      keys: [
        { id: 'A', retired: true },
        { id: 'B', secret: 'secret-B-fedcba9876543210' },
      ],
    };
    expect(verifyJoinToken(old, retired, NOW)).toMatchObject({ ok: false, code: 'TOKEN.REVOKED' });
    expect(verifyJoinToken(fresh, retired, NOW).ok).toBe(true);
    // A key nobody knows is just invalid.
    expect(verifyJoinToken(old, { currentKeyId: 'B', keys: [{ id: 'B', secret: 'x' }] }, NOW)).toMatchObject({ ok: false, code: 'TOKEN.INVALID' });
  });

  it('refuses a token used for the wrong purpose', () => {
    const invitation = issue('Inv0123456', NOW + 7 * DAY_MS, 'invitation');
    expect(invitation.charAt(0)).toBe('I');
    expect(verifyJoinToken(invitation, KEYRING, NOW, 'join')).toMatchObject({ ok: false, code: 'TOKEN.WRONG_PURPOSE' });
    expect(verifyJoinToken(invitation, KEYRING, NOW, 'invitation')).toMatchObject({ ok: true, value: { purpose: 'invitation', subject: 'Inv0123456' } });
    expect(verifyJoinToken(issue(), KEYRING, NOW, 'invitation')).toMatchObject({ ok: false, code: 'TOKEN.WRONG_PURPOSE' });
  });

  it('makes alphanumeric short codes from random bytes', () => {
    const code = shortCodeFromBytes(new Uint8Array([0, 61, 62, 255, 10, 36, 100]), GRID_CODE_LENGTH);
    expect(code).toBe('0z07Aac');
  });
});

describe('canAcceptInvitation', () => {
  const invitation: Invitation = {
    id: 'inv1',
    code: 'Inv0123456',
    streetId: 'st1',
    villageId: 'v1',
    gridId: 'g1',
    role: 'buildingLeader',
    invitedBy: 'committeeZheng',
    createdAt: NOW,
    expiresAt: NOW + 7 * DAY_MS,
  };

  it('accepts a fresh invitation once, until it expires', () => {
    expect(canAcceptInvitation(invitation, NOW + DAY_MS)).toEqual({ ok: true, value: invitation });
    expect(canAcceptInvitation({ ...invitation, acceptedAt: NOW + DAY_MS, acceptedBy: 'u2' }, NOW + 2 * DAY_MS)).toMatchObject({
      ok: false,
      code: 'INVITATION.USED',
    });
    expect(canAcceptInvitation(invitation, NOW + 7 * DAY_MS)).toMatchObject({ ok: false, code: 'INVITATION.EXPIRED' });
    expect(canAcceptInvitation({ ...invitation, revokedAt: NOW + 1 }, NOW + 2)).toMatchObject({ ok: false, code: 'INVITATION.REVOKED' });
    expect(canAcceptInvitation(null, NOW)).toMatchObject({ ok: false, code: 'INVITATION.NOT_FOUND' });
  });
});
