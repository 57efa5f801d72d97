// One notice. Opening it marks it read (the committee sees who has not read it: 不落一户).
// There is no getNotice function, so the page finds it in listNotices and then marks it read.
import { loadBehavior } from '../../behaviors/load';
import { PAGE_SIZE_MAX } from '../../generated/rules';
import { call } from '../../services/api';
import type { NoticeListItem } from '../../services/outputs';
import { defineComponent, type PageQuery } from '../../utils/component';
import { formatChinaDateTime } from '../../utils/time';

/** The most one call may list: a notice opened from a list is on its first page. */
const SEARCH_LIMIT = PAGE_SIZE_MAX;

defineComponent({
  behaviors: [loadBehavior],
  data: {
    noticeId: '',
    notice: null as NoticeListItem | null,
    when: '',
    loading: true,
    error: '',
  },
  methods: {
    async show(): Promise<void> {
      const page = await this.load(() => call('listNotices', { limit: SEARCH_LIMIT }));
      const notice = page?.notices.find((n) => n.id === this.data.noticeId) ?? null;
      if (notice !== null) this.setData({ notice, when: formatChinaDateTime(notice.publishedAt) });
      else if (page !== null) this.setData({ error: '找不到这条通知' });
      // Marked read even if the list failed: opening the notice is what counts.
      const marked = await call('markNoticeRead', { noticeId: this.data.noticeId });
      if (!marked.ok && this.data.error === '') this.setData({ error: marked.message });
    },
  },
  onLoad(query: PageQuery): Promise<void> {
    this.setData({ noticeId: query.id ?? '' });
    return this.show();
  },
});
