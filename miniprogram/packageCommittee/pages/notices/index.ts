// 通知触达 (the committee follows its notices): the village's notices, newest first, each with how
// many of the village's households it reached (read by a member, or told by a leader, over every
// household of the grids it covers, registered or joined: 不落一户). Tapping one opens its reach by
// grid and the unreached households (noticeReach). listNotices with `withReach` counts the shares.
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { call } from '../../../services/api';
import type { NoticeListItem } from '../../../services/outputs';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { formatChinaShort } from '../../../utils/time';
import { formatShare } from '../../utils/format';
import { committeeVillageFor, loadForVillage, VILLAGE_PAGE_DATA } from '../../utils/village';

/** Notices per call; older ones load as the secretary asks. */
const NOTICES_PAGE_LIMIT = 20;

interface NoticeRow {
  id: string;
  title: string;
  when: string;
  urgent: boolean;
  /** "已触达 12 / 30 户（40%）", or why there is no figure. */
  reach: string;
  /** Some household is still unreached: the row stands out. */
  behind: boolean;
  label: string;
}

function rowOf(n: NoticeListItem, now: number): NoticeRow {
  const share = n.reach ?? null;
  const reach =
    share === null
      ? '户数较多，点开查看送达情况'
      : share.total === 0
        ? '范围内还没有住户'
        : `已触达 ${share.reached} / ${share.total} 户（${formatShare(share.reached / share.total)}）`;
  const when = formatChinaShort(n.publishedAt, now);
  return {
    id: n.id,
    title: n.title,
    when,
    urgent: n.urgent,
    reach,
    behind: share !== null && share.reached < share.total,
    label: `${n.urgent ? '紧急 ' : ''}${n.title} ${when} ${reach}`,
  };
}

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    ...VILLAGE_PAGE_DATA,
    notices: [] as NoticeRow[],
    nextCursor: '',
  },
  methods: {
    /** The newest notices again, or (`more`) the next older page. */
    async loadPage(more: boolean): Promise<void> {
      const cursor = more && this.data.nextCursor !== '' ? { cursor: this.data.nextCursor } : {};
      const page = await loadForVillage(this, (villageId) => call('listNotices', { villageId, withReach: true, limit: NOTICES_PAGE_LIMIT, ...cursor }));
      if (page === null) return;
      const now = Date.now();
      this.setData({
        loaded: true,
        notices: [...(more ? this.data.notices : []), ...page.notices.map((n) => rowOf(n, now))],
        nextCursor: page.nextCursor ?? '',
      });
    },
    reload(): Promise<void> {
      return this.loadPage(false);
    },
    onMore(): Promise<void> {
      return this.loadPage(true);
    },
    onOpen(e: WechatMiniprogram.BaseEvent): void {
      const id = String(e.currentTarget.dataset.id ?? '');
      if (id !== '')
        wx.navigateTo({ url: `/packageCommittee/pages/noticeReach/index?id=${encodeURIComponent(id)}&villageId=${encodeURIComponent(this.data.villageId)}` });
    },
    onPublish(): void {
      wx.navigateTo({ url: `/packageCommittee/pages/publish/index?villageId=${encodeURIComponent(this.data.villageId)}` });
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.reload();
  },
});
