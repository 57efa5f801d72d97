// All notices for my grid, unread ones marked.
import { call } from '../../services/api';
import { defineComponent } from '../../utils/component';
import { formatChinaShort } from '../../utils/time';

const PAGE_SIZE = 30;

defineComponent({
  data: {
    rows: [] as { id: string; title: string; read: boolean; when: string }[],
    loading: true,
    error: '',
  },
  methods: {
    async load(): Promise<void> {
      const result = await call('listNotices', { limit: PAGE_SIZE });
      if (!result.ok) {
        this.setData({ loading: false, error: result.message });
        return;
      }
      const now = Date.now();
      const rows = result.data.notices.map((n) => ({ id: n.id, title: n.title, read: n.read, when: formatChinaShort(n.publishedAt, now) }));
      this.setData({ rows, loading: false, error: '' });
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      wx.navigateTo({ url: `/pages/notice/index?id=${encodeURIComponent(String(e.currentTarget.dataset['id']))}` });
    },
  },
  onShow(): Promise<void> {
    return this.load();
  },
  onPullDownRefresh(): Promise<void> {
    return this.load().then(() => {
      wx.stopPullDownRefresh();
    });
  },
});
