// Shared fixtures for the core tests: one street, one village, two grids and their staff, and
// helpers to make instants in China time.
import type { Actor, RoleAssignment, Request } from '../../core/src';
import { DEFAULT_POLICY, routeRequest, submitRequest } from '../../core/src';

/** An instant given as China wall-clock time, e.g. at('2026-11-24T19:55'). */
export function at(chinaLocal: string): number {
  const ms = Date.parse(`${chinaLocal.length === 16 ? `${chinaLocal}:00` : chinaLocal}+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${chinaLocal}`);
  return ms;
}

export const STREET = 'st1';
export const VILLAGE = 'v1';
const OTHER_VILLAGE = 'v2';
export const GRID = 'g1';
export const OTHER_GRID = 'g2';

const SET_UP_AT = at('2026-01-01T09:00');

function assign(userId: string, role: RoleAssignment['role'], scope: Partial<RoleAssignment['scope']>): RoleAssignment {
  return { userId, role, scope: { streetId: STREET, ...scope }, assignedAt: SET_UP_AT, assignedBy: 'admin' };
}

export const ASSIGNMENTS: RoleAssignment[] = [
  assign('leaderWang', 'gridLeader', { villageId: VILLAGE, gridId: GRID }),
  assign('partyLi', 'partyGroupLeader', { villageId: VILLAGE, gridId: GRID }),
  assign('buildingZhao', 'buildingLeader', { villageId: VILLAGE, gridId: GRID }),
  assign('workerSun', 'gridWorker', { villageId: VILLAGE, gridId: GRID }),
  assign('leaderOther', 'gridLeader', { villageId: VILLAGE, gridId: OTHER_GRID }),
  assign('dutyZhou', 'dutyOfficer', { villageId: VILLAGE }),
  assign('dutyWu', 'dutyOfficer', { villageId: VILLAGE }),
  assign('committeeZheng', 'committee', { villageId: VILLAGE }),
  assign('dutyFar', 'dutyOfficer', { villageId: OTHER_VILLAGE }),
  assign('streetQian', 'streetAdmin', {}),
];

export function user(userId: string): Actor {
  return { kind: 'user', userId, assignments: ASSIGNMENTS.filter((a) => a.userId === userId) };
}
export const RESIDENT = 'residentChen';
export const SYSTEM: Actor = { kind: 'system' };

/** A request submitted by RESIDENT in GRID at `submittedAt`, routed by default (to the grid leader). */
export function newRequest(submittedAt: number, overrides: { urgent?: boolean; category?: Request['category'] } = {}): Request {
  const routing = routeRequest({ place: { streetId: STREET, villageId: VILLAGE, gridId: GRID }, category: overrides.category ?? 'supplies' }, [], ASSIGNMENTS);
  const result = submitRequest(
    {
      id: 'r1',
      streetId: STREET,
      villageId: VILLAGE,
      gridId: GRID,
      residentId: RESIDENT,
      category: overrides.category ?? 'supplies',
      text: '家里缺米，老人行动不便',
      idempotencyKey: 'draft-0001',
      ...(overrides.urgent !== undefined ? { urgent: overrides.urgent } : {}),
    },
    routing,
    DEFAULT_POLICY,
    submittedAt,
  );
  if (!result.ok) throw new Error(result.message);
  return result.value.request;
}
