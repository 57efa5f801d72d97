// 回访 through the real SDK: a one-star rating creates exactly one follow-up for the committee (a
// retried confirm, even one whose first attempt stored the rating but not the follow-up, still one);
// a reopen creates one; listFollowUps shows them to the committee, open first, with the request and
// the household's door, and refuses a resident and another village; recordFollowUp closes one and
// the week's report counts it done.
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { FollowUpList, FollowUpView, RequestView } from '../../core/src/schemas';
import type { ReportView } from '../../core/src/schemas/reports';
import { useTestBackend, type TestBackend } from '../helpers/backend';
import { submit } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((b) => {
  backend = b;
});

const grid = () => backend.street.people.grids[0]!;
const committee = () => backend.street.people.committee.v01!;
const thisWeek = { kind: 'week', date: '2026-11-24' } as const;

async function ok<T>(name: string, data: unknown, openid: string): Promise<T> {
  const res = await backend.call<T>(name, data, openid);
  expect(res, name).toMatchObject({ ok: true });
  return res.data!;
}

/** A request of the first grid's first resident, answered and resolved by its grid leader. */
async function resolvedRequest(text: string): Promise<RequestView> {
  const g = grid();
  const request = await submit(backend, g.residents[0]!.openid, text, { category: 'medicine' });
  await ok('respondRequest', { requestId: request.id, message: '马上到' }, g.leaders.gridLeader);
  return ok<RequestView>('updateRequestStatus', { requestId: request.id, action: 'resolve', note: '药已送到' }, g.leaders.gridLeader);
}

async function followUpDocs(requestId: string): Promise<Array<{ _id: string; state: string }>> {
  const all = (await backend.emu.control.collection(COLLECTIONS.followUps)) as Array<{ _id: string; requestId: string; state: string }>;
  return all.filter((f) => f.requestId === requestId);
}

