// One notice. Opening it marks it read (the committee sees who has not read it: 不落一户).
// There is no getNotice function, so the page finds it in listNotices and then marks it read.
// Its 转发 is the notice's card (utils/group.ts noticeCard): forwarded into the grid's WeChat group,
// a resident opening it there lands here with a shareTicket, and the read carries the group's
// cloudID, so reach counts what the group carried. "下次有通知时提醒我" asks for the notice reminder.
import { loadBehavior } from '../../behaviors/load';
import { PAGE_SIZE_MAX } from '../../generated/rules';
import { call } from '../../services/api';
import type { NoticeListItem } from '../../services/outputs';
import { askConsent } from '../../services/subscriptions';
import { defineComponent, type PageQuery } from '../../utils/component';
import { enableGroupSharing, groupCloudId, JOIN_PAGE, NOTICE_PAGE, noticeCard, openedFromGroupCard } from '../../utils/group';
import { formatChinaDateTime } from '../../utils/time';

/** The most one call may list: a notice opened from a list is on its first page. */
const SEARCH_LIMIT = PAGE_SIZE_MAX;
/** What the card says when the notice's title is not known (it failed to load). */
const UNTITLED = '社区通知';

defineComponent({
  behaviors: [loadBehavior],
  data: {
    noticeId: '',
    notice: null as NoticeListItem | null,
    when: '',
    /** Opened from a group card by someone who has not joined: the group card can take them to join. */
    needsJoin: false,
    remindAsked: false,
    loading: true,
    error: '',
  },
  methods: {
    async show(): Promise<void> {
      const noticeId = this.data.noticeId;
      const fromGroup = openedFromGroupCard(NOTICE_PAGE, { id: noticeId });
      const [page, cloudId] = await Promise.all([
        this.load(() => call('listNotices', { limit: SEARCH_LIMIT })),
        fromGroup ? groupCloudId() : Promise.resolve(''),
      ]);
      const notice = page?.notices.find((n) => n.id === noticeId) ?? null;
      if (notice !== null) this.setData({ notice, when: formatChinaDateTime(notice.publishedAt) });
      else if (page !== null) this.setData({ error: '找不到这条通知' });
      // Marked read even if the list failed: opening the notice is what counts.
      const marked = await call('markNoticeRead', cloudId === '' ? { noticeId } : { noticeId, groupCloudId: cloudId });
      if (!marked.ok && fromGroup && marked.code === 'AUTH.FORBIDDEN') {
        this.setData({ needsJoin: true, error: '您还没有加入网格：加入后就能看到发给本网格的通知' });
        return;
      }
      if (!marked.ok && this.data.error === '') this.setData({ error: marked.message });
    },
    onRemind() {
      void askConsent('residentNotice');
      this.setData({ remindAsked: true });
    },
    onJoin() {
      wx.navigateTo({ url: JOIN_PAGE });
    },
  },
  onLoad(query: PageQuery): Promise<void> {
    enableGroupSharing();
    this.setData({ noticeId: decodeURIComponent(query.id ?? '') });
    return this.show();
  },
  onShareAppMessage(): WechatMiniprogram.Page.ICustomShareContent {
    return noticeCard(this.data.noticeId, this.data.notice?.title ?? UNTITLED);
  },
});
