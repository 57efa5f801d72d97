// My requests, each with its state and, while it waits for a first answer, a live countdown to the
// response target (amber near it, red once passed). The clock ticks once a second while shown.
// Opening one that is still open asks for its update reminder, so the resident hears of more than one update.
import { countdownBehavior } from '../../behaviors/countdown';
import { loadBehavior } from '../../behaviors/load';
import { pullDownBehavior } from '../../behaviors/pullDown';
import { PAGE_SIZE_DEFAULT } from '../../generated/rules';
import { call } from '../../services/api';
import { isOpenState, requestRow, type RequestRowBase } from '../../services/models';
import type { RequestListItem } from '../../services/outputs';
import { askConsent } from '../../services/subscriptions';
import { defineComponent } from '../../utils/component';

interface Row extends RequestRowBase {
  id: string;
  text: string;
}

function toRows(requests: RequestListItem[], nowMs: number): Row[] {
  return requests.map((r) => ({ id: r.id, text: r.text, ...requestRow(r, r.submittedAt, nowMs) }));
}

defineComponent({
  behaviors: [countdownBehavior, loadBehavior, pullDownBehavior],
  data: {
    requests: [] as RequestListItem[],
    rows: [] as Row[],
    loading: true,
    error: '',
  },
  methods: {
    async reload(): Promise<void> {
      const page = await this.load(() => call('listMyRequests', { limit: PAGE_SIZE_DEFAULT }));
      if (page !== null) this.setData({ requests: page.items, rows: toRows(page.items, Date.now()) });
    },
    /** Re-render the countdowns for the current instant. */
    tick(): void {
      this.setData({ rows: toRows(this.data.requests, Date.now()) });
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      const id = String(e.currentTarget.dataset.id);
      const request = this.data.requests.find((r) => r.id === id);
      if (request !== undefined && isOpenState(request.state)) void askConsent('residentRequest');
      wx.navigateTo({ url: `/pages/request/index?id=${encodeURIComponent(id)}` });
    },
  },
  onShow(): Promise<void> {
    this.startTicking();
    return this.reload();
  },
  onHide(): void {
    this.stopTicking();
  },
});
