// One notice's reach for the committee (通知触达): how far it got in each grid of the village, then
// every household still unreached, in the order to call or visit: care needs first (独居老人 first of
// all), then households without a smartphone, then by building, unit and room (getNoticeReach orders
// them). "电话告知" and "当面告知" record the call or the visit (markHouseholdReached) and move the
// household to 本次已告知, and the counts with it. A phone from the register (一户一档) can be dialled.
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import type { CareNeed } from '../../../../core/src/model';
import { call } from '../../../services/api';
import type { FunctionOutputs } from '../../../services/outputs';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../../../utils/labels';
import { formatChinaShort } from '../../../utils/time';
import { formatShare } from '../../utils/format';

type ReachView = FunctionOutputs['getNoticeReach'];
type GridRow = ReachView['grids'][number];
type Channel = FunctionOutputs['markHouseholdReached']['channel'];

/** Unreached households drawn at first and per "显示更多": a village can have hundreds. */
const UNREACHED_SHOWN_STEP = 50;

const CHANNEL_DONE_LABELS: Record<Channel, string> = { phone: '已电话告知', inPerson: '已当面告知' };
const CHANNEL_TOAST: Record<Channel, string> = { phone: '已登记电话告知', inPerson: '已登记当面告知' };

interface GridFigures {
  gridId: string;
  name: string;
  total: number;
  reached: number;
  unreached: number;
  unreachedCare: number;
  text: string;
}

interface HouseholdRow {
  id: string;
  /** Element id: household ids may carry characters an element id cannot. */
  elementId: string;
  gridId: string;
  door: string;
  care: string;
  hasCare: boolean;
  noSmartphone: boolean;
  /** 待核实: only a pending member claimed it, so their read did not count. */
  claimPending: boolean;
  phone: string;
  label: string;
  /** Once told on this page: 已电话告知 / 已当面告知. */
  done: string;
}

function careText(needs: readonly CareNeed[] | undefined): string {
  return CARE_NEED_ORDER.filter((n) => (needs ?? []).includes(n))
    .map((n) => CARE_NEED_LABELS[n])
    .join('、');
}

function gridText(g: Omit<GridFigures, 'text'>): string {
  const share = g.total === 0 ? '' : `（${formatShare(g.reached / g.total)}）`;
  return `已触达 ${g.reached} / ${g.total} 户${share} · 未触达 ${g.unreached} 户${g.unreachedCare > 0 ? `（重点人群 ${g.unreachedCare} 户）` : ''}`;
}

function figuresOf(g: Omit<GridFigures, 'text'>): GridFigures {
  return { ...g, text: gridText(g) };
}

function householdRows(grid: GridRow): HouseholdRow[] {
  return grid.unreached.map((h) => {
    const door = [grid.gridName, h.building, h.unit, h.room].filter((p) => p !== undefined && p !== '').join(' ') || grid.gridName;
    const care = careText(h.careNeeds);
    const noSmartphone = h.noSmartphone === true;
    return {
      id: h.householdId,
      elementId: h.householdId.replace(/[^0-9A-Za-z_-]/g, '-'),
      gridId: grid.gridId,
      door,
      care,
      hasCare: care !== '',
      noSmartphone,
      claimPending: h.claimPending === true,
      phone: h.phone ?? '',
      label: `${door}${care !== '' ? `，${care}` : ''}${noSmartphone ? '，无智能手机' : ''}${h.claimPending === true ? '，待核实' : ''}`,
      done: '',
    };
  });
}

/** Care needs first, then no smartphone; otherwise the grids' order and each grid's own (by door). */
function outreachOrder(rows: HouseholdRow[]): HouseholdRow[] {
  const rank = (r: HouseholdRow): number => (r.hasCare ? 0 : r.noSmartphone ? 1 : 2);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    noticeId: '',
    title: '',
    when: '',
    loading: false,
    loaded: false,
    busy: false,
    error: '',
    total: 0,
    reached: 0,
    unreachedTotal: 0,
    unreachedCare: 0,
    summary: '',
    grids: [] as GridFigures[],
    unreached: [] as HouseholdRow[],
    shown: UNREACHED_SHOWN_STEP,
    told: [] as HouseholdRow[],
  },
  methods: {
    async reload(): Promise<void> {
      if (this.data.noticeId === '') {
        this.setData({ error: '缺少通知，请从通知触达列表进入' });
        return;
      }
      const view = await this.load(() => call('getNoticeReach', { noticeId: this.data.noticeId }));
      if (view === null) return;
      const grids = view.grids.map((g) =>
        figuresOf({
          gridId: g.gridId,
          name: g.gridName,
          total: g.total,
          reached: g.reached,
          unreached: g.unreached.length,
          unreachedCare: g.unreachedWithCareNeeds,
        }),
      );
      this.setData({
        loaded: true,
        title: view.title,
        when: formatChinaShort(view.publishedAt, Date.now()),
        grids,
        unreached: outreachOrder(view.grids.flatMap(householdRows)),
        shown: UNREACHED_SHOWN_STEP,
        told: [],
        ...this.summed(grids),
      });
    },
    /** The village's figures, from the grids' (so a mark moves both). */
    summed(grids: GridFigures[]): { total: number; reached: number; unreachedTotal: number; unreachedCare: number; summary: string } {
      const total = grids.reduce((n, g) => n + g.total, 0);
      const reached = grids.reduce((n, g) => n + g.reached, 0);
      const unreachedTotal = grids.reduce((n, g) => n + g.unreached, 0);
      const unreachedCare = grids.reduce((n, g) => n + g.unreachedCare, 0);
      const share = total === 0 ? '' : `（${formatShare(reached / total)}）`;
      return { total, reached, unreachedTotal, unreachedCare, summary: `已触达 ${reached} / ${total} 户${share}` };
    },
    onShowMore(): void {
      this.setData({ shown: this.data.shown + UNREACHED_SHOWN_STEP });
    },
    onCall(e: WechatMiniprogram.BaseEvent): void {
      const phone = String(e.currentTarget.dataset.phone ?? '');
      if (phone !== '') wx.makePhoneCall({ phoneNumber: phone });
    },
    async onTell(e: WechatMiniprogram.BaseEvent): Promise<void> {
      const householdId = String(e.currentTarget.dataset.id ?? '');
      const channel = String(e.currentTarget.dataset.channel ?? '') as Channel;
      const row = this.data.unreached.find((r) => r.id === householdId);
      if (this.data.busy || row === undefined || !(channel in CHANNEL_DONE_LABELS)) return;
      this.setData({ busy: true, error: '' });
      const result = await call('markHouseholdReached', { noticeId: this.data.noticeId, householdId, channel });
      if (!result.ok) {
        this.setData({ busy: false, error: result.message });
        return;
      }
      // A household someone else marked meanwhile is reached all the same: the first mark's channel is kept.
      const done = CHANNEL_DONE_LABELS[result.data.channel];
      const grids = this.data.grids.map((g) =>
        g.gridId === row.gridId
          ? figuresOf({ ...g, reached: g.reached + 1, unreached: g.unreached - 1, unreachedCare: g.unreachedCare - (row.hasCare ? 1 : 0) })
          : g,
      );
      this.setData({
        busy: false,
        grids,
        unreached: this.data.unreached.filter((r) => r.id !== householdId),
        told: [{ ...row, done }, ...this.data.told],
        ...this.summed(grids),
      });
      toast(CHANNEL_TOAST[result.data.channel]);
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ noticeId: decodeURIComponent(query.id ?? '') });
    return this.reload();
  },
});
