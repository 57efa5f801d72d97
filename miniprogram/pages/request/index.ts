// One of my requests: its timeline, and once resolved, confirm it with a rating (满意度) or reopen
// it with a reason (闭环: nothing closes without the resident). While it is open, "有新进展时提醒我"
// asks for the update reminder (one more message each time it is allowed), and reopening asks too.
// The resident's own photos and the resolution's are shown by getRequest's temporary URLs.
import { loadBehavior } from '../../behaviors/load';
import { remindersBehavior } from '../../behaviors/reminders';
import { RATING_MAX, RATING_MIN } from '../../generated/rules';
import { call } from '../../services/api';
import { shownPhotos } from '../../services/files';
import { allows, categoryLabel, isOpenState, stateLabel, timelineOf } from '../../services/models';
import type { RequestDetail } from '../../services/outputs';
import { loadProfile } from '../../services/profile';
import { reminderState, type ReminderCounts } from '../../services/subscriptions';
import { defineComponent, type PageQuery } from '../../utils/component';

import { formatChinaShort } from '../../utils/time';

/** What t-rate holds before a star is tapped: below RATING_MIN, so not a rating. */
const RATING_NONE = 0;
const RATING_MISSING = `请先打分（${RATING_MIN} 到 ${RATING_MAX} 星）`;

defineComponent({
  behaviors: [loadBehavior, remindersBehavior('residentRequest')],
  data: {
    requestId: '',
    request: null as RequestDetail | null,
    categoryLabel: '',
    stateLabel: '',
    timeline: [] as { text: string; when: string }[],
    /** Who handles it, by role and name (getRequest's handledBy: never their ids). */
    handledBy: '',
    photoUrls: [] as string[],
    resolutionPhotoUrls: [] as string[],
    canConfirm: false,
    canReopen: false,
    open: false,
    reminders: null as ReminderCounts | null,
    /** What the reminder button says: whether the next update will reach the resident in WeChat. */
    remindText: '',
    ratingMax: RATING_MAX,
    rating: RATING_NONE,
    comment: '',
    reason: '',
    busy: false,
    loading: true,
    error: '',
  },
  methods: {
    async reload(): Promise<void> {
      const request = await this.load(() => call('getRequest', { requestId: this.data.requestId }));
      if (request === null) return;
      const now = Date.now();
      this.setData({
        request,
        categoryLabel: categoryLabel(request.category),
        stateLabel: stateLabel(request.state),
        // 代办 seen by another member of the household: the named resident confirms or reopens it.
        canConfirm: allows(request.state, 'confirm') && request.householdMemberView !== true,
        canReopen: allows(request.state, 'reopen') && request.householdMemberView !== true,
        open: isOpenState(request.state),
        timeline: timelineOf(request).map((t) => ({ text: t.text, when: formatChinaShort(t.at, now) })),
        handledBy: (request.handledBy ?? []).join('、'),
        photoUrls: shownPhotos(request.photos, request.photoUrls),
        resolutionPhotoUrls: shownPhotos(request.resolution?.photos ?? [], request.photoUrls),
      });
    },
    showReminders(reminders: ReminderCounts | null): void {
      const state = reminderState(reminders, 'residentRequest');
      const remindText =
        state.kind === 'longTerm'
          ? '有新进展时微信会提醒您'
          : state.kind === 'count' && state.left > 0
            ? `有新进展时微信会提醒您（还能提醒 ${state.left} 次）`
            : '有新进展时微信不会提醒您';
      this.setData({ reminders, remindText });
    },
    async loadReminders(): Promise<void> {
      const profile = await loadProfile();
      this.showReminders(profile?.reminders ?? null);
    },
    /** Opens a photo large, with the others of its strip (the resident's own, or the resolution's). */
    onPreview(e: WechatMiniprogram.BaseEvent) {
      const urls = e.currentTarget.dataset.group === 'resolutionPhotoUrls' ? this.data.resolutionPhotoUrls : this.data.photoUrls;
      wx.previewImage({ urls, current: String(e.currentTarget.dataset.src) });
    },
    onRating(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
      this.setData({ rating: Number(e.detail.value) });
    },
    onComment(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ comment: String(e.detail.value ?? '') });
    },
    onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ reason: String(e.detail.value ?? '') });
    },
    async onConfirm(): Promise<void> {
      if (this.data.rating < RATING_MIN) {
        this.setData({ error: RATING_MISSING });
        return;
      }
      const comment = this.data.comment.trim();
      await this.act(
        call(
          'confirmRequest',
          comment === '' ? { requestId: this.data.requestId, rating: this.data.rating } : { requestId: this.data.requestId, rating: this.data.rating, comment },
        ),
      );
    },
    async onReopen(): Promise<void> {
      const reason = this.data.reason.trim();
      if (reason === '') {
        this.setData({ error: '请写下没有解决的原因' });
        return;
      }
      // Reopened, it will be answered again: the resident should hear of it.
      this.askForReminders();
      await this.act(call('reopenRequest', { requestId: this.data.requestId, reason }));
    },
    async act(pending: Promise<{ ok: boolean; message?: string }>): Promise<void> {
      this.setData({ busy: true, error: '' });
      const result = await pending;
      this.setData({ busy: false });
      if (!result.ok) {
        this.setData({ error: result.message ?? '' });
        return;
      }
      await this.reload();
    },
  },
  onLoad(query: PageQuery): Promise<void> {
    this.setData({ requestId: query.id ?? '' });
    return Promise.all([this.reload(), this.loadReminders()]).then(() => undefined);
  },
});
