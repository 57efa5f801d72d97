// getGridRoster end to end: a leader's grid households with care flags and members, the latest
// notice's read / told-in-person / unreached households, paging, and who is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import { compareHouseholdsByAddress } from '../../core/src/addressOrder';
import type { CareNeed } from '../../core/src/model';
import type { PublishResult } from '../../core/src/schemas/notices';
import type { GridRoster } from '../../core/src/schemas/roster';
import type { DemoGridPeople } from '../../backend/src/seed';
import { startTestBackend, type TestBackend } from '../helpers/backend';

/** One notice-queue tick: deliverNotices runs on the emulator clock. */
const TICK_MS = 10_000;
const VILLAGE = 'v01';

let backend: TestBackend;
let grid: DemoGridPeople;
let otherGrid: DemoGridPeople;
let noticeId = '';

beforeAll(async () => {
  backend = await startTestBackend();
  const grids = backend.street.people.grids.filter((g) => g.villageId === VILLAGE);
  grid = grids[0]!;
  otherGrid = grids[1]!;
  const published = await backend.call<PublishResult>(
    'publishNotice',
    {
      title: '周六停水通知',
      body: '周六上午 9 点到 12 点检修水管，请提前储水。',
      scope: { kind: 'village', villageId: VILLAGE },
      idempotencyKey: 'roster-notice-01',
    },
    backend.street.people.committee[VILLAGE]!,
  );
  expect(published.ok).toBe(true);
  noticeId = published.data!.notice.id;
  await backend.emu.control.advance(TICK_MS);
});
afterAll(() => backend.emu.stop());

const gridLeader = (): string => grid.leaders.gridLeader;
/** The seeded households of a grid in the register's order (building, unit, room; core's order is tested in tests/core). */
const seededInAddressOrder = (gridId: string): string[] =>
  backend.street.households
    .filter((h) => h.gridId === gridId)
    .sort(compareHouseholdsByAddress)
    .map((h) => h.id);

