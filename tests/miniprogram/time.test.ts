// China time display and the response countdown, at fixed instants.
import { describe, expect, it } from 'vitest';
import { COUNTDOWN_WARNING_MS, formatChinaDateTime, formatChinaShort, formatCountdown, MINUTE_MS, SECOND_MS } from '../../miniprogram/utils/time';

const DUE = Date.UTC(2024, 2, 5, 6, 10, 0); // 14:10 China time

describe('formatCountdown', () => {
  it('shows minutes and seconds left, normal tone above the warning threshold', () => {
    expect(formatCountdown(DUE, DUE - (4 * MINUTE_MS + 59 * SECOND_MS))).toEqual({ text: '剩 4 分 59 秒', tone: 'normal', remainingMs: 299_000 });
  });
  it('turns amber just under three minutes, not at exactly three', () => {
    expect(formatCountdown(DUE, DUE - COUNTDOWN_WARNING_MS).tone).toBe('normal');
    expect(formatCountdown(DUE, DUE - COUNTDOWN_WARNING_MS + SECOND_MS)).toMatchObject({ text: '剩 2 分 59 秒', tone: 'warning' });
    expect(formatCountdown(DUE, DUE - 30 * SECOND_MS)).toMatchObject({ text: '剩 30 秒', tone: 'warning' });
  });
  it('turns red and counts up once the deadline passes', () => {
    expect(formatCountdown(DUE, DUE)).toMatchObject({ text: '已超时 0 秒', tone: 'overdue' });
    expect(formatCountdown(DUE, DUE + MINUTE_MS + 5 * SECOND_MS)).toMatchObject({ text: '已超时 1 分 5 秒', tone: 'overdue' });
  });
  it('shows hours for long targets', () => {
    expect(formatCountdown(DUE, DUE - (2 * 60 + 5) * MINUTE_MS).text).toBe('剩 2 小时 5 分');
  });
});

describe('China time display', () => {
  it('formats in Asia/Shanghai whatever the machine zone', () => {
    expect(formatChinaDateTime(Date.UTC(2024, 2, 5, 16, 30))).toBe('2024-03-06 00:30');
  });
  it('is short for today and yesterday, longer for older dates', () => {
    const now = Date.UTC(2024, 2, 5, 6, 0); // 14:00 on 5 March in China
    expect(formatChinaShort(Date.UTC(2024, 2, 5, 1, 7), now)).toBe('09:07');
    expect(formatChinaShort(Date.UTC(2024, 2, 4, 15, 59), now)).toBe('昨天 23:59');
    expect(formatChinaShort(Date.UTC(2024, 2, 4, 16, 0), now)).toBe('00:00');
    expect(formatChinaShort(Date.UTC(2024, 0, 9, 2, 0), now)).toBe('1月9日 10:00');
    expect(formatChinaShort(Date.UTC(2023, 11, 31, 2, 0), now)).toBe('2023年12月31日');
  });
});
