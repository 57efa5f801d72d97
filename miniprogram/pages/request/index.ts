// One of my requests: its timeline, and once resolved, confirm it with a rating (满意度) or reopen
// it with a reason (闭环: nothing closes without the resident).
import { call } from '../../services/api';
import { categoryLabel, stateLabel, timelineOf } from '../../services/models';
import type { RequestDetail } from '../../services/outputs';
import { defineComponent, type PageQuery } from '../../utils/component';
import { formatChinaShort } from '../../utils/time';

/** Same bounds as core/src/policy.ts (RATING_MIN, RATING_MAX); the validator enforces them. */
const RATING_NONE = 0;

defineComponent({
  data: {
    requestId: '',
    request: null as RequestDetail | null,
    categoryLabel: '',
    stateLabel: '',
    timeline: [] as { text: string; when: string }[],
    canConfirm: false,
    rating: RATING_NONE,
    comment: '',
    reason: '',
    busy: false,
    error: '',
  },
  methods: {
    async load(): Promise<void> {
      const result = await call('getRequest', { requestId: this.data.requestId });
      if (!result.ok) {
        this.setData({ error: result.message });
        return;
      }
      const request = result.data;
      const now = Date.now();
      this.setData({
        request,
        categoryLabel: categoryLabel(request.category),
        stateLabel: stateLabel(request.state),
        error: '',
        canConfirm: request.state === 'resolved',
        timeline: timelineOf(request).map((t) => ({ text: t.text, when: formatChinaShort(t.at, now) })),
      });
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
      if (this.data.rating === RATING_NONE) {
        this.setData({ error: '请先打分（1 到 5 星）' });
        return;
      }
      const comment = this.data.comment.trim();
      await this.act(call('confirmRequest', comment === '' ? { requestId: this.data.requestId, rating: this.data.rating } : { requestId: this.data.requestId, rating: this.data.rating, comment }));
    },
    async onReopen(): Promise<void> {
      const reason = this.data.reason.trim();
      if (reason === '') {
        this.setData({ error: '请写下没有解决的原因' });
        return;
      }
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
      await this.load();
    },
  },
  onLoad(query: PageQuery): Promise<void> {
    this.setData({ requestId: query['id'] ?? '' });
    return this.load();
  },
});