describe('getGridRoster', () => {
  it('shows a grid leader their households with care flags, members, and who has not read the latest notice', async () => {
    const [firstReader, secondReader] = grid.residents;
    for (const r of [firstReader!, secondReader!]) expect((await backend.call('markNoticeRead', { noticeId }, r.openid)).ok).toBe(true);
    const told = grid.unjoined[0]!.householdId;
    expect((await backend.call('markHouseholdReached', { noticeId, householdId: told, channel: 'inPerson' }, gridLeader())).ok).toBe(true);

    const res = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId }, gridLeader());
    expect(res.ok).toBe(true);
    const roster = res.data!;
    expect(roster.notice?.id).toBe(noticeId);
    expect(roster.notice?.title).toBe('周六停水通知');
    // The 三长, for hand-over: exactly the seeded three, grid leader first.
    expect(roster.leaders).toEqual([
      { userId: grid.leaders.gridLeader, role: 'gridLeader' },
      { userId: grid.leaders.partyGroupLeader, role: 'partyGroupLeader' },
      { userId: grid.leaders.buildingLeader, role: 'buildingLeader' },
    ]);
    const expectedIds = seededInAddressOrder(grid.gridId);
    // 1栋 1单元 101, 301, 501, then 1栋 2单元 201, 401, 601: by unit before room, never by id.
    expect(expectedIds.map((id) => id.slice(-1))).toEqual(['1', '3', '5', '2', '4', '6']);
    expect(roster.households.map((h) => h.householdId)).toEqual(expectedIds);
    expect(roster.totalHouseholds).toBe(expectedIds.length);
    expect(roster.nextCursor).toBeNull();

    // Care needs and smartphones exactly as stored.
    for (const h of roster.households) {
      const stored = backend.street.households.find((s) => s.id === h.householdId)!;
      expect(h.careNeeds).toEqual(stored.careNeeds);
      expect(h.noSmartphone).toBe(stored.noSmartphone === true);
    }
    expect(roster.households.some((h) => h.careNeeds.length > 0)).toBe(true);

    // Members: each joined resident under their household; unjoined households have none.
    for (const r of grid.residents) {
      expect(roster.households.find((h) => h.householdId === r.householdId)!.members.map((m) => m.userId)).toContain(r.openid);
    }
    for (const u of grid.unjoined) expect(roster.households.find((h) => h.householdId === u.householdId)!.members).toEqual([]);
    expect(roster.households.flatMap((h) => h.members).every((m) => m.joinedAt > 0)).toBe(true);

    const state = new Map(roster.households.map((h) => [h.householdId, h.noticeState]));
    expect(state.get(firstReader!.householdId)).toBe('read');
    expect(state.get(secondReader!.householdId)).toBe('read');
    expect(state.get(told)).toBe('toldInPerson');
    const readOrTold = new Set([firstReader!.householdId, secondReader!.householdId, told]);
    const unreached = roster.households.filter((h) => h.noticeState === 'unreached').map((h) => h.householdId);
    expect(unreached).toEqual(expectedIds.filter((id) => !readOrTold.has(id)));
    const seeded = backend.street.households.filter((h) => h.gridId === grid.gridId);
    expect(roster.totals).toEqual({
      households: expectedIds.length,
      joined: grid.residents.length,
      withCareNeeds: seeded.filter((h) => h.careNeeds.length > 0).length,
      notice: {
        read: 2,
        toldInPerson: 1,
        unreached: expectedIds.length - 3,
        unreachedWithCareNeeds: seeded.filter((h) => h.careNeeds.length > 0 && !readOrTold.has(h.id)).length,
      },
    });
  });

  it('pages by household with a cursor, each page in order and none twice', async () => {
    const pageSize = 4;
    const first = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId, limit: pageSize }, gridLeader());
    expect(first.data!.households).toHaveLength(pageSize);
    expect(first.data!.nextCursor).toBe(first.data!.households[pageSize - 1]!.householdId);
    const second = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId, limit: pageSize, cursor: first.data!.nextCursor }, gridLeader());
    const all = [...first.data!.households, ...second.data!.households].map((h) => h.householdId);
    expect(all).toEqual(seededInAddressOrder(grid.gridId));
    expect(second.data!.nextCursor).toBeNull();
    // The totals are the whole grid's on every page, not the page's.
    expect(second.data!.totals).toEqual(first.data!.totals);
    expect(first.data!.totals.households).toBe(all.length);
  });

  it('answers for an older notice when asked, and refuses a notice that does not cover the grid', async () => {
    const newer = await backend.call<PublishResult>(
      'publishNotice',
      {
        title: '只给第二网格',
        body: '第二网格周日消杀。',
        scope: { kind: 'grids', villageId: VILLAGE, gridIds: [otherGrid.gridId] },
        idempotencyKey: 'roster-notice-02',
      },
      backend.street.people.committee[VILLAGE]!,
    );
    expect(newer.ok).toBe(true);
    // The newest notice of the village does not name this grid: the latest covering it is still the first.
    const latest = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId }, gridLeader());
    expect(latest.data!.notice?.id).toBe(noticeId);
    const otherLatest = await backend.call<GridRoster>('getGridRoster', { gridId: otherGrid.gridId }, otherGrid.leaders.gridLeader);
    expect(otherLatest.data!.notice?.id).toBe(newer.data!.notice.id);
    expect(otherLatest.data!.households.every((h) => h.noticeState === 'unreached')).toBe(true);

    const asked = await backend.call<GridRoster>('getGridRoster', { gridId: otherGrid.gridId, noticeId }, otherGrid.leaders.gridLeader);
    expect(asked.data!.notice?.id).toBe(noticeId);
    const refused = await backend.call('getGridRoster', { gridId: grid.gridId, noticeId: newer.data!.notice.id }, gridLeader());
    expect(refused.code).toBe('NOTICE.NOT_FOUND');
  });

  it('is open to the other 三长, the village committee and street admins', async () => {
    for (const who of [grid.leaders.partyGroupLeader, grid.leaders.buildingLeader, backend.street.people.committee[VILLAGE]!, backend.street.people.admin]) {
      const res = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId }, who);
      expect(res.ok).toBe(true);
      expect(res.data!.grid.id).toBe(grid.gridId);
    }
  });

  it('refuses a leader of another grid, a resident, a duty officer, another village committee, and an unknown grid alike', async () => {
    const otherVillage = Object.keys(backend.street.people.committee).find((v) => v !== VILLAGE)!;
    const outsiders = [
      otherGrid.leaders.gridLeader,
      grid.residents[0]!.openid,
      backend.street.people.dutyOfficers[VILLAGE]!,
      backend.street.people.committee[otherVillage]!,
    ];
    for (const who of outsiders) {
      const res = await backend.call('getGridRoster', { gridId: grid.gridId }, who);
      expect(res.ok).toBe(false);
      expect(res.code).toBe('AUTH.FORBIDDEN');
      expect(res.data).toBeUndefined();
    }
    expect((await backend.call('getGridRoster', { gridId: 'no-such-grid' }, gridLeader())).code).toBe('AUTH.FORBIDDEN');
  });

  it('rejects a spoofed identity field and a malformed cursor', async () => {
    expect((await backend.call('getGridRoster', { gridId: grid.gridId, userId: gridLeader() }, grid.residents[0]!.openid)).code).toBe('INPUT.INVALID');
    expect((await backend.call('getGridRoster', { gridId: grid.gridId, cursor: 'a b' }, gridLeader())).code).toBe('INPUT.INVALID');
  });
});

