// The grid's households for its leaders: address, care needs (重点人群) first-hand, who lives there,
// and who has not heard the latest notice (不落一户), in the register's order (building, unit, room),
// with the whole grid's figures at the top (households, joined, care needs, read / told / unreached),
// counted by getGridRoster over every household, not the pages loaded. Each unreached household has a big
// "已当面告知" button that records the visit (markHouseholdReached), so the count goes down as the
// leader knocks on doors. "转发最新通知到本网格群" (and the page's 转发) forwards the latest notice's
// card into the grid's WeChat group, where residents read it and reach records the group channel.
// A resident who joined into a household is 待核实 until a leader who knows the household confirms
// them (确认是本户住户) or rejects the claim (不是本户住户, after a confirmation): verifyMember.
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { PAGE_SIZE_MAX } from '../../../generated/rules';
import { call } from '../../../services/api';
import type { FunctionOutputs, NoticeReachState, RosterHousehold } from '../../../services/outputs';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { enableGroupSharing, joinCard, noticeCard } from '../../../utils/group';
import { formatChinaShort } from '../../../utils/time';
import { leaderGridFor } from '../../grid';
import { addressOf, careLabels } from '../../models';

/** Households per call, the most one call may read; more load as the leader asks (a grid has 300 to 500). */
const ROSTER_PAGE_LIMIT = PAGE_SIZE_MAX;

const NOTICE_STATE_LABELS: Record<NoticeReachState, string> = {
  read: '已读',
  toldInPerson: '已当面告知',
  unreached: '未读',
};

interface Row {
  id: string;
  address: string;
  care: string;
  hasCare: boolean;
  noSmartphone: boolean;
  /** 待核实: only a pending member claimed this household; their read does not count, so someone still goes to the door. */
  claimPending: boolean;
  members: string;
  /** Members whose claim on this household waits, numbered as the leader sees them (never their openid). */
  pendingMembers: PendingMember[];
  state: NoticeReachState | 'none';
  stateLabel: string;
  label: string;
}

interface PendingMember {
  userId: string;
  /** 第N位入格住户, in the order they joined. */
  label: string;
}

function toRow(h: RosterHousehold): Row {
  const care = careLabels(h.careNeeds).join('、');
  const address = addressOf(h);
  const stateLabel = h.noticeState === null ? '' : NOTICE_STATE_LABELS[h.noticeState];
  return {
    id: h.householdId,
    address,
    care,
    hasCare: care !== '',
    noSmartphone: h.noSmartphone,
    claimPending: h.claimPending === true,
    members: h.members.length === 0 ? '尚无人入格' : `${h.members.length} 人已入格`,
    pendingMembers: h.members.flatMap((m, i) => (m.claimPending ? [{ userId: m.userId, label: `第${i + 1}位入格住户` }] : [])),
    state: h.noticeState ?? 'none',
    stateLabel,
    label: `${address}${care !== '' ? `，${care}` : ''}${h.noSmartphone ? '，无智能手机' : ''}${h.claimPending ? '，待核实' : ''}${stateLabel !== '' ? `，${stateLabel}` : ''}`,
  };
}

type Totals = FunctionOutputs['getGridRoster']['totals'];

