// Residents see staff as roles and names, never openids: every reply a resident gets, through a
// request's whole life (submitted, escalated, answered, resolved, confirmed, cancelled, reopened,
// submitted for their household by staff) and from the notices and their profile, is scanned for the
// openid of any other user of the street.
import { describe, expect, it } from 'vitest';
import { HOUSEHOLD_MEMBER_ID, STAFF_ACTOR_ID } from '../../core/src/residentView';
import type { RequestView } from '../../core/src/schemas';
import { type TestBackend, useTestBackend } from '../helpers/backend';
import { newKey, submit } from './requestsHelpers';

let backend: TestBackend;
useTestBackend((started) => {
  backend = started;
});

/** A grid no other test file's scenario here touches. */
const GRID = 5;
/** Past the escalation to the other 三长 (10 minutes by the default policy). */
const PAST_FIRST_ESCALATION_MS = 11 * 60_000;

const grid = () => backend.street.people.grids[GRID]!;
const resident = () => grid().residents[0]!;

/** Every openid of the street but `own`. */
function othersOpenids(own: string): string[] {
  const { people } = backend.street;
  const all = [
    people.admin,
    ...Object.values(people.dutyOfficers),
    ...Object.values(people.committee),
    ...people.grids.flatMap((g) => [...Object.values(g.leaders), ...g.residents.map((r) => r.openid), ...g.unjoined.map((r) => r.openid)]),
  ];
  return [...new Set(all)].filter((id) => id !== own);
}

/** Calls `name` as the resident and returns the reply, failing if it carries another user's openid. */
async function asResident<T>(name: string, input: Record<string, unknown>): Promise<T> {
  const reply = await backend.call<T>(name, input, resident().openid);
  expect(reply.ok, `${name}: ${JSON.stringify(reply)}`).toBe(true);
  const text = JSON.stringify(reply);
  expect(
    othersOpenids(resident().openid).filter((id) => text.includes(id)),
    `${name} shows another user's openid`,
  ).toEqual([]);
  return reply.data as T;
}

const staffCall = async (name: string, input: Record<string, unknown>, who: string) => {
  const reply = await backend.call(name, input, who);
  expect(reply.ok, `${name}: ${JSON.stringify(reply)}`).toBe(true);
};

describe("a resident's replies", () => {
  it("never carry another user's openid, through a request's whole life, notices and the profile", async () => {
    const { leaders } = grid();
    const submitted = await asResident<{ request: RequestView }>('submitRequest', {
      category: 'supplies',
      text: '家里没有米了',
      idempotencyKey: newKey('scan'),
    });
    const id = submitted.request.id;
    expect(submitted.request.responders).toEqual([]);
    // Told who was told, by role and name: the grid leader routing chose.
    expect(submitted.request.handledBy).toEqual([expect.stringMatching(/^网格长 /)]);

    // Escalated to the other 三长 (the event names its recipients for staff), then answered and resolved.
    await backend.emu.control.advance(PAST_FIRST_ESCALATION_MS);
    await staffCall('respondRequest', { requestId: id, message: '收到，马上送来' }, leaders.gridLeader);
    const seen = await asResident<RequestView>('getRequest', { requestId: id });
    expect(seen.escalationLevel).toBe(1);
    expect(seen.handledBy?.length).toBeGreaterThan(0);
    const reply = seen.events.find((e) => e.kind === 'respond');
    expect(reply).toMatchObject({ actorId: STAFF_ACTOR_ID });
    expect(reply?.actorLabel).toMatch(/^网格长/);
    await asResident('listMyRequests', {});
    await staffCall('updateRequestStatus', { requestId: id, action: 'resolve', note: '已送到' }, leaders.gridLeader);
    await asResident('confirmRequest', { requestId: id, rating: 5 });

    const reopened = await submit(backend, resident().openid, '水管又漏了');
    await staffCall('respondRequest', { requestId: reopened.id, message: '收到' }, leaders.gridLeader);
    await staffCall('updateRequestStatus', { requestId: reopened.id, action: 'resolve', note: '修好了' }, leaders.gridLeader);
    await asResident('reopenRequest', { requestId: reopened.id, reason: '还是漏' });
    const cancelled = await submit(backend, resident().openid, '想问问社区活动');
    await asResident('cancelRequest', { requestId: cancelled.id });

    // 代办: the grid leader submits for the resident's household; the resident sees it as staff's.
    await staffCall(
      'submitRequest',
      { category: 'medicine', text: '老人电话说药吃完了', idempotencyKey: newKey('scan-behalf'), onBehalfOf: { householdId: resident().householdId } },
      leaders.gridLeader,
    );
    const mine = await asResident<{ items: RequestView[] }>('listMyRequests', {});
    const behalf = mine.items.find((r) => r.submittedBy !== undefined);
    expect(behalf?.submittedBy).toBe(STAFF_ACTOR_ID);
    expect([resident().openid, HOUSEHOLD_MEMBER_ID]).toContain(behalf?.residentId);
    if (behalf) await asResident('getRequest', { requestId: behalf.id });

    // A village notice, read by the resident.
    const village = grid().villageId;
    const published = await backend.call<{ notice: { id: string } }>(
      'publishNotice',
      {
        title: '停水通知',
        body: '明天上午九点到十二点停水，请提前储水。',
        scope: { kind: 'village', villageId: village },
        idempotencyKey: newKey('scan-notice'),
      },
      backend.street.people.committee[village]!,
    );
    expect(published.ok).toBe(true);
    const notices = await asResident<{ notices: Array<{ id: string; publishedBy: string }> }>('listNotices', {});
    expect(notices.notices.find((n) => n.id === published.data?.notice.id)?.publishedBy).toBe(STAFF_ACTOR_ID);
    await asResident('markNoticeRead', { noticeId: published.data?.notice.id });
    await asResident('getMyProfile', {});
  });
});
