// The committee follows its notices against the household register (一户一档): listNotices withReach
// gives each notice's reach share in the village, getNoticeReach counts households the register added
// without any resident joining, lists the unreached with care needs first (then no smartphone, then by
// door) with the register's phone, and a 电话告知 mark moves a household to told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { DemoGridPeople } from '../../backend/src/seed';
import type { NoticePage, NoticeReachView, PublishResult, ReachedResult } from '../../core/src/schemas/notices';
import { startTestBackend, type TestBackend } from '../helpers/backend';

const TICK_MS = 10_000;
const VILLAGE = 'v01';

let backend: TestBackend;
let grid: DemoGridPeople;
let committee = '';
let noticeId = '';
let olderNoticeId = '';

/** As the register writes them: no membership, a phone on file for some. */
const REGISTERED = [
  { _id: 'reg-plain', building: '10栋', unit: '1单元', room: '101', careNeeds: [], phone: '13800000001' },
  { _id: 'reg-elderly', building: '12栋', unit: '1单元', room: '1001', careNeeds: ['elderlyAlone'], phone: '13800000002' },
  { _id: 'reg-nophone', building: '11栋', unit: '1单元', room: '101', careNeeds: [], noSmartphone: true },
];

beforeAll(async () => {
  backend = await startTestBackend();
  grid = backend.street.people.grids.find((g) => g.villageId === VILLAGE)!;
  committee = backend.street.people.committee[VILLAGE]!;
  await backend.db.collection(COLLECTIONS.households).add({
    data: REGISTERED.map((h) => ({ ...h, gridId: grid.gridId, villageId: VILLAGE, members: [], source: 'import' })) as never,
  });
  const publish = async (title: string, key: string): Promise<string> => {
    const res = await backend.call<PublishResult>(
      'publishNotice',
      { title, body: `${title}，请相互转告。`, scope: { kind: 'village', villageId: VILLAGE }, idempotencyKey: key },
      committee,
    );
    expect(res.ok).toBe(true);
    return res.data!.notice.id;
  };
  olderNoticeId = await publish('周三燃气检修', 'committee-reach-01');
  await backend.emu.control.advance(TICK_MS);
  noticeId = await publish('周六停水通知', 'committee-reach-02');
  await backend.emu.control.advance(TICK_MS);
});
afterAll(() => backend.emu.stop());

const villageHouseholds = (): number => backend.street.households.filter((h) => h.villageId === VILLAGE).length + REGISTERED.length;

describe("the committee's notices and their reach", () => {
  it('counts a memberless registered household as unreached, care needs first, with its door and phone', async () => {
    const res = await backend.call<NoticeReachView>('getNoticeReach', { noticeId, gridId: grid.gridId }, committee);
    expect(res.ok).toBe(true);
    const row = res.data!.grids[0]!;
    const seeded = backend.street.households.filter((h) => h.gridId === grid.gridId);
    expect(row.total).toBe(seeded.length + REGISTERED.length);
    expect(row.reached).toBe(0);
    const ids = row.unreached.map((h) => h.householdId);
    expect(ids).toHaveLength(row.total);
    // Care needs first (seeded ones in 1栋 before 12栋), then no smartphone, then the rest by door: 1栋 … 10栋.
    const withCare = row.unreached.filter((h) => (h.careNeeds ?? []).length > 0).map((h) => h.householdId);
    expect(ids.slice(0, withCare.length)).toEqual(withCare);
    expect(withCare[withCare.length - 1]).toBe('reg-elderly');
    expect(ids[withCare.length]).toBe('reg-nophone');
    expect(ids[ids.length - 1]).toBe('reg-plain');
    expect(row.unreached.find((h) => h.householdId === 'reg-elderly')).toEqual({
      householdId: 'reg-elderly',
      building: '12栋',
      unit: '1单元',
      room: '1001',
      careNeeds: ['elderlyAlone'],
      phone: '13800000002',
    });
    expect(row.unreached.find((h) => h.householdId === 'reg-nophone')).toMatchObject({ noSmartphone: true });
    expect(row.unreached.find((h) => h.householdId === 'reg-nophone')).not.toHaveProperty('phone');
  });

  it('moves a household told by phone to told, once', async () => {
    const marked = await backend.call<ReachedResult>('markHouseholdReached', { noticeId, householdId: 'reg-elderly', channel: 'phone' }, committee);
    expect(marked.ok).toBe(true);
    expect(marked.data).toMatchObject({ householdId: 'reg-elderly', channel: 'phone', markedBy: committee, firstMark: true });
    const again = await backend.call<ReachedResult>('markHouseholdReached', { noticeId, householdId: 'reg-elderly', channel: 'inPerson' }, committee);
    expect(again.data).toMatchObject({ channel: 'phone', firstMark: false });

    const row = (await backend.call<NoticeReachView>('getNoticeReach', { noticeId, gridId: grid.gridId }, committee)).data!.grids[0]!;
    expect(row.toldInPerson).toBe(1);
    expect(row.reached).toBe(1);
    expect(row.unreached.map((h) => h.householdId)).not.toContain('reg-elderly');
    expect(row.unreachedWithCareNeeds).toBe(row.unreached.filter((h) => (h.careNeeds ?? []).length > 0).length);
  });

  it("lists the village's notices newest first, each with its reach share over every household of the village", async () => {
    const reader = grid.residents[0]!;
    expect((await backend.call('markNoticeRead', { noticeId }, reader.openid)).ok).toBe(true);
    const res = await backend.call<NoticePage>('listNotices', { withReach: true }, committee);
    expect(res.ok).toBe(true);
    const notices = res.data!.notices;
    expect(notices.map((n) => n.id)).toEqual([noticeId, olderNoticeId]);
    expect(notices[0]!.reach).toEqual({ reached: 2, total: villageHouseholds() });
    expect(notices[1]!.reach).toEqual({ reached: 0, total: villageHouseholds() });
    // Without withReach, the list is as residents see it.
    const plain = await backend.call<NoticePage>('listNotices', {}, committee);
    expect(plain.data!.notices[0]).not.toHaveProperty('reach');
  });

  it('gives a street admin the shares of a village they name, and refuses a grid leader or a resident', async () => {
    const admin = await backend.call<NoticePage>('listNotices', { withReach: true, villageId: VILLAGE }, backend.street.people.admin);
    expect(admin.data!.notices[0]!.reach).toEqual({ reached: 2, total: villageHouseholds() });
    for (const who of [grid.leaders.gridLeader, grid.residents[1]!.openid, backend.street.people.dutyOfficers[VILLAGE]!]) {
      const res = await backend.call('listNotices', { withReach: true }, who);
      expect(res.code).toBe('AUTH.FORBIDDEN');
    }
  });
});
