// What the leader pages show, from the backend's typed replies (services/outputs.ts): the inbox in
// the order a leader works through it, and a household's address and care needs.
import type { CareNeed } from '../../core/src/model';
import type { InboxItem } from '../services/outputs';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../utils/labels';

/** Open items only, urgent first, then the one due soonest. */
export function sortInbox(items: readonly InboxItem[]): InboxItem[] {
  return items
    .filter((i) => i.open)
    .sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.responseDueAt - b.responseDueAt || (a.requestId < b.requestId ? -1 : 1));
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
