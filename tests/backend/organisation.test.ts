// Setting up the organisation (villages, grids, micro-grids) and configuring it (routing rules with
// their audit trail, village policy), through the real wx-server-sdk against the emulator. Each
// function checks role and scope from the caller's openid; forged fields in the event are refused.
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { countOf, fetchAll, fetchById } from '../../backend/src/db';
import type { Grid, MicroGrid, RoutingAuditEntry, RoutingRule, Village, VillagePolicy } from '../../core/src/model';
import { MAX_DUTY_SHIFTS, MAX_SMS_DAILY_BUDGET, MINUTE_MS } from '../../core/src/policy';
import { type TestBackend, useTestBackend } from '../helpers/backend';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const people = () => backend.street.people;
const grid = (i: number) => backend.street.people.grids[i]!;
const villageA = () => grid(0).villageId;
const villageB = () => Object.keys(people().committee).find((v) => v !== villageA())!;
const committeeOf = (villageId: string) => people().committee[villageId]!;
const resident = () => grid(0).residents[0]!.openid;
const streetId = () => backend.street.street.id;
const count = (collection: string) => countOf(backend.db.collection(collection));

describe('createVillage', () => {
  it('lets a street admin create a village, and a retry returns the same village', async () => {
    const first = await backend.call<{ village: Village; created: boolean }>(
      'createVillage',
      { streetId: streetId(), name: '新河村', kind: 'village' },
      people().admin,
    );
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(first.data).toMatchObject({ created: true, village: { streetId: streetId(), name: '新河村', kind: 'village' } });
    const again = await backend.call<{ village: Village; created: boolean }>(
      'createVillage',
      { streetId: streetId(), name: '新河村', kind: 'village' },
      people().admin,
    );
    expect(again.data).toMatchObject({ created: false, village: { id: first.data!.village.id } });
    expect(await countOf(backend.db.collection(COLLECTIONS.villages).where({ name: '新河村' }))).toBe(1);
  });

  it('refuses a committee member, a resident, and another street', async () => {
    const before = await count(COLLECTIONS.villages);
    expect((await backend.call('createVillage', { streetId: streetId(), name: '偷建村', kind: 'village' }, committeeOf(villageA()))).code).toBe(
      'AUTH.FORBIDDEN',
    );
    expect((await backend.call('createVillage', { streetId: streetId(), name: '偷建村', kind: 'village' }, resident())).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('createVillage', { streetId: 'other-street', name: '外街村', kind: 'village' }, people().admin)).code).toBe('AUTH.FORBIDDEN');
    expect(await count(COLLECTIONS.villages)).toBe(before);
  });
});

describe('createGrid', () => {
  it('lets the village committee create a grid with a unique short code; a retry returns it', async () => {
    const res = await backend.call<{ grid: Grid; created: boolean }>('createGrid', { villageId: villageA(), name: '第九网格' }, committeeOf(villageA()));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const created = res.data!.grid;
    expect(created).toMatchObject({ villageId: villageA(), streetId: streetId(), name: '第九网格' });
    expect(created.code).toMatch(/^[0-9A-Za-z]{7}$/);
    expect(await fetchById<Grid>(backend.db, COLLECTIONS.grids, created.id)).toMatchObject({ code: created.code });
    const again = await backend.call<{ grid: Grid; created: boolean }>('createGrid', { villageId: villageA(), name: '第九网格' }, committeeOf(villageA()));
    expect(again.data).toMatchObject({ created: false, grid: { id: created.id, code: created.code } });
    // A street admin may create grids anywhere in the street; each gets its own code.
    const other = await backend.call<{ grid: Grid }>('createGrid', { villageId: villageB(), name: '第九网格' }, people().admin);
    expect(other.ok).toBe(true);
    expect(other.data!.grid.id).not.toBe(created.id);
    expect(other.data!.grid.code).not.toBe(created.code);
    // The new grid works at once: its staff can hand out a join code.
    expect((await backend.call('getJoinCode', { gridId: created.id }, committeeOf(villageA()))).ok).toBe(true);
  });

  it("refuses another village's committee and a resident, and an event forging a role or an openid", async () => {
    const before = await count(COLLECTIONS.grids);
    expect((await backend.call('createGrid', { villageId: villageA(), name: '越权网格' }, committeeOf(villageB()))).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('createGrid', { villageId: villageA(), name: '越权网格' }, resident())).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('createGrid', { villageId: villageA(), name: '越权网格' }, grid(0).leaders.gridLeader)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('createGrid', { villageId: villageA(), name: '越权网格', role: 'committee' }, resident())).code).toBe('INPUT.INVALID');
    expect((await backend.call('createGrid', { villageId: villageA(), name: '越权网格', openid: committeeOf(villageA()) }, resident())).code).toBe(
      'INPUT.INVALID',
    );
    expect((await backend.call('createGrid', { villageId: 'no-such-village', name: '越权网格' }, people().admin)).code).toBe('VILLAGE.NOT_FOUND');
    expect(await count(COLLECTIONS.grids)).toBe(before);
  });
});

