import { describe, expect, it } from 'vitest';
import {
  requestPageFor,
  SMS_LINK_EXPIRY_DAYS,
  SMS_VARIABLE_MAX_CHARS,
  smsDecision,
  smsNeeded,
  smsNumberOf,
  smsRuleForEscalation,
  smsUsageId,
  smsVariable,
  withinSmsBudget,
} from '../../core/src/channels';
import { characterCount } from '../../core/src/text';
import { DEFAULT_POLICY } from '../../core/src/policy';

const ON = { enabled: true, dailyBudget: 2 };

describe('which channel', () => {
  it('pays for an SMS on every escalation to the duty officers or the street, and only as a fallback to the other 三长', () => {
    expect(smsRuleForEscalation('dutyOfficers')).toBe('always');
    expect(smsRuleForEscalation('streetAdmins')).toBe('always');
    expect(smsRuleForEscalation('otherLeaders')).toBe('fallback');
  });

  it('falls back to SMS when consent ran out or the message failed for good, waits while it is retried, and not when it went', () => {
    expect(smsNeeded('fallback', { state: 'done', outcome: 'noAuthorisation' })).toBe(true);
    expect(smsNeeded('fallback', { state: 'done', outcome: 'refused' })).toBe(true);
    expect(smsNeeded('fallback', { state: 'failed', outcome: 'gaveUp' })).toBe(true);
    expect(smsNeeded('fallback', { state: 'pending' })).toBeNull();
    expect(smsNeeded('fallback', { state: 'done', outcome: 'sent' })).toBe(false);
    expect(smsNeeded('always', { state: 'done', outcome: 'sent' })).toBe(true);
  });
});

describe('SMS', () => {
  it('goes to mainland mobiles as +86 numbers, never to a landline', () => {
    expect(smsNumberOf('13900000001')).toBe('+8613900000001');
    expect(smsNumberOf('+86 139-0000-0001')).toBe('+8613900000001');
    expect(smsNumberOf('0512-65880001')).toBeNull();
    expect(smsNumberOf(undefined)).toBeNull();
  });

  it('is off when the village switched it off, and needs a mobile among the recipient phones', () => {
    expect(smsDecision({ ...ON, enabled: false }, ['13900000001'])).toEqual({ skip: 'off' });
    expect(smsDecision(ON, [undefined, '0512-65880001'])).toEqual({ skip: 'noPhone' });
    expect(smsDecision(ON, ['0512-65880001', '13900000002'])).toEqual({ send: '+8613900000002' });
  });

  it('says what and where within the 30-character variable', () => {
    const text = smsVariable('就医买药', '东风村第1网格', '新诉求，请尽快回复'.repeat(4));
    expect(text.startsWith('东风村第1网格就医买药诉求')).toBe(true);
    expect(characterCount(text)).toBe(SMS_VARIABLE_MAX_CHARS);
    expect(smsVariable('维修', '一网格', '已转值班员')).toBe('一网格维修诉求：已转值班员');
  });

  it('counts the budget per village per China day, and stops at it', () => {
    // 23:59 and 00:01 China time on either side of midnight (15:59 / 16:01 UTC) are different days.
    expect(smsUsageId('v01', Date.UTC(2026, 10, 24, 15, 59))).toBe('v01:2026-11-24');
    expect(smsUsageId('v01', Date.UTC(2026, 10, 24, 16, 1))).toBe('v01:2026-11-25');
    expect(withinSmsBudget(ON, 1)).toBe(true);
    expect(withinSmsBudget(ON, 2)).toBe(false);
    expect(withinSmsBudget({ ...ON, dailyBudget: 0 }, 0)).toBe(false);
    expect(DEFAULT_POLICY.sms).toEqual({ enabled: true, dailyBudget: 200 });
  });

  it('links for a week, inside WeChat’s 30 days', () => {
    expect(SMS_LINK_EXPIRY_DAYS).toBeGreaterThanOrEqual(1);
    expect(SMS_LINK_EXPIRY_DAYS).toBeLessThanOrEqual(30);
  });
});

describe('pages', () => {
  it("opens the responder's page in packageLeader and the resident's in the main package", () => {
    expect(requestPageFor('responder', 'r1')).toBe('packageLeader/pages/request/index?id=r1');
    expect(requestPageFor('resident', 'r1')).toBe('pages/request/index?id=r1');
  });
});
