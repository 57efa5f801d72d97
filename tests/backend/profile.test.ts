// getMyProfile end to end: each kind of user sees their own membership and exactly the work places
// their role assignments give them; nobody sees anyone else's data; an unknown user gets an empty profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { GridLeaderContact, MyProfile } from '../../core/src/schemas/profile';
import { roleAssignmentId, type DemoGridPeople } from '../../backend/src/seed';
import { THREE_LEADER_ROLES } from '../../core/src/model';
import { DEFAULT_TEMPLATE_IDS, TEMPLATE_KEYS } from '../../core/src/subscriptions';
import { startTestBackend, type TestBackend } from '../helpers/backend';

const VILLAGE = 'v01';
/** Someone who never accepted a subscribe message: no reminders of any template. */
const NO_REMINDERS: MyProfile['reminders'] = { longTerm: false, left: Object.fromEntries(TEMPLATE_KEYS.map((k) => [k, 0])) as MyProfile['reminders']['left'] };

let backend: TestBackend;
let grid: DemoGridPeople;

beforeAll(async () => {
  backend = await startTestBackend();
  grid = backend.street.people.grids.find((g) => g.villageId === VILLAGE)!;
});
afterAll(() => backend.emu.stop());

async function profileOf(openid: string): Promise<MyProfile> {
  const res = await backend.call<MyProfile>('getMyProfile', {}, openid);
  expect(res.ok).toBe(true);
  return res.data!;
}

const gridName = (gridId: string): string => backend.street.grids.find((g) => g.id === gridId)!.name;
const villageName = (villageId: string): string => backend.street.villages.find((v) => v.id === villageId)!.name;
/** The seeded assignment of one of a grid's 三长 (the seed names every one and gives them a phone). */
const seededLeader = (g: DemoGridPeople, role: (typeof THREE_LEADER_ROLES)[number]) =>
  backend.street.roleAssignments.find((a) => a.role === role && a.scope.gridId === g.gridId)!;