describe('createMicroGrid', () => {
  it("lets a grid's leader split it with a temporary leader; calling again hands it over", async () => {
    const g = grid(0);
    const res = await backend.call<{ microGrid: MicroGrid; created: boolean }>(
      'createMicroGrid',
      { gridId: g.gridId, name: '3号楼', leaderUserId: g.residents[1]!.openid },
      g.leaders.buildingLeader,
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({
      created: true,
      microGrid: { gridId: g.gridId, villageId: g.villageId, name: '3号楼', leaderUserId: g.residents[1]!.openid },
    });
    const handOver = await backend.call<{ microGrid: MicroGrid; created: boolean }>(
      'createMicroGrid',
      { gridId: g.gridId, name: '3号楼', leaderUserId: g.residents[2]!.openid },
      committeeOf(g.villageId),
    );
    expect(handOver.data).toMatchObject({ created: false, microGrid: { id: res.data!.microGrid.id } });
    expect((await fetchById<MicroGrid>(backend.db, COLLECTIONS.microGrids, res.data!.microGrid.id))?.leaderUserId).toBe(g.residents[2]!.openid);
    expect(await countOf(backend.db.collection(COLLECTIONS.microGrids).where({ gridId: g.gridId }))).toBe(1);
  });

  it("refuses another grid's leader and a resident", async () => {
    const before = await count(COLLECTIONS.microGrids);
    expect((await backend.call('createMicroGrid', { gridId: grid(0).gridId, name: '5号楼' }, grid(1).leaders.gridLeader)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('createMicroGrid', { gridId: grid(0).gridId, name: '5号楼' }, resident())).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('createMicroGrid', { gridId: 'no-such-grid', name: '5号楼' }, people().admin)).code).toBe('GRID.NOT_FOUND');
    expect(await count(COLLECTIONS.microGrids)).toBe(before);
  });
});

/** Changes of one rule sent at once (the contention test). */
const CONCURRENT_CHANGES = 8;

