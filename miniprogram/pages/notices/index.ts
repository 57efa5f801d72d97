// All notices for my grid, unread ones marked. Opening one asks for the notice reminder (in the tap).
import { loadBehavior } from '../../behaviors/load';
import { pullDownBehavior } from '../../behaviors/pullDown';
import { call } from '../../services/api';
import { askConsent } from '../../services/subscriptions';
import { defineComponent } from '../../utils/component';
import { formatChinaShort } from '../../utils/time';

const PAGE_SIZE = 30;

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    rows: [] as { id: string; title: string; read: boolean; when: string }[],
    loading: true,
    error: '',
  },
  methods: {
    async reload(): Promise<void> {
      const page = await this.load(() => call('listNotices', { limit: PAGE_SIZE }));
      if (page === null) return;
      const now = Date.now();
      this.setData({ rows: page.notices.map((n) => ({ id: n.id, title: n.title, read: n.read, when: formatChinaShort(n.publishedAt, now) })) });
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      void askConsent('residentNotice');
      wx.navigateTo({ url: `/pages/notice/index?id=${encodeURIComponent(String(e.currentTarget.dataset.id))}` });
    },
  },
  onShow(): Promise<void> {
    return this.reload();
  },
});
