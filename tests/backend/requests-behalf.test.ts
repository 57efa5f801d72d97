// 代办 (a request on a household's behalf) through the real wx-server-sdk against the emulator: a grid
// leader submits for a registered household of their grid; it is routed and timed as a resident's own;
// every joined member of the household sees it in listMyRequests with who submitted it; a household of
// another grid, or an unknown one, is refused with nothing written; a leader is still refused for
// themselves. getRequest gives staff the register's phone and the village's quick replies (常用回复).
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, MAX_QUICK_REPLIES, QUICK_REPLY_MAX_LENGTH } from '../../core/src/policy';
import type { Page, RequestSummary } from '../../core/src/schemas';
import { COLLECTIONS } from '../../backend/src/collections';
import { householdResidentId } from '../../backend/src/requests/store';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { STAFF_ACTOR_ID } from '../../core/src/residentView';
import { getAs, newKey, requestCount, type SubmitReply } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const grid = (i: number) => backend.street.people.grids[i]!;

async function submitFor(openid: string, householdId: string, text: string, extra: Record<string, unknown> = {}) {
  return backend.call<SubmitReply>(
    'submitRequest',
    { category: 'medicine', text, idempotencyKey: newKey('behalf'), onBehalfOf: { householdId }, ...extra },
    openid,
  );
}

async function myRequests(openid: string): Promise<RequestSummary[]> {
  const reply = await backend.call<Page<RequestSummary>>('listMyRequests', {}, openid);
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  return reply.data!.items;
}

describe('代办: submitRequest onBehalfOf', () => {
  it("a leader submits for a joined household: routed and timed as usual, in every member's list with who submitted it", async () => {
    const g = grid(0);
    const leader = g.leaders.buildingLeader;
    const { openid: resident, householdId } = g.residents[0]!;
    // A second member of the same household joins later.
    const spouse = `${resident}-spouse`;
    await backend.db
      .collection(COLLECTIONS.memberships)
      .doc(spouse)
      .set({ data: { userId: spouse, gridId: g.gridId, villageId: g.villageId, householdId, joinedAt: Date.now() + 1 } });

    const reply = await submitFor(leader, householdId, '老人电话说降压药吃完了');
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const request = reply.data!.request;
    expect(request).toMatchObject({ householdId, gridId: g.gridId, villageId: g.villageId, residentId: resident, submittedBy: leader, state: 'submitted' });
    expect(request.events[0]).toMatchObject({ kind: 'submit', actorId: leader });
    // Routed as a resident's own: to the grid's leader, with the usual ten-minute target.
    expect(request.responders).toEqual([g.leaders.gridLeader]);
    expect(request.responseDueAt - request.submittedAt).toBe(DEFAULT_POLICY.responseTargetMs);

    for (const member of [resident, spouse]) {
      const listed = (await myRequests(member)).find((r) => r.id === request.id);
      // Residents are shown that staff submitted it, not who by openid.
      expect(listed, member).toMatchObject({ submittedBy: STAFF_ACTOR_ID, householdId });
      // And the member may open it; the spouse is told they only view it.
      const opened = await getAs(backend, request.id, member);
      expect(opened.submittedBy).toBe(STAFF_ACTOR_ID);
      expect(opened.householdMemberView).toBe(member === spouse ? true : undefined);
    }
    // Only the named resident may act on it: the spouse's cancel is refused like anyone else's.
    const leaderReply = await backend.call('respondRequest', { requestId: request.id, message: '下午送到' }, g.leaders.gridLeader);
    expect(leaderReply.ok).toBe(true);
    // The state filter applies to the household's 代办 requests too.
    const byState = async (states: string[]) =>
      ((await backend.call<Page<RequestSummary>>('listMyRequests', { states }, spouse)).data?.items ?? []).map((r) => r.id);
    expect(await byState(['responded'])).toEqual([request.id]);
    expect(await byState(['submitted'])).toEqual([]);
    expect((await backend.call('cancelRequest', { requestId: request.id }, spouse)).ok).toBe(false);
    // A same-key retry by the leader returns the first request.
    const again = await backend.call<SubmitReply>(
      'submitRequest',
      { category: 'medicine', text: '老人电话说降压药吃完了', idempotencyKey: request.idempotencyKey, onBehalfOf: { householdId } },
      leader,
    );
    expect(again.data).toMatchObject({ duplicate: true, request: { id: request.id } });
  }, 60_000);

  it('a household nobody has joined gets a household-scoped resident; a resident joining later sees the request', async () => {
    const g = grid(1);
    const { openid, householdId } = g.unjoined[0]!;
    const reply = await submitFor(g.leaders.gridLeader, householdId, '独居老人家里停水了', { category: 'repairs' });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const request = reply.data!.request;
    expect(request.residentId).toBe(householdResidentId(householdId));
    expect(await myRequests(openid)).toEqual([]);
    // A reply tells nobody (there is no openid to message), and leaves nothing owed.
    expect((await backend.call('respondRequest', { requestId: request.id, message: '马上上门' }, g.leaders.gridLeader)).ok).toBe(true);
    const outbox = (await backend.emu.control.outbox('subscribeMessage.send')) as Array<{ request: { touser?: string } }>;
    expect(outbox.filter((m) => m.request.touser?.startsWith('household:'))).toEqual([]);
    const docs = (await backend.emu.control.collection('requests')) as Array<{
      _id: string;
      effects?: Record<string, { kind: string; payload: { userId?: string } }>;
    }>;
    const effects = Object.values(docs.find((d) => d._id === request.id)?.effects ?? {});
    expect(effects.filter((e) => e.payload.userId === request.residentId)).toEqual([]);
    await backend.db
      .collection(COLLECTIONS.memberships)
      .doc(openid)
      .set({ data: { userId: openid, gridId: g.gridId, villageId: g.villageId, householdId, joinedAt: Date.now() } });
    expect((await myRequests(openid)).map((r) => r.id)).toEqual([request.id]);
  }, 60_000);

  it("refuses another grid's household, an unknown one and a resident's 代办, writing nothing; a leader is still refused for themselves", async () => {
    const before = await requestCount(backend);
    const otherGrids = grid(2).residents[0]!.householdId;
    const refusals = [
      await submitFor(grid(0).leaders.gridLeader, otherGrids, '替别的网格代办'),
      await submitFor(grid(0).leaders.gridLeader, 'no-such-household', '不存在的住户'),
      // A resident is no grid staff, even for a neighbour of their own grid.
      await submitFor(grid(2).residents[1]!.openid, otherGrids, '邻居代办'),
      // The household's grid is the grid: naming another is refused.
      await submitFor(grid(0).leaders.gridLeader, grid(0).residents[1]!.householdId, '网格不符', { gridId: grid(1).gridId }),
    ];
    for (const refused of refusals) expect(refused).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const own = await backend.call('submitRequest', { category: 'supplies', text: '我自己要提诉求', idempotencyKey: newKey() }, grid(0).leaders.gridLeader);
    expect(own).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(await requestCount(backend)).toBe(before);
  }, 60_000);
});

