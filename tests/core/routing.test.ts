import { describe, expect, it } from 'vitest';
import { changeRoutingRule, DEFAULT_POLICY, findRoutingRule, resolvePolicy, routeRequest, type RoleAssignment, type RoutingRule } from '../../core/src';
import { ASSIGNMENTS, at, GRID, OTHER_GRID, STREET, VILLAGE } from './fixtures';

const place = { streetId: STREET, villageId: VILLAGE, gridId: GRID };
const NOW = at('2026-11-24T09:00');

function rule(id: string, category: RoutingRule['category'], roles: RoutingRule['roles'], userIds: string[] = [], gridId = GRID): RoutingRule {
  return { id, gridId, category, roles, userIds, updatedAt: NOW, updatedBy: 'committeeZheng', version: 1 };
}

describe('routeRequest', () => {
  it('defaults to the grid leader', () => {
    expect(routeRequest({ place, category: 'repairs' }, [], ASSIGNMENTS)).toEqual({
      outcome: 'routed',
      responders: ['leaderWang'],
      source: { kind: 'default' },
    });
  });

  it('uses the rule for the category, then the grid-wide rule', () => {
    const rules = [
      rule('ruleMed', 'medicine', ['partyGroupLeader'], ['doctorHu']),
      rule('ruleAll', '*', ['gridLeader', 'buildingLeader']),
      rule('ruleElsewhere', 'repairs', ['gridWorker'], [], OTHER_GRID),
    ];
    expect(findRoutingRule(rules, GRID, 'medicine')?.id).toBe('ruleMed');
    expect(routeRequest({ place, category: 'medicine' }, rules, ASSIGNMENTS)).toEqual({
      outcome: 'routed',
      responders: ['partyLi', 'doctorHu'],
      source: { kind: 'rule', ruleId: 'ruleMed' },
    });
    expect(routeRequest({ place, category: 'repairs' }, rules, ASSIGNMENTS)).toMatchObject({
      responders: ['leaderWang', 'buildingZhao'],
      source: { kind: 'rule', ruleId: 'ruleAll' },
    });
  });

  it('adds the micro-grid leader during an emergency split', () => {
    expect(routeRequest({ place, category: 'supplies', microGrid: { leaderUserId: 'volunteerMa' } }, [], ASSIGNMENTS).responders).toEqual([
      'leaderWang',
      'volunteerMa',
    ]);
  });

  it("sends an urgent request to all three 三长 of the grid by default, besides the rule's people", () => {
    const urgent = routeRequest({ place, category: 'repairs', urgent: true }, [], ASSIGNMENTS, DEFAULT_POLICY);
    expect(urgent).toMatchObject({ outcome: 'routed', source: { kind: 'default' } });
    expect(urgent.responders).toEqual(['leaderWang', 'partyLi', 'buildingZhao']);
    const rules = [rule('r-med', 'medicine', ['gridWorker'], ['volunteerMa'])];
    expect(routeRequest({ place, category: 'medicine', urgent: true }, rules, ASSIGNMENTS, DEFAULT_POLICY).responders).toEqual([
      'workerSun',
      'volunteerMa',
      'leaderWang',
      'partyLi',
      'buildingZhao',
    ]);
    // Not urgent: the rule alone.
    expect(routeRequest({ place, category: 'medicine' }, rules, ASSIGNMENTS, DEFAULT_POLICY).responders).toEqual(['workerSun', 'volunteerMa']);
  });

  it('routes an urgent request like any other when the village turns urgentToAllLeaders off', () => {
    const policy = resolvePolicy({ urgentToAllLeaders: false });
    expect(routeRequest({ place, category: 'repairs', urgent: true }, [], ASSIGNMENTS, policy).responders).toEqual(['leaderWang']);
  });

  it('keeps the fallback for an urgent request in a grid with no 三长', () => {
    const noLeaders = ASSIGNMENTS.filter((a) => a.scope.gridId !== GRID);
    expect(routeRequest({ place, category: 'repairs', urgent: true }, [], noLeaders, DEFAULT_POLICY)).toMatchObject({
      outcome: 'noResponderFallback',
      fallbackTo: 'dutyOfficers',
      responders: ['dutyZhou', 'dutyWu'],
    });
  });

  it('falls back to the duty officers, recorded as an outcome, when the grid has nobody', () => {
    const noLeader = ASSIGNMENTS.filter((a) => a.role !== 'gridLeader');
    expect(routeRequest({ place, category: 'supplies' }, [], noLeader)).toEqual({
      outcome: 'noResponderFallback',
      responders: ['dutyZhou', 'dutyWu'],
      source: { kind: 'default' },
      fallbackTo: 'dutyOfficers',
    });
  });

  it('goes on to the committee, then the street, and records nobody as a last resort', () => {
    const only = (roles: RoleAssignment['role'][]) => ASSIGNMENTS.filter((a) => roles.includes(a.role));
    expect(routeRequest({ place, category: 'other' }, [], only(['committee', 'streetAdmin']))).toMatchObject({
      fallbackTo: 'committee',
      responders: ['committeeZheng'],
    });
    expect(routeRequest({ place, category: 'other' }, [], only(['streetAdmin']))).toMatchObject({ fallbackTo: 'streetAdmins', responders: ['streetQian'] });
    expect(routeRequest({ place, category: 'other' }, [], [])).toEqual({
      outcome: 'noResponderFallback',
      responders: [],
      source: { kind: 'default' },
      fallbackTo: 'nobody',
    });
  });
});

