// Rate limits and spam marking through the real wx-server-sdk against the emulator: each limit refuses
// with its code and plain message and writes nothing (no request, inbox item or notice); an urgent
// request always goes through; refusals are counted on the committee dashboard; a grid leader marks a
// request as spam, which closes only that one, tells nobody, and frees the resident's limit.
import { describe, expect, it } from 'vitest';
import { MAX_NOTICES_PER_HOUR, MAX_OPEN_REQUESTS_PER_CATEGORY, MAX_SUBMISSIONS_PER_HOUR } from '../../core/src/limits';
import { REQUEST_CATEGORIES } from '../../core/src/model';
import { HOUR_MS, MINUTE_MS } from '../../core/src/policy';
import type { RequestView } from '../../core/src/schemas';
import type { VillageDashboard } from '../../core/src/schemas/dashboard';
import type { PublishResult } from '../../core/src/schemas/notices';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { inboxItems, newKey, submit, sweepNow, type SubmitReply } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

const people = () => backend.street.people;
const grid = (i: number) => people().grids[i]!;
const resident = (g: number, r = 0) => grid(g).residents[r]!.openid;

const count = async (collection: string): Promise<number> => (await backend.emu.control.collection(collection)).length;

async function dashboardOf(villageId: string): Promise<VillageDashboard> {
  const reply = await backend.call<VillageDashboard>('getVillageDashboard', { villageId }, people().committee[villageId]!);
  if (!reply.ok || !reply.data) throw new Error(`getVillageDashboard failed: ${reply.code}`);
  return reply.data;
}

function submitReply(openid: string, category: string, extra: Record<string, unknown> = {}) {
  return backend.call<SubmitReply>('submitRequest', { category, text: '楼道的灯又坏了，请来修一下', idempotencyKey: newKey('limits'), ...extra }, openid);
}

describe('open requests per category', () => {
  const opened: RequestView[] = [];

  it('refuses the next request of a category while the resident has the limit open in it, and writes nothing', async () => {
    const me = resident(0, 0);
    for (let i = 0; i < MAX_OPEN_REQUESTS_PER_CATEGORY; i += 1) opened.push(await submit(backend, me, `楼道灯坏了 ${i}`, { category: 'repairs' }));
    const [requests, inbox, sends] = [await count('requests'), await count('inbox'), (await backend.emu.control.outbox()).length];

    const refused = await submitReply(me, 'repairs');
    expect(refused).toMatchObject({ ok: false, code: 'LIMIT.OPEN_REQUESTS' });
    expect(refused.message).toBe(`您已有${MAX_OPEN_REQUESTS_PER_CATEGORY}件未办结的同类诉求，请等待处理或直接联系网格长；紧急情况请勾选"紧急"`);
    expect(await count('requests')).toBe(requests);
    expect(await count('inbox')).toBe(inbox);
    // No message went out either (the content check runs before the limit; no send follows it).
    const after = (await backend.emu.control.outbox()) as Array<{ api: string }>;
    expect(after.slice(sends).filter((m) => m.api === 'subscribeMessage.send')).toEqual([]);

    // Another category is not limited by this one.
    expect((await submitReply(me, 'medicine')).ok).toBe(true);
  });

  it('answers a same-key retry of a stored request as a retry, not a refusal', async () => {
    const me = resident(0, 1);
    const key = newKey('retry');
    for (let i = 0; i < MAX_OPEN_REQUESTS_PER_CATEGORY - 1; i += 1) await submit(backend, me, `门口垃圾没人收 ${i}`, { category: 'sanitation' });
    const first = await submitReply(me, 'sanitation', { idempotencyKey: key });
    expect(first.data?.duplicate).toBe(false);
    const again = await submitReply(me, 'sanitation', { idempotencyKey: key });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, request: { id: first.data!.request.id } } });
  });

  it('lets an urgent request through whatever the limits', async () => {
    // resident(0, 1) has the limit open in sanitation now.
    expect((await submitReply(resident(0, 1), 'sanitation')).code).toBe('LIMIT.OPEN_REQUESTS');
    const urgent = await submitReply(resident(0, 1), 'sanitation', { urgent: true });
    expect(urgent.ok).toBe(true);
    expect(urgent.data!.request.urgent).toBe(true);
  });

  it("counts the refusals on the village's dashboard, by limit, for today", async () => {
    const dashboard = await dashboardOf(grid(0).villageId);
    expect(dashboard.limitRefusalsToday).toEqual({ openRequests: 2, submissionsPerHour: 0, noticesPerHour: 0 });
  });

  it('a non-staff caller cannot mark a request as spam: its resident is refused, another resident does not see it', async () => {
    const target = opened[0]!;
    const own = await backend.call('updateRequestStatus', { requestId: target.id, action: 'markSpam' }, resident(0, 0));
    expect(own).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    const neighbour = await backend.call('updateRequestStatus', { requestId: target.id, action: 'markSpam' }, resident(0, 2));
    expect(neighbour).toMatchObject({ ok: false, code: 'REQUEST.NOT_FOUND' });
    const stored = (await backend.emu.control.collection('requests')) as Array<{ _id: string; state: string }>;
    expect(stored.find((r) => r._id === target.id)?.state).toBe('submitted');
  });

  it('a grid leader marks one as spam: only it closes, nobody is told, escalation stops, and the resident may submit again', async () => {
    const [target, ...others] = opened;
    const leader = grid(0).leaders.gridLeader;
    const sendsBefore = (await backend.emu.control.outbox('subscribeMessage.send')).length;

    const marked = await backend.call<RequestView>('updateRequestStatus', { requestId: target!.id, action: 'markSpam', note: '重复乱发' }, leader);
    expect(marked.ok).toBe(true);
    expect(marked.data).toMatchObject({ state: 'spam', nextEscalationAt: null });
    expect(marked.data!.events.at(-1)).toMatchObject({ kind: 'markSpam', label: '已标记为无效诉求', note: '重复乱发', actorId: leader });
    expect((await inboxItems(backend, target!.id)).every((i) => i.state === 'spam' && !i.open)).toBe(true);
    expect((await backend.emu.control.outbox('subscribeMessage.send')).length).toBe(sendsBefore);

    // The resident's other requests are untouched.
    const stored = (await backend.emu.control.collection('requests')) as Array<{ _id: string; state: string; version: number }>;
    for (const other of others) expect(stored.find((r) => r._id === other.id)).toMatchObject({ state: 'submitted', version: 1 });

    // Past its deadline it does not escalate; the others do.
    await backend.emu.control.advance(15 * MINUTE_MS);
    await sweepNow(backend);
    const later = (await backend.emu.control.collection('requests')) as Array<{ _id: string; escalationLevel: number }>;
    expect(later.find((r) => r._id === target!.id)?.escalationLevel).toBe(0);
    expect(later.find((r) => r._id === others[0]!.id)?.escalationLevel).toBe(1);

    // Closed, it no longer counts against the open-request limit.
    expect((await submitReply(resident(0, 0), 'repairs')).ok).toBe(true);
  });
});

