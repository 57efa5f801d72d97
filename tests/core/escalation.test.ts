import { describe, expect, it } from 'vitest';
import { decideEscalation, DEFAULT_POLICY, escalationRecipients, SWEEP_INTERVAL_MS, transition, type Request } from '../../core/src';
import { ASSIGNMENTS, at, newRequest, SYSTEM, user } from './fixtures';

/** One sweep: decide, then apply with the recipients the handler would look up. */
function sweep(request: Request, now: number): Request {
  const decision = decideEscalation(request, now);
  if (decision.kind !== 'escalate') return request;
  const recipients = escalationRecipients(decision.audience, request, ASSIGNMENTS);
  const applied = transition(request, { kind: 'escalate', guard: decision.guard, recipients }, SYSTEM, now, DEFAULT_POLICY);
  if (!applied.ok) throw new Error(applied.code);
  return applied.value.request;
}

describe('escalation', () => {
  const submittedAt = at('2026-11-24T10:00');

  it('is not due before the response target', () => {
    const request = newRequest(submittedAt);
    expect(decideEscalation(request, at('2026-11-24T10:09') + 59_000)).toEqual({ kind: 'notDue', dueAt: at('2026-11-24T10:10') });
  });

  it('goes to the other 三长 at 10 minutes, the duty officers at 20, the street at 30', () => {
    let request = newRequest(submittedAt);
    expect(request.responders).toEqual(['leaderWang']);

    const first = decideEscalation(request, at('2026-11-24T10:10'));
    expect(first).toEqual({
      kind: 'escalate',
      toLevel: 1,
      audience: 'otherLeaders',
      nextEscalationAt: at('2026-11-24T10:20'),
      guard: { expectedLevel: 0, expectedVersion: 1 },
    });
    expect(escalationRecipients('otherLeaders', request, ASSIGNMENTS)).toEqual(['partyLi', 'buildingZhao']);
    request = sweep(request, at('2026-11-24T10:10'));
    expect(request.escalationLevel).toBe(1);
    expect(request.nextEscalationAt).toBe(at('2026-11-24T10:20'));
    expect(request.responders).toEqual(['leaderWang', 'partyLi', 'buildingZhao']);
    expect(request.state).toBe('submitted');

    // The next sweep, 10 s later, does nothing.
    expect(decideEscalation(request, at('2026-11-24T10:10') + SWEEP_INTERVAL_MS).kind).toBe('notDue');

    request = sweep(request, at('2026-11-24T10:20'));
    expect(request.escalationLevel).toBe(2);
    expect(request.responders).toContain('dutyZhou');
    expect(request.responders).toContain('dutyWu');
    expect(request.responders).not.toContain('dutyFar');

    request = sweep(request, at('2026-11-24T10:30'));
    expect(request.escalationLevel).toBe(3);
    expect(request.nextEscalationAt).toBeNull();
    expect(request.responders).toContain('streetQian');

    expect(decideEscalation(request, at('2026-11-24T12:00'))).toEqual({ kind: 'none', reason: 'finalLevelReached' });
  });

  it('labels each level for the resident', () => {
    const request = newRequest(submittedAt);
    const decision = decideEscalation(request, at('2026-11-24T10:20'));
    if (decision.kind !== 'escalate') throw new Error('expected escalation');
    const result = transition(request, { kind: 'escalate', guard: decision.guard, recipients: [] }, SYSTEM, at('2026-11-24T10:20'), DEFAULT_POLICY);
    expect(result.ok && result.value.event.label).toBe('已通知其他三长');
    const level1 = result.ok ? result.value.request : request;
    const second = decideEscalation(level1, at('2026-11-24T10:20'));
    if (second.kind !== 'escalate') throw new Error('expected escalation');
    const result2 = transition(level1, { kind: 'escalate', guard: second.guard, recipients: ['dutyZhou'] }, SYSTEM, at('2026-11-24T10:20'), DEFAULT_POLICY);
    expect(result2.ok && result2.value.event.label).toBe('已转值班员');
  });

  it('takes one level per sweep even when the sweeper was down', () => {
    const request = newRequest(submittedAt);
    const decision = decideEscalation(request, at('2026-11-24T11:00'));
    expect(decision.kind === 'escalate' && decision.toLevel).toBe(1);
  });

  it('never applies the same escalation twice: a second sweep with the same guard is stale', () => {
    const request = newRequest(submittedAt);
    const now = at('2026-11-24T10:10');
    const sweepA = decideEscalation(request, now);
    const sweepB = decideEscalation(request, now + 1);
    if (sweepA.kind !== 'escalate' || sweepB.kind !== 'escalate') throw new Error('expected escalations');
    const applied = transition(request, { kind: 'escalate', guard: sweepA.guard, recipients: [] }, SYSTEM, now, DEFAULT_POLICY);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    const second = transition(applied.value.request, { kind: 'escalate', guard: sweepB.guard, recipients: [] }, SYSTEM, now + 1, DEFAULT_POLICY);
    expect(second).toMatchObject({ ok: false, code: 'ESCALATION.STALE' });
  });

  it('refuses an escalation that is not yet due', () => {
    const request = newRequest(submittedAt);
    const result = transition(request, { kind: 'escalate', guard: { expectedLevel: 0, expectedVersion: 1 }, recipients: [] }, SYSTEM, at('2026-11-24T10:05'), DEFAULT_POLICY);
    expect(result).toMatchObject({ ok: false, code: 'ESCALATION.NOT_DUE' });
  });

  it('stops once someone has really replied, and a late sweep is stale', () => {
    const request = newRequest(submittedAt);
    const staleDecision = decideEscalation(request, at('2026-11-24T10:12'));
    const responded = transition(request, { kind: 'respond', message: '收到，马上送米过去' }, user('leaderWang'), at('2026-11-24T10:11'), DEFAULT_POLICY);
    if (!responded.ok) throw new Error(responded.code);
    expect(responded.value.request.nextEscalationAt).toBeNull();
    expect(decideEscalation(responded.value.request, at('2026-11-24T11:00'))).toEqual({ kind: 'none', reason: 'responded' });
    if (staleDecision.kind !== 'escalate') throw new Error('expected escalation');
    const late = transition(responded.value.request, { kind: 'escalate', guard: staleDecision.guard, recipients: [] }, SYSTEM, at('2026-11-24T10:12'), DEFAULT_POLICY);
    expect(late).toMatchObject({ ok: false, code: 'ESCALATION.STALE' });
  });

  it('does not escalate cancelled requests', () => {
    const request = newRequest(submittedAt);
    const cancelled = transition(request, { kind: 'cancel' }, user('residentChen'), at('2026-11-24T10:02'), DEFAULT_POLICY);
    if (!cancelled.ok) throw new Error(cancelled.code);
    expect(decideEscalation(cancelled.value.request, at('2026-11-24T10:30'))).toEqual({ kind: 'none', reason: 'closed' });
  });

  it('only the system escalates', () => {
    const request = newRequest(submittedAt);
    const result = transition(request, { kind: 'escalate', guard: { expectedLevel: 0, expectedVersion: 1 }, recipients: [] }, user('leaderWang'), at('2026-11-24T10:10'), DEFAULT_POLICY);
    expect(result).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});
