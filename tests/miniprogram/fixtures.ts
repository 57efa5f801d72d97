// Replies the page tests hand the pages: one request as the resident's list shows it, one item of a
// leader's inbox and one request as the leader's page shows it, each around the test's own clock; a
// roster row; a report's zeroed figures; and the fake Date every page test runs at.
import { afterEach, beforeEach, vi } from 'vitest';
import type { ReportFigures } from '../../core/src/reports';
import type { RequestListItem } from '../../miniprogram/services/outputs';

const MINUTE_MS = 60_000;
const DAY = 24 * 60 * MINUTE_MS;

/** One of the resident's requests, submitted a minute before `now` and due ten minutes after it. */
export function requestItem(now: number, over: Partial<RequestListItem> & Pick<RequestListItem, 'id'>): RequestListItem {
  return {
    streetId: 's1',
    villageId: 'v1',
    gridId: 'g1',
    residentId: 'o-me',
    category: 'repairs',
    text: '灯坏了',
    photos: [],
    urgent: false,
    idempotencyKey: 'key-00001',
    state: 'submitted',
    version: 1,
    submittedAt: now - MINUTE_MS,
    routedTo: ['o-leader'],
    routingOutcome: 'routed',
    responders: ['o-leader'],
    responseDueAt: now + 10 * MINUTE_MS,
    escalationLevel: 0,
    escalationPlan: [],
    nextEscalationAt: null,
    reopenCount: 0,
    autoCloseAt: null,
    ...over,
  };
}

/** The leader's inbox item for `requestId`, created a minute before `now`. */
export function inboxItem(now: number, requestId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _id: `${requestId}:leader`,
    userId: 'leader',
    requestId,
    gridId: 'g1',
    villageId: 'v1',
    state: 'submitted',
    open: true,
    category: 'medicine',
    urgent: false,
    excerpt: '家里老人需要降压药',
    responseDueAt: now + 10 * MINUTE_MS,
    createdAt: now - MINUTE_MS,
    reason: 'routed',
    escalationLevel: 0,
    notified: 'sent',
    ...extra,
  };
}

/** The leader's view of request r1, submitted a minute before `now` and due in eight minutes. */
export function leaderRequestView(now: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'r1',
    streetId: 's1',
    villageId: 'v1',
    gridId: 'g1',
    residentId: 'resident-1',
    category: 'medicine',
    text: '家里老人需要降压药，走不动路',
    photos: [],
    urgent: false,
    state: 'submitted',
    version: 3,
    submittedAt: now - MINUTE_MS,
    routedTo: ['leader-a'],
    responders: ['leader-a'],
    responseDueAt: now + 8 * MINUTE_MS,
    escalationLevel: 0,
    events: [
      { requestId: 'r1', kind: 'submit', fromState: null, toState: 'submitted', actorId: 'resident-1', at: now - MINUTE_MS, label: '居民提交', version: 1 },
    ],
    autoCloseAt: null,
    ...extra,
  };
}

/** The household section getRequest adds for staff: an elder living alone, with two earlier requests. */
export function requestHousehold(now: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    address: { building: '3栋', unit: '2单元', room: '501' },
    careNeeds: ['sick', 'elderlyAlone'],
    residentPhone: '13800138000',
    earlier: [
      { id: 'r0', category: 'repairs', state: 'confirmed', submittedAt: now - 2 * DAY },
      { id: 'r-old', category: 'supplies', state: 'closed', submittedAt: now - 30 * DAY },
    ],
    ...extra,
  };
}

/** Household h1 as getGridRoster lists it: an elder living alone without a smartphone, not reached by the notice. */
export function unreachedElderRow(): Record<string, unknown> {
  return {
    householdId: 'h1',
    building: '3号楼',
    unit: '2单元',
    room: '501',
    careNeeds: ['elderlyAlone'],
    noSmartphone: true,
    members: [],
    noticeState: 'unreached',
  };
}

/** A report's figures for a week with no requests (every count zero, every share and percentile null), with `patch` over it. */
export function zeroFigures(patch: Partial<ReportFigures> = {}): ReportFigures {
  return {
    total: 0,
    byCategory: { supplies: 0, medicine: 0, elderlyCare: 0, sanitation: 0, repairs: 0, dispute: 0, healthReport: 0, consultation: 0, other: 0 },
    urgent: 0,
    responded: 0,
    withinTarget: 0,
    shareWithinTarget: null,
    firstResponseP50Ms: null,
    firstResponseP90Ms: null,
    escalationsByLevel: [0, 0, 0],
    resolved: 0,
    resolutionP50Ms: null,
    resolutionP90Ms: null,
    rated: 0,
    averageRating: null,
    lowRatings: 0,
    noResponderFallbacks: 0,
    ...patch,
  };
}

/** Each test of the file runs with Date at `now` (only Date: the components' timers stay real). */
export function fakeDateAt(now: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
