// Requests (诉求) through the real wx-server-sdk against the emulator: the whole story within the
// golden 10 minutes, idempotent submission, content safety, illegal transitions, scope and schema.
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, DAY_MS, DEFAULT_AUTO_CLOSE_AFTER_DAYS } from '../../core/src/policy';
import type { InboxItem, RequestView } from '../../core/src/schemas';
import { remainingAuthorisations, TEMPLATE_IDS } from '../../backend/src/notify';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { getAs, inboxItems, newKey, requestCount, sendsTo, submit, type SubmitReply } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const people = () => backend.street.people;
const grid = (i: number) => people().grids[i]!;
const resident = (g: number, r = 0) => grid(g).residents[r]!.openid;

interface InboxReply {
  view: string;
  page: { items: InboxItem[]; nextCursor: string | null };
}

describe('the whole story within the golden 10 minutes', () => {
  it('submit → inbox + subscribe message → reply at 4 min → resolve → confirm with 5 stars', async () => {
    const leader = grid(0).leaders.gridLeader;
    const sub = await backend.call('recordSubscription', { acceptedTemplateIds: [TEMPLATE_IDS.requestAssigned], grantId: 'grant-requests-0001' }, leader);
    expect(sub.ok).toBe(true);

    const submittedAt = await backend.emu.control.now();
    const request = await submit(backend, resident(0), '家里老人发烧，需要买退烧药');
    expect(request.state).toBe('submitted');
    expect(request.gridId).toBe(grid(0).gridId);
    expect(request.routedTo).toEqual([leader]);
    expect(request.responseDueAt - request.submittedAt).toBe(10 * MINUTE_MS);
    expect(request.submittedAt).toBeGreaterThanOrEqual(submittedAt);

    const inbox = await backend.call<InboxReply>('listInbox', { view: 'mine' }, leader);
    expect(inbox.ok).toBe(true);
    const item = inbox.data!.page.items.find((i) => i.requestId === request.id);
    expect(item).toMatchObject({ userId: leader, state: 'submitted', open: true, category: 'supplies', notified: 'sent' });
    const sends = await sendsTo(backend, leader, TEMPLATE_IDS.requestAssigned);
    expect(sends.length).toBe(1);
    // The leader's own page of the request, in packageLeader.
    expect(sends[0]!.request.page).toBe(`packageLeader/pages/request/index?id=${request.id}`);

    await backend.emu.control.advance(4 * MINUTE_MS);
    const responded = await backend.call<RequestView>('respondRequest', { requestId: request.id, message: '马上帮您去药店买', expectedVersion: 1 }, leader);
    expect(responded.ok).toBe(true);
    expect(responded.data!.state).toBe('responded');
    expect(responded.data!.firstResponseBy).toBe(leader);
    // The clock's wall time moves on slightly between calls; 4 minutes of emulator time passed.
    expect(responded.data!.firstResponseMs).toBeGreaterThanOrEqual(4 * MINUTE_MS);
    expect(responded.data!.firstResponseMs).toBeLessThan(5 * MINUTE_MS);
    expect(responded.data!.nextEscalationAt).toBeNull();
    const respondEvent = responded.data!.events.find((e) => e.kind === 'respond');
    expect(respondEvent?.data).toMatchObject({ withinTarget: true });

    const resolved = await backend.call<RequestView>('updateRequestStatus', { requestId: request.id, action: 'resolve', note: '药已送到家门口' }, leader);
    expect(resolved.ok).toBe(true);
    expect(resolved.data!.state).toBe('resolved');
    expect(resolved.data!.autoCloseAt).toBe(resolved.data!.resolvedAt! + DEFAULT_AUTO_CLOSE_AFTER_DAYS * DAY_MS);

    const confirmed = await backend.call<RequestView>('confirmRequest', { requestId: request.id, rating: 5, comment: '很及时' }, resident(0));
    expect(confirmed.ok).toBe(true);
    expect(confirmed.data!.state).toBe('confirmed');
    expect(confirmed.data!.rating).toBe(5);

    const seen = await getAs(backend, request.id, resident(0));
    expect(seen.events.map((e) => e.kind)).toEqual(['submit', 'respond', 'resolve', 'confirm']);
    expect(seen.autoCloseAt).toBeNull();
    const items = await inboxItems(backend, request.id);
    expect(items.every((i) => i.state === 'confirmed' && !i.open)).toBe(true);
  });

  it('records noAuthorisation on the inbox item when the leader holds no authorisation', async () => {
    const leader = grid(1).leaders.gridLeader;
    const request = await submit(backend, resident(1), '楼道灯坏了');
    const items = await inboxItems(backend, request.id);
    expect(items).toHaveLength(1);
    // Consent ran out, so the SMS fallback reached the leader's mobile instead.
    expect(items[0]).toMatchObject({ userId: leader, notified: 'noAuthorisation', sms: 'sent' });
    expect(await sendsTo(backend, leader, TEMPLATE_IDS.requestAssigned)).toHaveLength(0);
  });

  it('notifies the resident when the leader replies, if the resident subscribed', async () => {
    const me = resident(2, 1);
    await backend.call('recordSubscription', { acceptedTemplateIds: [TEMPLATE_IDS.requestUpdated], grantId: 'grant-requests-0002' }, me);
    const request = await submit(backend, me, '想咨询一下疫苗接种的时间');
    const reply = await backend.call('respondRequest', { requestId: request.id, message: '明天上午九点社区卫生站' }, grid(2).leaders.gridLeader);
    expect(reply.ok).toBe(true);
    const sends = await sendsTo(backend, me, TEMPLATE_IDS.requestUpdated);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.request.data!.thing2!.value).toBe('已响应');
    // The resident's own page of the request, in the main package.
    expect(sends[0]!.request.page).toBe(`pages/request/index?id=${request.id}`);
  });
});