describe('follow-ups (回访)', () => {
  let lowRated: RequestView;
  let reopened: RequestView;

  it('a one-star rating creates exactly one follow-up, a retried confirm none more', async () => {
    lowRated = await resolvedRequest('帮忙买降压药');
    const resident = grid().residents[0]!.openid;
    await ok('confirmRequest', { requestId: lowRated.id, rating: 1, comment: '根本没人来' }, resident);
    expect((await followUpDocs(lowRated.id)).map((f) => f._id)).toEqual([`${lowRated.id}:rating`]);
    const retried = await backend.call('confirmRequest', { requestId: lowRated.id, rating: 1, comment: '根本没人来' }, resident);
    expect(retried).toMatchObject({ ok: false, code: 'REQUEST.ILLEGAL_TRANSITION' });
    expect(await followUpDocs(lowRated.id)).toHaveLength(1);
  });

  it('a retried confirm whose first attempt stored only the rating creates the follow-up once', async () => {
    const request = await resolvedRequest('楼道灯坏了');
    const resident = grid().residents[0]!.openid;
    await ok('confirmRequest', { requestId: request.id, rating: 2 }, resident);
    // As if the function had died between the request's write and the follow-up's.
    await backend.db.collection(COLLECTIONS.followUps).where({ requestId: request.id }).remove();
    expect(await followUpDocs(request.id)).toHaveLength(0);
    await backend.call('confirmRequest', { requestId: request.id, rating: 2 }, resident);
    await backend.call('confirmRequest', { requestId: request.id, rating: 2 }, resident);
    expect((await followUpDocs(request.id)).map((f) => f._id)).toEqual([`${request.id}:rating`]);
  });

  it('a follow-up whose write failed is derived again when the committee opens the list, once', async () => {
    const request = await resolvedRequest('门锁坏了');
    const resident = grid().residents[0]!.openid;
    await backend.emu.control.injectFault({ target: 'databaseWrite', name: COLLECTIONS.followUps, count: 1 });
    // The rating is stored and the resident told it went through; the follow-up's write failed.
    await ok('confirmRequest', { requestId: request.id, rating: 1, comment: '没修好' }, resident);
    expect(await followUpDocs(request.id)).toHaveLength(0);
    const list = await ok<FollowUpList>('listFollowUps', {}, committee());
    expect(list.items.filter((f) => f.requestId === request.id).map((f) => [f.id, f.comment])).toEqual([[`${request.id}:rating`, '没修好']]);
    await ok('listFollowUps', {}, committee());
    expect(await followUpDocs(request.id)).toHaveLength(1);
    // Recorded at once, so the counts below are those of the other follow-ups.
    await ok('recordFollowUp', { followUpId: `${request.id}:rating`, outcome: 'resolved' }, committee());
  });

  it('a good rating creates none; a reopen creates one', async () => {
    const resident = grid().residents[0]!.openid;
    const fine = await resolvedRequest('送米');
    await ok('confirmRequest', { requestId: fine.id, rating: 4 }, resident);
    expect(await followUpDocs(fine.id)).toHaveLength(0);
    reopened = await resolvedRequest('水管漏水');
    await ok('reopenRequest', { requestId: reopened.id, reason: '还在漏' }, resident);
    await backend.call('reopenRequest', { requestId: reopened.id, reason: '还在漏' }, resident);
    expect((await followUpDocs(reopened.id)).map((f) => f._id)).toEqual([`${reopened.id}:1`]);
  });

  it('listFollowUps shows the committee the open ones with the request and the door, and refuses others', async () => {
    const list = await ok<FollowUpList>('listFollowUps', {}, committee());
    expect(list.villageId).toBe('v01');
    expect(list.openCount).toBe(3);
    const low = list.items.find((f) => f.requestId === lowRated.id)!;
    const household = backend.street.households.find((h) => h.id === grid().residents[0]!.householdId)!;
    expect(low).toMatchObject({
      id: `${lowRated.id}:rating`,
      reason: 'lowRating',
      category: 'medicine',
      text: '帮忙买降压药',
      rating: 1,
      comment: '根本没人来',
      gridName: '第1网格',
      building: household.building,
      unit: household.unit,
      room: household.room,
      state: 'open',
    });
    expect(list.items.find((f) => f.requestId === reopened.id)).toMatchObject({ reason: 'reopened', reopenReason: '还在漏' });
    // No openid of anyone in the list.
    const text = JSON.stringify(list);
    for (const openid of [grid().residents[0]!.openid, grid().leaders.gridLeader, committee()]) expect(text).not.toContain(openid);

    expect(await backend.call('listFollowUps', {}, grid().residents[0]!.openid)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(await backend.call('listFollowUps', {}, grid().leaders.gridLeader)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(await backend.call('listFollowUps', { villageId: 'v01' }, backend.street.people.committee.v02!)).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
  });

  it('recordFollowUp closes it (the same record again is a no-op) and the report counts it done', async () => {
    const id = `${lowRated.id}:rating`;
    const resident = grid().residents[0]!.openid;
    expect(await backend.call('recordFollowUp', { followUpId: id, outcome: 'resolved' }, resident)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const done = await ok<FollowUpView>('recordFollowUp', { followUpId: id, outcome: 'explained', note: '已电话说明，下午补送' }, committee());
    expect(done).toMatchObject({ id, state: 'done', outcome: 'explained', note: '已电话说明，下午补送' });
    expect(await ok<FollowUpView>('recordFollowUp', { followUpId: id, outcome: 'explained', note: '已电话说明，下午补送' }, committee())).toEqual(done);
    expect(await backend.call('recordFollowUp', { followUpId: id, outcome: 'unreachable' }, committee())).toMatchObject({
      ok: false,
      code: 'FOLLOW_UP.ALREADY_RECORDED',
    });
    expect(await backend.call('recordFollowUp', { followUpId: 'nothing:rating', outcome: 'resolved' }, committee())).toMatchObject({
      ok: false,
      code: 'FOLLOW_UP.NOT_FOUND',
    });

    const list = await ok<FollowUpList>('listFollowUps', {}, committee());
    expect(list.openCount).toBe(2);
    expect(list.items.map((f) => f.state)).toEqual(['open', 'open', 'done', 'done']);

    const report = await ok<ReportView>('getReport', { groupBy: 'grid', period: thisWeek }, committee());
    const first = report.groups.find((r) => r.key === grid().gridId)!;
    // Four this week (two stars, one star, the derived one, the reopen); two recorded.
    expect(first.figures).toMatchObject({ followUpsCreated: 4, followUpsDone: 2 });
    expect(report.overall).toMatchObject({ followUpsCreated: 4, followUpsDone: 2 });
  });
});
