// Refines the loosely typed outputs (services/outputs.ts) into what pages show. Tolerant by
// design: the backend is still being written, so a missing field gets a safe default and an item
// without an id is dropped rather than breaking the page.
import type { RequestCategory, RequestState } from '../../core/src/model';
import { CATEGORY_LABELS, STATE_LABELS } from '../utils/labels';

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
/** Instants may come as epoch ms or as a serialized Date. */
function instant(value: unknown): number | null {
  const n = num(value);
  if (n !== null) return n;
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? null : parsed;
}
function firstId(o: Loose, keys: string[]): string {
  for (const key of keys) {
    const v = str(o[key]);
    if (v !== '') return v;
  }
  return '';
}

export interface Membership {
  gridId: string;
  gridName: string;
  villageName: string;
}

export function toMembership(value: unknown): Membership | null {
  const o = asObject(value);
  if (o === null) return null;
  const gridId = firstId(o, ['gridId', '_id', 'id']);
  if (gridId === '') return null;
  return { gridId, gridName: str(o['gridName']) || '我的网格', villageName: str(o['villageName']) };
}

export interface NoticeView {
  id: string;
  title: string;
  body: string;
  publishedAt: number | null;
  read: boolean;
}

export function toNotice(value: unknown): NoticeView | null {
  const o = asObject(value);
  if (o === null) return null;
  const id = firstId(o, ['noticeId', '_id', 'id']);
  if (id === '') return null;
  return { id, title: str(o['title']) || '（无标题）', body: str(o['body']), publishedAt: instant(o['publishedAt'] ?? o['createdAt']), read: o['read'] === true };
}

export interface RequestView {
  id: string;
  category: RequestCategory | null;
  categoryLabel: string;
  text: string;
  state: RequestState | null;
  stateLabel: string;
  urgent: boolean;
  createdAt: number | null;
  responseDueAt: number | null;
  version: number | null;
}

function isCategory(value: string): value is RequestCategory {
  return Object.prototype.hasOwnProperty.call(CATEGORY_LABELS, value);
}
function isState(value: string): value is RequestState {
  return Object.prototype.hasOwnProperty.call(STATE_LABELS, value);
}

export function toRequest(value: unknown): RequestView | null {
  const o = asObject(value);
  if (o === null) return null;
  const id = firstId(o, ['requestId', '_id', 'id']);
  if (id === '') return null;
  const category = str(o['category']);
  const state = str(o['state']);
  return {
    id,
    category: isCategory(category) ? category : null,
    categoryLabel: isCategory(category) ? CATEGORY_LABELS[category] : '其他',
    text: str(o['text']),
    state: isState(state) ? state : null,
    stateLabel: isState(state) ? STATE_LABELS[state] : '处理中',
    urgent: o['urgent'] === true,
    createdAt: instant(o['createdAt']),
    responseDueAt: instant(o['responseDueAt']),
    version: num(o['version']),
  };
}

export interface TimelineEntry {
  at: number | null;
  text: string;
}

export interface RequestDetailView extends RequestView {
  timeline: TimelineEntry[];
  photos: string[];
}

export function toRequestDetail(value: unknown): RequestDetailView | null {
  const o = asObject(value);
  // Some functions wrap the record: { request: {...}, events: [...] }.
  const record = asObject(o?.['request']) ?? o;
  const base = toRequest(record);
  if (base === null || o === null || record === null) return null;
  const rawEvents = Array.isArray(o['events']) ? o['events'] : Array.isArray(record['timeline']) ? record['timeline'] : [];
  const timeline: TimelineEntry[] = [];
  for (const raw of rawEvents) {
    const e = asObject(raw);
    if (e === null) continue;
    const text = str(e['message']) || str(e['note']) || str(e['label']) || str(e['type']);
    timeline.push({ at: instant(e['at'] ?? e['createdAt']), text });
  }
  const photos = Array.isArray(record['photos']) ? record['photos'].filter((p): p is string => typeof p === 'string') : [];
  return { ...base, timeline, photos };
}

export function listItems<T>(output: unknown, refine: (value: unknown) => T | null): T[] {
  const o = asObject(output);
  const items = o !== null && Array.isArray(o['items']) ? o['items'] : [];
  const out: T[] = [];
  for (const item of items) {
    const refined = refine(item);
    if (refined !== null) out.push(refined);
  }
  return out;
}
