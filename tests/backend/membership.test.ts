// Joining grids by QR code, join-key rotation, invitations and WeChat group binding, through the real
// wx-server-sdk against the emulator (functions built by npm run build:functions).
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { countOf, fetchAll, fetchById } from '../../backend/src/db';
import type { Household, Membership, RoleAssignment } from '../../core/src/model';
import { DAY_MS, HOUR_MS } from '../../core/src/policy';
import { PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import { startTestBackend, type TestBackend } from '../helpers/backend';

/** The resident's tick on the join page's privacy notice. */
const CONSENT = { version: PRIVACY_NOTICE_VERSION };
let backend: TestBackend;
let shared: TestBackend;
beforeAll(async () => {
  shared = await startTestBackend();
  backend = shared;
});
afterAll(() => shared.emu.stop());

interface JoinCode {
  gridId: string;
  fileID: string;
  tempFileURL?: string;
  scene: string;
  expiresAt: number;
}
interface JoinResult {
  grid: { id: string; name: string; villageId: string; villageName: string };
  householdId?: string;
  alreadyMember: boolean;
  moved: boolean;
  householdNeeded: boolean;
}
interface OutboxMsg {
  api: string;
  request: Record<string, unknown>;
}

/** The name an invitee gives when accepting (acceptInvitation requires one). */
const NEW_NAME = '周卫东';
const NEW_PHONE = '13955556666';

/** Past a one-day invitation (its expiry is rounded up to the hour), within its signed scene's grace. */
const HOUR_AND_A_HALF_MS = (3 * HOUR_MS) / 2;
const people = () => backend.street.people;
const grid = (i: number) => backend.street.people.grids[i]!;
const householdOf = (id: string): Household => backend.street.households.find((h) => h.id === id)!;

async function outbox(api: string): Promise<OutboxMsg[]> {
  return ((await backend.emu.control.outbox()) as OutboxMsg[]).filter((m) => m.api === api);
}

async function decodeQr(fileID: string): Promise<URL> {
  const file = (await backend.emu.cloud.downloadFile({ fileID })) as { fileContent: Buffer };
  const png = PNG.sync.read(Buffer.from(file.fileContent));
  const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(qr).not.toBeNull();
  return new URL(qr!.data);
}

async function mintGroupCloudId(opengid: string): Promise<string> {
  const res = await fetch(`${backend.emu.url}/__emulator/cloudid`, { method: 'POST', body: JSON.stringify({ opengid }) });
  return ((await res.json()) as { cloudID: string }).cloudID;
}

async function joinCode(gridIndex: number, openid = grid(gridIndex).leaders.gridLeader, validDays?: number): Promise<JoinCode> {
  const res = await backend.call<JoinCode>('getJoinCode', { gridId: grid(gridIndex).gridId, ...(validDays ? { validDays } : {}) }, openid);
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!;
}

const membershipOf = (openid: string) => fetchById<Membership>(backend.db, COLLECTIONS.memberships, openid);
const historyOf = (openid: string) =>
  fetchAll<{ gridId: string; kind: string; fromGridId?: string }>(backend.db.collection(COLLECTIONS.membershipHistory).where({ userId: openid }));

describe('join codes and joining a grid', () => {
  it('gives a committee member a mini-program code whose scene is the signed token', async () => {
    const g = grid(0);
    const res = await backend.call<JoinCode>('getJoinCode', { gridId: g.gridId }, people().committee[g.villageId]!);
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const code = res.data!;
    expect(code.scene.length).toBeLessThanOrEqual(32);
    expect(code.fileID).toMatch(/^cloud:\/\//);
    // About 180 days, on a whole hour.
    expect(code.expiresAt % HOUR_MS).toBe(0);
    expect(code.expiresAt).toBeGreaterThan(Date.UTC(2027, 4, 20));
    const calls = await outbox('wxacode.getUnlimited');
    expect(calls.at(-1)?.request.scene).toBe(code.scene);
    expect(calls.at(-1)?.request.page).toBe('pages/join/index');
    const url = await decodeQr(code.fileID);
    expect(url.searchParams.get('page')).toBe('pages/join/index');
    expect(url.searchParams.get('scene')).toBe(code.scene);
    expect(JSON.stringify(res)).not.toMatch(/secret/i);
    // Asking again within the hour gives the same scene and overwrites the same file.
    const again = await backend.call<JoinCode>('getJoinCode', { gridId: g.gridId }, g.leaders.partyGroupLeader);
    expect(again.data).toMatchObject({ scene: code.scene, fileID: code.fileID });
  });

  it('refuses a resident, and a committee member of another village', async () => {
    const g = grid(0);
    expect((await backend.call('getJoinCode', { gridId: g.gridId }, g.residents[0]!.openid)).code).toBe('AUTH.FORBIDDEN');
    const otherVillage = Object.keys(people().committee).find((v) => v !== g.villageId)!;
    expect((await backend.call('getJoinCode', { gridId: g.gridId }, people().committee[otherVillage]!)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('getJoinCode', { gridId: 'no-such-grid' }, people().admin)).code).toBe('GRID.NOT_FOUND');
  });

  it('joins an unjoined resident to the existing household at their address, keeping its care needs', async () => {
    const g = grid(0);
    const { openid, householdId } = g.unjoined[0]!;
    const seeded = householdOf(householdId);
    expect(seeded.careNeeds).toContain('elderlyAlone');
    const code = await joinCode(0);
    const res = await backend.call<JoinResult>(
      'joinGrid',
      { privacyConsent: CONSENT, scene: code.scene, household: { building: seeded.building!, unit: seeded.unit!, room: seeded.room!, careNeeds: ['sick'] } },
      openid,
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({ grid: { id: g.gridId }, householdId, alreadyMember: false, moved: false, householdNeeded: false });
    // Care needs are for the grid's staff, never echoed to whoever claims the address.
    expect(JSON.stringify(res.data)).not.toMatch(/careNeeds|elderlyAlone|sick/);
    expect(await membershipOf(openid)).toMatchObject({ userId: openid, gridId: g.gridId, villageId: g.villageId, householdId });
    const stored = await fetchById<Household>(backend.db, COLLECTIONS.households, householdId);
    expect(stored?.careNeeds).toEqual(['elderlyAlone', 'sick']);
    expect(await historyOf(openid)).toHaveLength(1);
  });

  it('changes nothing when the same code is scanned again', async () => {
    const { openid } = grid(0).unjoined[0]!;
    const before = await membershipOf(openid);
    const code = await joinCode(0);
    const res = await backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene: code.scene }, openid);
    expect(res.data).toMatchObject({ alreadyMember: true, moved: false });
    expect(await membershipOf(openid)).toEqual(before);
    expect(await historyOf(openid)).toHaveLength(1);
  });

  it("moves a resident who scans another grid's code, keeping the history", async () => {
    const { openid } = grid(0).unjoined[0]!;
    const target = grid(1);
    const code = await joinCode(1);
    const res = await backend.call<JoinResult>(
      'joinGrid',
      { privacyConsent: CONSENT, scene: code.scene, household: { building: '9栋', unit: '1单元', room: '901' } },
      openid,
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({ grid: { id: target.gridId }, moved: true, alreadyMember: false });
    const membership = await membershipOf(openid);
    expect(membership?.gridId).toBe(target.gridId);
    const created = await fetchById<Household>(backend.db, COLLECTIONS.households, membership!.householdId!);
    expect(created).toMatchObject({ gridId: target.gridId, building: '9栋', room: '901', careNeeds: [] });
    const history = await historyOf(openid);
    expect(history.map((h) => h.gridId).sort()).toEqual([grid(0).gridId, target.gridId].sort());
    expect(history.find((h) => h.gridId === target.gridId)).toMatchObject({ kind: 'move', fromGridId: grid(0).gridId });
  });

  it('puts two residents joining at once from the same new address into one household', async () => {
    const g = grid(4);
    const scene = (await joinCode(4)).scene;
    const household = { building: '12栋', unit: '3单元', room: '1203' };
    const [a, b] = await Promise.all(
      g.unjoined.slice(0, 2).map((u) => backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene, household }, u.openid)),
    );
    expect(a?.ok && b?.ok).toBe(true);
    expect(a!.data!.householdId).toBe(b!.data!.householdId);
    expect(await countOf(backend.db.collection(COLLECTIONS.households).where({ gridId: g.gridId, room: '1203' }))).toBe(1);
  });

  it('joins without an address and says a household is still needed', async () => {
    const { openid } = grid(2).unjoined[0]!;
    const res = await backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene: (await joinCode(2)).scene }, openid);
    expect(res.data).toMatchObject({ householdNeeded: true, moved: false });
    expect((await membershipOf(openid))?.gridId).toBe(grid(2).gridId);
  });

  it('answers TOKEN.INVALID for a tampered scene and TOKEN.WRONG_PURPOSE for an invitation scene', async () => {
    const code = await joinCode(0);
    const last = code.scene.at(-1)!;
    const tampered = code.scene.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const openid = grid(0).unjoined[1]!.openid;
    expect((await backend.call('joinGrid', { privacyConsent: CONSENT, scene: tampered }, openid)).code).toBe('TOKEN.INVALID');
    const invitation = await backend.call<{ scene: string }>(
      'issueInvitation',
      { villageId: grid(0).villageId, role: 'dutyOfficer' },
      people().committee[grid(0).villageId]!,
    );
    expect((await backend.call('joinGrid', { privacyConsent: CONSENT, scene: invitation.data!.scene }, openid)).code).toBe('TOKEN.WRONG_PURPOSE');
    expect(await membershipOf(openid)).toBeNull();
  });

  it('rejects an event carrying an openid or a grid the schema does not allow', async () => {
    const code = await joinCode(0);
    const res = await backend.call(
      'joinGrid',
      { privacyConsent: CONSENT, scene: code.scene, openid: grid(1).residents[0]!.openid },
      grid(0).unjoined[1]!.openid,
    );
    expect(res.code).toBe('INPUT.INVALID');
    expect((await backend.call('getJoinCode', { gridId: grid(0).gridId, role: 'committee' }, grid(0).residents[0]!.openid)).code).toBe('INPUT.INVALID');
    expect(await membershipOf(grid(0).unjoined[1]!.openid)).toBeNull();
  });
});

