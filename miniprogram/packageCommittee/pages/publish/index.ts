// Publish a notice (上下一个声音) to the whole village or chosen grids: title, body, urgent flag.
// Checks title and body on the phone before any call, keeps the text when sending fails, and keeps
// one idempotency key per draft so a retried publish is stored (and delivered) once. After
// publishing it shows how many households the notice reached so far (getNoticeReach).
import type { PublishNoticeInput } from '../../../../core/src/schemas';
import { loadBehavior } from '../../../behaviors/load';
import { NOTICE_TITLE_MAX_LENGTH } from '../../../generated/rules';
import { call, checkInput } from '../../../services/api';
import { defineComponent } from '../../../utils/component';
import { newIdempotencyKey } from '../../../utils/ids';
import { committeeVillageFor, loadVillageGrids } from '../../utils/village';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';

interface GridChoice {
  gridId: string;
  name: string;
  chosen: boolean;
}

interface ReachSummary {
  total: number;
  reached: number;
  /** Of the reads, households that first read it from their grid's WeChat group card. */
  readInGroup: number;
  unreached: number;
  unreachedWithCareNeeds: number;
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    villageId: '',
    grids: [] as GridChoice[],
    titleMax: NOTICE_TITLE_MAX_LENGTH,
    wholeVillage: true,
    title: '',
    body: '',
    urgent: false,
    idempotencyKey: '',
    sending: false,
    loading: false,
    error: '',
    titleError: '',
    bodyError: '',
    scopeError: '',
    publishedId: '',
    reach: null as ReachSummary | null,
  },
  methods: {
    async loadGrids(): Promise<void> {
      const grids = await loadVillageGrids(this);
      if (grids !== null) this.setData({ grids: grids.map((g) => ({ ...g, chosen: false })) });
    },
    onTitle(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ title: String(e.detail.value ?? ''), titleError: '' });
    },
    onBody(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ body: String(e.detail.value ?? ''), bodyError: '' });
    },
    onUrgent(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ urgent: e.detail.checked === true });
    },
    onWholeVillage(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ wholeVillage: e.detail.checked === true, scopeError: '' });
    },
    onToggleGrid(e: WechatMiniprogram.BaseEvent) {
      const gridId = String(e.currentTarget.dataset.gridId);
      this.setData({ grids: this.data.grids.map((g) => (g.gridId === gridId ? { ...g, chosen: !g.chosen } : g)), scopeError: '' });
    },
    draftInput(): PublishNoticeInput {
      const chosen = this.data.grids.filter((g) => g.chosen).map((g) => g.gridId);
      const scope: PublishNoticeInput['scope'] = this.data.wholeVillage
        ? { kind: 'village', villageId: this.data.villageId }
        : { kind: 'grids', villageId: this.data.villageId, gridIds: chosen };
      const input: PublishNoticeInput = { title: this.data.title.trim(), body: this.data.body.trim(), scope, idempotencyKey: this.data.idempotencyKey };
      if (this.data.urgent) input.urgent = true;
      return input;
    },
    /** Phone-side checks with field messages; true when the draft may be sent. */
    checkDraft(): boolean {
      const titleError = this.data.title.trim() === '' ? '请填写标题' : '';
      const bodyError = this.data.body.trim() === '' ? '请填写通知内容' : '';
      const scopeError = !this.data.wholeVillage && !this.data.grids.some((g) => g.chosen) ? '请选择至少一个网格' : '';
      if (titleError !== '' || bodyError !== '' || scopeError !== '') {
        this.setData({ titleError, bodyError, scopeError, error: '请先补全通知' });
        return false;
      }
      const invalid = checkInput('publishNotice', this.draftInput());
      if (invalid !== null) {
        const titleProblem = invalid.problems?.find((p) => p.path === '/title')?.message ?? '';
        const bodyProblem = invalid.problems?.find((p) => p.path === '/body')?.message ?? '';
        this.setData({ titleError: titleProblem, bodyError: bodyProblem, error: invalid.message });
        return false;
      }
      return true;
    },
    async onPublish(): Promise<void> {
      if (this.data.sending) return;
      if (this.data.idempotencyKey === '') this.setData({ idempotencyKey: newIdempotencyKey() });
      if (!this.checkDraft()) return;
      this.setData({ sending: true, error: '' });
      const result = await call('publishNotice', this.draftInput());
      if (!result.ok) {
        // The text stays as typed; the same key makes the retry publish once.
        this.setData({ sending: false, error: result.message });
        return;
      }
      const noticeId = result.data.notice.id;
      // A new draft starts with a new key.
      this.setData({ sending: false, publishedId: noticeId, title: '', body: '', urgent: false, idempotencyKey: '' });
      await this.loadReach();
    },
    async loadReach(): Promise<void> {
      if (this.data.publishedId === '') return;
      const result = await call('getNoticeReach', { noticeId: this.data.publishedId });
      if (!result.ok) {
        this.setData({ error: `已发布，但暂时查不到送达情况：${result.message}` });
        return;
      }
      const t = result.data.totals;
      this.setData({
        // An older backend counts no group reads.
        reach: {
          total: t.total,
          reached: t.reached,
          readInGroup: t.readInGroup ?? 0,
          unreached: t.unreached,
          unreachedWithCareNeeds: t.unreachedWithCareNeeds,
        },
      });
    },
    onRefreshReach(): Promise<void> {
      return this.loadReach();
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.loadGrids();
  },
});