describe('getMyProfile', () => {
  it('shows a resident their own grid, village and household address, and no work places', async () => {
    const resident = grid.residents[0]!;
    const household = backend.street.households.find((h) => h.id === resident.householdId)!;
    const profile = await profileOf(resident.openid);
    expect(profile).toEqual({
      membership: {
        gridId: grid.gridId,
        gridName: gridName(grid.gridId),
        villageId: VILLAGE,
        villageName: villageName(VILLAGE),
        household: { householdId: household.id, building: household.building, unit: household.unit, room: household.room },
        leaders: THREE_LEADER_ROLES.map((role) => ({ role, displayName: seededLeader(grid, role).displayName, phone: seededLeader(grid, role).phone })),
      },
      grids: [],
      villages: [],
      streetAdmin: false,
      reminders: profile.reminders,
    });
  });

  it("shows a resident their grid's three leaders with names and phones, and no openid of anyone else", async () => {
    const resident = grid.residents[1]!;
    const profile = await profileOf(resident.openid);
    const leaders = profile.membership!.leaders;
    expect(leaders.map((l) => l.role)).toEqual([...THREE_LEADER_ROLES]);
    for (const l of leaders) {
      expect(l.displayName).toMatch(/^\p{Script=Han}{2,3}$/u);
      expect(l.phone).toMatch(/^1\d{10}$/);
      // Only what a resident needs to call them.
      expect(Object.keys(l).sort()).toEqual(['displayName', 'phone', 'role']);
    }
    const answer = JSON.stringify(profile);
    for (const openid of Object.values(grid.leaders)) expect(answer).not.toContain(openid);
    for (const other of grid.residents.filter((r) => r !== resident)) expect(answer).not.toContain(other.openid);
    // Another grid's leaders are not this resident's to call.
    const otherGrid = backend.street.people.grids.find((g) => g.gridId !== grid.gridId)!;
    expect(answer).not.toContain(seededLeader(otherGrid, 'gridLeader').phone!);
  });

  it('shows a leader who gave no name (an older assignment) by role alone', async () => {
    const otherGrid = backend.street.people.grids.find((g) => g.villageId === VILLAGE && g.gridId !== grid.gridId)!;
    const building = seededLeader(otherGrid, 'buildingLeader');
    const _ = backend.db.command;
    await backend.db
      .collection(COLLECTIONS.roleAssignments)
      .doc(roleAssignmentId(building))
      .update({ data: { displayName: _.remove(), phone: _.remove() } as never });
    const profile = await profileOf(otherGrid.residents[0]!.openid);
    const expected: GridLeaderContact[] = [
      { role: 'gridLeader', displayName: seededLeader(otherGrid, 'gridLeader').displayName!, phone: seededLeader(otherGrid, 'gridLeader').phone! },
      {
        role: 'partyGroupLeader',
        displayName: seededLeader(otherGrid, 'partyGroupLeader').displayName!,
        phone: seededLeader(otherGrid, 'partyGroupLeader').phone!,
      },
      { role: 'buildingLeader' },
    ];
    expect(profile.membership!.leaders).toEqual(expected);
  });

  it('shows a grid leader their grid with the role gridLeader (and nothing of the other leaders)', async () => {
    const profile = await profileOf(grid.leaders.gridLeader);
    expect(profile.membership).toBeNull();
    expect(profile.grids).toEqual([
      { gridId: grid.gridId, gridName: gridName(grid.gridId), villageId: VILLAGE, villageName: villageName(VILLAGE), roles: ['gridLeader'] },
    ]);
    expect(profile.villages).toEqual([]);
    expect(profile.streetAdmin).toBe(false);
    // Other people's openids never appear in the answer.
    expect(JSON.stringify(profile)).not.toContain(grid.leaders.partyGroupLeader);
  });

  it('shows a committee member their village as committee', async () => {
    const profile = await profileOf(backend.street.people.committee[VILLAGE]!);
    expect(profile.grids).toEqual([]);
    expect(profile.villages).toEqual([{ villageId: VILLAGE, villageName: villageName(VILLAGE), roles: ['committee'] }]);
    expect(profile.streetAdmin).toBe(false);
  });

  it('shows a duty officer their village as dutyOfficer', async () => {
    const profile = await profileOf(backend.street.people.dutyOfficers[VILLAGE]!);
    expect(profile.villages).toEqual([{ villageId: VILLAGE, villageName: villageName(VILLAGE), roles: ['dutyOfficer'] }]);
  });

  it('shows the street admin every village of the street as streetAdmin', async () => {
    const profile = await profileOf(backend.street.people.admin);
    expect(profile.streetAdmin).toBe(true);
    const expected = backend.street.villages
      .map((v) => ({ villageId: v.id, villageName: v.name, roles: ['streetAdmin'] }))
      .sort((a, b) => (a.villageId < b.villageId ? -1 : 1));
    expect(expected.length).toBeGreaterThan(1);
    expect(profile.villages).toEqual(expected);
    expect(profile.grids).toEqual([]);
  });

  it('gives an unknown user an empty profile, not an error', async () => {
    expect(await profileOf('o-nobody-we-know')).toEqual({ membership: null, grids: [], villages: [], streetAdmin: false, reminders: NO_REMINDERS });
  });

  it('counts the reminders the caller holds per template: each accepted consent adds one, a retried grant none', async () => {
    const leader = grid.leaders.partyGroupLeader;
    const before = (await profileOf(leader)).reminders;
    expect(before.longTerm).toBe(false);
    const grant = async (grantId: string, acceptedTemplateIds: string[]) =>
      expect(await backend.call('recordSubscription', { grantId, acceptedTemplateIds }, leader)).toMatchObject({ ok: true });
    await grant('grant-profile-1', [DEFAULT_TEMPLATE_IDS.requestAssigned, DEFAULT_TEMPLATE_IDS.requestDueSoon]);
    await grant('grant-profile-2', [DEFAULT_TEMPLATE_IDS.requestAssigned]);
    await grant('grant-profile-2', [DEFAULT_TEMPLATE_IDS.requestAssigned]);
    const after = (await profileOf(leader)).reminders;
    expect(after.left).toEqual({
      ...before.left,
      requestAssigned: (before.left.requestAssigned ?? 0) + 2,
      requestDueSoon: (before.left.requestDueSoon ?? 0) + 1,
    });
    // Only the caller's own: another leader's counts did not move.
    expect((await profileOf(grid.leaders.buildingLeader)).reminders.left.requestAssigned).toBe(before.left.requestAssigned);
  });

  it('refuses any field in the input (the caller is only ever the openid)', async () => {
    const res = await backend.call('getMyProfile', { openid: grid.leaders.gridLeader }, 'o-nobody-we-know');
    expect(res.ok).toBe(false);
    expect(res.code).toBe('INPUT.INVALID');
  });
});

describe('getMyProfile with some templates long-term (长期订阅)', () => {
  let longTerm: TestBackend;
  beforeAll(async () => {
    longTerm = await startTestBackend({ functionEnv: { LONG_TERM_SUBSCRIPTIONS: 'requestAssigned,requestEscalated' } });
  });
  afterAll(() => longTerm.emu.stop());

  it('keeps no count for a long-term template (a send spends nothing: null), and counts the others', async () => {
    const leader = longTerm.street.people.grids[0]!.leaders.gridLeader;
    const grant = await longTerm.call(
      'recordSubscription',
      { grantId: 'grant-long-1', acceptedTemplateIds: [DEFAULT_TEMPLATE_IDS.requestAssigned, DEFAULT_TEMPLATE_IDS.requestDueSoon] },
      leader,
    );
    expect(grant).toMatchObject({ ok: true });
    const res = await longTerm.call<MyProfile>('getMyProfile', {}, leader);
    expect(res.data?.reminders).toEqual({
      longTerm: false,
      left: { requestAssigned: null, requestEscalated: null, requestDueSoon: 1, requestUpdated: 0, noticePublished: 0 },
    });
  });
});
