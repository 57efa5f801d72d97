// One notice. Opening it marks it read (the committee sees who has not read it: 不落一户).
// There is no getNotice function, so the page finds it in listNotices and then marks it read.
import { call } from '../../services/api';
import type { NoticeListItem } from '../../services/outputs';
import { defineComponent, type PageQuery } from '../../utils/component';
import { formatChinaDateTime } from '../../utils/time';

/** The schema's PAGE_SIZE_MAX: a notice opened from a list is on its first page. */
const SEARCH_LIMIT = 50;

defineComponent({
  data: {
    noticeId: '',
    notice: null as NoticeListItem | null,
    when: '',
    error: '',
  },
  methods: {
    async load(): Promise<void> {
      const result = await call('listNotices', { limit: SEARCH_LIMIT });
      const notice = result.ok ? result.data.notices.find((n) => n.id === this.data.noticeId) ?? null : null;
      if (!result.ok) this.setData({ error: result.message });
      else if (notice === null) this.setData({ error: '找不到这条通知' });
      else this.setData({ notice, when: formatChinaDateTime(notice.publishedAt) });
      // Marked read even if the list failed: opening the notice is what counts.
      const marked = await call('markNoticeRead', { noticeId: this.data.noticeId });
      if (!marked.ok && this.data.error === '') this.setData({ error: marked.message });
    },
  },
  onLoad(query: PageQuery): Promise<void> {
    this.setData({ noticeId: query['id'] ?? '' });
    return this.load();
  },
});
