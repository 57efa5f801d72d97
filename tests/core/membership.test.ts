import { describe, expect, it } from 'vitest';
import {
  addressOf,
  DAY_MS,
  decideGroupBinding,
  decideJoin,
  firstKeyring,
  gridSummary,
  groupSceneExpiry,
  householdLookup,
  HOUR_MS,
  joinCodeExpiry,
  rotatedKeyring,
  signingKeyringOf,
  tokenExpiry,
  type Grid,
  type Household,
  type JoinFacts,
  type MembershipRecord,
  type StoredKeyring,
} from '../../core/src';
import { PRIVACY_NOTICE_VERSION, privacyConsentOf } from '../../core/src/privacyNotice';
import { at, GRID, OTHER_GRID, RESIDENT, STREET, VILLAGE } from './fixtures';

const NOW = at('2026-11-24T09:00');
const JOINED = at('2026-03-01T10:00');
const grid: Grid = { id: GRID, villageId: VILLAGE, streetId: STREET, name: '第一网格', code: 'Gx7Kp2Q' };
const village = { name: '连心村' };
const CONSENT = { version: PRIVACY_NOTICE_VERSION, at: NOW };
const household: Household = { id: 'h1', gridId: GRID, villageId: VILLAGE, building: '3栋', unit: '2单元', room: '301', careNeeds: ['sick'] };
const member = (over: Partial<MembershipRecord> = {}): MembershipRecord => ({
  userId: RESIDENT,
  gridId: GRID,
  villageId: VILLAGE,
  householdId: 'h1',
  joinedAt: JOINED,
  ...over,
});

function facts(over: Partial<JoinFacts>): JoinFacts {
  return { userId: RESIDENT, grid, village, current: null, household: null, given: undefined, consent: CONSENT, now: NOW, ...over };
}

describe('addresses and household lookup', () => {
  it('trims the address and leaves blank parts out', () => {
    expect(addressOf({ building: ' 3栋 ', unit: '  ', room: '301' })).toEqual({ building: '3栋', room: '301' });
    expect(addressOf(undefined)).toEqual({});
  });

  it('looks a household up by address, else keeps the current one, else the resident’s own, else none', () => {
    expect(householdLookup(null, GRID, { building: '3栋 ', room: '301' })).toEqual({ by: 'address', address: { building: '3栋', room: '301' } });
    expect(householdLookup(member(), GRID, undefined)).toEqual({ by: 'current', householdId: 'h1', read: false });
    expect(householdLookup(member(), GRID, { careNeeds: ['sick'] })).toEqual({ by: 'current', householdId: 'h1', read: true });
    expect(householdLookup(member(), OTHER_GRID, { careNeeds: ['sick'], room: ' ' })).toEqual({ by: 'resident' });
    expect(householdLookup(member({ gridId: OTHER_GRID }), GRID, undefined)).toEqual({ by: 'none' });
  });
});

describe('privacyConsentOf', () => {
  it('takes only a consent to the notice in force', () => {
    expect(privacyConsentOf(PRIVACY_NOTICE_VERSION, NOW)).toEqual({ ok: true, value: CONSENT });
    expect(privacyConsentOf(undefined, NOW)).toMatchObject({ ok: false, code: 'PRIVACY.CONSENT_REQUIRED' });
    expect(privacyConsentOf('2020-01-01', NOW)).toMatchObject({ ok: false, code: 'PRIVACY.CONSENT_REQUIRED' });
  });
});

