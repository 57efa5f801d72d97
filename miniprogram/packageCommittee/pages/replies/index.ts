// 常用回复: the village's quick replies, which staff tap on a request to fill their reply. The
// committee adds one, removes one, moves one up or down, then saves the whole list in its order
// (setVillagePolicy quickReplies); the limits are core's (generated/rules). Until saved, the page says
// the list has unsaved changes, and a failed save keeps them.
import { loadBehavior } from '../../../behaviors/load';
import { MAX_QUICK_REPLIES, QUICK_REPLY_MAX_LENGTH } from '../../../generated/rules';
import { call } from '../../../services/api';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { committeeVillageFor, loadForVillage } from '../../utils/village';

/** One reply as the list shows it, with what its buttons may do. */
interface ReplyRow {
  text: string;
  first: boolean;
  last: boolean;
}

function rowsOf(replies: readonly string[]): ReplyRow[] {
  return replies.map((text, i) => ({ text, first: i === 0, last: i === replies.length - 1 }));
}

/** The list with the items at `i` and `j` swapped. */
function swapped(replies: readonly string[], i: number, j: number): string[] {
  const out = [...replies];
  const a = out[i];
  const b = out[j];
  if (a === undefined || b === undefined) return out;
  out[i] = b;
  out[j] = a;
  return out;
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    villageId: '',
    replies: [] as string[],
    rows: [] as ReplyRow[],
    draft: '',
    draftError: '',
    maxReplies: MAX_QUICK_REPLIES,
    maxLength: QUICK_REPLY_MAX_LENGTH,
    full: false,
    dirty: false,
    saving: false,
    loaded: false,
    loading: false,
    error: '',
  },
  methods: {
    async reload(): Promise<void> {
      const view = await loadForVillage(this, (villageId) => call('getVillagePolicy', { villageId }));
      if (view === null) return;
      this.show([...view.resolved.quickReplies], false);
      this.setData({ loaded: true });
    },
    show(replies: string[], dirty: boolean): void {
      this.setData({ replies, rows: rowsOf(replies), full: replies.length >= MAX_QUICK_REPLIES, dirty });
    },
    onDraft(e: WechatMiniprogram.CustomEvent<{ value: string }>): void {
      this.setData({ draft: String(e.detail.value ?? ''), draftError: '' });
    },
    onAdd(): void {
      const text = this.data.draft.trim();
      if (text === '') {
        this.setData({ draftError: '请写下回复的话' });
        return;
      }
      if (text.length > QUICK_REPLY_MAX_LENGTH) {
        this.setData({ draftError: `每条最多 ${QUICK_REPLY_MAX_LENGTH} 字` });
        return;
      }
      if (this.data.replies.includes(text)) {
        this.setData({ draftError: '已有这条回复' });
        return;
      }
      if (this.data.replies.length >= MAX_QUICK_REPLIES) {
        this.setData({ draftError: `最多 ${MAX_QUICK_REPLIES} 条` });
        return;
      }
      this.show([...this.data.replies, text], true);
      this.setData({ draft: '' });
    },
    onRemove(e: WechatMiniprogram.BaseEvent): void {
      const index = Number(e.currentTarget.dataset.index);
      this.show(
        this.data.replies.filter((_, i) => i !== index),
        true,
      );
    },
    onUp(e: WechatMiniprogram.BaseEvent): void {
      const index = Number(e.currentTarget.dataset.index);
      if (index > 0) this.show(swapped(this.data.replies, index, index - 1), true);
    },
    onDown(e: WechatMiniprogram.BaseEvent): void {
      const index = Number(e.currentTarget.dataset.index);
      if (index < this.data.replies.length - 1) this.show(swapped(this.data.replies, index, index + 1), true);
    },
    async onSave(): Promise<void> {
      if (this.data.saving || !this.data.dirty) return;
      this.setData({ saving: true, error: '' });
      const saved = await call('setVillagePolicy', { villageId: this.data.villageId, quickReplies: this.data.replies });
      if (!saved.ok) {
        // The edits stay on the page; saving again is safe (the whole list is sent).
        this.setData({ saving: false, error: saved.message });
        return;
      }
      this.setData({ saving: false });
      this.show([...(saved.data.policy.quickReplies ?? this.data.replies)], false);
      toast('已保存常用回复');
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.reload();
  },
});
