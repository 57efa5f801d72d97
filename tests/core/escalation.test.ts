import { describe, expect, it } from 'vitest';
import {
  decideEscalation,
  DEFAULT_POLICY,
  ESCALATION_CHANGED_FIELDS,
  escalationChange,
  escalationRecipients,
  groupEscalations,
  SWEEP_INTERVAL_MS,
  transition,
  type EscalationDue,
  type Request,
} from '../../core/src';
import { ASSIGNMENTS, at, newRequest, SYSTEM, user } from './fixtures';

/** One sweep: decide with the staff the handler would load, then apply the decision. */
function sweep(request: Request, now: number): Request {
  const decision = decideEscalation(request, ASSIGNMENTS, now, DEFAULT_POLICY);
  if (decision.kind !== 'escalate') return request;
  const applied = transition(request, decision, SYSTEM, now, DEFAULT_POLICY);
  if (!applied.ok) throw new Error(applied.code);
  return applied.value.request;
}

/** The decision a sweep at `now` makes, which must be to escalate. */
function due(request: Request, now: number): EscalationDue {
  const decision = decideEscalation(request, ASSIGNMENTS, now, DEFAULT_POLICY);
  if (decision.kind !== 'escalate') throw new Error('expected escalation');
  return decision;
}

describe('escalation', () => {
  const submittedAt = at('2026-11-24T10:00');

  it('is not due before the response target', () => {
    const request = newRequest(submittedAt);
    expect(decideEscalation(request, ASSIGNMENTS, at('2026-11-24T10:09') + 59_000, DEFAULT_POLICY)).toEqual({ kind: 'notDue', dueAt: at('2026-11-24T10:10') });
  });

  it('goes to the other 三长 at 10 minutes, the duty officers at 20, the street at 30', () => {
    let request = newRequest(submittedAt);
    expect(request.responders).toEqual(['leaderWang']);

    const first = decideEscalation(request, ASSIGNMENTS, at('2026-11-24T10:10'), DEFAULT_POLICY);
    expect(first).toEqual({
      kind: 'escalate',
      toLevel: 1,
      audience: 'otherLeaders',
      dueAt: at('2026-11-24T10:10'),
      nextEscalationAt: at('2026-11-24T10:20'),
      recipients: ['partyLi', 'buildingZhao'],
      guard: { expectedLevel: 0, expectedVersion: 1 },
    });
    expect(escalationRecipients('otherLeaders', request, ASSIGNMENTS, [], at('2026-11-24T10:10'))).toEqual(['partyLi', 'buildingZhao']);
    request = sweep(request, at('2026-11-24T10:10'));
    expect(request.escalationLevel).toBe(1);
    expect(request.nextEscalationAt).toBe(at('2026-11-24T10:20'));
    expect(request.responders).toEqual(['leaderWang', 'partyLi', 'buildingZhao']);
    expect(request.state).toBe('submitted');

    // The next sweep, 10 s later, does nothing.
    expect(decideEscalation(request, ASSIGNMENTS, at('2026-11-24T10:10') + SWEEP_INTERVAL_MS, DEFAULT_POLICY).kind).toBe('notDue');

    request = sweep(request, at('2026-11-24T10:20'));
    expect(request.escalationLevel).toBe(2);
    expect(request.responders).toContain('dutyZhou');
    expect(request.responders).toContain('dutyWu');
    expect(request.responders).not.toContain('dutyFar');

    request = sweep(request, at('2026-11-24T10:30'));
    expect(request.escalationLevel).toBe(3);
    expect(request.nextEscalationAt).toBeNull();
    expect(request.responders).toContain('streetQian');

    expect(decideEscalation(request, ASSIGNMENTS, at('2026-11-24T12:00'), DEFAULT_POLICY)).toEqual({ kind: 'none', reason: 'finalLevelReached' });
  });

  it('labels each level for the resident', () => {
    const request = newRequest(submittedAt);
    const decision = due(request, at('2026-11-24T10:20'));
    const result = transition(request, { ...decision, recipients: [] }, SYSTEM, at('2026-11-24T10:20'), DEFAULT_POLICY);
    expect(result.ok && result.value.event.label).toBe('已通知其他三长');
    const level1 = result.ok ? result.value.request : request;
    const second = due(level1, at('2026-11-24T10:20'));
    const result2 = transition(level1, { ...second, recipients: ['dutyZhou'] }, SYSTEM, at('2026-11-24T10:20'), DEFAULT_POLICY);
    expect(result2.ok && result2.value.event.label).toBe('已转值班员');
  });

  it('takes one level per sweep even when the sweeper was down', () => {
    const request = newRequest(submittedAt);
    const decision = decideEscalation(request, ASSIGNMENTS, at('2026-11-24T11:00'), DEFAULT_POLICY);
    expect(decision.kind === 'escalate' && decision.toLevel).toBe(1);
  });

  it('never applies the same escalation twice: a second sweep with the same guard is stale', () => {
    const request = newRequest(submittedAt);
    const now = at('2026-11-24T10:10');
    const sweepA = due(request, now);
    const sweepB = due(request, now + 1);
    const applied = transition(request, sweepA, SYSTEM, now, DEFAULT_POLICY);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    const second = transition(applied.value.request, sweepB, SYSTEM, now + 1, DEFAULT_POLICY);
    expect(second).toMatchObject({ ok: false, code: 'ESCALATION.STALE' });
  });

  it('refuses an escalation that is not yet due', () => {
    const request = newRequest(submittedAt);
    const result = transition(request, due(request, at('2026-11-24T10:10')), SYSTEM, at('2026-11-24T10:05'), DEFAULT_POLICY);
    expect(result).toMatchObject({ ok: false, code: 'ESCALATION.NOT_DUE' });
  });

  it('stops once someone has really replied, and a late sweep is stale', () => {
    const request = newRequest(submittedAt);
    const staleDecision = due(request, at('2026-11-24T10:12'));
    const responded = transition(request, { kind: 'respond', message: '收到，马上送米过去' }, user('leaderWang'), at('2026-11-24T10:11'), DEFAULT_POLICY);
    if (!responded.ok) throw new Error(responded.code);
    expect(responded.value.request.nextEscalationAt).toBeNull();
    expect(decideEscalation(responded.value.request, ASSIGNMENTS, at('2026-11-24T11:00'), DEFAULT_POLICY)).toEqual({ kind: 'none', reason: 'responded' });
    const late = transition(responded.value.request, staleDecision, SYSTEM, at('2026-11-24T10:12'), DEFAULT_POLICY);
    expect(late).toMatchObject({ ok: false, code: 'ESCALATION.STALE' });
  });

  it('does not escalate cancelled requests', () => {
    const request = newRequest(submittedAt);
    const cancelled = transition(request, { kind: 'cancel' }, user('residentChen'), at('2026-11-24T10:02'), DEFAULT_POLICY);
    if (!cancelled.ok) throw new Error(cancelled.code);
    expect(decideEscalation(cancelled.value.request, ASSIGNMENTS, at('2026-11-24T10:30'), DEFAULT_POLICY)).toEqual({ kind: 'none', reason: 'closed' });
  });

  it('tells the audience of each level, leaving out those already responsible', () => {
    const level1 = sweep(newRequest(submittedAt), at('2026-11-24T10:10'));
    expect(due(level1, at('2026-11-24T10:20'))).toMatchObject({
      toLevel: 2,
      audience: 'dutyOfficers',
      recipients: ['dutyZhou', 'dutyWu'],
      nextEscalationAt: at('2026-11-24T10:30'),
    });
    const level2 = sweep(level1, at('2026-11-24T10:20'));
    expect(due(level2, at('2026-11-24T10:30'))).toMatchObject({ toLevel: 3, audience: 'streetAdmins', recipients: ['streetQian'], nextEscalationAt: null });
  });

  it('is applied as decided: transition takes the level, the next deadline and the recipients it is given', () => {
    const request = newRequest(submittedAt);
    const decision = due(request, at('2026-11-24T10:10'));
    const later = at('2026-11-24T10:45');
    const applied = transition(request, { ...decision, nextEscalationAt: later, recipients: ['dutyZhou'] }, SYSTEM, at('2026-11-24T10:10'), DEFAULT_POLICY);
    expect(applied.ok && applied.value.request).toMatchObject({
      escalationLevel: 1,
      nextEscalationAt: later,
      responders: ['leaderWang', 'dutyZhou'],
      version: 2,
    });
    expect(applied.ok && applied.value.event.data).toEqual({ level: 1, audience: 'otherLeaders', recipients: ['dutyZhou'] });
  });

  it('only the system escalates', () => {
    const request = newRequest(submittedAt);
    const result = transition(request, due(request, at('2026-11-24T10:10')), user('leaderWang'), at('2026-11-24T10:10'), DEFAULT_POLICY);
    expect(result).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});

describe('escalation in groups', () => {
  const submittedAt = at('2026-11-24T10:00');

  /** A request `id` submitted `offsetMs` after the first, escalated by the sweep at `now`: its change in shared form. */
  function escalated(id: string, offsetMs: number, now: number) {
    const before = { ...newRequest(submittedAt + offsetMs), id };
    const decision = due(before, now);
    const applied = transition(before, decision, SYSTEM, now, DEFAULT_POLICY);
    if (!applied.ok) throw new Error(applied.code);
    return { before, after: applied.value.request, change: escalationChange(before, applied.value.request, applied.value.event, decision) };
  }

  it('changes only the fields the shared change writes', () => {
    const { before, after } = escalated('r1', 0, at('2026-11-24T10:10'));
    const changed = Object.keys(after).filter((key) => JSON.stringify(after[key as keyof Request]) !== JSON.stringify(before[key as keyof Request]));
    expect(changed.sort()).toEqual([...ESCALATION_CHANGED_FIELDS].sort());
  });

  it('moves each deadline by the step between levels, so requests due at different instants share one change', () => {
    const now = at('2026-11-24T10:20');
    const early = escalated('r1', 0, now);
    const late = escalated('r2', 5 * 60_000, now);
    expect(late.change).toEqual(early.change);
    expect(early.change).toMatchObject({
      fromVersion: 1,
      fromLevel: 0,
      toLevel: 1,
      recipients: ['partyLi', 'buildingZhao'],
      nextEscalationShiftMs: 10 * 60_000,
    });
    expect(early.change.event).not.toHaveProperty('requestId');
    // The shift reproduces each request's own next deadline.
    for (const { before, after, change } of [early, late])
      expect((before.nextEscalationAt ?? 0) + (change.nextEscalationShiftMs ?? 0)).toBe(after.nextEscalationAt);
  });

  it('groups equal changes, splits unequal ones and groups past their size, keeping the due order', () => {
    const now = at('2026-11-24T10:20');
    const a = escalated('a', 0, now);
    const b = escalated('b', 1_000, now);
    const c = escalated('c', 2_000, now);
    const other = { ...escalated('x', 500, now), change: { ...a.change, recipients: ['dutyZhou'] } };
    const groups = groupEscalations(
      [a, other, b, c].map(({ change, after }) => ({ change, request: after })),
      2,
    );
    expect(groups.map((g) => g.requests.map((r) => r.id))).toEqual([['a', 'b'], ['x'], ['c']]);
  });
});
