// 周报 (weekly report): for the committee's village, per grid and per person by name and role, the
// share answered within target (响应率), resolved within target (解决率), satisfied (满意率),
// escalations, follow-ups done and, per grid, the week's notice reach; previous / next week; 导出Excel
// writes the .xlsx (exportReport), downloads it and opens it with wx.openDocument. A street admin
// can switch to the street's villages, ranked by 响应率 then 解决率.
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { TIME_UNITS_MS } from '../../../generated/words';
import { call, type ApiResult } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { loadProfile } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { formatChinaDateTime } from '../../../utils/time';
import { formatShare } from '../../utils/format';
import { openSheet } from '../../utils/sheet';
import { committeeVillageFor, MISSING_VILLAGE_MESSAGE } from '../../utils/village';

type Report = OutputOf<'getReport'>;
type ReportRow = Report['groups'][number];
type Figures = Report['overall'];

const DAYS_PER_WEEK = 7;
const WEEK_MS = DAYS_PER_WEEK * TIME_UNITS_MS.DAY_MS;
/** A date's part of formatChinaDateTime's 'YYYY-MM-DD HH:mm'. */
const DATE_LENGTH = 'YYYY-MM-DD'.length;
const EXPORT_FAILED = '导出失败，请稍后再试';

function chinaDate(ms: number): string {
  return formatChinaDateTime(ms).slice(0, DATE_LENGTH);
}

/** One row of figures as shown. */
interface FigureRow {
  key: string;
  /** "第1网格", "王建国", "东风村". */
  name: string;
  /** "网格长 · 第1网格" for a person, "第1名" for a ranked village. */
  detail: string;
  total: number;
  response: string;
  resolution: string;
  satisfaction: string;
  escalated: number;
  followUps: string;
  reach: string;
}

function figureRow(key: string, name: string, detail: string, f: Figures, reach: ReportRow['noticeReach']): FigureRow {
  return {
    key,
    name,
    detail,
    total: f.total,
    response: formatShare(f.shareWithinTarget),
    resolution: formatShare(f.shareResolvedWithinTarget),
    satisfaction: formatShare(f.shareSatisfied),
    escalated: f.escalated,
    followUps: `${f.followUpsDone}/${f.followUpsCreated}`,
    reach: reach === undefined ? '' : reach.share === null ? '本周无通知' : `${formatShare(reach.share)}（${reach.reached}/${reach.households} 户次）`,
  };
}

function rowOf(r: ReportRow, index: number): FigureRow {
  const detail = r.rank !== undefined ? `第${r.rank}名` : [r.role, r.role === undefined ? undefined : r.gridName].filter(Boolean).join(' · ');
  // A person's key is opaque and unique; the index keeps the element id short and stable on the page.
  return figureRow(r.role !== undefined ? `p${index}` : r.key, r.label, detail, r.figures, r.noticeReach);
}

function combined<A, B>(a: ApiResult<A>, b: ApiResult<B>): ApiResult<{ a: A; b: B }> {
  if (!a.ok) return a;
  if (!b.ok) return b;
  return { ok: true, data: { a: a.data, b: b.data } };
}

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    villageId: '',
    /** Showing the street's villages ranked (street admins). */
    street: false,
    streetAdmin: false,
    placeName: '',
    /** Any China date of the week shown. */
    weekDate: '',
    weekStart: 0,
    weekText: '',
    canNext: false,
    loading: false,
    loaded: false,
    exporting: false,
    error: '',
    overall: null as FigureRow | null,
    grids: [] as FigureRow[],
    leaders: [] as FigureRow[],
    villages: [] as FigureRow[],
  },
  methods: {
    period(): { kind: 'week'; date: string } {
      return { kind: 'week', date: this.data.weekDate };
    },
    place(): { villageId?: string } {
      return this.data.street ? {} : { villageId: this.data.villageId };
    },
    async reload(): Promise<void> {
      if (!this.data.street && this.data.villageId === '') {
        this.setData({ error: MISSING_VILLAGE_MESSAGE });
        return;
      }
      const period = this.period();
      const first: 'village' | 'grid' = this.data.street ? 'village' : 'grid';
      const reports = await this.load(async () =>
        combined(await call('getReport', { groupBy: first, period, ...this.place() }), await call('getReport', { groupBy: 'leader', period, ...this.place() })),
      );
      if (reports === null) return;
      const main = reports.a;
      const overall = figureRow('overall', main.placeName, '', main.overall, main.overall.noticeReach);
      this.setData({
        loaded: true,
        placeName: main.placeName,
        weekStart: main.period.start,
        weekText: `${chinaDate(main.period.start)} 至 ${chinaDate(main.period.end - 1)}`,
        canNext: main.period.end <= main.asOf,
        overall,
        grids: this.data.street ? [] : main.groups.map(rowOf),
        villages: this.data.street ? main.groups.map(rowOf) : [],
        leaders: reports.b.groups.map(rowOf),
      });
    },
    onPrevWeek(): Promise<void> {
      this.setData({ weekDate: chinaDate(this.data.weekStart - WEEK_MS) });
      return this.reload();
    },
    async onNextWeek(): Promise<void> {
      if (!this.data.canNext) return;
      this.setData({ weekDate: chinaDate(this.data.weekStart + WEEK_MS) });
      return this.reload();
    },
    onToggleStreet(): Promise<void> {
      this.setData({ street: !this.data.street });
      return this.reload();
    },
    onRefresh(): Promise<void> {
      return this.reload();
    },
    /** Writes the .xlsx on the server, brings it onto the phone and opens it (WeChat's menu can forward it). */
    async onExport(): Promise<void> {
      if (this.data.exporting) return;
      this.setData({ exporting: true, error: '' });
      const exported = await call('exportReport', { period: this.period(), ...this.place() });
      if (!exported.ok) {
        this.setData({ exporting: false, error: exported.message });
        return;
      }
      try {
        await openSheet(exported.data);
        this.setData({ exporting: false });
      } catch {
        this.setData({ exporting: false, error: EXPORT_FAILED });
      }
    },
  },
  async onLoad(query): Promise<void> {
    const [villageId, profile] = await Promise.all([committeeVillageFor(query), loadProfile()]);
    this.setData({
      villageId,
      streetAdmin: profile?.streetAdmin === true,
      street: query.street === '1' && profile?.streetAdmin === true,
      // The last full week: the weekly report is made on Monday for the week before.
      weekDate: chinaDate(Date.now() - WEEK_MS),
    });
    return this.reload();
  },
});