describe('decideJoin', () => {
  it('joins a first-time resident to the stored household at the address, adding care needs in their order', () => {
    const join = decideJoin(
      facts({ household: { kind: 'stored', household }, given: { building: '3栋', unit: '2单元', room: '301', careNeeds: ['elderlyAlone'] } }),
    );
    expect(join).toMatchObject({
      kind: 'join',
      membership: {
        userId: RESIDENT,
        gridId: GRID,
        villageId: VILLAGE,
        householdId: 'h1',
        verification: 'pending',
        privacyConsent: CONSENT,
        joinedAt: NOW,
        updatedAt: NOW,
      },
      history: { userId: RESIDENT, gridId: GRID, householdId: 'h1', kind: 'join', at: NOW },
      household: { kind: 'add', householdId: 'h1', additions: { careNeeds: ['elderlyAlone', 'sick'] } },
    });
    expect(join.reply).toEqual({
      grid: { id: GRID, name: '第一网格', villageId: VILLAGE, villageName: '连心村' },
      householdId: 'h1',
      address: { building: '3栋', unit: '2单元', room: '301' },
      alreadyMember: false,
      moved: false,
      householdNeeded: false,
      claimPending: true,
    });
    expect(JSON.stringify(join.reply)).not.toMatch(/careNeeds|sick/);
  });

  it('changes nothing on a repeated scan, but adds what is new to the household', () => {
    const repeat = decideJoin(facts({ current: member(), household: { kind: 'kept', id: 'h1' } }));
    // A member from before consent was asked agrees now: only the consent is recorded.
    expect(repeat).toEqual({
      kind: 'nothing',
      household: null,
      consent: CONSENT,
      reply: expect.objectContaining({ householdId: 'h1', alreadyMember: true, moved: false }),
    });
    const consented = decideJoin(
      facts({ current: member({ privacyConsent: { version: PRIVACY_NOTICE_VERSION, at: JOINED } }), household: { kind: 'kept', id: 'h1' } }),
    );
    expect(consented).toMatchObject({ kind: 'nothing', consent: null });
    expect(repeat.reply).not.toHaveProperty('address');
    const noSmartphone = decideJoin(facts({ current: member(), household: { kind: 'stored', household }, given: { noSmartphone: true, careNeeds: ['sick'] } }));
    expect(noSmartphone).toMatchObject({ kind: 'nothing', household: { kind: 'add', householdId: 'h1', additions: { noSmartphone: true } } });
    const unchanged = decideJoin(facts({ current: member(), household: { kind: 'stored', household }, given: { noSmartphone: false, careNeeds: ['sick'] } }));
    expect(unchanged.household).toBeNull();
  });

  it('moves a resident from another grid, creating the new household with what they gave', () => {
    const from = member({ gridId: OTHER_GRID, householdId: 'h9', updatedAt: JOINED });
    const join = decideJoin(
      facts({
        current: from,
        household: { kind: 'new', id: 'h2' },
        given: { building: ' 9栋', room: '901', careNeeds: ['pregnant', 'elderlyAlone'], noSmartphone: true },
      }),
    );
    expect(join).toMatchObject({
      kind: 'move',
      membership: { gridId: GRID, householdId: 'h2', joinedAt: NOW },
      history: { kind: 'move', gridId: GRID, householdId: 'h2', fromGridId: OTHER_GRID, fromHouseholdId: 'h9' },
      reply: { moved: true, alreadyMember: false, address: { building: '9栋', room: '901' } },
    });
    expect(join.household).toEqual({
      kind: 'create',
      household: {
        id: 'h2',
        gridId: GRID,
        villageId: VILLAGE,
        building: '9栋',
        room: '901',
        careNeeds: ['elderlyAlone', 'pregnant'],
        noSmartphone: true,
        source: 'joined',
      },
    });
  });

  it('joins a household the register holds, adding only what is new: its phone, members, party member and source stay', () => {
    const registered: Household = {
      ...household,
      careNeeds: ['elderlyAlone'],
      phone: '13812345678',
      members: [{ name: '王秀英', relation: '户主' }],
      partyContact: { name: '张建国' },
      source: 'import',
      registeredAt: JOINED,
      registeredBy: 'o-committee',
    };
    const given = { building: '3栋', unit: '2单元', room: '301', careNeeds: ['sick' as const] };
    const join = decideJoin(facts({ household: { kind: 'stored', household: registered }, given }));
    expect(join).toMatchObject({ kind: 'join', membership: { householdId: 'h1' } });
    expect(join.household).toEqual({ kind: 'add', householdId: 'h1', additions: { careNeeds: ['elderlyAlone', 'sick'] } });
    // Nothing new given: the register's entry is not written at all.
    expect(decideJoin(facts({ household: { kind: 'stored', household: registered }, given: { ...given, careNeeds: ['elderlyAlone'] } })).household).toBeNull();
  });

  it('records a change of household within the grid, keeping when the resident joined it', () => {
    const join = decideJoin(
      facts({
        current: member(),
        household: { kind: 'stored', household: { ...household, id: 'h3' } },
        given: { building: '3栋', unit: '2单元', room: '301' },
      }),
    );
    expect(join).toMatchObject({
      kind: 'householdChange',
      membership: { householdId: 'h3', joinedAt: JOINED, updatedAt: NOW },
      history: { fromGridId: GRID, fromHouseholdId: 'h1' },
    });
    expect(join.household).toBeNull();
  });

  it('joins without a household and says one is still needed; the village name is blank when unknown', () => {
    const join = decideJoin(facts({ village: null }));
    expect(join).toMatchObject({ kind: 'join', reply: { householdNeeded: true, alreadyMember: false, grid: { villageName: '' } } });
    expect(join.kind !== 'nothing' && join.membership).not.toHaveProperty('householdId');
    expect(join.household).toBeNull();
  });
});

