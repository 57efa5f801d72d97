// The village's staff through the real SDK on the emulator: listStaff (names and role words, never to a
// resident), removeRole (the removed leader gets no new requests and no staff pages; the village's last
// committee role stays), revokeInvitation (an accept is then refused), endMicroGrid (its temporary role
// ends, its buildings route to the grid alone) and getVillagePolicy (what setVillagePolicy stored, and
// what is in force).
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { countOf, fetchById } from '../../backend/src/db';
import { roleAssignmentId } from '../../backend/src/seed';
import type { MicroGrid, RoleAssignment } from '../../core/src/model';
import { DEFAULT_POLICY, HOUR_MS, MINUTE_MS } from '../../core/src/policy';
import type { StaffList, VillagePolicyView } from '../../core/src/schemas/staff';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { routingOf } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const grid = (i: number) => backend.street.people.grids[i]!;
const committeeOf = (villageId: string) => backend.street.people.committee[villageId]!;

interface Issued {
  invitationId: string;
  scene: string;
}
interface Submitted {
  request: { id: string; responders: string[] };
}

async function listStaff(villageId: string, openid: string) {
  return backend.call<StaffList>('listStaff', { villageId }, openid);
}

async function submit(openid: string, key: string): Promise<Submitted['request']> {
  const res = await backend.call<Submitted>('submitRequest', { category: 'supplies', text: '家里没米了', idempotencyKey: key }, openid);
  expect(res.ok, JSON.stringify(res)).toBe(true);
  // The resident's reply shows staff by role and name; routing is checked as staff see it.
  return { ...res.data!.request, ...(await routingOf(backend, res.data!.request.id)) };
}

async function invite(villageId: string, input: Record<string, unknown>): Promise<Issued> {
  const res = await backend.call<Issued>('issueInvitation', { villageId, ...input }, committeeOf(villageId));
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!;
}

describe('listStaff', () => {
  it('gives the committee every role holder by name, role word, grid and phone, and the unused invitations', async () => {
    const g = grid(0);
    const issued = await invite(g.villageId, { gridId: g.gridId, role: 'buildingLeader' });
    const res = await listStaff(g.villageId, committeeOf(g.villageId));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const leader = res.data!.staff.find((s) => s.userId === g.leaders.gridLeader)!;
    expect(leader).toMatchObject({ role: 'gridLeader', roleLabel: '网格长', gridId: g.gridId, gridName: '第1网格' });
    expect(leader.displayName).not.toBe('');
    expect(leader.phone).toMatch(/^1\d{10}$/);
    // Village roles come first, the committee before the duty officer.
    expect(res.data!.staff.slice(0, 2).map((s) => s.roleLabel)).toEqual(['两委成员', '值班员']);
    expect(res.data!.staff.every((s) => s.role !== 'streetAdmin')).toBe(true);
    const pending = res.data!.invitations.find((i) => i.invitationId === issued.invitationId);
    expect(pending).toMatchObject({ role: 'buildingLeader', roleLabel: '楼栋长', gridName: '第1网格', invitedBy: committeeOf(g.villageId) });
    expect(pending!.invitedByName).not.toBe('');
    expect(res.data!.grids.map((x) => x.name)).toEqual(['第1网格', '第2网格', '第3网格']);
  });

  it('never answers a resident, a grid leader or another village’s committee', async () => {
    const g = grid(0);
    const other = backend.street.villages.find((v) => v.id !== g.villageId)!.id;
    for (const openid of [g.residents[0]!.openid, g.leaders.gridLeader, committeeOf(other)]) {
      const res = await listStaff(g.villageId, openid);
      expect(res.code).toBe('AUTH.FORBIDDEN');
      expect(res.data).toBeUndefined();
    }
    expect((await listStaff(g.villageId, backend.street.people.admin)).ok).toBe(true);
  });
});