/** The whole grid's figures as the page shows them. */
function figures(totals: Totals): { joined: number; withCare: number; read: number; told: number; unreached: number; unreachedCare: number } {
  return {
    joined: totals.joined,
    withCare: totals.withCareNeeds,
    read: totals.notice?.read ?? 0,
    told: totals.notice?.toldInPerson ?? 0,
    unreached: totals.notice?.unreached ?? 0,
    unreachedCare: totals.notice?.unreachedWithCareNeeds ?? 0,
  };
}

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    gridId: '',
    gridName: '',
    noticeId: '',
    noticeTitle: '',
    noticeWhen: '',
    total: 0,
    joined: 0,
    withCare: 0,
    rows: [] as Row[],
    read: 0,
    told: 0,
    unreached: 0,
    unreachedCare: 0,
    onlyUnreached: false,
    nextCursor: '',
    loading: true,
    busy: false,
    error: '',
  },
  methods: {
    /** The first page of households again, or (`more`) the next one after those shown. */
    async loadPage(more: boolean): Promise<void> {
      if (this.data.gridId === '') {
        this.setData({ loading: false, error: '请从收件箱进入本网格的花名册' });
        return;
      }
      const input = {
        gridId: this.data.gridId,
        limit: ROSTER_PAGE_LIMIT,
        ...(this.data.noticeId !== '' ? { noticeId: this.data.noticeId } : {}),
        ...(more && this.data.nextCursor !== '' ? { cursor: this.data.nextCursor } : {}),
      };
      const roster = await this.load(() => call('getGridRoster', input));
      if (roster === null) return;
      const rows = [...(more ? this.data.rows : []), ...roster.households.map(toRow)];
      this.setData({
        gridName: roster.grid.name,
        noticeId: roster.notice?.id ?? '',
        noticeTitle: roster.notice?.title ?? '',
        noticeWhen: roster.notice === null ? '' : formatChinaShort(roster.notice.publishedAt, Date.now()),
        total: roster.totalHouseholds,
        rows,
        nextCursor: roster.nextCursor ?? '',
        ...figures(roster.totals),
      });
    },
    reload(): Promise<void> {
      return this.loadPage(false);
    },
    onMore(): Promise<void> {
      return this.loadPage(true);
    },
    /** The household's register entry (一户一档): address, care needs, phone, members, party member. */
    onEditHousehold(e: WechatMiniprogram.BaseEvent) {
      const householdId = String(e.currentTarget.dataset.id);
      wx.navigateTo({
        url: `/packageLeader/pages/household/index?gridId=${encodeURIComponent(this.data.gridId)}&householdId=${encodeURIComponent(householdId)}`,
      });
    },
    /** 代办: a request for this household, after a phone call or at the door. */
    onSubmitForHousehold(e: WechatMiniprogram.BaseEvent) {
      const householdId = String(e.currentTarget.dataset.id);
      wx.navigateTo({ url: `/pages/submit/index?householdId=${encodeURIComponent(householdId)}&gridId=${encodeURIComponent(this.data.gridId)}` });
    },
    onAddHousehold() {
      wx.navigateTo({ url: `/packageLeader/pages/household/index?gridId=${encodeURIComponent(this.data.gridId)}` });
    },
    onConfirmMember(e: WechatMiniprogram.BaseEvent): Promise<void> {
      return this.verify(String(e.currentTarget.dataset.userId), 'confirm');
    },
    onRejectMember(e: WechatMiniprogram.BaseEvent) {
      const userId = String(e.currentTarget.dataset.userId);
      if (this.data.busy) return;
      wx.showModal({
        title: '不是本户住户',
        content: '确认这位住户不住在这一户？其登记将被撤销，这一户的登记信息保留。',
        confirmText: '撤销登记',
        success: (res) => {
          if (res.confirm) void this.verify(userId, 'reject');
        },
      });
    },
    /** A decided claim changes the household's reach and the grid's figures: the roster is read again. */
    async verify(userId: string, decision: 'confirm' | 'reject'): Promise<void> {
      if (this.data.busy) return;
      this.setData({ busy: true, error: '' });
      const result = await call('verifyMember', { userId, decision });
      this.setData({ busy: false });
      if (!result.ok) {
        this.setData({ error: result.message });
        return;
      }
      toast(decision === 'confirm' ? '已确认为本户住户' : '已撤销其登记');
      await this.reload();
    },
    onToggleUnreached() {
      this.setData({ onlyUnreached: !this.data.onlyUnreached });
    },
    async onTold(e: WechatMiniprogram.BaseEvent): Promise<void> {
      const householdId = String(e.currentTarget.dataset.id);
      if (this.data.busy || this.data.noticeId === '') return;
      this.setData({ busy: true, error: '' });
      const result = await call('markHouseholdReached', { noticeId: this.data.noticeId, householdId, channel: 'inPerson' });
      if (!result.ok) {
        this.setData({ busy: false, error: result.message });
        return;
      }
      const told = this.data.rows.find((r) => r.id === householdId);
      const rows = this.data.rows.map((r) =>
        r.id === householdId ? { ...r, state: 'toldInPerson' as const, stateLabel: NOTICE_STATE_LABELS.toldInPerson } : r,
      );
      // The whole grid's figures move with the mark (a repeat mark came back as already told: counted once).
      const moved = told?.state === 'unreached' && result.data.firstMark;
      this.setData({
        busy: false,
        rows,
        ...(moved ? { told: this.data.told + 1, unreached: this.data.unreached - 1, unreachedCare: this.data.unreachedCare - (told.hasCare ? 1 : 0) } : {}),
      });
      toast('已登记当面告知');
    },
  },
  async onLoad(query): Promise<void> {
    enableGroupSharing();
    this.setData({ gridId: await leaderGridFor(query), noticeId: decodeURIComponent(query.noticeId ?? '') });
    return this.reload();
  },
  /** The latest notice's card; with no notice yet, the grid's own card (residents join from it). */
  onShareAppMessage(): WechatMiniprogram.Page.ICustomShareContent {
    return this.data.noticeId !== '' ? noticeCard(this.data.noticeId, this.data.noticeTitle) : joinCard(this.data.gridId, this.data.gridName);
  },
});