describe('updateRoutingRule', () => {
  const change = (over: Record<string, unknown> = {}) => ({
    gridId: grid(0).gridId,
    category: 'medicine',
    roles: ['partyGroupLeader'],
    userIds: [],
    reason: '李书记懂药，就医买药由他负责',
    ...over,
  });
  const ruleId = () => `${grid(0).gridId}:medicine`;
  const audits = () =>
    fetchAll<RoutingAuditEntry>(
      backend.db
        .collection(COLLECTIONS.routingAudit)
        .where({ gridId: grid(0).gridId })
        .orderBy('changedAt', 'asc')
        .limit(100),
    );

  it('stores the rule and an audit entry with who, when, why, before and after', async () => {
    const res = await backend.call<{ rule: RoutingRule }>('updateRoutingRule', change(), committeeOf(villageA()));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const rule = await fetchById<RoutingRule>(backend.db, COLLECTIONS.routingRules, ruleId());
    expect(rule).toMatchObject({
      gridId: grid(0).gridId,
      category: 'medicine',
      roles: ['partyGroupLeader'],
      userIds: [],
      version: 1,
      updatedBy: committeeOf(villageA()),
    });
    const [first] = await audits();
    expect(first).toMatchObject({
      changedBy: committeeOf(villageA()),
      reason: '李书记懂药，就医买药由他负责',
      before: null,
      after: { roles: ['partyGroupLeader'], version: 1 },
    });
    expect(first!.changedAt).toBeGreaterThan(0);

    // A street admin changes it again: the audit keeps the previous rule as "before".
    await backend.emu.control.advance(MINUTE_MS);
    const second = await backend.call('updateRoutingRule', change({ roles: ['gridLeader', 'partyGroupLeader'], reason: '两人共同负责' }), people().admin);
    expect(second.ok, JSON.stringify(second)).toBe(true);
    const trail = await audits();
    expect(trail).toHaveLength(2);
    expect(trail[1]).toMatchObject({
      changedBy: people().admin,
      reason: '两人共同负责',
      before: { roles: ['partyGroupLeader'], version: 1 },
      after: { roles: ['gridLeader', 'partyGroupLeader'], version: 2 },
    });
  });

  it('requires a reason (ROUTING.REASON_REQUIRED), writing nothing', async () => {
    const before = await count(COLLECTIONS.routingAudit);
    const { reason: _omitted, ...withoutReason } = change({ roles: ['buildingLeader'] });
    expect((await backend.call('updateRoutingRule', withoutReason, committeeOf(villageA()))).code).toBe('ROUTING.REASON_REQUIRED');
    expect((await backend.call('updateRoutingRule', change({ roles: ['buildingLeader'], reason: '   ' }), committeeOf(villageA()))).code).toBe(
      'ROUTING.REASON_REQUIRED',
    );
    expect(await count(COLLECTIONS.routingAudit)).toBe(before);
    expect((await fetchById<RoutingRule>(backend.db, COLLECTIONS.routingRules, ruleId()))?.roles).not.toContain('buildingLeader');
  });

  it("refuses a resident, a grid leader and another village's committee; forged fields are invalid input", async () => {
    const before = await count(COLLECTIONS.routingAudit);
    for (const caller of [resident(), grid(0).leaders.gridLeader, committeeOf(villageB())]) {
      expect((await backend.call('updateRoutingRule', change({ roles: ['gridWorker'] }), caller)).code).toBe('AUTH.FORBIDDEN');
    }
    expect((await backend.call('updateRoutingRule', { ...change(), role: 'committee' }, resident())).code).toBe('INPUT.INVALID');
    expect(await count(COLLECTIONS.routingAudit)).toBe(before);
  });

  it('eight concurrent changes of one rule answer only ok or ROUTING.STALE, one audit entry per stored version', async () => {
    const before = await audits();
    const roles = ['gridLeader', 'partyGroupLeader', 'buildingLeader', 'gridWorker'] as const;
    const replies = await Promise.all(
      Array.from({ length: CONCURRENT_CHANGES }, (_, i) =>
        backend.call('updateRoutingRule', change({ roles: [roles[i % roles.length]], reason: `并发修改 ${i}` }), committeeOf(villageA())),
      ),
    );
    expect(replies.filter((r) => !r.ok).map((r) => r.code)).toEqual(replies.filter((r) => !r.ok).map(() => 'ROUTING.STALE'));
    const stored = replies.filter((r) => r.ok).length;
    expect(stored).toBeGreaterThanOrEqual(1);
    const trail = await audits();
    expect(trail.length - before.length).toBe(stored);
    // Every stored change followed the one before it: versions climb by one, none twice.
    const versionOf = (a: RoutingAuditEntry | undefined) => (a?.after as { version: number } | null | undefined)?.version ?? 0;
    const versions = trail
      .slice(before.length)
      .map(versionOf)
      .sort((x, y) => x - y);
    const first = Math.max(0, ...before.map(versionOf));
    expect(versions).toEqual(versions.map((_, i) => first + i + 1));
  });

  it('removes the rule when no roles or people are given, with an audit entry', async () => {
    const res = await backend.call('updateRoutingRule', change({ roles: [], reason: '恢复默认：网格长负责' }), committeeOf(villageA()));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(await fetchById(backend.db, COLLECTIONS.routingRules, ruleId())).toBeNull();
    const trail = await audits();
    // The concurrent changes before it moved the version on: "before" is whichever was stored last.
    expect(trail.at(-1)).toMatchObject({ reason: '恢复默认：网格长负责', after: null, before: { version: expect.any(Number) } });
  });
});

describe('setVillagePolicy', () => {
  it('lets the committee switch on emergency mode (24/7) and set the targets', async () => {
    const res = await backend.call<{ policy: VillagePolicy }>(
      'setVillagePolicy',
      { villageId: villageA(), responseTargetMinutes: 15, calendar: { emergencyMode: true, holidays: ['2027-01-01'] } },
      committeeOf(villageA()),
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const stored = await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA());
    expect(stored).toMatchObject({
      villageId: villageA(),
      responseTargetMs: 15 * MINUTE_MS,
      calendar: { emergencyMode: true, holidays: ['2027-01-01'] },
      updatedBy: committeeOf(villageA()),
    });
    // Fields left out keep their stored value.
    await backend.call('setVillagePolicy', { villageId: villageA(), calendar: { emergencyMode: false } }, people().admin);
    expect(await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA())).toMatchObject({
      responseTargetMs: 15 * MINUTE_MS,
      calendar: { emergencyMode: false, holidays: ['2027-01-01'] },
    });
  });

  it('refuses a resident and another village; an inconsistent policy is POLICY.INVALID; nothing is written', async () => {
    expect((await backend.call('setVillagePolicy', { villageId: villageB(), calendar: { emergencyMode: true } }, resident())).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('setVillagePolicy', { villageId: villageB(), calendar: { emergencyMode: true } }, committeeOf(villageA()))).code).toBe(
      'AUTH.FORBIDDEN',
    );
    expect(
      (await backend.call('setVillagePolicy', { villageId: villageB(), responseTargetMinutes: 5, urgentResponseTargetMinutes: 10 }, committeeOf(villageB())))
        .code,
    ).toBe('POLICY.INVALID');
    expect((await backend.call('setVillagePolicy', { villageId: villageB(), emergencyMode: true }, committeeOf(villageB()))).code).toBe('INPUT.INVALID');
    expect(await fetchById(backend.db, COLLECTIONS.villagePolicies, villageB())).toBeNull();
  });
});

