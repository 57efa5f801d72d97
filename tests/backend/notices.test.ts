// Notices end to end through the real wx-server-sdk: publish → the deliverNotices timer → reads,
// in-person marks and reach, with every role and scope check a resident or leader could try.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { fetchAll } from '../../backend/src/db';
import type { ResidentDelivery } from '../../core/src/delivery';
import type { NoticePage, NoticeReachView, PublishResult } from '../../core/src/schemas/notices';
import type { DemoGridPeople, SeedOptions } from '../../backend/src/seed';
import { residentDeliveriesOf, startTestBackend, type TestBackend, sendsByUser } from '../helpers/backend';

/** Four grids per village, so a three-grid notice leaves one grid of the village outside. */
const STREET: SeedOptions = { villages: 2, gridsPerVillage: 4, householdsPerGrid: 6, joinedHouseholdsPerGrid: 4 };
const TICK_MS = 10_000;

let backend: TestBackend;
let grids: DemoGridPeople[];
beforeAll(async () => {
  // Long-term subscriptions: every resident may receive the message, so the outbox shows each send.
  backend = await startTestBackend({ seed: STREET, functionEnv: { LONG_TERM_SUBSCRIPTIONS: 'true' } });
  grids = backend.street.people.grids;
});
afterAll(() => backend.emu.stop());

const grid = (i: number): DemoGridPeople => {
  const g = grids[i];
  if (!g) throw new Error(`no grid ${i}`);
  return g;
};

/** The cloudID wx.getGroupEnterInfo would give inside that group (the emulator mints it). */
async function mintGroupCloudId(opengid: string): Promise<string> {
  const res = await fetch(`${backend.emu.url}/__emulator/cloudid`, { method: 'POST', body: JSON.stringify({ opengid }) });
  return ((await res.json()) as { cloudID: string }).cloudID;
}

function deliveriesOf(noticeId: string): Promise<ResidentDelivery[]> {
  return residentDeliveriesOf(backend.db, noticeId);
}

