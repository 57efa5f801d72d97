// What pages show, made from the backend's exact outputs (services/outputs.ts): labels for the
// enumerations, the membership kept on the phone, the request's event log as a timeline, and what
// may be done with a request in its state (core's transition table, generated/rules.js).
// Only the stored membership is untrusted (local storage may hold anything an older build wrote).
import type { RequestActionKind, RequestCategory, RequestState } from '../../core/src/model';
import { ACTIONS_BY_STATE, AWAITING_RESPONSE_STATES, OPEN_STATES } from '../generated/rules';
import { CATEGORY_LABELS, STATE_LABELS } from '../utils/labels';
import { formatChinaShort, formatCountdown, type Countdown } from '../utils/time';
import type { RequestDetail } from './outputs';

/** The grid the resident joined, as the phone keeps it (collect once). */
export interface Membership {
  gridId: string;
  gridName: string;
  villageName: string;
}

/** From joinGrid's or resolveGroupGrid's `grid`. */
export function membershipOf(grid: { id: string; name: string; villageName: string }): Membership {
  return { gridId: grid.id, gridName: grid.name, villageName: grid.villageName };
}

/** Reads a stored membership back; null unless it has the shape saveMembership wrote. */
export function toMembership(value: unknown): Membership | null {
  if (value === null || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  const { gridId, gridName, villageName } = o;
  if (typeof gridId !== 'string' || gridId === '' || typeof gridName !== 'string') return null;
  return { gridId, gridName, villageName: typeof villageName === 'string' ? villageName : '' };
}

export function categoryLabel(category: RequestCategory): string {
  return CATEGORY_LABELS[category];
}

export function stateLabel(state: RequestState): string {
  return STATE_LABELS[state];
}

/** While the first reply is awaited the response clock runs, so pages count down to its deadline. */
function isAwaitingResponse(state: RequestState): boolean {
  return AWAITING_RESPONSE_STATES.includes(state);
}

/** The countdown to the response deadline at `nowMs`, or null once the clock has stopped. */
export function responseCountdown(request: { state: RequestState; responseDueAt: number }, nowMs: number): Countdown | null {
  return isAwaitingResponse(request.state) ? formatCountdown(request.responseDueAt, nowMs) : null;
}

/** What a list shows for every request row: its words, when it came, and its countdown while the clock runs. */
export interface RequestRowBase {
  categoryLabel: string;
  stateLabel: string;
  urgent: boolean;
  when: string;
  countdown: string;
  tone: string;
}

/** A list row's common part for a request (or an inbox item) that came at `atMs`, as of `nowMs`. */
export function requestRow(
  request: { category: RequestCategory; state: RequestState; urgent: boolean; responseDueAt: number },
  atMs: number,
  nowMs: number,
): RequestRowBase {
  const countdown = responseCountdown(request, nowMs);
  return {
    categoryLabel: categoryLabel(request.category),
    stateLabel: stateLabel(request.state),
    urgent: request.urgent,
    when: formatChinaShort(atMs, nowMs),
    countdown: countdown?.text ?? '',
    tone: countdown?.tone ?? 'normal',
  };
}

/** Whether a request in `state` is still open: more updates may come to its resident. */
export function isOpenState(state: RequestState): boolean {
  return OPEN_STATES.includes(state);
}

/** Whether a request in `state` allows `action` (core/src/lifecycle.ts's transitions). */
export function allows(state: RequestState, action: RequestActionKind): boolean {
  return ACTIONS_BY_STATE[state].includes(action);
}

export interface TimelineEntry {
  at: number;
  text: string;
}

/** The event log as the resident reads it, oldest first: "已响应：电工下午到" . */
export function timelineOf(request: Pick<RequestDetail, 'events'>): TimelineEntry[] {
  return [...request.events]
    .sort((a, b) => a.at - b.at)
    .map((e) => ({ at: e.at, text: e.note !== undefined && e.note !== '' ? `${e.label}：${e.note}` : e.label }));
}
