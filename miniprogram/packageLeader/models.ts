// What the leader pages show, refined from the backend's replies. Inbox items arrive from two
// sources (the database watch and listInbox), so both go through one tolerant refiner; a record
// without a request id is dropped rather than breaking the list.
import type { CareNeed, LeaderRole, RequestCategory, RequestState } from '../../core/src/model';
import { CARE_NEED_LABELS, CARE_NEED_ORDER, CATEGORY_LABELS, STATE_LABELS, THREE_LEADER_ROLES } from '../utils/labels';

type Loose = Record<string, unknown>;

function asObject(value: unknown): Loose | null {
  return value !== null && typeof value === 'object' ? (value as Loose) : null;
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
function isState(value: string): value is RequestState {
  return Object.prototype.hasOwnProperty.call(STATE_LABELS, value);
}
function isCategory(value: string): value is RequestCategory {
  return Object.prototype.hasOwnProperty.call(CATEGORY_LABELS, value);
}

export interface InboxEntry {
  requestId: string;
  gridId: string;
  state: RequestState | null;
  stateLabel: string;
  categoryLabel: string;
  excerpt: string;
  urgent: boolean;
  open: boolean;
  responseDueAt: number | null;
  createdAt: number | null;
}

/** One inbox document (from the watch) or listInbox item. */
export function toInboxEntry(value: unknown): InboxEntry | null {
  const o = asObject(value);
  if (o === null) return null;
  const requestId = str(o['requestId']);
  if (requestId === '') return null;
  const state = str(o['state']);
  const category = str(o['category']);
  return {
    requestId,
    gridId: str(o['gridId']),
    state: isState(state) ? state : null,
    stateLabel: isState(state) ? STATE_LABELS[state] : '处理中',
    categoryLabel: isCategory(category) ? CATEGORY_LABELS[category] : '其他',
    excerpt: str(o['excerpt']) || str(o['text']),
    urgent: o['urgent'] === true,
    open: o['open'] !== false,
    responseDueAt: num(o['responseDueAt']),
    createdAt: num(o['createdAt']),
  };
}

/** listInbox({ view: 'mine' }) answers `{ view, page: { items, nextCursor } }`. */
export function inboxItemsOf(output: unknown): unknown[] {
  const o = asObject(output);
  const page = asObject(o?.['page']) ?? o;
  return page !== null && Array.isArray(page['items']) ? page['items'] : [];
}

/** Open items only, urgent first, then the one due soonest. */
export function sortInbox(entries: InboxEntry[]): InboxEntry[] {
  const dueOf = (e: InboxEntry): number => e.responseDueAt ?? Number.MAX_SAFE_INTEGER;
  return entries.filter((e) => e.open).sort((a, b) => Number(b.urgent) - Number(a.urgent) || dueOf(a) - dueOf(b) || (a.requestId < b.requestId ? -1 : 1));
}

/** The words for a household's care needs, in the fixed order. */
export function careLabels(needs: readonly CareNeed[]): string[] {
  return CARE_NEED_ORDER.filter((n) => needs.includes(n)).map((n) => CARE_NEED_LABELS[n]);
}

/** "3号楼 2单元 501", or a placeholder when the resident gave no address. */
export function addressOf(h: { building?: string; unit?: string; room?: string }): string {
  const parts = [h.building, h.unit, h.room].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : '未登记门牌';
}

interface TimelineRow {
  when: number | null;
  text: string;
  note: string;
}

export interface LeaderRequest {
  id: string;
  gridId: string;
  state: RequestState | null;
  stateLabel: string;
  categoryLabel: string;
  text: string;
  urgent: boolean;
  photos: string[];
  responseDueAt: number | null;
  version: number | null;
  responders: string[];
  timeline: TimelineRow[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** getRequest / respondRequest / updateRequestStatus all answer the request with its event log. */
export function toLeaderRequest(value: unknown): LeaderRequest | null {
  const o = asObject(value);
  if (o === null) return null;
  const id = str(o['id']) || str(o['requestId']) || str(o['_id']);
  if (id === '') return null;
  const state = str(o['state']);
  const category = str(o['category']);
  const events = Array.isArray(o['events']) ? o['events'] : [];
  const timeline: TimelineRow[] = [];
  for (const raw of events) {
    const e = asObject(raw);
    if (e !== null) timeline.push({ when: num(e['at']), text: str(e['label']) || str(e['kind']), note: str(e['note']) || str(e['message']) });
  }
  return {
    id,
    gridId: str(o['gridId']),
    state: isState(state) ? state : null,
    stateLabel: isState(state) ? STATE_LABELS[state] : '处理中',
    categoryLabel: isCategory(category) ? CATEGORY_LABELS[category] : '其他',
    text: str(o['text']),
    urgent: o['urgent'] === true,
    photos: strings(o['photos']),
    responseDueAt: num(o['responseDueAt']),
    version: num(o['version']),
    responders: strings(o['responders']),
    timeline,
  };
}

/** What a leader may do in each state (core/src/lifecycle.ts's transitions). */
export const REPLY_STATES: readonly RequestState[] = ['submitted'];
export const START_STATES: readonly RequestState[] = ['responded', 'reopened'];
export const RESOLVE_STATES: readonly RequestState[] = ['responded', 'inProgress', 'reopened'];
export const HAND_OVER_STATES: readonly RequestState[] = ['submitted', 'responded', 'inProgress', 'reopened'];

function isLeaderRole(value: string): value is LeaderRole {
  return (THREE_LEADER_ROLES as readonly string[]).includes(value);
}
