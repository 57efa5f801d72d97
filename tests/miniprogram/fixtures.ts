// Replies the page tests hand the pages: one request as the resident's list shows it, and one item of a
// leader's inbox, each around the test's own clock.
import type { RequestListItem } from '../../miniprogram/services/outputs';

const MINUTE_MS = 60_000;

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
