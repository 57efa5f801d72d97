// 我的信息 rules: who corrects a household, when leaving deletes its personal fields, and what a left
// resident's request keeps.
import { describe, expect, it } from 'vitest';
import type { MembershipRecord } from '../../core/src/membership';
import type { Household, RequestEvent } from '../../core/src/model';
import { anonymisedRequest, decideCorrection, decideLeave, isLeftResidentId } from '../../core/src/myInformation';
import { at, GRID, RESIDENT, VILLAGE } from './fixtures';

const NOW = at('2026-11-24T09:00');
const member: MembershipRecord = { userId: RESIDENT, gridId: GRID, villageId: VILLAGE, householdId: 'h1', joinedAt: NOW };
const household: Household = { id: 'h1', gridId: GRID, villageId: VILLAGE, room: '101', careNeeds: ['sick'], phone: '13800138000', source: 'joined' };

describe('decideCorrection', () => {
  it('lets a verified member change only what differs', () => {
    const decided = decideCorrection({ ...member, verification: 'verified' }, household, {
      phone: '13800138000',
      careNeeds: ['sick', 'disabled'],
      noSmartphone: true,
    });
    expect(decided).toEqual({
      ok: true,
      value: {
        householdId: 'h1',
        set: { careNeeds: ['sick', 'disabled'], noSmartphone: true },
        remove: [],
        details: { phone: '13800138000', careNeeds: ['sick', 'disabled'], noSmartphone: true },
      },
    });
  });

  it('removes the phone when it is cleared, and counts the same care needs in another order as unchanged', () => {
    const decided = decideCorrection(member, { ...household, careNeeds: ['sick', 'disabled'] }, { phone: null, careNeeds: ['disabled', 'sick'] });
    expect(decided.ok && decided.value).toMatchObject({ set: {}, remove: ['phone'], details: { careNeeds: ['sick', 'disabled'], noSmartphone: false } });
    expect(decided.ok && 'phone' in decided.value.details).toBe(false);
  });

  it('refuses a pending member, a member without a household and someone not joined', () => {
    expect(decideCorrection({ ...member, verification: 'pending' }, household, { phone: null })).toMatchObject({ ok: false, code: 'MEMBER.NOT_VERIFIED' });
    const { householdId: _, ...homeless } = member;
    expect(decideCorrection(homeless, null, { phone: null })).toMatchObject({ ok: false, code: 'MEMBER.NO_HOUSEHOLD' });
    expect(decideCorrection(member, { ...household, id: 'h2' }, { phone: null })).toMatchObject({ ok: false, code: 'MEMBER.NO_HOUSEHOLD' });
    expect(decideCorrection(null, null, { phone: null })).toMatchObject({ ok: false, code: 'MEMBER.NOT_JOINED' });
  });
});

describe('decideLeave', () => {
  it("writes a leave entry and erases a joined household's fields with its last member only", () => {
    const leaving = decideLeave(member, household, 0, NOW);
    expect(leaving).toEqual({
      history: { userId: RESIDENT, gridId: GRID, villageId: VILLAGE, fromGridId: GRID, fromHouseholdId: 'h1', kind: 'leave', at: NOW },
      eraseHousehold: true,
    });
    expect(decideLeave(member, household, 1, NOW).eraseHousehold).toBe(false);
    expect(decideLeave(member, { ...household, source: 'register' }, 0, NOW).eraseHousehold).toBe(false);
    expect(decideLeave(member, { ...household, source: 'import' }, 0, NOW).eraseHousehold).toBe(false);
    expect(decideLeave(member, null, 0, NOW).eraseHousehold).toBe(false);
  });
});

describe('anonymisedRequest', () => {
  const event = (actorId: string, note?: string): RequestEvent => ({
    requestId: 'r1',
    kind: 'respond',
    fromState: 'submitted',
    toState: 'responded',
    actorId,
    at: NOW,
    label: '已响应',
    ...(note !== undefined ? { note } : {}),
    version: 2,
  });
  const text = '楼道的灯坏了三天了，晚上很黑';

  it('replaces the resident, blanks their words and drops what is addressed to them', () => {
    const kept = anonymisedRequest({
      id: 'r1',
      residentId: RESIDENT,
      text,
      events: [event(RESIDENT, '还没修好'), event('o-leader', '明天来修')],
      effects: {
        [`v2:message:${RESIDENT}`]: { payload: { touser: RESIDENT } },
        'v1:message:o-leader': { payload: { touser: 'o-leader', data: { thing1: { value: '维修' }, thing2: { value: '楼道的灯坏了三天了，晚上很…' } } } },
      },
    });
    expect(isLeftResidentId(kept.residentId)).toBe(true);
    expect(kept.residentId).not.toContain(RESIDENT);
    expect(kept).toMatchObject({ text: '', photos: [], droppedEffects: [`v2:message:${RESIDENT}`] });
    expect(kept.events).toEqual([{ ...event(kept.residentId) }, event('o-leader', '明天来修')]);
    expect(kept.effects).toEqual({
      'v1:message:o-leader': { payload: { touser: 'o-leader', data: { thing1: { value: '维修' }, thing2: { value: '' } } } },
    });
  });
});
