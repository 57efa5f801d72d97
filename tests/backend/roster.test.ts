// getGridRoster end to end: a leader's grid households with care flags and members, the latest
// notice's read / told-in-person / unreached households, paging, and who is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const expectedIds = backend.street.households
      .filter((h) => h.gridId === grid.gridId)
      .map((h) => h.id)
      .sort();
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
    const unreached = roster.households
      .filter((h) => h.noticeState === 'unreached')
      .map((h) => h.householdId)
      .sort();
    expect(unreached).toEqual(expectedIds.filter((id) => !readOrTold.has(id)));
  });

  it('pages by household with a cursor, each page in order and none twice', async () => {
    const pageSize = 4;
    const first = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId, limit: pageSize }, gridLeader());
    expect(first.data!.households).toHaveLength(pageSize);
    expect(first.data!.nextCursor).toBe(first.data!.households[pageSize - 1]!.householdId);
    const second = await backend.call<GridRoster>('getGridRoster', { gridId: grid.gridId, limit: pageSize, cursor: first.data!.nextCursor }, gridLeader());
    const all = [...first.data!.households, ...second.data!.households].map((h) => h.householdId);
    expect(all).toEqual(
      backend.street.households
        .filter((h) => h.gridId === grid.gridId)
        .map((h) => h.id)
        .sort(),
    );
    expect(second.data!.nextCursor).toBeNull();
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