describe('code expiry', () => {
  it('rounds every expiry up to the whole hour the token stores', () => {
    expect(tokenExpiry(at('2026-11-24T09:00'))).toBe(at('2026-11-24T09:00'));
    expect(tokenExpiry(at('2026-11-24T09:01'))).toBe(at('2026-11-24T10:00'));
    expect(joinCodeExpiry(at('2026-11-24T09:30'))).toBe(at('2026-11-24T10:00') + 180 * DAY_MS);
    expect(joinCodeExpiry(at('2026-11-24T09:30'), 1)).toBe(at('2026-11-25T10:00'));
    expect(groupSceneExpiry(at('2026-11-24T09:30'))).toBe(at('2026-11-24T11:00'));
    expect(groupSceneExpiry(NOW)).toBe(NOW + HOUR_MS);
  });
});

describe('decideGroupBinding', () => {
  const bound = { ...grid, openGId: 'G-old' };
  it('binds a free group, replacing the grid’s old one; changes nothing when it is already this grid’s', () => {
    expect(decideGroupBinding(bound, 'G-new', null, 'leaderWang', NOW)).toEqual({
      ok: true,
      value: { alreadyBound: false, changes: { openGId: 'G-new', groupBoundAt: NOW, groupBoundBy: 'leaderWang' } },
    });
    expect(decideGroupBinding(bound, 'G-old', bound, 'leaderWang', NOW)).toEqual({ ok: true, value: { alreadyBound: true } });
  });
  it('keeps one group to one grid', () => {
    expect(decideGroupBinding(grid, 'G-old', { id: OTHER_GRID }, 'leaderWang', NOW)).toMatchObject({ ok: false, code: 'GROUP.ALREADY_BOUND' });
  });
  it('summarises a grid for the resident', () => {
    expect(gridSummary(grid, village)).toEqual({ id: GRID, name: '第一网格', villageId: VILLAGE, villageName: '连心村' });
  });
});

describe('join key rotation', () => {
  const first = firstKeyring('s0', JOINED);
  it('starts with one current key and signs with it', () => {
    expect(first).toEqual({ currentKeyId: '0', keys: [{ id: '0', secret: 's0', createdAt: JOINED }] });
    expect(signingKeyringOf(first)).toEqual({ currentKeyId: '0', keys: [{ id: '0', secret: 's0' }] });
  });

  it('retires the current key, destroying its secret, and makes the next id current', () => {
    const rotated = rotatedKeyring(first, 's1', NOW);
    expect(rotated).toEqual({
      currentKeyId: '1',
      keys: [
        { id: '0', createdAt: JOINED, retiredAt: NOW },
        { id: '1', secret: 's1', createdAt: NOW },
      ],
    });
    expect(signingKeyringOf(rotated).keys[0]).toEqual({ id: '0', retired: true });
  });

  it('reuses the longest-retired id once every id is taken', () => {
    const ids = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const full: StoredKeyring = {
      currentKeyId: 'z',
      keys: [...ids].map((id, i) =>
        id === 'z' ? { id, secret: 'sz', createdAt: NOW } : { id, createdAt: JOINED, retiredAt: JOINED + (id === '5' ? 0 : i + 1) * HOUR_MS },
      ),
    };
    const rotated = rotatedKeyring(full, 'new', NOW);
    expect(rotated.currentKeyId).toBe('5');
    expect(rotated.keys).toHaveLength(ids.length);
    expect(rotated.keys.find((k) => k.id === 'z')).toEqual({ id: 'z', createdAt: NOW, retiredAt: NOW });
    expect(rotated.keys.filter((k) => k.id === '5')).toEqual([{ id: '5', secret: 'new', createdAt: NOW }]);
  });
});