describe('setVillagePolicy: urgent cover, duty rota, due-soon lead, SMS', () => {
  const dutyOf = (villageId: string) => people().dutyOfficers[villageId]!;
  const nightShift = (officerId: string) => ({ officerId, weekdays: [5, 6], start: '20:00', end: '08:00' });

  it('stores urgent cover, the rota of its own duty officers, the lead and the SMS budget', async () => {
    const res = await backend.call<{ policy: VillagePolicy }>(
      'setVillagePolicy',
      {
        villageId: villageA(),
        urgentToAllLeaders: false,
        dutyRota: [nightShift(dutyOf(villageA())), { officerId: dutyOf(villageA()), dates: ['2026-10-01'], start: '09:00', end: '17:00' }],
        dueSoonBeforeMs: 2 * MINUTE_MS,
        sms: { enabled: false, dailyBudget: 50 },
      },
      committeeOf(villageA()),
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const stored = await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA());
    expect(stored).toMatchObject({
      urgentToAllLeaders: false,
      dutyRota: [nightShift(dutyOf(villageA())), { officerId: dutyOf(villageA()), dates: ['2026-10-01'], start: '09:00', end: '17:00' }],
      dueSoonBeforeMs: 2 * MINUTE_MS,
      sms: { enabled: false, dailyBudget: 50 },
      // What was set before is kept.
      responseTargetMs: 15 * MINUTE_MS,
    });
    // The SMS budget merges over the stored one; an empty rota removes it.
    await backend.call('setVillagePolicy', { villageId: villageA(), sms: { dailyBudget: 80 }, dutyRota: [] }, committeeOf(villageA()));
    expect(await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA())).toMatchObject({
      sms: { enabled: false, dailyBudget: 80 },
      dutyRota: [],
    });
  });

  it('refuses a rota naming someone who is not a duty officer of the village, writing nothing', async () => {
    const before = await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA());
    for (const stranger of [dutyOf(villageB()), grid(0).leaders.gridLeader, 'o-nobody']) {
      const res = await backend.call(
        'setVillagePolicy',
        { villageId: villageA(), dutyRota: [nightShift(dutyOf(villageA())), nightShift(stranger)] },
        committeeOf(villageA()),
      );
      expect(res).toMatchObject({ ok: false, code: 'POLICY.ROTA_NOT_DUTY_OFFICER' });
      expect(res.message).toContain('值班员');
    }
    expect(await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA())).toEqual(before);
  });

  it('refuses malformed shifts, a lead not below the target and a budget past the maximum', async () => {
    const before = await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA());
    const attempt = (fields: Record<string, unknown>) => backend.call('setVillagePolicy', { villageId: villageA(), ...fields }, committeeOf(villageA()));
    const duty = dutyOf(villageA());
    expect((await attempt({ dutyRota: [{ officerId: duty, weekdays: [1, 1], start: '08:00', end: '18:00' }] })).code).toBe('INPUT.INVALID');
    expect((await attempt({ dutyRota: [{ officerId: duty, weekdays: [7], start: '08:00', end: '18:00' }] })).code).toBe('INPUT.INVALID');
    expect((await attempt({ dutyRota: [{ officerId: duty, dates: ['2026/10/01'], start: '08:00', end: '18:00' }] })).code).toBe('INPUT.INVALID');
    expect((await attempt({ dutyRota: [{ officerId: duty, start: '8:00', end: '18:00' }] })).code).toBe('INPUT.INVALID');
    expect((await attempt({ dutyRota: Array.from({ length: MAX_DUTY_SHIFTS + 1 }, () => nightShift(duty)) })).code).toBe('INPUT.INVALID');
    expect((await attempt({ dueSoonBeforeMs: -1 })).code).toBe('INPUT.INVALID');
    expect((await attempt({ dueSoonBeforeMs: 1.5 })).code).toBe('INPUT.INVALID');
    // The target is 15 minutes here: a 15-minute lead would remind at submission.
    expect(await attempt({ dueSoonBeforeMs: 15 * MINUTE_MS })).toMatchObject({ ok: false, code: 'POLICY.INVALID' });
    expect((await attempt({ sms: { enabled: true, dailyBudget: MAX_SMS_DAILY_BUDGET + 1 } })).code).toBe('INPUT.INVALID');
    expect((await attempt({ urgentToAllLeaders: 'yes' })).code).toBe('INPUT.INVALID');
    expect(await fetchById<VillagePolicy>(backend.db, COLLECTIONS.villagePolicies, villageA())).toEqual(before);
  });
});
