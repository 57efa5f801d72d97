// My requests, each with its state and, while it waits for a first answer, a live countdown to the
// response target (amber near it, red once passed). The clock ticks once a second while shown.
import { call } from '../../services/api';
import { categoryLabel, isAwaitingResponse, stateLabel } from '../../services/models';
import type { RequestListItem } from '../../services/outputs';
import { countdownBehavior } from '../../behaviors/countdown';
import { defineComponent } from '../../utils/component';
import { formatChinaShort, formatCountdown } from '../../utils/time';

const PAGE_SIZE = 20;

interface Row {
  id: string;
  categoryLabel: string;
  stateLabel: string;
  text: string;
  urgent: boolean;
  when: string;
  countdown: string;
  tone: string;
}

function toRows(requests: RequestListItem[], nowMs: number): Row[] {
  return requests.map((r) => {
    const countdown = isAwaitingResponse(r.state) ? formatCountdown(r.responseDueAt, nowMs) : null;
    return {
      id: r.id,
      categoryLabel: categoryLabel(r.category),
      stateLabel: stateLabel(r.state),
      text: r.text,
      urgent: r.urgent,
      when: formatChinaShort(r.submittedAt, nowMs),
      countdown: countdown?.text ?? '',
      tone: countdown?.tone ?? 'normal',
    };
  });
}

defineComponent({
  behaviors: [countdownBehavior],
  data: {
    requests: [] as RequestListItem[],
    rows: [] as Row[],
    loading: true,
    error: '',
  },
  methods: {
    async load(): Promise<void> {
      this.setData({ loading: true });
      const result = await call('listMyRequests', { limit: PAGE_SIZE });
      if (!result.ok) {
        this.setData({ loading: false, error: result.message });
        return;
      }
      const requests = result.data.items;
      this.setData({ requests, loading: false, error: '', rows: toRows(requests, Date.now()) });
    },
    /** Re-render the countdowns for the current instant. */
    tick(): void {
      this.setData({ rows: toRows(this.data.requests, Date.now()) });
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/pages/request/index?id=${encodeURIComponent(String(e.currentTarget.dataset['id']))}` });
    },
  },
  onShow(): Promise<void> {
    this.startTicking();
    return this.load();
  },
  onHide(): void {
    this.stopTicking();
  },
  onPullDownRefresh(): Promise<void> {
    return this.load().then(() => {
      wx.stopPullDownRefresh();
    });
  },
});