describe('a committee notice to three grids of its village', () => {
  const village = 'v01';
  let noticeId = '';
  const inScope = [0, 1, 2];

  it('is stored and queued, and goes out on the next timer tick to exactly the residents of those grids', async () => {
    const committee = backend.street.people.committee[village]!;
    const res = await backend.call<PublishResult>(
      'publishNotice',
      {
        title: '明日上午核酸检测',
        body: '请各户明天上午 8 点到村委会广场集中检测，行动不便的老人由网格长上门。',
        scope: { kind: 'grids', villageId: village, gridIds: inScope.map((i) => grid(i).gridId) },
        urgent: true,
        idempotencyKey: 'notice-test-0001',
      },
      committee,
    );
    expect(res.ok).toBe(true);
    noticeId = res.data!.notice.id;
    expect(res.data!.duplicate).toBe(false);
    // Nothing is sent by publishNotice itself.
    expect(await deliveriesOf(noticeId)).toHaveLength(0);

    // A retried publish (same key) stores nothing new.
    const again = await backend.call<PublishResult>(
      'publishNotice',
      { title: '明日上午核酸检测', body: '重复提交', scope: { kind: 'village', villageId: village }, idempotencyKey: 'notice-test-0001' },
      committee,
    );
    expect(again.data?.notice.id).toBe(noticeId);
    expect(again.data?.duplicate).toBe(true);

    await backend.emu.control.advance(TICK_MS);

    const deliveries = await deliveriesOf(noticeId);
    const expected = inScope.flatMap((i) => grid(i).residents.map((r) => r.openid)).sort();
    expect(deliveries.map((d) => d.userId).sort()).toEqual(expected);
    expect(deliveries.every((d) => d.outcome === 'sent')).toBe(true);
    const sends = await sendsByUser(backend);
    for (const openid of expected) expect(sends.get(openid)).toBe(1);
    for (const other of [3, 4, 5, 6, 7]) for (const r of grid(other).residents) expect(sends.has(r.openid)).toBe(false);
    const jobs = (await backend.emu.control.collection(COLLECTIONS.deliveryJobs)) as Array<{ _id: string; state: string }>;
    expect(jobs).toEqual([expect.objectContaining({ _id: `${noticeId}:${village}`, state: 'done' })]);
  });

  it('residents of those grids see it unread, then read; residents elsewhere neither see nor can read it', async () => {
    const reader = grid(0).residents[0]!;
    const before = await backend.call<NoticePage>('listNotices', {}, reader.openid);
    expect(before.data?.notices.map((n) => [n.id, n.read])).toEqual([[noticeId, false]]);

    for (const r of [grid(0).residents[0]!, grid(0).residents[1]!, grid(1).residents[0]!]) {
      const read = await backend.call<{ firstRead: boolean }>('markNoticeRead', { noticeId }, r.openid);
      expect(read).toMatchObject({ ok: true, data: { firstRead: true } });
    }
    // Idempotent: a second read writes nothing.
    expect((await backend.call<{ firstRead: boolean }>('markNoticeRead', { noticeId }, reader.openid)).data?.firstRead).toBe(false);

    const after = await backend.call<NoticePage>('listNotices', {}, reader.openid);
    expect(after.data?.notices.map((n) => [n.id, n.read])).toEqual([[noticeId, true]]);

    for (const outsider of [grid(3).residents[0]!, grid(4).residents[0]!]) {
      const list = await backend.call<NoticePage>('listNotices', {}, outsider.openid);
      expect(list.ok).toBe(true);
      expect(list.data?.notices.map((n) => n.id)).not.toContain(noticeId);
      const read = await backend.call('markNoticeRead', { noticeId }, outsider.openid);
      expect(read).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    }
    // Nor by naming a grid that is not theirs.
    const peek = await backend.call('listNotices', { gridId: grid(0).gridId }, grid(3).residents[0]!.openid);
    expect(peek).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const unknown = await backend.call('markNoticeRead', { noticeId: 'no-such-notice' }, reader.openid);
    expect(unknown).toMatchObject({ ok: false, code: 'NOTICE.NOT_FOUND' });
  });

  it('a leader marks a household of their grid told in person, but not a household of another grid', async () => {
    const leader = grid(1).leaders.gridLeader;
    // An unjoined household (no smartphone in the demo sense): only a visit reaches it.
    const visited = grid(1).unjoined[0]!.householdId;
    const marked = await backend.call<{ firstMark: boolean }>('markHouseholdReached', { noticeId, householdId: visited, channel: 'inPerson' }, leader);
    expect(marked).toMatchObject({ ok: true, data: { firstMark: true } });
    const again = await backend.call<{ firstMark: boolean }>('markHouseholdReached', { noticeId, householdId: visited, channel: 'phone' }, leader);
    expect(again).toMatchObject({ ok: true, data: { firstMark: false, channel: 'inPerson' } });

    const otherGrid = await backend.call('markHouseholdReached', { noticeId, householdId: grid(0).unjoined[0]!.householdId, channel: 'inPerson' }, leader);
    expect(otherGrid).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const resident = await backend.call('markHouseholdReached', { noticeId, householdId: visited, channel: 'inPerson' }, grid(1).residents[0]!.openid);
    expect(resident).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    // Grid 4 of the village is outside the notice: its own leader cannot mark it either.
    const outside = await backend.call(
      'markHouseholdReached',
      { noticeId, householdId: grid(3).unjoined[0]!.householdId, channel: 'inPerson' },
      grid(3).leaders.gridLeader,
    );
    expect(outside).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });

  it('getNoticeReach matches exactly, per grid, for the committee; a leader sees only their own row', async () => {
    const reach = await backend.call<NoticeReachView>('getNoticeReach', { noticeId }, backend.street.people.committee[village]!);
    expect(reach.ok).toBe(true);
    const rows = reach.data!.grids;
    expect(rows.map((r) => r.gridId)).toEqual(inScope.map((i) => grid(i).gridId));
    const households = (i: number): string[] => [...grid(i).residents, ...grid(i).unjoined].map((h) => h.householdId);
    const readBy: Record<number, string[]> = {
      0: [grid(0).residents[0]!.householdId, grid(0).residents[1]!.householdId],
      1: [grid(1).residents[0]!.householdId],
      2: [],
    };
    const told: Record<number, string[]> = { 0: [], 1: [grid(1).unjoined[0]!.householdId], 2: [] };
    inScope.forEach((i, row) => {
      const r = rows[row]!;
      expect(r.total).toBe(STREET.householdsPerGrid);
      expect(r.read).toBe(readBy[i]!.length);
      expect(r.toldInPerson).toBe(told[i]!.length);
      expect(r.reached).toBe(readBy[i]!.length + told[i]!.length);
      const unreached = households(i).filter((h) => !readBy[i]!.includes(h) && !told[i]!.includes(h));
      expect(r.unreached.map((u) => u.householdId).sort()).toEqual(unreached.sort());
      // Care needs first, with the address and the needs shown to the committee.
      const firstPlain = r.unreached.findIndex((u) => (u.careNeeds ?? []).length === 0);
      expect(r.unreached.slice(firstPlain).every((u) => (u.careNeeds ?? []).length === 0)).toBe(true);
      expect(r.unreached.every((u) => u.room !== undefined && Array.isArray(u.careNeeds))).toBe(true);
    });
    expect(reach.data!.totals).toMatchObject({ total: 3 * STREET.householdsPerGrid, read: 3, toldInPerson: 1, reached: 4 });

    const leaderView = await backend.call<NoticeReachView>('getNoticeReach', { noticeId }, grid(1).leaders.buildingLeader);
    expect(leaderView.data?.grids.map((r) => r.gridId)).toEqual([grid(1).gridId]);
    const otherRow = await backend.call('getNoticeReach', { noticeId, gridId: grid(0).gridId }, grid(1).leaders.buildingLeader);
    expect(otherRow).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const resident = await backend.call('getNoticeReach', { noticeId }, grid(0).residents[0]!.openid);
    expect(resident).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const otherVillage = await backend.call('getNoticeReach', { noticeId }, backend.street.people.committee.v02!);
    expect(otherVillage).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });

  it('a read from a card in the grid’s bound WeChat group records the group channel; another group’s card, a plain read', async () => {
    const g = grid(2);
    const groupId = 'G-notice-grid-2';
    const bound = await backend.call('bindGridGroup', { gridId: g.gridId, groupCloudId: await mintGroupCloudId(groupId) }, g.leaders.gridLeader);
    expect(bound).toMatchObject({ ok: true });
    const [fromGroup, fromElsewhere, withBadId] = [g.residents[0]!, g.residents[1]!, g.residents[2]!];

    const inGroup = await backend.call('markNoticeRead', { noticeId, groupCloudId: await mintGroupCloudId(groupId) }, fromGroup.openid);
    expect(inGroup).toMatchObject({ ok: true, data: { firstRead: true, channel: 'group' } });
    const inOther = await backend.call<{ channel?: string }>(
      'markNoticeRead',
      { noticeId, groupCloudId: await mintGroupCloudId('G-some-other-group') },
      fromElsewhere.openid,
    );
    expect(inOther).toMatchObject({ ok: true, data: { firstRead: true } });
    expect(inOther.data?.channel).toBeUndefined();
    // A cloudID WeChat cannot open still counts the read, without the channel.
    expect(await backend.call('markNoticeRead', { noticeId, groupCloudId: 'not-a-cloud-id' }, withBadId.openid)).toMatchObject({
      ok: true,
      data: { firstRead: true },
    });

    const receipts = await fetchAll<{ userId: string; channel?: string }>(
      backend.db.collection(COLLECTIONS.noticeReceipts).where({ noticeId, gridId: g.gridId }).limit(1000),
    );
    const channelOf = new Map(receipts.map((r) => [r.userId, r.channel ?? 'app']));
    expect([fromGroup, fromElsewhere, withBadId].map((r) => channelOf.get(r.openid))).toEqual(['group', 'app', 'app']);

    const reach = await backend.call<NoticeReachView>('getNoticeReach', { noticeId, gridId: g.gridId }, g.leaders.gridLeader);
    expect(reach.data?.grids.map((r) => [r.read, r.readInGroup])).toEqual([[3, 1]]);
    expect(reach.data?.totals.readInGroup).toBe(1);
  });

  it('leaders and the committee list the notices of their grids and village', async () => {
    const committee = await backend.call<NoticePage>('listNotices', {}, backend.street.people.committee[village]!);
    expect(committee.data?.notices.map((n) => n.id)).toContain(noticeId);
    const inside = await backend.call<NoticePage>('listNotices', {}, grid(2).leaders.partyGroupLeader);
    expect(inside.data?.notices.map((n) => n.id)).toContain(noticeId);
    const outside = await backend.call<NoticePage>('listNotices', {}, grid(3).leaders.gridLeader);
    expect(outside.data?.notices.map((n) => n.id)).not.toContain(noticeId);
    const otherVillage = await backend.call('listNotices', { villageId: village }, backend.street.people.committee.v02!);
    expect(otherVillage).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});

describe('who may publish what', () => {
  const base = { title: '停水通知', body: '周五上午 9 点至 12 点停水检修。' };

  it('rejects a risky body and writes nothing', async () => {
    const before = (await backend.emu.control.collection(COLLECTIONS.notices)).length;
    const jobsBefore = (await backend.emu.control.collection(COLLECTIONS.deliveryJobs)).length;
    const res = await backend.call(
      'publishNotice',
      { ...base, body: '有人在网上组织赌博，请大家报名', scope: { kind: 'village', villageId: 'v01' } },
      backend.street.people.committee.v01!,
    );
    expect(res).toMatchObject({ ok: false, code: 'CONTENT.RISKY' });
    expect(await backend.emu.control.collection(COLLECTIONS.notices)).toHaveLength(before);
    expect(await backend.emu.control.collection(COLLECTIONS.deliveryJobs)).toHaveLength(jobsBefore);
  });

  it('refuses residents, other villages, street-wide notices from a committee, and grids of another village', async () => {
    const committee = backend.street.people.committee.v01!;
    const cases: Array<[unknown, string, string]> = [
      [{ kind: 'village', villageId: 'v01' }, grid(0).residents[0]!.openid, 'AUTH.FORBIDDEN'],
      [{ kind: 'village', villageId: 'v01' }, grid(0).leaders.gridLeader, 'AUTH.FORBIDDEN'],
      [{ kind: 'village', villageId: 'v02' }, committee, 'AUTH.FORBIDDEN'],
      [{ kind: 'grids', villageId: 'v02', gridIds: [grid(4).gridId] }, committee, 'AUTH.FORBIDDEN'],
      [{ kind: 'street' }, committee, 'AUTH.FORBIDDEN'],
      [{ kind: 'grids', villageId: 'v01', gridIds: [grid(4).gridId] }, committee, 'GRID.NOT_FOUND'],
      [{ kind: 'village', villageId: 'v99' }, backend.street.people.admin, 'VILLAGE.NOT_FOUND'],
    ];
    const before = (await backend.emu.control.collection(COLLECTIONS.notices)).length;
    for (const [scope, openid, code] of cases) {
      const res = await backend.call('publishNotice', { ...base, scope }, openid);
      expect({ scope, res }).toMatchObject({ scope, res: { ok: false, code } });
    }
    expect(await backend.emu.control.collection(COLLECTIONS.notices)).toHaveLength(before);
    const invalid = await backend.call('publishNotice', { ...base, scope: { kind: 'village' } }, committee);
    expect(invalid).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });

  it('lets a street admin publish street-wide; every joined resident gets it once and sees it', async () => {
    const res = await backend.call<PublishResult>('publishNotice', { ...base, scope: { kind: 'street' } }, backend.street.people.admin);
    expect(res.ok).toBe(true);
    const id = res.data!.notice.id;
    await backend.emu.control.advance(TICK_MS);
    const deliveries = await deliveriesOf(id);
    expect(deliveries.map((d) => d.userId).sort()).toEqual(grids.flatMap((g) => g.residents.map((r) => r.openid)).sort());
    // One job per village, worked in parallel.
    const jobs = (await backend.emu.control.collection(COLLECTIONS.deliveryJobs)) as Array<{ _id: string; noticeId: string; state: string }>;
    expect(
      jobs
        .filter((j) => j.noticeId === id)
        .map((j) => [j._id, j.state])
        .sort(),
    ).toEqual([
      [`${id}:v01`, 'done'],
      [`${id}:v02`, 'done'],
    ]);
    const list = await backend.call<NoticePage>('listNotices', {}, grid(7).residents[0]!.openid);
    expect(list.data?.notices[0]?.id).toBe(id);
  });
});

describe('who may record that a household was reached in person', () => {
  const village = 'v02';
  let noticeId = '';
  // Grids 4–7 are v02's; the notice covers the whole village.
  const household = (): string => grid(5).unjoined[1]!.householdId;

  it('lets the committee of the household’s village mark it, and no duty officer, street admin, resident or other committee', async () => {
    const committee = backend.street.people.committee[village]!;
    const published = await backend.call<PublishResult>(
      'publishNotice',
      {
        title: '独居老人上门走访',
        body: '请两委和网格长本周内上门走访独居老人。',
        scope: { kind: 'village', villageId: village },
        idempotencyKey: 'notice-test-reach-01',
      },
      committee,
    );
    expect(published.ok, JSON.stringify(published)).toBe(true);
    noticeId = published.data!.notice.id;

    const refused: Array<[string, string]> = [
      ['duty officer', backend.street.people.dutyOfficers[village]!],
      ['street admin', backend.street.people.admin],
      ['resident of the grid', grid(5).residents[0]!.openid],
      ['committee of another village', backend.street.people.committee.v01!],
    ];
    for (const [who, openid] of refused) {
      const res = await backend.call('markHouseholdReached', { noticeId, householdId: household(), channel: 'inPerson' }, openid);
      expect({ who, res }).toMatchObject({ who, res: { ok: false, code: 'AUTH.FORBIDDEN' } });
    }
    expect((await backend.emu.control.collection(COLLECTIONS.reachMarks)).filter((m) => (m as { noticeId: string }).noticeId === noticeId)).toHaveLength(0);

    const unreached = async (): Promise<string[]> =>
      (await backend.call<NoticeReachView>('getNoticeReach', { noticeId, gridId: grid(5).gridId }, committee)).data!.grids[0]!.unreached.map(
        (h) => h.householdId,
      );
    expect(await unreached()).toContain(household());
    const marked = await backend.call<{ firstMark: boolean; markedBy: string }>(
      'markHouseholdReached',
      { noticeId, householdId: household(), channel: 'inPerson', note: '村委上门' },
      committee,
    );
    expect(marked).toMatchObject({ ok: true, data: { firstMark: true, markedBy: committee } });
    expect(await unreached()).not.toContain(household());
  });
});
