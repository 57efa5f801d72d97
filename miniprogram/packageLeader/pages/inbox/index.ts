// A grid leader's inbox: my open items, live. New requests appear without a refresh (database watch,
// or listInbox polling where the watch is unavailable); each waiting item counts down to its
// response target, amber when little time is left and red once it has passed.
import { watchInbox, type InboxSource, type InboxWatch } from '../../inboxWatch';
import { countdownBehavior } from '../../../behaviors/countdown';
import { defineComponent } from '../../../utils/component';
import { AWAITING_RESPONSE_STATES } from '../../../utils/labels';
import { formatChinaShort, formatCountdown } from '../../../utils/time';
import { leaderGridFor, rememberLeaderGrid } from '../../grid';
import type { InboxEntry } from '../../models';

interface Row {
  id: string;
  categoryLabel: string;
  stateLabel: string;
  excerpt: string;
  urgent: boolean;
  when: string;
  countdown: string;
  tone: string;
}

let watch: InboxWatch | null = null;

function toRows(entries: InboxEntry[], nowMs: number): Row[] {
  return entries.map((e) => {
    const counting = e.state !== null && AWAITING_RESPONSE_STATES.includes(e.state) && e.responseDueAt !== null;
    const countdown = counting && e.responseDueAt !== null ? formatCountdown(e.responseDueAt, nowMs) : null;
    return {
      id: e.requestId,
      categoryLabel: e.categoryLabel,
      stateLabel: e.stateLabel,
      excerpt: e.excerpt,
      urgent: e.urgent,
      when: e.createdAt === null ? '' : formatChinaShort(e.createdAt, nowMs),
      countdown: countdown?.text ?? '',
      tone: countdown?.tone ?? 'normal',
    };
  });
}

defineComponent({
  behaviors: [countdownBehavior],
  data: {
    entries: [] as InboxEntry[],
    rows: [] as Row[],
    loading: true,
    error: '',
    source: 'poll' as InboxSource,
    gridId: '',
  },
  methods: {
    onItems(entries: InboxEntry[], source: InboxSource): void {
      const first = entries.find((e) => e.gridId !== '');
      if (first !== undefined && this.data.gridId === '') {
        rememberLeaderGrid(first.gridId);
        this.setData({ gridId: first.gridId });
      }
      this.setData({ entries, source, loading: false, error: '', rows: toRows(entries, Date.now()) });
    },
    /** Re-render the countdowns for the current instant. */
    tick(): void {
      this.setData({ rows: toRows(this.data.entries, Date.now()) });
    },
    start(): void {
      this.stop();
      watch = watchInbox({
        onItems: (entries, source) => this.onItems(entries, source),
        onError: (message) => this.setData({ loading: false, error: message }),
      });
      this.startTicking();
    },
    stop(): void {
      watch?.close();
      watch = null;
      this.stopTicking();
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/packageLeader/pages/request/index?id=${encodeURIComponent(String(e.currentTarget.dataset['id']))}` });
    },
    onRoster() {
      wx.navigateTo({ url: `/packageLeader/pages/roster/index?gridId=${encodeURIComponent(this.data.gridId)}` });
    },
    onQrcode() {
      wx.navigateTo({ url: `/packageLeader/pages/qrcode/index?gridId=${encodeURIComponent(this.data.gridId)}` });
    },
  },
  async onLoad(query): Promise<void> {
    const gridId = await leaderGridFor(query);
    // The first inbox item may have named the grid while the profile loaded: never blank it.
    if (gridId !== '' || this.data.gridId === '') this.setData({ gridId });
  },
  onShow(): void {
    this.start();
  },
  onHide(): void {
    this.stop();
  },
  onUnload(): void {
    this.stop();
  },
  async onPullDownRefresh(): Promise<void> {
    await watch?.refresh();
    wx.stopPullDownRefresh();
  },
});
