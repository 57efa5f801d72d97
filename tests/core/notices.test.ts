import { describe, expect, it } from 'vitest';
import { householdReachState, newNotice, noticeReachesGrid, publishingStreet, rolesOf, type NoticeScope, type PublishNoticeInput } from '../../core/src';
import { ASSIGNMENTS, at, GRID, OTHER_GRID, STREET, VILLAGE } from './fixtures';

const NOW = at('2026-11-24T09:00');
const roles = (userId: string) => rolesOf(ASSIGNMENTS, userId);
const villageScope: NoticeScope = { kind: 'village', villageId: VILLAGE };
const draft = { id: 'n1', publishedBy: 'committeeZheng', streetId: STREET };
const village = { id: VILLAGE, streetId: STREET };
const grids = [
  { id: GRID, villageId: VILLAGE },
  { id: OTHER_GRID, villageId: VILLAGE },
];
const input = (scope: NoticeScope, extra: Partial<PublishNoticeInput> = {}): PublishNoticeInput => ({
  title: '停水通知',
  body: '明天上午停水。',
  scope,
  ...extra,
});

describe('publishingStreet', () => {
  it('lets the committee publish in its village and the street admin anywhere in the street', () => {
    expect(publishingStreet(roles('committeeZheng'), villageScope)).toEqual({ ok: true, value: STREET });
    expect(publishingStreet(roles('streetQian'), { kind: 'grids', villageId: 'v2', gridIds: ['g9'] })).toEqual({ ok: true, value: STREET });
    expect(publishingStreet(roles('streetQian'), { kind: 'street' })).toEqual({ ok: true, value: STREET });
  });

  it('refuses the street to a committee, another village to a committee, and everything to grid staff', () => {
    expect(publishingStreet(roles('committeeZheng'), { kind: 'street' })).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
      message: '只有街道管理员可以向全街道发布通知',
    });
    expect(publishingStreet(roles('committeeZheng'), { kind: 'village', villageId: 'v2' })).toMatchObject({
      ok: false,
      code: 'AUTH.FORBIDDEN',
      message: '只能向本村（社区）发布通知',
    });
    expect(publishingStreet(roles('leaderWang'), villageScope)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});

describe('newNotice', () => {
  it('builds the notice at `now` and one shard with every grid of the village', () => {
    const result = newNotice(input(villageScope, { attachments: ['cloud://a.jpg'], urgent: true, idempotencyKey: 'k1' }), draft, { village, grids }, NOW);
    expect(result).toEqual({
      ok: true,
      value: {
        notice: {
          id: 'n1',
          streetId: STREET,
          title: '停水通知',
          body: '明天上午停水。',
          attachments: ['cloud://a.jpg'],
          scope: villageScope,
          urgent: true,
          publishedAt: NOW,
          publishedBy: 'committeeZheng',
        },
        shards: [{ villageId: VILLAGE, gridIds: [GRID, OTHER_GRID] }],
      },
    });
  });

  it('is not urgent and has no attachments unless asked', () => {
    const result = newNotice(input(villageScope), draft, { village, grids }, NOW);
    expect(result.ok && result.value.notice).toMatchObject({ urgent: false, attachments: [] });
  });

  it('sends chosen grids as named, and names those not found in the village', () => {
    const scope: NoticeScope = { kind: 'grids', villageId: VILLAGE, gridIds: [OTHER_GRID] };
    expect(newNotice(input(scope), draft, { village, grids }, NOW)).toMatchObject({
      ok: true,
      value: { shards: [{ villageId: VILLAGE, gridIds: [OTHER_GRID] }] },
    });
    const missing: NoticeScope = { kind: 'grids', villageId: VILLAGE, gridIds: [GRID, 'gElsewhere', 'gGone'] };
    const elsewhere = [...grids, { id: 'gElsewhere', villageId: 'v2' }];
    expect(newNotice(input(missing), draft, { village, grids: elsewhere }, NOW)).toMatchObject({
      ok: false,
      code: 'GRID.NOT_FOUND',
      details: { gridIds: ['gElsewhere', 'gGone'] },
    });
  });

  it('answers VILLAGE.NOT_FOUND for a missing village or one of another street', () => {
    expect(newNotice(input(villageScope), draft, { village: null, grids: [] }, NOW)).toMatchObject({ ok: false, code: 'VILLAGE.NOT_FOUND' });
    expect(newNotice(input(villageScope), draft, { village: { id: VILLAGE, streetId: 'st2' }, grids }, NOW)).toMatchObject({
      ok: false,
      code: 'VILLAGE.NOT_FOUND',
    });
  });

  it('splits a street notice into one shard per village, in the order the grids came', () => {
    const streetGrids = [
      { id: 'a1', villageId: 'va' },
      { id: 'b1', villageId: 'vb' },
      { id: 'a2', villageId: 'va' },
    ];
    const result = newNotice(input({ kind: 'street' }), { ...draft, publishedBy: 'streetQian' }, { village: null, grids: streetGrids }, NOW);
    expect(result).toMatchObject({
      ok: true,
      value: {
        notice: { streetId: STREET, scope: { kind: 'street' } },
        shards: [
          { villageId: 'va', gridIds: ['a1', 'a2'] },
          { villageId: 'vb', gridIds: ['b1'] },
        ],
      },
    });
  });
});

describe('noticeReachesGrid', () => {
  const grid = { streetId: STREET, villageId: VILLAGE, gridId: GRID };
  it('reaches the grids of its scope, and never a grid of another street', () => {
    expect(noticeReachesGrid({ streetId: STREET, scope: { kind: 'street' } }, grid)).toBe(true);
    expect(noticeReachesGrid({ streetId: STREET, scope: villageScope }, grid)).toBe(true);
    expect(noticeReachesGrid({ streetId: STREET, scope: { kind: 'grids', villageId: VILLAGE, gridIds: [GRID] } }, grid)).toBe(true);
    expect(noticeReachesGrid({ streetId: STREET, scope: { kind: 'grids', villageId: VILLAGE, gridIds: [OTHER_GRID] } }, grid)).toBe(false);
    expect(noticeReachesGrid({ streetId: STREET, scope: { kind: 'village', villageId: 'v2' } }, grid)).toBe(false);
    // A grid id of another village under this village's scope does not count.
    expect(noticeReachesGrid({ streetId: STREET, scope: { kind: 'grids', villageId: 'v2', gridIds: [GRID] } }, grid)).toBe(false);
    expect(noticeReachesGrid({ streetId: 'st2', scope: { kind: 'street' } }, grid)).toBe(false);
  });
});

describe('householdReachState', () => {
  it('counts a read before a mark, so a household is never counted twice', () => {
    expect(householdReachState(true, true)).toBe('read');
    expect(householdReachState(true, false)).toBe('read');
    expect(householdReachState(false, true)).toBe('toldInPerson');
    expect(householdReachState(false, false)).toBe('unreached');
  });
});