describe('invitations', () => {
  interface Issued {
    invitationId: string;
    scene: string;
    fileID: string;
    expiresAt: number;
  }
  const village = () => grid(0).villageId;
  const committee = () => people().committee[village()]!;

  it('lets the committee invite a grid leader, and the first accept makes the role assignment', async () => {
    const issued = await backend.call<Issued>('issueInvitation', { villageId: village(), gridId: grid(0).gridId, role: 'gridLeader' }, committee());
    expect(issued.ok, JSON.stringify(issued)).toBe(true);
    const url = await decodeQr(issued.data!.fileID);
    expect(url.searchParams.get('page')).toBe('pages/invite/index');
    expect(url.searchParams.get('scene')).toBe(issued.data!.scene);

    const invitee = 'o-new-grid-leader';
    // Without a name the accept is refused before anything is written.
    const nameless = await backend.call('acceptInvitation', { scene: issued.data!.scene }, invitee);
    expect(nameless.code).toBe('INPUT.INVALID');
    const accepted = await backend.call<{ assignmentId: string }>(
      'acceptInvitation',
      { scene: issued.data!.scene, displayName: NEW_NAME, phone: NEW_PHONE },
      invitee,
    );
    expect(accepted.ok, JSON.stringify(accepted)).toBe(true);
    const assignment = await fetchById<RoleAssignment>(backend.db, COLLECTIONS.roleAssignments, accepted.data!.assignmentId);
    expect(assignment).toMatchObject({
      userId: invitee,
      role: 'gridLeader',
      scope: { villageId: village(), gridId: grid(0).gridId },
      assignedBy: committee(),
      displayName: NEW_NAME,
      phone: NEW_PHONE,
    });
    // The new leader can now act for the grid.
    expect((await backend.call('getJoinCode', { gridId: grid(0).gridId }, invitee)).ok).toBe(true);

    // The same person again: harmless. Someone else: used.
    expect((await backend.call('acceptInvitation', { scene: issued.data!.scene, displayName: NEW_NAME }, invitee)).ok).toBe(true);
    expect((await backend.call('acceptInvitation', { scene: issued.data!.scene, displayName: NEW_NAME }, 'o-someone-else')).code).toBe('INVITATION.USED');
    expect(await countOf(backend.db.collection(COLLECTIONS.roleAssignments).where({ userId: 'o-someone-else' }))).toBe(0);
  });

  it('lets only one of two simultaneous accepts win', async () => {
    const issued = await backend.call<Issued>('issueInvitation', { villageId: village(), role: 'committee' }, committee());
    const results = await Promise.all(
      ['o-racer-1', 'o-racer-2'].map((u) => backend.call('acceptInvitation', { scene: issued.data!.scene, displayName: NEW_NAME }, u)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => r.code === 'INVITATION.USED')).toHaveLength(1);
    const holders = await countOf(
      backend.db.collection(COLLECTIONS.roleAssignments).where({ role: 'committee', userId: backend.db.command.in(['o-racer-1', 'o-racer-2']) }),
    );
    expect(holders).toBe(1);
  });

  it('refuses a committee member of another village and a grid of another village', async () => {
    const other = Object.keys(people().committee).find((v) => v !== village())!;
    const intoOther = await backend.call('issueInvitation', { villageId: other, role: 'dutyOfficer' }, committee());
    expect(intoOther.code).toBe('AUTH.FORBIDDEN');
    const otherGrid = backend.street.people.grids.find((g) => g.villageId === other)!;
    const wrongGrid = await backend.call('issueInvitation', { villageId: village(), gridId: otherGrid.gridId, role: 'buildingLeader' }, committee());
    expect(wrongGrid.code).toBe('GRID.NOT_FOUND');
    expect((await backend.call('issueInvitation', { villageId: village(), role: 'gridLeader' }, committee())).code).toBe('INPUT.INVALID');
    expect(await countOf(backend.db.collection(COLLECTIONS.invitations).where({ villageId: other }))).toBe(0);
  });

  it('refuses a resident, with nothing written', async () => {
    const before = await countOf(backend.db.collection(COLLECTIONS.invitations));
    const res = await backend.call('issueInvitation', { villageId: village(), gridId: grid(0).gridId, role: 'gridLeader' }, grid(0).residents[0]!.openid);
    expect(res.code).toBe('AUTH.FORBIDDEN');
    const forged = await backend.call('issueInvitation', { villageId: village(), role: 'committee', openid: people().admin }, grid(0).residents[0]!.openid);
    expect(forged.code).toBe('INPUT.INVALID');
    expect(await countOf(backend.db.collection(COLLECTIONS.invitations))).toBe(before);
  });
});

