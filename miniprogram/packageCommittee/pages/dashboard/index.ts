// Committee dashboard (工作看板): per grid this week and today, the share answered within target,
// first-response p50/p90, escalations by level, requests waiting past their deadline right now, and
// the grid staff whose subscribe-message authorisations ran out (to remind them), today's SMS against
// the budget, today's calls refused by the rate limits (防刷), answered requests past their resolution target (超时未解决), and a warning when China's public-holiday data is about to run out. The emergency-mode
// switch asks for confirmation first, since it puts every grid's clock on 24/7 service.
import type { ReportFigures } from '../../../../core/src/reports';
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { MAX_NOTICES_PER_HOUR, MAX_OPEN_REQUESTS_PER_CATEGORY, MAX_SUBMISSIONS_PER_HOUR } from '../../../generated/rules';
import { call } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { CATEGORY_LABELS, STATE_LABELS } from '../../../utils/labels';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { formatChinaShort } from '../../../utils/time';
import { formatDuration, formatEscalations, formatShare, ROLE_LABELS } from '../../utils/format';
import { committeeVillageFor, MISSING_VILLAGE_MESSAGE } from '../../utils/village';

type Dashboard = OutputOf<'getVillageDashboard'>;

/** What one row of figures shows. */
interface FigureRow {
  total: number;
  share: string;
  p50: string;
  p90: string;
  escalations: string;
}

interface GridRow {
  gridId: string;
  name: string;
  week: FigureRow;
  today: FigureRow;
  overdueCount: number;
  /** "网格长、楼栋长" — whom to remind to renew their message authorisations. */
  unreachable: string;
}

interface OverdueRow {
  requestId: string;
  gridName: string;
  category: string;
  dueText: string;
  level: number;
  urgent: boolean;
}

function figureRow(f: ReportFigures): FigureRow {
  return {
    total: f.total,
    share: formatShare(f.shareWithinTarget),
    p50: formatDuration(f.firstResponseP50Ms),
    p90: formatDuration(f.firstResponseP90Ms),
    escalations: formatEscalations(f.escalationsByLevel),
  };
}

function gridRows(view: Dashboard): GridRow[] {
  return view.grids.map((g) => ({
    gridId: g.gridId,
    name: g.name,
    week: figureRow(g.week),
    today: figureRow(g.today),
    overdueCount: g.overdueCount,
    unreachable: g.unreachableStaff.map((s) => s.roles.map((r) => ROLE_LABELS[r]).join('、')).join('；'),
  }));
}

/** Which request a row is, where, what and by when it was due: the first columns of every request row. */
function requestRow(
  view: Dashboard,
  r: { requestId: string; gridId: string; category: keyof typeof CATEGORY_LABELS },
  dueAt: number,
): Pick<OverdueRow, 'requestId' | 'gridName' | 'category' | 'dueText'> {
  const grid = view.grids.find((g) => g.gridId === r.gridId);
  return { requestId: r.requestId, gridName: grid?.name ?? r.gridId, category: CATEGORY_LABELS[r.category], dueText: formatChinaShort(dueAt, view.asOf) };
}

function overdueRows(view: Dashboard): OverdueRow[] {
  return view.overdue.map((r) => ({ ...requestRow(view, r, r.responseDueAt), level: r.escalationLevel, urgent: r.urgent }));
}

/** An answered request past its resolution target (超时未解决). */
interface UnresolvedRow {
  requestId: string;
  gridName: string;
  category: string;
  state: string;
  dueText: string;
}

function unresolvedRows(view: Dashboard): UnresolvedRow[] {
  return view.unresolved.map((r) => ({ ...requestRow(view, r, r.resolutionDueAt), state: STATE_LABELS[r.state] }));
}

/** From this share of the day's SMS budget on, the count is shown in amber. */
const SMS_NEAR_BUDGET_SHARE = 0.8;