describe('submissions per hour', () => {
  it('refuses the submission past the hourly limit, lets an urgent one through, and allows more once the hour has passed', async () => {
    const me = resident(1, 0);
    // Spread over categories so that no category reaches its open-request limit.
    for (let i = 0; i < MAX_SUBMISSIONS_PER_HOUR; i += 1) {
      const reply = await submitReply(me, REQUEST_CATEGORIES[i % REQUEST_CATEGORIES.length]!);
      expect(reply.ok).toBe(true);
    }
    const [requests, inbox] = [await count('requests'), await count('inbox')];
    const refused = await submitReply(me, 'consultation');
    expect(refused).toMatchObject({ ok: false, code: 'LIMIT.SUBMISSIONS_PER_HOUR' });
    expect(refused.message).toBe(`您一小时内已提交${MAX_SUBMISSIONS_PER_HOUR}件诉求，请稍后再提交或直接联系网格长；紧急情况请勾选"紧急"`);
    expect(await count('requests')).toBe(requests);
    expect(await count('inbox')).toBe(inbox);

    expect((await submitReply(me, 'consultation', { urgent: true })).ok).toBe(true);

    await backend.emu.control.advance(HOUR_MS);
    expect((await submitReply(me, 'consultation')).ok).toBe(true);
    // Counted today under the resident's village.
    expect((await dashboardOf(grid(1).villageId)).limitRefusalsToday.submissionsPerHour).toBe(1);
  });
});

describe('notices per hour', () => {
  it("refuses a village's notice past the hourly limit and writes no notice and no delivery job", async () => {
    const village = 'v02';
    const committee = people().committee[village]!;
    const publish = (key: string) =>
      backend.call<PublishResult>(
        'publishNotice',
        { title: '停水通知', body: '明天上午九点到十一点停水，请提前储水。', scope: { kind: 'village', villageId: village }, idempotencyKey: key },
        committee,
      );
    let lastKey = '';
    for (let i = 0; i < MAX_NOTICES_PER_HOUR; i += 1) {
      lastKey = newKey('notice');
      expect((await publish(lastKey)).ok).toBe(true);
    }
    const [notices, jobs] = [await count('notices'), await count('deliveryJobs')];

    const refused = await publish(newKey('notice'));
    expect(refused).toMatchObject({ ok: false, code: 'LIMIT.NOTICES_PER_HOUR' });
    expect(refused.message).toBe(`一小时内已向这里发布${MAX_NOTICES_PER_HOUR}条通知，请稍后再发，或把内容合并到一条通知里`);
    expect(await count('notices')).toBe(notices);
    expect(await count('deliveryJobs')).toBe(jobs);

    // A retry of the last stored one is still answered as a retry.
    expect(await publish(lastKey)).toMatchObject({ ok: true, data: { duplicate: true } });
    expect((await dashboardOf(village)).limitRefusalsToday).toMatchObject({ noticesPerHour: 1 });
  });
});
