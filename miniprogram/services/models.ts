// What pages show, made from the backend's exact outputs (services/outputs.ts): labels for the
// enumerations, the membership kept on the phone, and the request's event log as a timeline.
// Only the stored membership is untrusted (local storage may hold anything an older build wrote).
import type { RequestCategory, RequestState } from '../../core/src/model';
import { AWAITING_RESPONSE_STATES, CATEGORY_LABELS, STATE_LABELS } from '../utils/labels';
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

/** While the first reply is awaited the response clock runs, so lists show a countdown. */
export function isAwaitingResponse(state: RequestState): boolean {
  return AWAITING_RESPONSE_STATES.includes(state);
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