describe('removeRole', () => {
  it('takes a leader off the grid: no new requests, no staff pages; an open request of theirs escalates to the other 三长', async () => {
    const g = grid(1);
    const committee = committeeOf(g.villageId);
    const leader = g.leaders.gridLeader;
    // Routed by default to the grid leader alone.
    const before = await submit(g.residents[0]!.openid, 'staff-remove-before-1');
    expect(before.responders).toEqual([leader]);

    const assignmentId = roleAssignmentId({
      role: 'gridLeader',
      scope: { streetId: backend.street.street.id, villageId: g.villageId, gridId: g.gridId },
      userId: leader,
    });
    const removed = await backend.call<{ removed: boolean }>('removeRole', { villageId: g.villageId, assignmentId }, committee);
    expect(removed.ok, JSON.stringify(removed)).toBe(true);
    expect(removed.data!.removed).toBe(true);
    expect(await fetchById<RoleAssignment>(backend.db, COLLECTIONS.roleAssignments, assignmentId)).toBeNull();

    // A retry is harmless.
    const again = await backend.call<{ removed: boolean }>('removeRole', { villageId: g.villageId, assignmentId }, committee);
    expect(again.ok).toBe(true);
    expect(again.data!.removed).toBe(false);

    // With no grid leader left, the default route falls back to the village's duty officer.
    const after = await submit(g.residents[1]!.openid, 'staff-remove-after-1');
    expect(after.responders).not.toContain(leader);
    expect(after.responders).toEqual([backend.street.people.dutyOfficers[g.villageId]]);
    // No staff page answers them any more.
    expect((await backend.call('getJoinCode', { gridId: g.gridId }, leader)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('getGridRoster', { gridId: g.gridId }, leader)).code).toBe('AUTH.FORBIDDEN');
    const listed = await listStaff(g.villageId, committee);
    expect(listed.data!.staff.some((s) => s.assignmentId === assignmentId)).toBe(false);

    // The request routed to them before stays open; at its target the sweep escalates it to the grid's
    // other 三长 (read from the assignments as they are now), never back to the removed leader.
    await backend.emu.control.advance(11 * MINUTE_MS, { skipTimers: true });
    backend.emu.actAs(undefined);
    await backend.emu.cloud.callFunction({ name: 'sweepRequests', data: { Type: 'Timer' } });
    const stored = await fetchById<{ responders: string[]; escalationLevel: number }>(backend.db, COLLECTIONS.requests, before.id);
    expect(stored!.escalationLevel).toBe(1);
    expect(stored!.responders).toEqual(expect.arrayContaining([g.leaders.partyGroupLeader, g.leaders.buildingLeader]));
    // The other 三长 can act on it.
    expect((await backend.call('getRequest', { requestId: before.id }, g.leaders.partyGroupLeader)).ok).toBe(true);
  });

  it('keeps the village’s last committee role until another committee member has accepted', async () => {
    const village = backend.street.villages[1]!.id;
    const committee = committeeOf(village);
    const own = roleAssignmentId({ role: 'committee', scope: { streetId: backend.street.street.id, villageId: village }, userId: committee });
    const refused = await backend.call('removeRole', { villageId: village, assignmentId: own }, committee);
    expect(refused.code).toBe('STAFF.LAST_COMMITTEE');
    expect(await fetchById(backend.db, COLLECTIONS.roleAssignments, own)).not.toBeNull();

    const issued = await invite(village, { role: 'committee' });
    expect((await backend.call('acceptInvitation', { scene: issued.scene, displayName: '新书记' }, 'o-new-secretary')).ok).toBe(true);
    const handedOver = await backend.call<{ removed: boolean }>('removeRole', { villageId: village, assignmentId: own }, 'o-new-secretary');
    expect(handedOver.ok, JSON.stringify(handedOver)).toBe(true);
    expect(handedOver.data!.removed).toBe(true);
    // The new secretary is now the last one.
    const last = roleAssignmentId({ role: 'committee', scope: { streetId: backend.street.street.id, villageId: village }, userId: 'o-new-secretary' });
    expect((await backend.call('removeRole', { villageId: village, assignmentId: last }, 'o-new-secretary')).code).toBe('STAFF.LAST_COMMITTEE');
  });

  it('refuses a role outside the caller’s village and a resident, removing nothing', async () => {
    const g = grid(0);
    const otherGrid = backend.street.people.grids.find((x) => x.villageId !== g.villageId)!;
    const foreign = roleAssignmentId({
      role: 'buildingLeader',
      scope: { streetId: backend.street.street.id, villageId: otherGrid.villageId, gridId: otherGrid.gridId },
      userId: otherGrid.leaders.buildingLeader,
    });
    // Named under the caller's own village, or under the other one: both refused.
    expect((await backend.call('removeRole', { villageId: g.villageId, assignmentId: foreign }, committeeOf(g.villageId))).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('removeRole', { villageId: otherGrid.villageId, assignmentId: foreign }, committeeOf(g.villageId))).code).toBe('AUTH.FORBIDDEN');
    const mine = roleAssignmentId({
      role: 'buildingLeader',
      scope: { streetId: backend.street.street.id, villageId: g.villageId, gridId: g.gridId },
      userId: g.leaders.buildingLeader,
    });
    expect((await backend.call('removeRole', { villageId: g.villageId, assignmentId: mine }, g.residents[0]!.openid)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('removeRole', { villageId: g.villageId, assignmentId: mine }, g.leaders.gridLeader)).code).toBe('AUTH.FORBIDDEN');
    expect(await fetchById(backend.db, COLLECTIONS.roleAssignments, foreign)).not.toBeNull();
    expect(await fetchById(backend.db, COLLECTIONS.roleAssignments, mine)).not.toBeNull();
  });
});

