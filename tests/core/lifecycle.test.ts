import { describe, expect, it } from 'vitest';
import {
  autoCloseDueAt,
  isAutoCloseDue,
  DAY_MS,
  DEFAULT_POLICY,
  REQUEST_STATE_NAMES,
  resolvePolicy,
  routeRequest,
  submitRequest,
  transition,
  TRANSITIONS,
  isOpen,
  isClosed,
  type Actor,
  type Request,
  type RequestAction,
  type RequestState,
  type TransitionOutcome,
} from '../../core/src';
import { ASSIGNMENTS, at, GRID, newRequest, RESIDENT, STREET, SYSTEM, user, VILLAGE } from './fixtures';

const T0 = at('2026-11-24T10:00');
const resident = user(RESIDENT);
const leader = user('leaderWang');

function step(request: Request, action: RequestAction, actor: Actor, now: number): TransitionOutcome {
  const result = transition(request, action, actor, now, DEFAULT_POLICY);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

/** A request brought to the given state along the usual path. */
function requestIn(state: RequestState): Request {
  let r = newRequest(T0);
  const go = (action: RequestAction, actor: Actor, now: number) => (r = step(r, action, actor, now).request);
  switch (state) {
    case 'submitted':
      return r;
    case 'cancelled':
      go({ kind: 'cancel' }, resident, T0 + 60_000);
      return r;
    default:
  }
  go({ kind: 'respond', message: '收到' }, leader, T0 + 120_000);
  if (state === 'responded') return r;
  if (state === 'inProgress') return step(r, { kind: 'startProgress' }, leader, T0 + 180_000).request;
  go({ kind: 'resolve', note: '已送到' }, leader, T0 + 3_600_000);
  if (state === 'resolved') return r;
  if (state === 'confirmed') return step(r, { kind: 'confirm', rating: 5 }, resident, T0 + 7_200_000).request;
  if (state === 'reopened') return step(r, { kind: 'reopen', reason: '米还没到' }, resident, T0 + 7_200_000).request;
  return step(r, { kind: 'autoClose' }, SYSTEM, T0 + 3_600_000 + 7 * DAY_MS).request;
}

describe('states as data', () => {
  it('knows which states are open', () => {
    expect(REQUEST_STATE_NAMES.filter(isOpen)).toEqual(['submitted', 'responded', 'inProgress', 'resolved', 'reopened']);
    expect(REQUEST_STATE_NAMES.filter(isClosed)).toEqual(['confirmed', 'closed', 'cancelled', 'spam']);
  });
});

describe('submitRequest', () => {
  it('fixes the deadline and the escalation plan, and routes to the grid leader', () => {
    const r = newRequest(T0);
    expect(r).toMatchObject({
      state: 'submitted',
      version: 1,
      responseDueAt: at('2026-11-24T10:10'),
      nextEscalationAt: at('2026-11-24T10:10'),
      escalationLevel: 0,
      routedTo: ['leaderWang'],
      routingOutcome: 'routed',
    });
  });

  it('rejects blank or too long text and too many photos', () => {
    const routing = routeRequest({ place: { streetId: STREET, villageId: VILLAGE, gridId: GRID }, category: 'other' }, [], ASSIGNMENTS);
    const draft = {
      id: 'r9',
      streetId: STREET,
      villageId: VILLAGE,
      gridId: GRID,
      residentId: RESIDENT,
      category: 'other' as const,
      idempotencyKey: 'draft-0009',
    };
    expect(submitRequest({ ...draft, text: '   ' }, routing, DEFAULT_POLICY, T0)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(submitRequest({ ...draft, text: '字'.repeat(501) }, routing, DEFAULT_POLICY, T0)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    // 500 characters, some outside the BMP, is still fine: limits count characters, not UTF-16 units.
    expect(submitRequest({ ...draft, text: '😀'.repeat(500) }, routing, DEFAULT_POLICY, T0).ok).toBe(true);
    const photos = [0, 1, 2, 3].map((i) => `cloud://env.bucket/requests/draft-0009-${i}.jpg`);
    expect(submitRequest({ ...draft, text: '路灯坏了', photos }, routing, DEFAULT_POLICY, T0)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(submitRequest({ ...draft, text: '路灯坏了', photos: photos.slice(0, 3) }, routing, DEFAULT_POLICY, T0).ok).toBe(true);
  });

  it("refuses a photo outside the submission's own folder: getRequest would hand out its URL", () => {
    const routing = routeRequest({ place: { streetId: STREET, villageId: VILLAGE, gridId: GRID }, category: 'other' }, [], ASSIGNMENTS);
    const draft = { id: 'r9', streetId: STREET, villageId: VILLAGE, gridId: GRID, residentId: RESIDENT, category: 'other' as const, text: '路灯坏了' };
    const submitted = (photo: string) => submitRequest({ ...draft, idempotencyKey: 'draft-0010', photos: [photo] }, routing, DEFAULT_POLICY, T0);
    expect(submitted('cloud://env.bucket/requests/draft-0010-0.jpg').ok).toBe(true);
    for (const elsewhere of [
      // Another submission's photo, a weekly report, the register sheet, a resolution, no path at all.
      'cloud://env.bucket/requests/draft-0009-0.jpg',
      'cloud://env.bucket/reports/v01/2026-11-16.xlsx',
      'cloud://env.bucket/households/g01/1764000000000.xlsx',
      'cloud://env.bucket/resolutions/r9-1-0.jpg',
      'cloud://env.bucket',
    ]) {
      expect(submitted(elsewhere), elsewhere).toMatchObject({ ok: false, code: 'INPUT.INVALID', message: '照片没有上传成功，请删除后重新添加' });
    }
  });

  it('says so in the event when nobody in the grid could take it', () => {
    const routing = routeRequest({ place: { streetId: STREET, villageId: VILLAGE, gridId: 'emptyGrid' }, category: 'other' }, [], ASSIGNMENTS);
    const result = submitRequest(
      {
        id: 'r2',
        streetId: STREET,
        villageId: VILLAGE,
        gridId: 'emptyGrid',
        residentId: RESIDENT,
        category: 'other',
        text: '求助',
        idempotencyKey: 'draft-0002',
      },
      routing,
      DEFAULT_POLICY,
      T0,
    );
    expect(result.ok && result.value.event.label).toBe('网格暂无负责人，已转值班员');
    expect(result.ok && result.value.request.responders).toEqual(['dutyZhou', 'dutyWu']);
  });
});

describe('the closed loop', () => {
  it('goes submitted → responded → inProgress → resolved → confirmed', () => {
    let r = newRequest(T0);
    const responded = step(r, { kind: 'respond', message: '收到，十分钟内到' }, leader, at('2026-11-24T10:07'));
    expect(responded.expectedVersion).toBe(1);
    r = responded.request;
    expect(r).toMatchObject({
      state: 'responded',
      version: 2,
      firstResponseAt: at('2026-11-24T10:07'),
      firstResponseBy: 'leaderWang',
      firstResponseMs: 7 * 60_000,
      nextEscalationAt: null,
    });
    expect(responded.event).toMatchObject({
      kind: 'respond',
      fromState: 'submitted',
      toState: 'responded',
      label: '已响应',
      note: '收到，十分钟内到',
      data: { withinTarget: true },
    });

    r = step(r, { kind: 'startProgress' }, user('partyLi'), at('2026-11-24T10:20')).request;
    expect(r.state).toBe('inProgress');
    // A later reply does not move the first-response time.
    expect(r.firstResponseAt).toBe(at('2026-11-24T10:07'));

    const fixPhoto = `cloud://env.bucket/resolutions/${r.id}-1764000000000-0.jpg`;
    const resolved = step(r, { kind: 'resolve', note: '米已送到', photos: [fixPhoto] }, leader, at('2026-11-24T11:00'));
    r = resolved.request;
    expect(r).toMatchObject({ state: 'resolved', resolvedAt: at('2026-11-24T11:00'), resolution: { note: '米已送到', photos: [fixPhoto] } });
    expect(resolved.event.photos).toEqual([fixPhoto]);

    const confirmed = step(r, { kind: 'confirm', rating: 5, comment: '很及时' }, resident, at('2026-11-24T12:00'));
    expect(confirmed.request).toMatchObject({ state: 'confirmed', rating: 5, ratingComment: '很及时', version: 5 });
    expect(confirmed.event.label).toBe('居民已确认');
  });

  it('lets the resident reopen a resolved request, and it can be resolved again', () => {
    let r = requestIn('resolved');
    r = step(r, { kind: 'reopen', reason: '米还没到' }, resident, at('2026-11-24T12:00')).request;
    expect(r).toMatchObject({ state: 'reopened', reopenCount: 1 });
    expect(r.resolvedAt).toBeUndefined();
    r = step(r, { kind: 'startProgress' }, leader, at('2026-11-24T12:05')).request;
    r = step(r, { kind: 'resolve', note: '已补送' }, leader, at('2026-11-24T12:30')).request;
    expect(r.state).toBe('resolved');
  });

  it('lets the resident cancel before the first response, not after', () => {
    const cancelled = step(newRequest(T0), { kind: 'cancel', reason: '邻居帮忙买了' }, resident, at('2026-11-24T10:03'));
    expect(cancelled.request).toMatchObject({ state: 'cancelled', cancelledAt: at('2026-11-24T10:03'), nextEscalationAt: null });
    const late = transition(requestIn('responded'), { kind: 'cancel' }, resident, at('2026-11-24T10:30'), DEFAULT_POLICY);
    expect(late).toMatchObject({ ok: false, code: 'REQUEST.ILLEGAL_TRANSITION', message: '诉求已响应，不能撤销' });
  });

  it('lets the staff handling it mark a request as spam, closing it for good and stopping escalation; not its resident', () => {
    const marked = step(newRequest(T0), { kind: 'markSpam', note: '重复乱发' }, leader, at('2026-11-24T10:03'));
    expect(marked.request).toMatchObject({ state: 'spam', closedAt: at('2026-11-24T10:03'), nextEscalationAt: null });
    expect(marked.event).toMatchObject({ kind: 'markSpam', label: '已标记为无效诉求', note: '重复乱发', fromState: 'submitted', toState: 'spam' });
    expect(transition(newRequest(T0), { kind: 'markSpam' }, resident, at('2026-11-24T10:03'), DEFAULT_POLICY)).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
    expect(transition(requestIn('resolved'), { kind: 'markSpam' }, leader, at('2026-11-24T10:30'), DEFAULT_POLICY)).toMatchObject({
      ok: false,
      code: 'REQUEST.ILLEGAL_TRANSITION',
    });
  });

  it('closes a resolved request after 7 days without confirmation, not before', () => {
    const r = requestIn('resolved');
    const dueAt = autoCloseDueAt(r, DEFAULT_POLICY);
    expect(dueAt).toBe(at('2026-12-01T11:00'));
    expect(isAutoCloseDue(r, at('2026-12-01T10:59'), DEFAULT_POLICY)).toBe(false);
    expect(isAutoCloseDue(r, at('2026-12-01T11:00'), DEFAULT_POLICY)).toBe(true);
    expect(isAutoCloseDue(requestIn('confirmed'), at('2027-01-01T00:00'), DEFAULT_POLICY)).toBe(false);
    expect(transition(r, { kind: 'autoClose' }, SYSTEM, at('2026-12-01T10:59'), DEFAULT_POLICY)).toMatchObject({
      ok: false,
      code: 'REQUEST.ILLEGAL_TRANSITION',
    });
    const closed = transition(r, { kind: 'autoClose' }, SYSTEM, at('2026-12-01T11:00'), DEFAULT_POLICY);
    expect(closed.ok && closed.value.request).toMatchObject({ state: 'closed', closedAt: at('2026-12-01T11:00') });
    // A village with a shorter auto-close.
    const quick = resolvePolicy({ autoCloseAfterDays: 2 });
    expect(transition(r, { kind: 'autoClose' }, SYSTEM, at('2026-11-26T11:00'), quick).ok).toBe(true);
  });

  it('needs only the auto-close rule fixed at submission, not the whole village policy', () => {
    const rule = { autoCloseAfterDays: 2 };
    expect(autoCloseDueAt(requestIn('resolved'), rule)).toBe(at('2026-11-26T11:00'));
    expect(autoCloseDueAt(requestIn('inProgress'), rule)).toBeNull();
    expect(autoCloseDueAt(requestIn('reopened'), rule)).toBeNull();
    expect(transition(requestIn('resolved'), { kind: 'autoClose' }, SYSTEM, at('2026-11-26T10:59'), rule)).toMatchObject({
      ok: false,
      code: 'REQUEST.ILLEGAL_TRANSITION',
    });
    expect(transition(requestIn('resolved'), { kind: 'autoClose' }, SYSTEM, at('2026-11-26T11:00'), rule).ok).toBe(true);
  });

  it('hands a request over to another of the 三长', () => {
    const handed = step(
      requestIn('responded'),
      { kind: 'handOver', toUserId: 'partyLi', toRole: 'partyGroupLeader', toUserAssignments: ASSIGNMENTS, note: '李书记熟悉情况' },
      leader,
      at('2026-11-24T10:30'),
    );
    expect(handed.request.responders).toEqual(['partyLi']);
    expect(handed.request.state).toBe('responded');
    expect(handed.event.label).toBe('已转交党小组长');
    expect(
      transition(
        requestIn('responded'),
        { kind: 'handOver', toUserId: 'leaderWang', toRole: 'gridLeader', toUserAssignments: ASSIGNMENTS },
        leader,
        T0,
        DEFAULT_POLICY,
      ),
    ).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
  });

  it("hands over only to someone who holds that role in the request's grid", () => {
    const handOver = (toUserId: string, toRole: 'gridLeader' | 'partyGroupLeader' | 'buildingLeader') =>
      transition(
        requestIn('responded'),
        { kind: 'handOver', toUserId, toRole, toUserAssignments: ASSIGNMENTS },
        leader,
        at('2026-11-24T10:30'),
        DEFAULT_POLICY,
      );
    const refused = { ok: false, code: 'INPUT.INVALID', message: '转交对象不是本网格的这一角色' };
    // Another grid's grid leader, a 三长 named with the wrong role, and a resident.
    expect(handOver('leaderOther', 'gridLeader')).toMatchObject(refused);
    expect(handOver('partyLi', 'buildingLeader')).toMatchObject(refused);
    expect(handOver(RESIDENT, 'partyGroupLeader')).toMatchObject(refused);
    expect(handOver('buildingZhao', 'buildingLeader').ok).toBe(true);
  });
});

describe('who may act', () => {
  it('lets the grid staff, the village duty officers and the street answer, not other grids or villages', () => {
    const now = at('2026-11-24T10:05');
    for (const who of ['leaderWang', 'partyLi', 'workerSun', 'dutyZhou', 'committeeZheng', 'streetQian']) {
      expect(transition(newRequest(T0), { kind: 'respond', message: '收到' }, user(who), now, DEFAULT_POLICY).ok).toBe(true);
    }
    for (const who of ['leaderOther', 'dutyFar', RESIDENT, 'stranger']) {
      expect(transition(newRequest(T0), { kind: 'respond', message: '收到' }, user(who), now, DEFAULT_POLICY)).toMatchObject({
        ok: false,
        code: 'AUTH.FORBIDDEN',
      });
    }
  });

  it('lets only the owner confirm, reopen or cancel', () => {
    const now = at('2026-11-24T12:00');
    expect(transition(requestIn('resolved'), { kind: 'confirm', rating: 4 }, leader, now, DEFAULT_POLICY)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    expect(transition(requestIn('resolved'), { kind: 'reopen', reason: '不满意' }, user('residentOther'), now, DEFAULT_POLICY)).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
    expect(transition(newRequest(T0), { kind: 'cancel' }, leader, now, DEFAULT_POLICY)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });

  it('lets only the system auto-close', () => {
    expect(transition(requestIn('resolved'), { kind: 'autoClose' }, resident, at('2026-12-30T00:00'), DEFAULT_POLICY)).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
    });
  });
});

describe('action rules', () => {
  it('rates 1 to 5 whole stars', () => {
    for (const rating of [0, 6, 2.5]) {
      expect(transition(requestIn('resolved'), { kind: 'confirm', rating }, resident, at('2026-11-24T12:00'), DEFAULT_POLICY)).toMatchObject({
        ok: false,
        code: 'REQUEST.RATING_OUT_OF_RANGE',
      });
    }
  });

  it('needs a real reply, a resolution note and a reason to reopen', () => {
    const now = at('2026-11-24T12:00');
    expect(transition(newRequest(T0), { kind: 'respond', message: '  ' }, leader, now, DEFAULT_POLICY)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(transition(requestIn('inProgress'), { kind: 'resolve', note: '' }, leader, now, DEFAULT_POLICY)).toMatchObject({ ok: false, code: 'INPUT.INVALID' });
    expect(transition(requestIn('resolved'), { kind: 'reopen', reason: '' }, resident, now, DEFAULT_POLICY)).toMatchObject({
      ok: false,
      code: 'INPUT.INVALID',
    });
  });
});

describe('illegal transitions', () => {
  const actorFor = { owner: resident, handler: leader, system: SYSTEM } as const;
  const sample: Record<keyof typeof TRANSITIONS, RequestAction> = {
    respond: { kind: 'respond', message: '收到' },
    startProgress: { kind: 'startProgress' },
    resolve: { kind: 'resolve', note: '已办' },
    confirm: { kind: 'confirm', rating: 5 },
    reopen: { kind: 'reopen', reason: '没办好' },
    cancel: { kind: 'cancel' },
    autoClose: { kind: 'autoClose' },
    escalate: {
      kind: 'escalate',
      toLevel: 1,
      audience: 'otherLeaders',
      dueAt: T0,
      nextEscalationAt: null,
      recipients: [],
      guard: { expectedLevel: 0, expectedVersion: 1 },
    },
    handOver: { kind: 'handOver', toUserId: 'partyLi', toRole: 'partyGroupLeader', toUserAssignments: ASSIGNMENTS },
    markSpam: { kind: 'markSpam' },
  };
  const states = REQUEST_STATE_NAMES;

  for (const [kind, rule] of Object.entries(TRANSITIONS) as Array<[keyof typeof TRANSITIONS, (typeof TRANSITIONS)[keyof typeof TRANSITIONS]]>) {
    for (const state of states.filter((s) => !rule.from.includes(s))) {
      it(`refuses ${kind} when ${state}`, () => {
        const result = transition(requestIn(state), sample[kind], actorFor[rule.by], at('2027-01-01T10:00'), DEFAULT_POLICY);
        // A sweep reaching a request that is no longer awaiting a response is stale, not illegal.
        const expected = kind === 'escalate' ? 'ESCALATION.STALE' : 'REQUEST.ILLEGAL_TRANSITION';
        expect(result).toMatchObject({ ok: false, code: expected });
        if (!result.ok && expected === 'REQUEST.ILLEGAL_TRANSITION') expect(result.message).toMatch(/^诉求.+，不能.+$/);
      });
    }
  }

  it('states the current state and the action in the message', () => {
    const result = transition(requestIn('confirmed'), { kind: 'reopen', reason: '又坏了' }, resident, at('2026-11-25T10:00'), DEFAULT_POLICY);
    expect(result).toEqual({
      ok: false,
      code: 'REQUEST.ILLEGAL_TRANSITION',
      message: '诉求已确认，不能重新打开',
      details: { state: 'confirmed', action: 'reopen' },
    });
  });
});
