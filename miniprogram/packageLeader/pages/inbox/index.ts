// A grid leader's inbox: my open items, live. New requests appear without a refresh (database watch,
// or listInbox polling where the watch is unavailable); each waiting item counts down to its
// response target, amber when little time is left and red once it has passed.
import { countdownBehavior } from '../../../behaviors/countdown';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { requestRow, type RequestRowBase } from '../../../services/models';
import type { InboxItem } from '../../../services/outputs';
import { defineComponent } from '../../../utils/component';
import { SECOND_MS } from '../../../utils/time';
import { leaderGridFor, rememberLeaderGrid } from '../../grid';
import { INBOX_POLL_MS, watchInbox, type InboxSource, type InboxWatch } from '../../inboxWatch';

interface Row extends RequestRowBase {
  id: string;
  excerpt: string;
}

/** Each open inbox page's own watch, so two pages never share one. */
const watches = new WeakMap<object, InboxWatch>();

function toRows(items: readonly InboxItem[], nowMs: number): Row[] {
  return items.map((item) => ({ id: item.requestId, excerpt: item.excerpt, ...requestRow(item, item.createdAt, nowMs) }));
}

defineComponent({
  behaviors: [countdownBehavior, pullDownBehavior],
  data: {
    items: [] as InboxItem[],
    rows: [] as Row[],
    loading: true,
    error: '',
    source: 'poll' as InboxSource,
    /** How often the list refreshes itself when it polls, as the page says it. */
    pollSeconds: INBOX_POLL_MS / SECOND_MS,
    gridId: '',
  },
  methods: {
    onItems(items: InboxItem[], source: InboxSource): void {
      const first = items.find((i) => i.gridId !== '');
      if (first !== undefined && this.data.gridId === '') {
        rememberLeaderGrid(first.gridId);
        this.setData({ gridId: first.gridId });
      }
      this.setData({ items, source, loading: false, error: '', rows: toRows(items, Date.now()) });
    },
    /** Re-render the countdowns for the current instant. */
    tick(): void {
      this.setData({ rows: toRows(this.data.items, Date.now()) });
    },
    start(): void {
      this.stop();
      watches.set(
        this,
        watchInbox({
          onItems: (items, source) => this.onItems(items, source),
          onError: (message) => this.setData({ loading: false, error: message }),
        }),
      );
      this.startTicking();
    },
    stop(): void {
      watches.get(this)?.close();
      watches.delete(this);
      this.stopTicking();
    },
    async reload(): Promise<void> {
      await watches.get(this)?.refresh();
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/packageLeader/pages/request/index?id=${encodeURIComponent(String(e.currentTarget.dataset.id))}` });
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
});
