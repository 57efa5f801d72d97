// @vitest-environment jsdom
// The committee's weekly report and 回访 pages through taps: the report shows each grid and each person
// by name and role with 响应率/解决率/满意率; 上一周/下一周 ask for that week; 导出Excel calls
// exportReport, downloads the file through wx.cloud and opens it with wx.openDocument; a street admin
// switches to the villages ranked. The follow-up page lists the open ones with the request and the
// door, and a tap opens the record form: an outcome and a note, saved with recordFollowUp.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionOutputs } from '../../miniprogram/services/outputs';
import { fakeDateAt, zeroFigures } from './fixtures';
import { failWith, installWorld, mount, ok, type FakeWorld, type Mounted } from './harness';

const DAY_MS = 86_400_000;
/** Tuesday 2026-11-24 10:00 China time. */
const NOW = Date.UTC(2026, 10, 24, 2, 0, 0);

type Report = FunctionOutputs['getReport'];
type Figures = Report['overall'];

function figures(patch: Partial<Figures>): Figures {
  return {
    ...zeroFigures(),
    resolvedWithinTarget: 0,
    shareResolvedWithinTarget: null,
    satisfied: 0,
    shareSatisfied: null,
    escalated: 0,
    followUpsCreated: 0,
    followUpsDone: 0,
    ...patch,
  };
}

function report(by: Report['by'], weekStart: number, groups: Report['groups'], place: Report['place'] = { kind: 'village', villageId: 'v01' }): Report {
  return {
    by,
    period: { start: weekStart, end: weekStart + 7 * DAY_MS },
    asOf: NOW,
    place,
    placeName: place.kind === 'street' ? '连心街道' : '东风村',
    truncated: false,
    overall: {
      ...figures({
        total: 3,
        shareWithinTarget: 2 / 3,
        shareResolvedWithinTarget: 1 / 3,
        shareSatisfied: 0.5,
        escalated: 1,
        followUpsCreated: 2,
        followUpsDone: 1,
      }),
      noticeReach: { notices: 1, households: 12, reached: 6, share: 0.5 },
    },
    groups,
  };
}

const GRID_ROWS: Report['groups'] = [
  {
    key: 'v01-g01',
    label: '第1网格',
    gridName: '第1网格',
    figures: figures({ total: 2, shareWithinTarget: 0.5, shareResolvedWithinTarget: 0.5, shareSatisfied: 1 }),
    noticeReach: { notices: 1, households: 6, reached: 3, share: 0.5 },
  },
  {
    key: 'v01-g02',
    label: '第2网格',
    gridName: '第2网格',
    figures: figures({ total: 1, shareWithinTarget: 1, shareResolvedWithinTarget: 0, shareSatisfied: 0 }),
    noticeReach: { notices: 0, households: 0, reached: 0, share: null },
  },
];
const LEADER_ROWS: Report['groups'] = [
  { key: 'a1b2c3d4e5f60718', label: '王建国', role: '网格长', gridName: '第1网格', figures: figures({ total: 2, shareWithinTarget: 0.5 }) },
  { key: '0f1e2d3c4b5a6978', label: '网格长（未留名）', role: '网格长', gridName: '第2网格', figures: figures({ total: 1, shareWithinTarget: 1 }) },
];

function profile(streetAdmin: boolean): FunctionOutputs['getMyProfile'] {
  return {
    membership: null,
    grids: [],
    villages: [{ villageId: 'v01', villageName: '东风村', roles: streetAdmin ? ['committee', 'streetAdmin'] : ['committee'] }],
    streetAdmin,
    reminders: { longTerm: false, left: { requestAssigned: 0, requestEscalated: 0, requestDueSoon: 0, requestUpdated: 0, noticePublished: 0 } },
  } as FunctionOutputs['getMyProfile'];
}

/** The Monday of the week a getReport call asked for, by its date. */
function weekStartOf(date: string): number {
  const day = Date.parse(`${date}T00:00:00+08:00`);
  const weekday = (new Date(day + 8 * 3600_000).getUTCDay() + 6) % 7;
  return day - weekday * DAY_MS;
}

const cloud = (world: FakeWorld): Record<string, unknown> => world.wx.cloud as Record<string, unknown>;
/** The temporary URL exportReport gives with the fileID. */
const REPORT_TEMP_URL = 'https://env-test.tcb.qcloud.la/reports/v01/2026-11-16.xlsx?sign=s&t=1';

