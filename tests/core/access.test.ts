import { describe, expect, it } from 'vitest';
import {
  gridsServed,
  mayAdministerStreet,
  mayHandleRequestsAt,
  mayLeadGrid,
  mayManageVillage,
  mayOverseeVillage,
  maySeeRequest,
  mayServeGrid,
  rolesOf,
  streetAdministered,
  villagesManaged,
  villagesOverseen,
} from '../../core/src';
import { ASSIGNMENTS, GRID, OTHER_GRID, STREET, VILLAGE } from './fixtures';

const grid = { streetId: STREET, villageId: VILLAGE, gridId: GRID };
const otherGrid = { ...grid, gridId: OTHER_GRID };
const village = { streetId: STREET, villageId: VILLAGE };
const farVillage = { streetId: STREET, villageId: 'v2' };
const roles = (userId: string) => rolesOf(ASSIGNMENTS, userId);

/** Everyone in the fixtures for whom the question answers yes. */
function who(question: (r: ReturnType<typeof roles>) => boolean): string[] {
  return [...new Set(ASSIGNMENTS.map((a) => a.userId))].filter((u) => question(roles(u)));
}

describe('access', () => {
  it('lets the street admin administer only their street', () => {
    expect(who((r) => mayAdministerStreet(r, { streetId: STREET }))).toEqual(['streetQian']);
    expect(mayAdministerStreet(roles('streetQian'), { streetId: 'st2' })).toBe(false);
  });

  it('lets the committee and the street admin manage a village; duty officers oversee it too', () => {
    expect(who((r) => mayManageVillage(r, village))).toEqual(['committeeZheng', 'streetQian']);
    expect(who((r) => mayOverseeVillage(r, village))).toEqual(['dutyZhou', 'dutyWu', 'committeeZheng', 'streetQian']);
    expect(who((r) => mayOverseeVillage(r, farVillage))).toEqual(['dutyFar', 'streetQian']);
  });

  it('lets the 三长 lead their grid, and the grid worker serve it, but not another grid', () => {
    expect(who((r) => mayLeadGrid(r, grid))).toEqual(['leaderWang', 'partyLi', 'buildingZhao', 'committeeZheng', 'streetQian']);
    expect(who((r) => mayServeGrid(r, grid))).toEqual(['leaderWang', 'partyLi', 'buildingZhao', 'workerSun', 'committeeZheng', 'streetQian']);
    expect(who((r) => mayServeGrid(r, otherGrid))).toEqual(['leaderOther', 'committeeZheng', 'streetQian']);
  });

  it('lets grid staff, village overseers and street admins handle a place’s requests', () => {
    expect(who((r) => mayHandleRequestsAt(r, grid))).toEqual([
      'leaderWang',
      'partyLi',
      'buildingZhao',
      'workerSun',
      'dutyZhou',
      'dutyWu',
      'committeeZheng',
      'streetQian',
    ]);
  });

  it('shows a request to its resident and responders as well as to staff', () => {
    const request = { ...grid, residentId: 'residentChen', responders: ['volunteerMa'] };
    expect(maySeeRequest([], 'residentChen', request)).toBe(true);
    expect(maySeeRequest([], 'volunteerMa', request)).toBe(true);
    expect(maySeeRequest([], 'neighbourLin', request)).toBe(false);
    expect(maySeeRequest(roles('leaderOther'), 'leaderOther', request)).toBe(false);
    expect(maySeeRequest(roles('dutyWu'), 'dutyWu', request)).toBe(true);
  });

  it('lists the places a person holds a role in', () => {
    expect(streetAdministered(roles('streetQian'))).toBe(STREET);
    expect(streetAdministered(roles('committeeZheng'))).toBeNull();
    expect([...villagesManaged(roles('committeeZheng')).values()]).toEqual([village]);
    expect(villagesManaged(roles('dutyZhou')).size).toBe(0);
    expect([...villagesOverseen(roles('dutyZhou')).values()]).toEqual([village]);
    expect([...gridsServed(roles('workerSun')).values()]).toEqual([grid]);
    expect(gridsServed(roles('committeeZheng')).size).toBe(0);
  });
});