describe('getGridRoster against the household register (一户一档)', () => {
  // 5 buildings × 5 units × 12 rooms = 300 households, as the imported sheet; listed out of order.
  const BUILDINGS = ['10栋', '2栋', '12栋', '3栋', '4栋'];
  const UNITS = ['2单元', '1单元', '5单元', '3单元', '4单元'];
  const ROOMS = ['1001', '101', '1201', '201', '301', '401', '501', '601', '701', '801', '901', '1101'];
  /** Every seventh registered household has someone living alone aged 60+; every third has a phone on file. */
  const CARE_EVERY = 7;
  const PHONE_EVERY = 3;
  let registerGrid: DemoGridPeople;
  let registered: Array<{ _id: string; building: string; unit: string; room: string; careNeeds: CareNeed[]; phone?: string }> = [];

  beforeAll(async () => {
    registerGrid = backend.street.people.grids.filter((g) => g.villageId === VILLAGE)[2]!;
    // As the register's import writes them: no resident joined, so no membership; ids unrelated to the door.
    let n = 0;
    registered = BUILDINGS.flatMap((building) =>
      UNITS.flatMap((unit) =>
        ROOMS.map((room) => {
          n += 1;
          return {
            _id: `reg-${((n * 7919) % 1000).toString(36).padStart(3, '0')}-${n}`,
            building,
            unit,
            room,
            careNeeds: n % CARE_EVERY === 0 ? (['elderlyAlone'] as CareNeed[]) : [],
            ...(n % PHONE_EVERY === 0 ? { phone: `1380000${String(n).padStart(4, '0')}` } : {}),
          };
        }),
      ),
    );
    await backend.db.collection(COLLECTIONS.households).add({
      data: registered.map((h) => ({
        ...h,
        gridId: registerGrid.gridId,
        villageId: VILLAGE,
        members: [],
        source: 'import',
        registeredAt: 1,
        registeredBy: 'o-import',
      })) as never,
    });
  });

  it('orders every household by building, unit and room across pages, and counts the whole grid, memberless households included', async () => {
    const leader = registerGrid.leaders.gridLeader;
    const reader = registerGrid.residents[0]!;
    expect((await backend.call('markNoticeRead', { noticeId }, reader.openid)).ok).toBe(true);
    const byPhone = registered.find((h) => h.phone !== undefined)!;
    expect((await backend.call('markHouseholdReached', { noticeId, householdId: byPhone._id, channel: 'phone' }, leader)).ok).toBe(true);

    // Every page of the default 50, until the cursor runs out.
    const pages: GridRoster[] = [];
    let cursor: string | null | undefined;
    do {
      const res = await backend.call<GridRoster>('getGridRoster', { gridId: registerGrid.gridId, noticeId, ...(cursor ? { cursor } : {}) }, leader);
      expect(res.ok).toBe(true);
      pages.push(res.data!);
      cursor = res.data!.nextCursor;
    } while (cursor !== null && pages.length < 20);
    const all = pages.flatMap((p) => p.households);
    expect(pages.map((p) => p.households.length)).toEqual([50, 50, 50, 50, 50, 50, 6]);

    // The seeded 1栋 first, then 2栋, 3栋, 4栋, 10栋, 12栋 (not "10栋" before "2栋"); 1单元 … 5单元; 901 before 1001.
    const expected = [
      ...seededInAddressOrder(registerGrid.gridId),
      ...['2栋', '3栋', '4栋', '10栋', '12栋'].flatMap((b) =>
        ['1单元', '2单元', '3单元', '4单元', '5单元'].flatMap((u) =>
          ['101', '201', '301', '401', '501', '601', '701', '801', '901', '1001', '1101', '1201'].map(
            (r) => registered.find((h) => h.building === b && h.unit === u && h.room === r)!._id,
          ),
        ),
      ),
    ];
    expect(all.map((h) => h.householdId)).toEqual(expected);

    const seeded = backend.street.households.filter((h) => h.gridId === registerGrid.gridId);
    const totals = {
      households: seeded.length + registered.length,
      joined: registerGrid.residents.length,
      withCareNeeds: seeded.filter((h) => h.careNeeds.length > 0).length + registered.filter((h) => h.careNeeds.length > 0).length,
      notice: {
        read: 1,
        toldInPerson: 1,
        unreached: seeded.length + registered.length - 2,
        unreachedWithCareNeeds: [
          ...seeded.map((h) => ({ id: h.id, careNeeds: h.careNeeds })),
          ...registered.map((h) => ({ id: h._id, careNeeds: h.careNeeds })),
        ].filter((h) => h.careNeeds.length > 0 && h.id !== reader.householdId && h.id !== byPhone._id).length,
      },
    };
    expect(registered).toHaveLength(300);
    for (const p of pages) expect(p.totals).toEqual(totals);
    expect(pages[0]!.totalHouseholds).toBe(306);

    // A registered household: no member, its phone and care needs as the register holds them, reached only by the call.
    const rows = new Map(all.map((h) => [h.householdId, h]));
    expect(rows.get(byPhone._id)).toMatchObject({ members: [], phone: byPhone.phone, noticeState: 'toldInPerson' });
    const withCare = registered.find((h) => h.careNeeds.length > 0 && h._id !== byPhone._id)!;
    expect(rows.get(withCare._id)).toMatchObject({ members: [], careNeeds: ['elderlyAlone'], noticeState: 'unreached' });
    expect(rows.get(reader.householdId)!.noticeState).toBe('read');
  });

  it('asks for a refresh when the cursor household is no longer in the grid', async () => {
    const res = await backend.call('getGridRoster', { gridId: registerGrid.gridId, cursor: 'reg-gone' }, registerGrid.leaders.gridLeader);
    expect(res.code).toBe('INPUT.INVALID');
  });
});