describe('weekly report page', () => {
  fakeDateAt(NOW);
  let world: FakeWorld;
  let page: Mounted;
  let opened: Array<{ filePath: string; fileType?: string; showMenu?: boolean }>;
  let downloaded: string[];

  function install(streetAdmin = false): void {
    world = installWorld();
    world.handlers.getMyProfile = () => ok(profile(streetAdmin));
    world.handlers.getReport = (data) => {
      const input = data as { groupBy: Report['by']; period: { date: string }; villageId?: string };
      const start = weekStartOf(input.period.date);
      if (input.groupBy === 'village') {
        return ok(
          report(
            'village',
            start,
            [
              { key: 'v02', label: '西河村', rank: 1, figures: figures({ total: 1, shareWithinTarget: 1 }) },
              { key: 'v01', label: '东风村', rank: 2, figures: figures({ total: 3, shareWithinTarget: 2 / 3 }) },
            ],
            { kind: 'street', streetId: 's1' },
          ),
        );
      }
      return ok(report(input.groupBy, start, input.groupBy === 'leader' ? LEADER_ROWS : GRID_ROWS));
    };
    world.handlers.exportReport = () =>
      ok({ fileID: 'cloud://env-test.bucket/reports/v01/2026-11-16.xlsx', cloudPath: 'reports/v01/2026-11-16.xlsx', tempFileURL: REPORT_TEMP_URL });
    opened = [];
    downloaded = [];
    // The storage rule lets no client read a function's upload by fileID: the page must use the URL.
    cloud(world).downloadFile = async () => {
      throw new Error('cloud.downloadFile:fail STORAGE_EXCEED_AUTHORITY');
    };
    world.wx.downloadFile = (opts: { url: string; success?: (r: unknown) => void }) => {
      downloaded.push(opts.url);
      opts.success?.({ statusCode: 200, tempFilePath: 'wxfile://tmp/report.xlsx' });
    };
    world.wx.openDocument = (opts: { filePath: string; fileType?: string; showMenu?: boolean; success?: () => void }) => {
      opened.push({ filePath: opts.filePath, fileType: opts.fileType, showMenu: opts.showMenu });
      opts.success?.();
    };
  }

  const reportCalls = () => world.calls.filter((c) => c.name === 'getReport').map((c) => c.data);

  afterEach(() => page.unmount());

  describe('for the committee', () => {
    beforeEach(async () => {
      install();
      page = await mount('packageCommittee/pages/report/index', { query: { villageId: 'v01' } });
    });

    it('shows last week per grid and per person by name and role, with the three rates', () => {
      expect(reportCalls()).toEqual([
        { groupBy: 'grid', period: { kind: 'week', date: '2026-11-17' }, villageId: 'v01' },
        { groupBy: 'leader', period: { kind: 'week', date: '2026-11-17' }, villageId: 'v01' },
      ]);
      expect(page.node('#title').dom.textContent).toBe('东风村');
      expect(page.node('#week').dom.textContent).toBe('2026-11-16 至 2026-11-22');
      expect(page.node('#overall-response').dom.textContent).toBe('67%');
      expect(page.node('#overall-resolution').dom.textContent).toBe('33%');
      expect(page.node('#overall-satisfaction').dom.textContent).toBe('50%');
      expect(page.node('#overall-followups').dom.textContent).toBe('1/2');
      expect(page.node('#overall-reach').dom.textContent).toBe('50%（6/12 户次）');
      expect(page.node('#grid-v01-g01').dom.textContent).toContain('第1网格2 件响应率 50% · 解决率 50% · 满意率 100%');
      expect(page.node('#grid-v01-g01').dom.textContent).toContain('通知触达 50%（3/6 户次）');
      expect(page.node('#grid-v01-g02').dom.textContent).toContain('通知触达 本周无通知');
      expect(page.node('#leader-0').dom.textContent).toContain('王建国网格长 · 第1网格2 件 · 响应率 50%');
      expect(page.node('#leader-1').dom.textContent).toContain('网格长（未留名）网格长 · 第2网格');
      expect(page.comp.querySelector('#toggle-street')).toBeFalsy();
    });

    it('goes a week back and forward again, never past the current week', async () => {
      await page.tap('#prev-week');
      expect(reportCalls().at(-1)).toMatchObject({ period: { date: '2026-11-09' } });
      expect(page.node('#week').dom.textContent).toBe('2026-11-09 至 2026-11-15');
      await page.tap('#next-week');
      await page.tap('#next-week');
      expect(reportCalls().at(-1)).toMatchObject({ period: { date: '2026-11-23' } });
      expect(page.node('#week').dom.textContent).toBe('2026-11-23 至 2026-11-29');
      const calls = reportCalls().length;
      // This week has not ended: no next week to ask for.
      await page.tap('#next-week');
      expect(reportCalls()).toHaveLength(calls);
    });

    it('exports the week, downloads the file by its temporary URL and opens it with wx.openDocument', async () => {
      await page.tap('#prev-week');
      await page.tap('#export');
      expect(world.calls.at(-1)).toEqual({ name: 'exportReport', data: { period: { kind: 'week', date: '2026-11-09' }, villageId: 'v01' } });
      expect(downloaded).toEqual([REPORT_TEMP_URL]);
      expect(opened).toEqual([{ filePath: 'wxfile://tmp/report.xlsx', fileType: 'xlsx', showMenu: true }]);
      expect(page.comp.querySelector('#error')).toBeFalsy();
    });

    it('says why when the export fails, and opens nothing', async () => {
      world.handlers.exportReport = () => failWith('AUTH.FORBIDDEN', '只能查看本村（社区）的报表');
      await page.tap('#export');
      expect(page.node('#error').dom.textContent).toBe('只能查看本村（社区）的报表');
      expect(opened).toEqual([]);
    });
  });

  it('lets a street admin switch to the villages ranked by 响应率', async () => {
    install(true);
    page = await mount('packageCommittee/pages/report/index', { query: { villageId: 'v01' } });
    await page.tap('#toggle-street');
    expect(reportCalls().at(-2)).toEqual({ groupBy: 'village', period: { kind: 'week', date: '2026-11-17' } });
    expect(page.node('#title').dom.textContent).toBe('连心街道');
    expect(page.node('#village-v02').dom.textContent).toContain('第1名 西河村');
    expect(page.node('#village-v01').dom.textContent).toContain('第2名 东风村');
    expect(page.comp.querySelector('#grids')).toBeFalsy();
  });
});

