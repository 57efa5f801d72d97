// Household claims (待核实): a resident joining into a household is pending until grid staff or the
// household's verified member confirm them; rejecting removes the claim, never the household. Through
// the real wx-server-sdk against the emulator (functions built by npm run build:functions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { fetchAll, fetchById } from '../../backend/src/db';
import type { Household, Membership } from '../../core/src/model';
import type { GetRequestOutput, JoinResult, MemberVerification } from '../../core/src/schemas';
import { PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import { startTestBackend, type TestBackend } from '../helpers/backend';

/** The resident's tick on the join page's privacy notice. */
const CONSENT = { version: PRIVACY_NOTICE_VERSION };
let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.emu.stop());

const grid = (i: number) => backend.street.people.grids[i]!;
const householdOf = (id: string): Household => backend.street.households.find((h) => h.id === id)!;
const membershipOf = (openid: string) => fetchById<Membership & { _id: string }>(backend.db, COLLECTIONS.memberships, openid);

async function sceneOf(i: number): Promise<string> {
  const res = await backend.call<{ scene: string }>('getJoinCode', { gridId: grid(i).gridId }, grid(i).leaders.gridLeader);
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return res.data!.scene;
}

/** Joins `openid` to grid i at the household's seeded address. */
async function claim(i: number, openid: string, household: Household) {
  const address = { building: household.building!, unit: household.unit!, room: household.room! };
  return backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene: await sceneOf(i), household: address }, openid);
}