const EMPTY_FIGURES: FigureRow = { total: 0, share: '', p50: '', p90: '', escalations: '' };

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    villageId: '',
    villageName: '',
    loading: false,
    loaded: false,
    error: '',
    emergencyMode: false,
    switching: false,
    week: EMPTY_FIGURES,
    today: EMPTY_FIGURES,
    weekOf: '',
    overdueCount: 0,
    unresolvedCount: 0,
    unreachableCount: 0,
    authorisationsCounted: true,
    smsEnabled: false,
    smsUsedToday: 0,
    smsDailyBudget: 0,
    smsNearBudget: false,
    /** Today's refusals by each rate limit, and the limits themselves for the labels. */
    limitRefusals: { openRequests: 0, submissionsPerHour: 0, noticesPerHour: 0 },
    limits: { openRequests: MAX_OPEN_REQUESTS_PER_CATEGORY, submissionsPerHour: MAX_SUBMISSIONS_PER_HOUR, noticesPerHour: MAX_NOTICES_PER_HOUR },
    publicDaysLastYear: 0,
    publicDaysRunningOut: false,
    grids: [] as GridRow[],
    overdue: [] as OverdueRow[],
    unresolved: [] as UnresolvedRow[],
  },
  methods: {
    async reload(): Promise<void> {
      if (this.data.villageId === '') {
        this.setData({ error: MISSING_VILLAGE_MESSAGE });
        return;
      }
      const view = await this.load(() => call('getVillageDashboard', { villageId: this.data.villageId }));
      if (view === null) return;
      this.setData({
        loaded: true,
        villageName: view.village.name,
        emergencyMode: view.emergencyMode,
        week: figureRow(view.overall.week),
        today: figureRow(view.overall.today),
        weekOf: view.week.weekOf,
        overdueCount: view.overall.overdueCount,
        unresolvedCount: view.overall.unresolvedCount,
        unreachableCount: view.grids.reduce((n, g) => n + g.unreachableStaff.length, 0),
        authorisationsCounted: view.authorisationsCounted,
        smsEnabled: view.sms.enabled,
        smsUsedToday: view.sms.usedToday,
        smsDailyBudget: view.sms.dailyBudget,
        smsNearBudget: view.sms.usedToday >= view.sms.dailyBudget * SMS_NEAR_BUDGET_SHARE,
        limitRefusals: view.limitRefusalsToday,
        publicDaysLastYear: view.publicDays.lastYear,
        publicDaysRunningOut: view.publicDays.runningOut,
        grids: gridRows(view),
        overdue: overdueRows(view),
        unresolved: unresolvedRows(view),
      });
    },
    /** Every overdue row (unanswered or unresolved) opens its request. */
    onOpenRequest(e: WechatMiniprogram.BaseEvent): void {
      const id = String(e.currentTarget.dataset.id ?? '');
      if (id !== '') wx.navigateTo({ url: `/packageLeader/pages/request/index?id=${encodeURIComponent(id)}` });
    },
    /** 通知触达: the village's notices, each with its reach and unreached households. */
    onOpenNotices(): void {
      wx.navigateTo({ url: `/packageCommittee/pages/notices/index?villageId=${encodeURIComponent(this.data.villageId)}` });
    },
    onRefresh(): Promise<void> {
      return this.reload();
    },
    /** The switch shows the new value only once the village policy has really changed. */
    async onEmergency(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>): Promise<void> {
      const wanted = e.detail.checked === true;
      // Keep showing the stored mode until confirmed and saved.
      this.setData({ emergencyMode: this.data.emergencyMode });
      if (this.data.switching || wanted === this.data.emergencyMode) return;
      const confirmed = await new Promise<boolean>((resolve) => {
        wx.showModal({
          title: wanted ? '开启应急模式？' : '关闭应急模式？',
          content: wanted ? '开启后，全村所有网格 24 小时计时响应，诉求超时会在夜间和节假日照常上报。' : '关闭后，恢复正常服务时间计时。',
          confirmText: wanted ? '开启' : '关闭',
          cancelText: '取消',
          success: (res) => resolve(res.confirm === true),
          fail: () => resolve(false),
        });
      });
      if (!confirmed) return;
      this.setData({ switching: true, error: '' });
      const result = await call('setVillagePolicy', { villageId: this.data.villageId, calendar: { emergencyMode: wanted } });
      if (!result.ok) {
        this.setData({ switching: false, error: result.message });
        return;
      }
      this.setData({ switching: false, emergencyMode: wanted });
      toast(wanted ? '已开启应急模式' : '已关闭应急模式');
    },
  },
  async onLoad(query): Promise<void> {
    // The dashboard also serves duty officers: any village work place will do.
    this.setData({ villageId: await committeeVillageFor(query) });
    return this.reload();
  },
});