type FollowUps = FunctionOutputs['listFollowUps'];

function followUps(done: boolean): FollowUps {
  const low: FollowUps['items'][number] = {
    id: 'r1:rating',
    requestId: 'r1',
    gridId: 'v01-g01',
    gridName: '第1网格',
    reason: 'lowRating',
    category: 'medicine',
    text: '帮忙买降压药',
    rating: 1,
    comment: '根本没人来',
    building: '1栋',
    unit: '1单元',
    room: '101',
    phone: '13800000001',
    createdAt: NOW - 3600_000,
    state: done ? 'done' : 'open',
    ...(done ? { outcome: 'explained' as const, note: '已电话说明', doneAt: NOW } : {}),
  };
  const reopened: FollowUps['items'][number] = {
    id: 'r2:1',
    requestId: 'r2',
    gridId: 'v01-g02',
    gridName: '第2网格',
    reason: 'reopened',
    category: 'repairs',
    text: '水管漏水',
    reopenReason: '还在漏',
    createdAt: NOW - 7200_000,
    state: 'open',
  };
  return { villageId: 'v01', openCount: done ? 1 : 2, items: done ? [reopened, low] : [reopened, low] };
}

describe('follow-up page', () => {
  fakeDateAt(NOW);
  let world: FakeWorld;
  let page: Mounted;
  let recorded: boolean;

  beforeEach(async () => {
    world = installWorld();
    recorded = false;
    world.handlers.listFollowUps = () => ok(followUps(recorded));
    world.handlers.recordFollowUp = () => {
      recorded = true;
      return ok(followUps(true).items[1]);
    };
    page = await mount('packageCommittee/pages/followups/index', { query: { villageId: 'v01' } });
  });
  afterEach(() => page.unmount());

  it('lists the open follow-ups with the request, the rating or reason and the door', () => {
    expect(world.calls).toEqual([{ name: 'listFollowUps', data: { villageId: 'v01' } }]);
    expect(page.node('#open-count').dom.textContent).toBe('待回访 2 件');
    const low = page.node('#item-r1-rating').dom.textContent ?? '';
    expect(low).toContain('待回访 就医买药 · 差评');
    expect(low).toContain('帮忙买降压药');
    expect(low).toContain('1 星：根本没人来');
    expect(low).toContain('第1网格 1栋 1单元 101');
    expect(page.node('#item-r2-1').dom.textContent).toContain('重新打开：还在漏');
  });

  it('calls the household from the list', async () => {
    await page.tap('#call-r1-rating');
    expect(world.phoneCalls).toEqual(['13800000001']);
  });

  it('a tap opens the record form; it asks for an outcome, then records the call with the note', async () => {
    await page.tap('#open-r1-rating');
    expect(page.node('#record').dom.textContent).toContain('记录回访：就医买药 · 差评');
    await page.tap('#save');
    expect(page.node('#form-error').dom.textContent).toBe('请选择回访结果');
    expect(world.calls.map((c) => c.name)).toEqual(['listFollowUps']);
    await page.tap('#outcome-explained');
    await page.change('#note', '已电话说明');
    await page.tap('#save');
    expect(world.calls.at(-2)).toEqual({ name: 'recordFollowUp', data: { followUpId: 'r1:rating', outcome: 'explained', note: '已电话说明' } });
    expect(world.toasts).toContain('已记录回访');
    expect(page.comp.querySelector('#record')).toBeFalsy();
    expect(page.node('#open-count').dom.textContent).toBe('待回访 1 件');
    expect(page.node('#result-r1-rating').dom.textContent).toBe('已解释：已电话说明');
  });

  it('keeps the form and says why when the record is refused', async () => {
    world.handlers.recordFollowUp = () => failWith('FOLLOW_UP.ALREADY_RECORDED', '这条回访已经记录过了');
    await page.tap('#open-r2-1');
    await page.tap('#outcome-unreachable');
    await page.tap('#save');
    expect(page.node('#form-error').dom.textContent).toBe('这条回访已经记录过了');
    expect(page.node('#record').dom.textContent).toContain('维修 · 重新打开');
  });
});
