// One notice. Opening it marks it read (the committee sees who has not read it: 不落一户).
// There is no getNotice function, so the page finds it in listNotices and then marks it read.
import { call } from '../../services/api';
import { listItems, toNotice, type NoticeView } from '../../services/models';
import { defineComponent, type PageQuery } from '../../utils/component';
import { formatChinaDateTime } from '../../utils/time';

const SEARCH_LIMIT = 50;

defineComponent({
  data: {
    noticeId: '',
    notice: null as NoticeView | null,
    when: '',
    error: '',
  },
  methods: {
    async load(): Promise<void> {
      const result = await call('listNotices', { limit: SEARCH_LIMIT });
      const notice = result.ok ? listItems(result.data, toNotice).find((n) => n.id === this.data.noticeId) ?? null : null;
      if (!result.ok) this.setData({ error: result.message });
      else if (notice === null) this.setData({ error: '找不到这条通知' });
      else this.setData({ notice, when: notice.publishedAt === null ? '' : formatChinaDateTime(notice.publishedAt) });
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