describe('revokeInvitation', () => {
  it('stops an unused invitation: acceptInvitation then answers INVITATION.REVOKED and writes no role', async () => {
    const g = grid(0);
    const committee = committeeOf(g.villageId);
    const issued = await invite(g.villageId, { gridId: g.gridId, role: 'gridWorker' });
    const revoked = await backend.call<{ revoked: boolean; revokedAt: number }>('revokeInvitation', { invitationId: issued.invitationId }, committee);
    expect(revoked.ok, JSON.stringify(revoked)).toBe(true);
    expect(revoked.data!.revoked).toBe(true);
    const retry = await backend.call<{ revoked: boolean; revokedAt: number }>('revokeInvitation', { invitationId: issued.invitationId }, committee);
    expect(retry.data).toMatchObject({ revoked: false, revokedAt: revoked.data!.revokedAt });

    const accept = await backend.call('acceptInvitation', { scene: issued.scene, displayName: '王五' }, 'o-late-invitee');
    expect(accept.code).toBe('INVITATION.REVOKED');
    expect(await countOf(backend.db.collection(COLLECTIONS.roleAssignments).where({ userId: 'o-late-invitee' }))).toBe(0);
    const listed = await listStaff(g.villageId, committee);
    expect(listed.data!.invitations.some((i) => i.invitationId === issued.invitationId)).toBe(false);
  });

  it('cannot revoke an accepted invitation, nor someone else’s village’s', async () => {
    const g = grid(0);
    const issued = await invite(g.villageId, { role: 'dutyOfficer' });
    expect((await backend.call('acceptInvitation', { scene: issued.scene, displayName: '赵六' }, 'o-accepted-duty')).ok).toBe(true);
    expect((await backend.call('revokeInvitation', { invitationId: issued.invitationId }, committeeOf(g.villageId))).code).toBe('INVITATION.USED');

    const open = await invite(g.villageId, { role: 'dutyOfficer' });
    const other = backend.street.villages.find((v) => v.id !== g.villageId)!.id;
    expect((await backend.call('revokeInvitation', { invitationId: open.invitationId }, committeeOf(other))).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('revokeInvitation', { invitationId: open.invitationId }, g.residents[0]!.openid)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('acceptInvitation', { scene: open.scene, displayName: '钱七' }, 'o-still-open')).ok).toBe(true);
  });
});

describe('endMicroGrid', () => {
  it('ends the temporary leader’s role and sends the buildings’ requests to the grid alone', async () => {
    const g = grid(2);
    const committee = committeeOf(g.villageId);
    const household = backend.street.households.find((h) => h.id === g.residents[0]!.householdId)!;
    const created = await backend.call<{ microGrid: MicroGrid }>(
      'createMicroGrid',
      { gridId: g.gridId, name: '封控一号楼', buildings: [household.building!] },
      committee,
    );
    expect(created.ok, JSON.stringify(created)).toBe(true);
    const microGridId = created.data!.microGrid.id;

    const issued = await invite(g.villageId, { gridId: g.gridId, role: 'gridWorker', microGridId });
    const temporary = 'o-temporary-leader';
    expect((await backend.call('acceptInvitation', { scene: issued.scene, displayName: '临时负责人孙八' }, temporary)).ok).toBe(true);
    const during = await submit(g.residents[0]!.openid, 'staff-microgrid-during');
    expect(during.responders).toContain(temporary);
    const listed = await listStaff(g.villageId, committee);
    expect(listed.data!.microGrids[0]).toMatchObject({ id: microGridId, leaderUserId: temporary, leaderName: '临时负责人孙八', gridName: '第3网格' });
    expect(listed.data!.staff.find((s) => s.userId === temporary)).toMatchObject({ microGridId, roleLabel: '网格员' });

    const ended = await backend.call<{ ended: boolean; rolesEnded: number; endedAt: number }>('endMicroGrid', { microGridId }, committee);
    expect(ended.ok, JSON.stringify(ended)).toBe(true);
    expect(ended.data).toMatchObject({ ended: true, rolesEnded: 1 });
    expect(await countOf(backend.db.collection(COLLECTIONS.roleAssignments).where({ userId: temporary }))).toBe(0);
    expect((await backend.call('getJoinCode', { gridId: g.gridId }, temporary)).code).toBe('AUTH.FORBIDDEN');

    const after = await submit(g.residents[1]!.openid, 'staff-microgrid-after');
    expect(after.responders).not.toContain(temporary);
    expect(after.responders).toContain(g.leaders.gridLeader);

    const retry = await backend.call<{ ended: boolean; endedAt: number }>('endMicroGrid', { microGridId }, committee);
    expect(retry.data).toMatchObject({ ended: false, endedAt: ended.data!.endedAt });
    const stored = await fetchById<MicroGrid>(backend.db, COLLECTIONS.microGrids, microGridId);
    expect(stored).toMatchObject({ buildings: [], formerBuildings: [household.building], formerLeaderUserId: temporary, endedBy: committee });
    expect(stored!.leaderUserId).toBeUndefined();
    // An ended micro-grid takes no new temporary leader.
    const late = await backend.call('issueInvitation', { villageId: g.villageId, gridId: g.gridId, role: 'gridWorker', microGridId }, committee);
    expect(late.code).toBe('MICROGRID.ENDED');
    // Nor is it redrawn under the same name.
    const redrawn = await backend.call('createMicroGrid', { gridId: g.gridId, name: '封控一号楼', buildings: [household.building!] }, committee);
    expect(redrawn.code).toBe('MICROGRID.ENDED');
    expect((await fetchById<MicroGrid>(backend.db, COLLECTIONS.microGrids, microGridId))!.buildings).toEqual([]);
  });

  it('refuses a resident and an unknown micro-grid', async () => {
    const g = grid(2);
    const created = await backend.call<{ microGrid: MicroGrid }>(
      'createMicroGrid',
      { gridId: g.gridId, name: '二号楼', buildings: ['2栋'] },
      committeeOf(g.villageId),
    );
    expect((await backend.call('endMicroGrid', { microGridId: created.data!.microGrid.id }, g.residents[0]!.openid)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('endMicroGrid', { microGridId: 'mg-nothing' }, committeeOf(g.villageId))).code).toBe('MICROGRID.NOT_FOUND');
    const stored = await fetchById<MicroGrid>(backend.db, COLLECTIONS.microGrids, created.data!.microGrid.id);
    expect(stored!.endedAt).toBeUndefined();
  });
});

