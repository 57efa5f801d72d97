// Resolution targets (办结时限): answered is not resolved. Fixed instants in China time.
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  DEFAULT_POLICY,
  HOUR_MS,
  isResolutionOverdue,
  type Request,
  type RequestAction,
  resolutionDueAt,
  resolvePolicy,
  transition,
  AJV_OPTIONS,
  INPUT_SCHEMAS,
  villagePolicyFromInput,
  type VillagePolicy,
} from '../../core/src';
import { at, newRequest, RESIDENT, user } from './fixtures';

const SUBMITTED = at('2026-11-24T10:00');
const leader = user('leaderWang');

function step(request: Request, action: RequestAction, actor: Actor, now: number): Request {
  const result = transition(request, action, actor, now, DEFAULT_POLICY);
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value.request;
}

function answered(category: Request['category']): Request {
  return step(newRequest(SUBMITTED, { category }), { kind: 'respond', message: '收到' }, leader, SUBMITTED + 120_000);
}

describe('resolution targets', () => {
  it('defaults to 24 h for medicine, elderly care and health reports and 72 h for repairs and the rest', () => {
    expect(DEFAULT_POLICY.resolutionTargetsMs.medicine).toBe(24 * HOUR_MS);
    expect(DEFAULT_POLICY.resolutionTargetsMs.elderlyCare).toBe(24 * HOUR_MS);
    expect(DEFAULT_POLICY.resolutionTargetsMs.healthReport).toBe(24 * HOUR_MS);
    expect(DEFAULT_POLICY.resolutionTargetsMs.repairs).toBe(72 * HOUR_MS);
    expect(DEFAULT_POLICY.resolutionTargetsMs.sanitation).toBe(72 * HOUR_MS);
    expect(DEFAULT_POLICY.resolutionTargetsMs.other).toBe(72 * HOUR_MS);
  });

  it('counts wall-clock time from submission, nights included', () => {
    expect(resolutionDueAt(answered('medicine'), DEFAULT_POLICY)).toBe(at('2026-11-25T10:00'));
    expect(resolutionDueAt(answered('repairs'), DEFAULT_POLICY)).toBe(at('2026-11-27T10:00'));
  });

  it('takes a village override for one category and keeps the defaults for the others', () => {
    const policy = resolvePolicy({ resolutionTargetsMs: { repairs: 48 * HOUR_MS } });
    expect(resolutionDueAt(answered('repairs'), policy)).toBe(at('2026-11-26T10:00'));
    expect(resolutionDueAt(answered('medicine'), policy)).toBe(at('2026-11-25T10:00'));
  });

  it('an answered request is overdue only after its target', () => {
    const request = answered('medicine');
    expect(isResolutionOverdue(request, DEFAULT_POLICY, at('2026-11-25T10:00'))).toBe(false);
    expect(isResolutionOverdue(request, DEFAULT_POLICY, at('2026-11-25T10:01'))).toBe(true);
  });

  it('in progress and reopened requests are overdue too', () => {
    const inProgress = step(answered('medicine'), { kind: 'startProgress' }, leader, SUBMITTED + 180_000);
    expect(isResolutionOverdue(inProgress, DEFAULT_POLICY, at('2026-11-26T10:00'))).toBe(true);
    const resolved = step(inProgress, { kind: 'resolve', note: '药已送到' }, leader, SUBMITTED + HOUR_MS);
    const reopened = step(resolved, { kind: 'reopen', reason: '药不对' }, user(RESIDENT), SUBMITTED + 2 * HOUR_MS);
    expect(isResolutionOverdue(reopened, DEFAULT_POLICY, at('2026-11-26T10:00'))).toBe(true);
  });

  it('an unanswered, resolved or cancelled request is not resolution-overdue', () => {
    const late = at('2026-12-24T10:00');
    expect(isResolutionOverdue(newRequest(SUBMITTED, { category: 'medicine' }), DEFAULT_POLICY, late)).toBe(false);
    const resolved = step(answered('medicine'), { kind: 'resolve', note: '药已送到' }, leader, SUBMITTED + HOUR_MS);
    expect(isResolutionOverdue(resolved, DEFAULT_POLICY, late)).toBe(false);
    const cancelled = step(newRequest(SUBMITTED, { category: 'medicine' }), { kind: 'cancel' }, user(RESIDENT), SUBMITTED + 60_000);
    expect(isResolutionOverdue(cancelled, DEFAULT_POLICY, late)).toBe(false);
  });
});

describe('setting resolution targets (setVillagePolicy)', () => {
  const NOW = at('2026-11-24T09:00');
  const setVillagePolicy = new Ajv({ ...AJV_OPTIONS, schemas: Object.values(INPUT_SCHEMAS) }).getSchema('setVillagePolicy');
  const valid = (resolutionTargetsMs: unknown) => setVillagePolicy?.({ villageId: 'v1', resolutionTargetsMs });

  it('accepts whole-ms targets between 1 hour and 30 days, per category', () => {
    expect(valid({ medicine: 12 * HOUR_MS, repairs: 30 * 24 * HOUR_MS })).toBe(true);
    expect(valid({ medicine: HOUR_MS - 1 })).toBe(false);
    expect(valid({ repairs: 30 * 24 * HOUR_MS + 1 })).toBe(false);
    expect(valid({ medicine: HOUR_MS + 0.5 })).toBe(false);
    expect(valid({ pets: HOUR_MS })).toBe(false);
  });

  it('merges the given categories over the stored ones', () => {
    const stored: VillagePolicy = { villageId: 'v1', resolutionTargetsMs: { repairs: 48 * HOUR_MS }, updatedAt: NOW - 1, updatedBy: 'x' };
    const result = villagePolicyFromInput({ villageId: 'v1', resolutionTargetsMs: { medicine: 12 * HOUR_MS } }, stored, 'committeeZheng', NOW);
    expect(result.ok && result.value.policy.resolutionTargetsMs).toEqual({ repairs: 48 * HOUR_MS, medicine: 12 * HOUR_MS });
    expect(result.ok && result.value.resolved.resolutionTargetsMs).toMatchObject({ repairs: 48 * HOUR_MS, medicine: 12 * HOUR_MS, sanitation: 72 * HOUR_MS });
  });
});
