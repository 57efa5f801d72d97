// Home: my grid, the latest notices (unread marked) and the large 我要反映 button.
import { call } from '../../services/api';
import type { Membership } from '../../services/models';
import { defineComponent, elderData } from '../../utils/component';
import { setElderMode } from '../../utils/elder';
import { readMembership } from '../../utils/membership';
import { formatChinaShort } from '../../utils/time';

const LATEST_NOTICES = 5;

interface NoticeRow {
  id: string;
  title: string;
  read: boolean;
  when: string;
}

defineComponent({
  data: {
    membership: null as Membership | null,
    notices: [] as NoticeRow[],
    noticesError: '',
  },
  onShow(): Promise<void> {
    return this.refresh();
  },
  onPullDownRefresh(): Promise<void> {
    return this.refresh().then(() => {
      wx.stopPullDownRefresh();
    });
  },
  methods: {
    async refresh(): Promise<void> {
      const membership = readMembership();
      this.setData({ membership });
      if (membership === null) return;
      const result = await call('listNotices', { limit: LATEST_NOTICES });
      if (!result.ok) {
        this.setData({ noticesError: result.message });
        return;
      }
      const now = Date.now();
      const notices = result.data.notices.map((n) => ({ id: n.id, title: n.title, read: n.read, when: formatChinaShort(n.publishedAt, now) }));
      this.setData({ notices, noticesError: '' });
    },
    onReport() {
      wx.navigateTo({ url: '/pages/submit/index' });
    },
    onMyRequests() {
      wx.navigateTo({ url: '/pages/requests/index' });
    },
    onAllNotices() {
      wx.navigateTo({ url: '/pages/notices/index' });
    },
    onOpenNotice(e: WechatMiniprogram.BaseEvent) {
      const id = String(e.currentTarget.dataset['id'] ?? '');
      wx.navigateTo({ url: `/pages/notice/index?id=${encodeURIComponent(id)}` });
    },
    onScan() {
      wx.scanCode({
        onlyFromCamera: true,
        success: (res) => {
          // A grid QR is a mini-program code; scanning it from here hands back its path with the scene.
          const scene = /scene=([^&]+)/.exec(res.path ?? '')?.[1];
          if (scene !== undefined) wx.navigateTo({ url: `/pages/join/index?scene=${scene}` });
        },
      });
    },
    onElderChange(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      setElderMode(e.detail.value === true);
      this.setData(elderData());
    },
  },
});