describe('getVillagePolicy', () => {
  it('returns the defaults before a policy is set, then what setVillagePolicy stored and what is in force', async () => {
    const village = backend.street.villages[0]!.id;
    const committee = committeeOf(village);
    const fresh = await backend.call<VillagePolicyView>('getVillagePolicy', { villageId: village }, committee);
    expect(fresh.ok, JSON.stringify(fresh)).toBe(true);
    expect(fresh.data!.stored).toBeNull();
    expect(fresh.data!.resolved.responseTargetMs).toBe(DEFAULT_POLICY.responseTargetMs);

    const set = await backend.call(
      'setVillagePolicy',
      {
        villageId: village,
        responseTargetMinutes: 15,
        urgentResponseTargetMinutes: 5,
        urgentAroundTheClock: false,
        urgentToAllLeaders: false,
        calendar: {
          weeklyHours: [{ weekday: 1, intervals: [{ start: '08:30', end: '17:30' }] }],
          holidays: ['2026-12-24'],
          specialHours: [{ date: '2026-12-26', intervals: [{ start: '09:00', end: '12:00' }] }],
          emergencyMode: true,
        },
        resolutionTargetsMs: { repairs: 48 * HOUR_MS },
      },
      committee,
    );
    expect(set.ok, JSON.stringify(set)).toBe(true);

    const read = await backend.call<VillagePolicyView>('getVillagePolicy', { villageId: village }, committee);
    expect(read.data!.stored).toMatchObject({ responseTargetMs: 15 * MINUTE_MS, urgentAroundTheClock: false, urgentToAllLeaders: false, updatedBy: committee });
    expect(read.data!.resolved).toMatchObject({
      responseTargetMs: 15 * MINUTE_MS,
      urgentResponseTargetMs: 5 * MINUTE_MS,
      urgentAroundTheClock: false,
      urgentToAllLeaders: false,
      calendar: { emergencyMode: true, holidays: ['2026-12-24'], specialHours: { '2026-12-26': [{ start: '09:00', end: '12:00' }] } },
    });
    expect(read.data!.resolved.calendar.weeklyHours[1]).toEqual([{ start: '08:30', end: '17:30' }]);
    expect(read.data!.resolved.resolutionTargetsMs.repairs).toBe(48 * HOUR_MS);
    expect(read.data!.resolved.resolutionTargetsMs.medicine).toBe(DEFAULT_POLICY.resolutionTargetsMs.medicine);
  });

  it('is for the committee only', async () => {
    const g = grid(0);
    expect((await backend.call('getVillagePolicy', { villageId: g.villageId }, g.residents[0]!.openid)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('getVillagePolicy', { villageId: g.villageId }, g.leaders.gridLeader)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('getVillagePolicy', { villageId: 'v-none' }, committeeOf(g.villageId))).code).toBe('VILLAGE.NOT_FOUND');
  });
});