describe('WeChat group binding', () => {
  const openGId = 'G-grid-0-group';

  it('binds a group to a grid, and a resident opening the group is offered that grid', async () => {
    const leader = grid(0).leaders.gridLeader;
    const bound = await backend.call<{ gridId: string }>('bindGridGroup', { gridId: grid(0).gridId, groupCloudId: await mintGroupCloudId(openGId) }, leader);
    expect(bound.ok, JSON.stringify(bound)).toBe(true);
    const stored = await fetchById<{ openGId?: string }>(backend.db, COLLECTIONS.grids, grid(0).gridId);
    expect(stored?.openGId).toBe(openGId);

    const resident = grid(0).unjoined[1]!.openid;
    const resolved = await backend.call<{ grid: { id: string; villageName: string }; scene: string; alreadyMember: boolean }>(
      'resolveGroupGrid',
      { groupCloudId: await mintGroupCloudId(openGId) },
      resident,
    );
    expect(resolved.ok, JSON.stringify(resolved)).toBe(true);
    expect(resolved.data).toMatchObject({ grid: { id: grid(0).gridId }, alreadyMember: false });
    expect(resolved.data!.grid.villageName).not.toBe('');
    const joined = await backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene: resolved.data!.scene }, resident);
    expect(joined.data?.grid.id).toBe(grid(0).gridId);
  });

  it('keeps one group to one grid, and lets only the grid leaders bind', async () => {
    const other = await backend.call('bindGridGroup', { gridId: grid(1).gridId, groupCloudId: await mintGroupCloudId(openGId) }, grid(1).leaders.gridLeader);
    expect(other.code).toBe('GROUP.ALREADY_BOUND');
    const byResident = await backend.call(
      'bindGridGroup',
      { gridId: grid(1).gridId, groupCloudId: await mintGroupCloudId('G-other') },
      grid(1).residents[0]!.openid,
    );
    expect(byResident.code).toBe('AUTH.FORBIDDEN');
    const byOtherLeader = await backend.call(
      'bindGridGroup',
      { gridId: grid(1).gridId, groupCloudId: await mintGroupCloudId('G-other') },
      grid(0).leaders.gridLeader,
    );
    expect(byOtherLeader.code).toBe('AUTH.FORBIDDEN');
    expect((await fetchById<{ openGId?: string }>(backend.db, COLLECTIONS.grids, grid(1).gridId))?.openGId).toBeUndefined();
  });

  it('answers GRID.NOT_FOUND for a group no grid is bound to, and GROUP.INVALID for a bad cloudID', async () => {
    const resident = grid(0).residents[0]!.openid;
    expect((await backend.call('resolveGroupGrid', { groupCloudId: await mintGroupCloudId('G-unbound') }, resident)).code).toBe('GRID.NOT_FOUND');
    expect((await backend.call('resolveGroupGrid', { groupCloudId: 'not-a-cloud-id' }, resident)).code).toBe('GROUP.INVALID');
  });
});