describe('submission', () => {
  it('a retry with the same idempotency key returns the first request and stores no second one', async () => {
    const me = resident(0, 1);
    const body = { category: 'repairs', text: '水管漏水', idempotencyKey: newKey('retry') };
    const first = await backend.call<SubmitReply>('submitRequest', body, me);
    const before = await requestCount(backend);
    const second = await backend.call<SubmitReply>('submitRequest', body, me);
    expect(first.ok && second.ok).toBe(true);
    expect(second.data!.duplicate).toBe(true);
    expect(second.data!.request.id).toBe(first.data!.request.id);
    expect(await requestCount(backend)).toBe(before);
    expect(await inboxItems(backend, first.data!.request.id)).toHaveLength(1);
  });

  it('two concurrent submissions with one key store one request', async () => {
    const me = resident(0, 2);
    const body = { category: 'repairs', text: '门锁坏了', idempotencyKey: newKey('race') };
    const before = await requestCount(backend);
    const [a, b] = await Promise.all([backend.call<SubmitReply>('submitRequest', body, me), backend.call<SubmitReply>('submitRequest', body, me)]);
    expect(a.ok && b.ok).toBe(true);
    expect(a.data!.request.id).toBe(b.data!.request.id);
    expect([a.data!.duplicate, b.data!.duplicate].sort()).toEqual([false, true]);
    expect(await requestCount(backend)).toBe(before + 1);
  });

  it('risky content is refused and nothing is written', async () => {
    const before = await requestCount(backend);
    const inboxBefore = (await backend.emu.control.collection('inbox')).length;
    const reply = await backend.call('submitRequest', { category: 'other', text: '有人在楼里赌博', idempotencyKey: newKey() }, resident(0, 3));
    expect(reply).toMatchObject({ ok: false, code: 'CONTENT.RISKY' });
    expect(await requestCount(backend)).toBe(before);
    expect((await backend.emu.control.collection('inbox')).length).toBe(inboxBefore);
  });

  it('extra fields (openid, residentId) are refused by the schema and nothing is written', async () => {
    const before = await requestCount(backend);
    for (const extra of [{ openid: resident(3) }, { residentId: resident(3) }]) {
      const reply = await backend.call('submitRequest', { category: 'other', text: '测试', idempotencyKey: newKey(), ...extra }, resident(0, 3));
      expect(reply).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    }
    expect(await requestCount(backend)).toBe(before);
  });

  it('a gridId other than the resident’s own is refused and nothing is written', async () => {
    const before = await requestCount(backend);
    const reply = await backend.call('submitRequest', { category: 'other', text: '测试', idempotencyKey: newKey(), gridId: grid(3).gridId }, resident(0, 3));
    expect(reply).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(await requestCount(backend)).toBe(before);
  });

  it('someone who has not joined a grid cannot submit', async () => {
    const reply = await backend.call('submitRequest', { category: 'other', text: '你好', idempotencyKey: newKey() }, grid(0).unjoined[0]!.openid);
    expect(reply).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});

describe('transitions and scope', () => {
  it('confirm before resolve and cancel after a reply are illegal transitions', async () => {
    const me = resident(3, 0);
    const request = await submit(backend, me, '小区垃圾没人清运');
    const early = await backend.call('confirmRequest', { requestId: request.id, rating: 4 }, me);
    expect(early).toMatchObject({ ok: false, code: 'REQUEST.ILLEGAL_TRANSITION' });
    const reply = await backend.call('respondRequest', { requestId: request.id, message: '已联系保洁' }, grid(3).leaders.gridLeader);
    expect(reply.ok).toBe(true);
    const cancel = await backend.call('cancelRequest', { requestId: request.id }, me);
    expect(cancel).toMatchObject({ ok: false, code: 'REQUEST.ILLEGAL_TRANSITION' });
    expect((await getAs(backend, request.id, me)).state).toBe('responded');
  });

  it('the resident can cancel before the first reply; the inbox follows', async () => {
    const me = resident(3, 1);
    const request = await submit(backend, me, '想问一下低保怎么申请');
    const cancel = await backend.call<RequestView>('cancelRequest', { requestId: request.id, reason: '已经问到了' }, me);
    expect(cancel.ok).toBe(true);
    expect(cancel.data!.state).toBe('cancelled');
    expect(cancel.data!.nextEscalationAt).toBeNull();
    const items = await inboxItems(backend, request.id);
    expect(items.every((i) => i.state === 'cancelled' && !i.open)).toBe(true);
  });

  it('a stale expectedVersion and a lost race answer REQUEST.STALE', async () => {
    const request = await submit(backend, resident(3, 2), '停水了吗');
    const leader = grid(3).leaders.gridLeader;
    const stale = await backend.call('respondRequest', { requestId: request.id, message: '是的', expectedVersion: 7 }, leader);
    expect(stale).toMatchObject({ ok: false, code: 'REQUEST.STALE' });
    const [a, b] = await Promise.all([
      backend.call('respondRequest', { requestId: request.id, message: '下午恢复', expectedVersion: 1 }, leader),
      backend.call('respondRequest', { requestId: request.id, message: '下午三点恢复', expectedVersion: 1 }, leader),
    ]);
    const codes = [a, b].map((r) => (r.ok ? 'ok' : r.code)).sort();
    expect(codes).toEqual(['REQUEST.STALE', 'ok']);
    const seen = await getAs(backend, request.id, leader);
    expect(seen.events.filter((e) => e.kind === 'respond')).toHaveLength(1);
  });

  it('a resident of another grid cannot see or answer the request; another grid’s leader cannot answer', async () => {
    const request = await submit(backend, resident(4, 0), '邻居装修噪音太大');
    const outsider = resident(5, 0);
    expect(await backend.call('getRequest', { requestId: request.id }, outsider)).toMatchObject({ ok: false, code: 'REQUEST.NOT_FOUND' });
    expect(await backend.call('respondRequest', { requestId: request.id, message: '好的' }, outsider)).toMatchObject({ ok: false, code: 'REQUEST.NOT_FOUND' });
    const otherLeader = grid(5).leaders.gridLeader;
    expect(await backend.call('respondRequest', { requestId: request.id, message: '好的' }, otherLeader)).toMatchObject({
      ok: false,
      code: 'REQUEST.NOT_FOUND',
    });
    // The owner sees it but may not answer it herself.
    expect(await backend.call('respondRequest', { requestId: request.id, message: '好的' }, resident(4, 0))).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
    // Staff of the village see it.
    expect((await getAs(backend, request.id, people().committee[grid(4).villageId]!)).id).toBe(request.id);
    expect((await getAs(backend, request.id, people().admin)).id).toBe(request.id);
    const seen = await getAs(backend, request.id, resident(4, 0));
    expect(seen.state).toBe('submitted');
  });

  it('a respond payload with extra fields is refused by the schema and nothing changes', async () => {
    const request = await submit(backend, resident(4, 1), '路灯不亮');
    const reply = await backend.call('respondRequest', { requestId: request.id, message: '好的', openid: grid(4).leaders.gridLeader }, resident(4, 1));
    expect(reply).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect((await getAs(backend, request.id, resident(4, 1))).version).toBe(1);
  });

  it('hands over to another of the 三长 of the grid, but not to someone outside it', async () => {
    const g = grid(4);
    const request = await submit(backend, resident(4, 2), '需要办理居住证明');
    const outside = await backend.call(
      'updateRequestStatus',
      { requestId: request.id, action: 'handOver', toUserId: grid(5).leaders.partyGroupLeader, toRole: 'partyGroupLeader' },
      g.leaders.gridLeader,
    );
    expect(outside).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    const moved = await backend.call<RequestView>(
      'updateRequestStatus',
      { requestId: request.id, action: 'handOver', toUserId: g.leaders.partyGroupLeader, toRole: 'partyGroupLeader', note: '党小组长熟悉' },
      g.leaders.gridLeader,
    );
    expect(moved.ok).toBe(true);
    expect(moved.data!.responders).toEqual([g.leaders.partyGroupLeader]);
    const items = await inboxItems(backend, request.id);
    expect(items.find((i) => i.userId === g.leaders.partyGroupLeader)).toMatchObject({ reason: 'handOver' });
    // Hand-over is not a reply: starting work before one is illegal.
    const early = await backend.call('updateRequestStatus', { requestId: request.id, action: 'startProgress' }, g.leaders.partyGroupLeader);
    expect(early).toMatchObject({ ok: false, code: 'REQUEST.ILLEGAL_TRANSITION' });
    expect((await backend.call('respondRequest', { requestId: request.id, message: '我来办' }, g.leaders.partyGroupLeader)).ok).toBe(true);
    const progress = await backend.call<RequestView>(
      'updateRequestStatus',
      { requestId: request.id, action: 'startProgress', note: '已约好时间' },
      g.leaders.partyGroupLeader,
    );
    expect(progress.data!.state).toBe('inProgress');
  });

  it('reopen after resolve goes back to the responders', async () => {
    const g = grid(5);
    const me = resident(5, 1);
    const request = await submit(backend, me, '家门口的井盖松了');
    await backend.call('respondRequest', { requestId: request.id, message: '收到' }, g.leaders.gridLeader);
    await backend.call('updateRequestStatus', { requestId: request.id, action: 'resolve', note: '已修好' }, g.leaders.gridLeader);
    const reopened = await backend.call<RequestView>('reopenRequest', { requestId: request.id, reason: '还是松的' }, me);
    expect(reopened.ok).toBe(true);
    expect(reopened.data!.state).toBe('reopened');
    expect(reopened.data!.reopenCount).toBe(1);
    expect(reopened.data!.autoCloseAt).toBeNull();
    const again = await backend.call<RequestView>(
      'updateRequestStatus',
      { requestId: request.id, action: 'resolve', note: '换了新的井盖' },
      g.leaders.gridLeader,
    );
    expect(again.data!.state).toBe('resolved');
  });

  it('the sweeper cannot be called by a user', async () => {
    expect(await backend.call('sweepRequests', { Type: 'Timer' }, resident(0))).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});

describe('lists', () => {
  it('listMyRequests shows only my own, newest first, in pages', async () => {
    const me = resident(1, 3);
    const ids: string[] = [];
    for (const text of ['第一条', '第二条', '第三条']) {
      await backend.emu.control.advance(1_000);
      ids.push((await submit(backend, me, text)).id);
    }
    const first = await backend.call<{ items: RequestView[]; nextCursor: string | null }>('listMyRequests', { limit: 2 }, me);
    expect(first.data!.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.data!.nextCursor).not.toBeNull();
    const second = await backend.call<{ items: RequestView[]; nextCursor: string | null }>('listMyRequests', { limit: 2, cursor: first.data!.nextCursor }, me);
    expect(second.data!.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(second.data!.nextCursor).toBeNull();
    expect(second.data!.items.every((r) => r.residentId === me && !('events' in r))).toBe(true);
  });

  it('listInbox: the grid view is for its staff only; a resident gets AUTH.FORBIDDEN', async () => {
    const g = grid(1);
    const asLeader = await backend.call<InboxReply>('listInbox', { view: 'grid', gridId: g.gridId }, g.leaders.buildingLeader);
    expect(asLeader.ok).toBe(true);
    expect(asLeader.data!.page.items.length).toBeGreaterThan(0);
    expect(asLeader.data!.page.items.every((r) => (r as unknown as RequestView).gridId === g.gridId)).toBe(true);
    expect(await backend.call('listInbox', { view: 'grid', gridId: g.gridId }, resident(1, 0))).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(await backend.call('listInbox', { view: 'village', villageId: g.villageId }, g.leaders.gridLeader)).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
    const village = await backend.call<InboxReply>('listInbox', { view: 'village', villageId: g.villageId }, people().dutyOfficers[g.villageId]!);
    expect(village.ok).toBe(true);
  });

  it('recordSubscription counts a retried grant once', async () => {
    const leader = grid(1).leaders.partyGroupLeader;
    const grant = { acceptedTemplateIds: [TEMPLATE_IDS.requestAssigned], grantId: 'grant-requests-retry' };
    expect(await backend.call('recordSubscription', grant, leader)).toMatchObject({ ok: true, data: { duplicate: false } });
    expect(await backend.call('recordSubscription', grant, leader)).toMatchObject({ ok: true, data: { duplicate: true } });
    const remaining = await remainingAuthorisations(backend.db, [leader], TEMPLATE_IDS.requestAssigned);
    expect(remaining[leader]).toBe(1);
  });

  it('recordSubscription refuses unknown template ids', async () => {
    expect(await backend.call('recordSubscription', { acceptedTemplateIds: ['not-ours'], grantId: 'grant-requests-0003' }, resident(0))).toMatchObject({
      ok: false,
      code: 'INPUT.INVALID',
    });
  });
});
