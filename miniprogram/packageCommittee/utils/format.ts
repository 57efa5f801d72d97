// Words and numbers the committee pages show: role names, shares as percentages, durations in
// minutes, escalation levels. Pure functions, so the page tests can check them through the pages.
import type { GridRole, InvitableRole, RoutingCategory } from '../../../core/src/model';
import { CATEGORY_LABELS, CATEGORY_ORDER, GRID_ROLES } from '../../utils/labels';
export { INVITABLE_ROLES, ROLE_LABELS } from '../../utils/labels';
import { MINUTE_MS, SECOND_MS } from '../../utils/time';

const PERCENT = 100;
/** Shown where a figure has no value yet (no answered request, no known outcome). */
const NO_VALUE = '—';

/** Roles held within one grid: an invitation for them needs a grid, and routing rules name them. */
export function isGridRoleName(role: InvitableRole): role is GridRole {
  return (GRID_ROLES as readonly InvitableRole[]).includes(role);
}

/** The grid roles in picker order (core's, generated/words.js). */
export const GRID_ROLE_ORDER: readonly GridRole[] = GRID_ROLES;

/** Routing categories in picker order: every category, then "all others" ('*'). */
export const ROUTING_CATEGORY_ORDER: readonly RoutingCategory[] = [...CATEGORY_ORDER, '*'];
export const ROUTING_CATEGORY_LABELS: string[] = ROUTING_CATEGORY_ORDER.map((c) => (c === '*' ? '其余所有类别' : CATEGORY_LABELS[c]));

/** 0.5 → "50%"; null → "—". */
export function formatShare(share: number | null): string {
  return share === null ? NO_VALUE : `${Math.round(share * PERCENT)}%`;
}

/** First-response time: "45 秒" under a minute, else whole minutes ("12 分钟"); null → "—". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return NO_VALUE;
  if (ms < MINUTE_MS) return `${Math.round(ms / SECOND_MS)} 秒`;
  return `${Math.round(ms / MINUTE_MS)} 分钟`;
}

/** [2, 1, 0] → "一级 2 · 二级 1 · 三级 0". */
const LEVEL_NAMES = ['一级', '二级', '三级'];
export function formatEscalations(byLevel: readonly number[]): string {
  return byLevel.map((n, i) => `${LEVEL_NAMES[i] ?? `${i + 1}级`} ${n}`).join(' · ');
}