describe('claimed, then verified', () => {
  it("keeps a stranger's claim on a registered household pending", async () => {
    const { openid, householdId } = grid(0).unjoined[0]!;
    const res = await claim(0, openid, householdOf(householdId));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({ householdId, claimPending: true });
    expect(await membershipOf(openid)).toMatchObject({ householdId, verification: 'pending' });
  });

  it('treats memberships stored before claims were checked as verified', async () => {
    const { openid, householdId } = grid(0).residents[0]!;
    const res = await claim(0, openid, householdOf(householdId));
    expect(res.data).toMatchObject({ alreadyMember: true, claimPending: false });
    expect((await membershipOf(openid))?.verification).toBeUndefined();
  });

  it("lets a pending member's request through (an emergency must get through), marked 待核实 for the leader", async () => {
    const { openid } = grid(0).unjoined[0]!;
    const res = await backend.call<{ request: { id: string; householdId?: string } }>(
      'submitRequest',
      { category: 'repairs', text: '楼道灯坏了', urgent: true, idempotencyKey: 'claims-pending-request' },
      openid,
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
    // The leader is told the claim is unconfirmed; a verified member's request says nothing of the kind.
    const leader = grid(0).leaders.gridLeader;
    const seen = await backend.call<GetRequestOutput>('getRequest', { requestId: res.data!.request.id }, leader);
    expect(seen.data?.household?.claimPending).toBe(true);
    const verified = await backend.call<{ request: { id: string } }>(
      'submitRequest',
      { category: 'repairs', text: '水管漏水', idempotencyKey: 'claims-verified-request' },
      grid(0).residents[0]!.openid,
    );
    const verifiedSeen = await backend.call<GetRequestOutput>('getRequest', { requestId: verified.data!.request.id }, leader);
    expect(verifiedSeen.data?.household).toBeDefined();
    expect(verifiedSeen.data?.household).not.toHaveProperty('claimPending');
  });

  it('lets neither the claimant, another household nor another grid confirm it', async () => {
    const { openid } = grid(0).unjoined[0]!;
    const confirm = { userId: openid, decision: 'confirm' };
    expect((await backend.call('verifyMember', confirm, openid)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('verifyMember', confirm, grid(0).residents[1]!.openid)).code).toBe('AUTH.FORBIDDEN');
    expect((await backend.call('verifyMember', confirm, grid(1).leaders.gridLeader)).code).toBe('AUTH.FORBIDDEN');
    expect((await membershipOf(openid))?.verification).toBe('pending');
  });

  it("confirms a claim by the household's verified member", async () => {
    const { openid: member, householdId } = grid(0).residents[2]!;
    const newcomer = `o-newcomer-${householdId}`;
    expect((await claim(0, newcomer, householdOf(householdId))).data).toMatchObject({ householdId, claimPending: true });
    const res = await backend.call<MemberVerification>('verifyMember', { userId: newcomer, decision: 'confirm' }, member);
    expect(res).toEqual({ ok: true, data: { userId: newcomer, householdId, outcome: 'confirmed' } });
    expect(await membershipOf(newcomer)).toMatchObject({ householdId, verification: 'verified', verifiedBy: member });
    // Confirmed once: the second answer says so and writes nothing.
    expect((await backend.call('verifyMember', { userId: newcomer, decision: 'reject' }, member)).code).toBe('MEMBER.NOT_PENDING');
  });

  it('lets the grid leader reject a claim: the claim goes, the household stays', async () => {
    const { openid, householdId } = grid(0).unjoined[1]!;
    await claim(0, openid, householdOf(householdId));
    const res = await backend.call<MemberVerification>('verifyMember', { userId: openid, decision: 'reject' }, grid(0).leaders.gridLeader);
    expect(res).toEqual({ ok: true, data: { userId: openid, householdId, outcome: 'rejected' } });
    const membership = await membershipOf(openid);
    expect(membership).toMatchObject({ gridId: grid(0).gridId });
    expect(membership).not.toHaveProperty('householdId');
    expect(membership).not.toHaveProperty('verification');
    expect(await fetchById(backend.db, COLLECTIONS.households, householdId)).not.toBeNull();
    const history = await fetchAll<{ kind: string; fromHouseholdId?: string }>(backend.db.collection(COLLECTIONS.membershipHistory).where({ userId: openid }));
    expect(history.map((h) => h.kind).sort()).toEqual(['claimRejected', 'join']);
    expect(history.find((h) => h.kind === 'claimRejected')?.fromHouseholdId).toBe(householdId);
  });

  it('answers MEMBER.NOT_PENDING for someone who never claimed a household', async () => {
    const res = await backend.call('verifyMember', { userId: 'o-nobody', decision: 'confirm' }, grid(0).leaders.gridLeader);
    expect(res.code).toBe('MEMBER.NOT_PENDING');
  });
});

interface ReachRow {
  gridId: string;
  read: number;
  unreachedClaimPending: number;
  unreached: Array<{ householdId: string; claimPending?: true }>;
}
interface RosterPage {
  totals: { joined: number; notice: { read: number; unreached: number } | null };
  households: Array<{ householdId: string; noticeState: string | null; claimPending?: true; members: Array<{ userId: string; claimPending?: true }> }>;
}

describe('reach counts only verified reads', () => {
  it("keeps a stranger's read of a claimed household off the reach until staff confirm the claim", async () => {
    const g = grid(3);
    const committee = backend.street.people.committee[g.villageId]!;
    const published = await backend.call<{ notice: { id: string } }>(
      'publishNotice',
      { title: '停水通知', body: '明天上午停水', scope: { kind: 'grids', villageId: g.villageId, gridIds: [g.gridId] } },
      committee,
    );
    expect(published.ok, JSON.stringify(published)).toBe(true);
    const noticeId = published.data!.notice.id;
    const target = g.unjoined.find((u) => householdOf(u.householdId).careNeeds.length > 0) ?? g.unjoined[0]!;
    const stranger = 'o-stranger-at-the-door';
    expect((await claim(3, stranger, householdOf(target.householdId))).data).toMatchObject({ claimPending: true });
    expect((await backend.call('markNoticeRead', { noticeId }, stranger)).ok).toBe(true);

    const reachOf = async () => {
      const res = await backend.call<{ grids: ReachRow[] }>('getNoticeReach', { noticeId, gridId: g.gridId }, g.leaders.gridLeader);
      expect(res.ok, JSON.stringify(res)).toBe(true);
      return res.data!.grids[0]!;
    };
    const rosterRow = async () => {
      const res = await backend.call<RosterPage>('getGridRoster', { gridId: g.gridId, noticeId }, g.leaders.gridLeader);
      expect(res.ok, JSON.stringify(res)).toBe(true);
      return { totals: res.data!.totals, row: res.data!.households.find((h) => h.householdId === target.householdId)! };
    };
    const shareOf = async () => {
      const res = await backend.call<{ notices: Array<{ id: string; reach?: { reached: number } | null }> }>(
        'listNotices',
        { villageId: g.villageId, withReach: true },
        committee,
      );
      expect(res.ok, JSON.stringify(res)).toBe(true);
      return res.data!.notices.find((n) => n.id === noticeId)?.reach?.reached;
    };
    const before = await reachOf();
    const shareBefore = await shareOf();
    expect(before.unreached.find((h) => h.householdId === target.householdId)).toMatchObject({ claimPending: true });
    expect(before.unreachedClaimPending).toBe(1);
    const roster = await rosterRow();
    expect(roster.row).toMatchObject({ noticeState: 'unreached', claimPending: true, members: [{ userId: stranger, claimPending: true }] });

    const confirmed = await backend.call('verifyMember', { userId: stranger, decision: 'confirm' }, g.leaders.gridLeader);
    expect(confirmed.ok, JSON.stringify(confirmed)).toBe(true);
    const after = await reachOf();
    expect(after.read).toBe(before.read + 1);
    // The committee's list counts the same way.
    expect(await shareOf()).toBe((shareBefore ?? 0) + 1);
    expect(after.unreachedClaimPending).toBe(0);
    expect(after.unreached.some((h) => h.householdId === target.householdId)).toBe(false);
    const confirmedRoster = await rosterRow();
    expect(confirmedRoster.row).toMatchObject({ noticeState: 'read', members: [{ userId: stranger }] });
    expect(confirmedRoster.row).not.toHaveProperty('claimPending');
    expect(confirmedRoster.totals.joined).toBe(roster.totals.joined + 1);
  });
});

describe('new households per person and per join code', () => {
  const address = (room: string) => ({ building: '20栋', unit: '1单元', room });

  it('lets one person create two new households a China day, then refuses and writes nothing', async () => {
    const openid = 'o-many-doors';
    const scene = await sceneOf(4);
    for (const room of ['2001', '2002']) {
      const res = await backend.call<JoinResult>('joinGrid', { privacyConsent: CONSENT, scene, household: address(room) }, openid);
      expect(res.ok, JSON.stringify(res)).toBe(true);
    }
    const before = await membershipOf(openid);
    const refused = await backend.call('joinGrid', { privacyConsent: CONSENT, scene, household: address('2003') }, openid);
    expect(refused).toMatchObject({ ok: false, code: 'LIMIT.HOUSEHOLDS_PER_USER' });
    expect(refused.message).toMatch(/上限/);
    expect(await membershipOf(openid)).toEqual(before);
    const households = await fetchAll<Household>(backend.db.collection(COLLECTIONS.households).where({ gridId: grid(4).gridId, building: '20栋' }));
    expect(households.map((h) => h.room).sort()).toEqual(['2001', '2002']);
    // A registered household costs nothing: joining one is still allowed.
    const { householdId } = grid(4).unjoined[0]!;
    expect((await claim(4, openid, householdOf(householdId))).ok).toBe(true);
  });

  it('lets one join code create thirty new households a China day, then refuses the next', async () => {
    const scene = await sceneOf(5);
    const results = [];
    for (let i = 0; i < 30; i++) {
      results.push(await backend.call('joinGrid', { privacyConsent: CONSENT, scene, household: address(`30${String(i).padStart(2, '0')}`) }, `o-mover-${i}`));
    }
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const refused = await backend.call('joinGrid', { privacyConsent: CONSENT, scene, household: address('3099') }, 'o-mover-late');
    expect(refused).toMatchObject({ ok: false, code: 'LIMIT.HOUSEHOLDS_PER_CODE' });
    expect(await membershipOf('o-mover-late')).toBeNull();
    // The person's count was given back: the refused join took nothing from it.
    const counter = await fetchAll<{ _id: string; count: number }>(backend.db.collection(COLLECTIONS.householdCounters).where({ kind: 'user' }));
    expect(counter.find((c) => c._id.startsWith('user:o-mover-late:'))?.count ?? 0).toBe(0);
  });
});

describe('privacy notice consent at join', () => {
  it('refuses a join without consent to the current notice, writing nothing', async () => {
    const { openid, householdId } = grid(2).unjoined[1]!;
    const household = householdOf(householdId);
    const address = { building: household.building!, unit: household.unit!, room: household.room! };
    const scene = await sceneOf(2);
    for (const consent of [{}, { privacyConsent: { version: '2020-01-01' } }]) {
      const refused = await backend.call('joinGrid', { scene, household: address, ...consent }, openid);
      expect(refused).toMatchObject({ ok: false, code: 'PRIVACY.CONSENT_REQUIRED' });
      expect(refused.message).toMatch(/个人信息保护说明/);
    }
    expect(await membershipOf(openid)).toBeNull();
    expect(await fetchAll(backend.db.collection(COLLECTIONS.membershipHistory).where({ userId: openid }))).toEqual([]);
  });

  it('stores the consent, its version and time, with the membership', async () => {
    const { openid, householdId } = grid(2).unjoined[1]!;
    const res = await claim(2, openid, householdOf(householdId));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const membership = await membershipOf(openid);
    expect(membership?.privacyConsent).toEqual({ version: PRIVACY_NOTICE_VERSION, at: expect.any(Number) });
  });

  it('records the consent of a member from before consent was asked, changing nothing else', async () => {
    const { openid, householdId } = grid(2).residents[0]!;
    const before = await membershipOf(openid);
    expect(before?.privacyConsent).toBeUndefined();
    const res = await claim(2, openid, householdOf(householdId));
    expect(res.data).toMatchObject({ alreadyMember: true, claimPending: false });
    const { privacyConsent, ...rest } = (await membershipOf(openid))!;
    expect(privacyConsent?.version).toBe(PRIVACY_NOTICE_VERSION);
    expect(rest).toEqual(before);
  });
});