describe('changeRoutingRule', () => {
  it('creates a rule with an audit entry', () => {
    const result = changeRoutingRule(
      null,
      { gridId: GRID, category: 'medicine', set: { roles: ['partyGroupLeader'], userIds: [] }, reason: '李书记负责买药' },
      'committeeZheng',
      NOW,
      'ruleNew',
    );
    expect(result).toEqual({
      ok: true,
      value: {
        rule: {
          id: 'ruleNew',
          gridId: GRID,
          category: 'medicine',
          roles: ['partyGroupLeader'],
          userIds: [],
          updatedAt: NOW,
          updatedBy: 'committeeZheng',
          version: 1,
        },
        audit: {
          ruleId: 'ruleNew',
          gridId: GRID,
          category: 'medicine',
          changedBy: 'committeeZheng',
          changedAt: NOW,
          reason: '李书记负责买药',
          before: null,
          after: expect.objectContaining({ roles: ['partyGroupLeader'] }),
        },
      },
    });
  });

  it('records before and after on change and removal', () => {
    const existing = rule('ruleMed', 'medicine', ['partyGroupLeader']);
    const changed = changeRoutingRule(
      existing,
      { gridId: GRID, category: 'medicine', set: { roles: ['gridLeader'], userIds: ['doctorHu'] }, reason: '换人' },
      'committeeZheng',
      NOW + 1,
      'unused',
    );
    expect(changed.ok && changed.value.rule).toMatchObject({ id: 'ruleMed', version: 2, roles: ['gridLeader'], userIds: ['doctorHu'] });
    expect(changed.ok && changed.value.audit.before).toBe(existing);
    const removed = changeRoutingRule(existing, { gridId: GRID, category: 'medicine', set: null, reason: '恢复默认' }, 'committeeZheng', NOW + 2, 'unused');
    expect(removed.ok && removed.value).toMatchObject({ rule: null, audit: { before: existing, after: null } });
  });

  it('needs a reason and a matching rule', () => {
    expect(changeRoutingRule(null, { gridId: GRID, category: '*', set: null, reason: '  ' }, 'u', NOW, 'id')).toMatchObject({
      ok: false,
      code: 'ROUTING.REASON_REQUIRED',
    });
    expect(changeRoutingRule(rule('x', 'medicine', []), { gridId: OTHER_GRID, category: 'medicine', set: null, reason: 'r' }, 'u', NOW, 'id')).toMatchObject({
      ok: false,
      code: 'INPUT.INVALID',
    });
  });
});