describe('join key rotation and expiry', () => {
  beforeAll(async () => {
    // A fresh street for the clock-moving tests; days pass with timers suspended (skipTimers).
    backend = await startTestBackend();
  });
  afterAll(async () => {
    await backend.emu.stop();
    backend = shared;
  });

  interface Issued {
    scene: string;
  }
  it('answers INVITATION.EXPIRED once the invitation has run out', async () => {
    const issued = await backend.call<Issued>(
      'issueInvitation',
      { villageId: grid(0).villageId, role: 'dutyOfficer', validDays: 1 },
      people().committee[grid(0).villageId]!,
    );
    // Past the invitation's day, within the hour its signed scene outlives it.
    await backend.emu.control.advance(DAY_MS + HOUR_AND_A_HALF_MS, { skipTimers: true });
    const res = await backend.call('acceptInvitation', { scene: issued.data!.scene, displayName: NEW_NAME }, 'o-late-invitee');
    expect(res.code).toBe('INVITATION.EXPIRED');
    expect(await countOf(backend.db.collection(COLLECTIONS.roleAssignments).where({ userId: 'o-late-invitee' }))).toBe(0);
  });
  it('expires a join code after its validity', async () => {
    const code = await joinCode(3, grid(3).leaders.gridLeader, 1);
    await backend.emu.control.advance(2 * DAY_MS, { skipTimers: true });
    const res = await backend.call('joinGrid', { privacyConsent: CONSENT, scene: code.scene }, grid(3).unjoined[0]!.openid);
    expect(res.code).toBe('TOKEN.EXPIRED');
  });

  it('revokes every code of the retired key, and a new code works', async () => {
    const old = await joinCode(3);
    expect((await backend.call('rotateJoinKeys', {}, grid(3).leaders.gridLeader)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('rotateJoinKeys', {}, people().committee[grid(3).villageId]!)).code).toBe('AUTH.FORBIDDEN');
    const rotated = await backend.call<{ retiredKeyId: string; currentKeyId: string }>('rotateJoinKeys', {}, people().admin);
    expect(rotated.ok, JSON.stringify(rotated)).toBe(true);
    expect(rotated.data!.currentKeyId).not.toBe(rotated.data!.retiredKeyId);
    const openid = grid(3).unjoined[0]!.openid;
    expect((await backend.call('joinGrid', { privacyConsent: CONSENT, scene: old.scene }, openid)).code).toBe('TOKEN.REVOKED');
    const fresh = await joinCode(3);
    expect(fresh.scene).not.toBe(old.scene);
    const res = await backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene: fresh.scene }, openid);
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect((await membershipOf(openid))?.gridId).toBe(grid(3).gridId);
    // The retired secret is destroyed, not just flagged.
    const keys = await fetchById<{ keys: Array<{ id: string; secret?: string }> }>(backend.db, COLLECTIONS.settings, 'joinKeys');
    expect(keys?.keys.find((k) => k.id === rotated.data!.retiredKeyId)?.secret).toBeUndefined();
  });
});