describe("getRequest for staff: the register's phone and the village's quick replies", () => {
  it("fills residentPhone from the register (the household's phone, else a member's) and returns the quick replies in the committee's order", async () => {
    const g = grid(3);
    const { householdId } = g.residents[0]!;
    const households = backend.db.collection(COLLECTIONS.households);
    await households.doc(householdId).update({
      data: {
        members: [
          { name: '王阿姨', relation: '本人' },
          { name: '王小明', relation: '子女', phone: '13900001111' },
        ],
      },
    });
    const first = (await submitFor(g.leaders.gridLeader, householdId, '帮忙买药')).data!.request;
    const seen = await getAs(backend, first.id, g.leaders.gridLeader);
    expect(seen.household?.residentPhone).toBe('13900001111');
    expect(seen.quickReplies).toEqual([...DEFAULT_POLICY.quickReplies]);
    // The resident is shown neither.
    const own = await getAs(backend, first.id, g.residents[0]!.openid);
    expect(own.quickReplies).toBeUndefined();
    expect(own.household).toBeUndefined();

    await households.doc(householdId).update({ data: { phone: '0571-88880000' } });
    expect((await getAs(backend, first.id, g.leaders.gridLeader)).household?.residentPhone).toBe('0571-88880000');

    const committee = backend.street.people.committee[g.villageId]!;
    const set = await backend.call('setVillagePolicy', { villageId: g.villageId, quickReplies: ['  已上门 ', '明天处理', '已上门'] }, committee);
    // '  已上门 ' and '已上门' differ as given; trimmed, the repeat goes.
    expect(set.ok, JSON.stringify(set)).toBe(true);
    expect((await getAs(backend, first.id, g.leaders.gridLeader)).quickReplies).toEqual(['已上门', '明天处理']);

    const attempt = (quickReplies: unknown) => backend.call('setVillagePolicy', { villageId: g.villageId, quickReplies }, committee);
    expect(await attempt(['  '])).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(await attempt(['字'.repeat(QUICK_REPLY_MAX_LENGTH + 1)])).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(await attempt(Array.from({ length: MAX_QUICK_REPLIES + 1 }, (_, i) => `回复${i}`))).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    // A leader may not set them.
    expect(await backend.call('setVillagePolicy', { villageId: g.villageId, quickReplies: ['x'] }, g.leaders.gridLeader)).toMatchObject({ ok: false });
    expect((await getAs(backend, first.id, g.leaders.gridLeader)).quickReplies).toEqual(['已上门', '明天处理']);
  }, 60_000);
});
