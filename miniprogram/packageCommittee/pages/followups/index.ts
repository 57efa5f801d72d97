// 回访 (follow-ups): the village's residents who rated a request 1–2 stars or reopened it, open ones
// first, each with the request, the rating and comment (or the reason for reopening), the door and a
// call button. Tapping one opens the record form: the outcome (已解决 / 已解释 / 需再派单 / 联系不上)
// and a note, saved with recordFollowUp.
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { FOLLOW_UP_OUTCOME_LABELS, FOLLOW_UP_OUTCOMES, FOLLOW_UP_REASON_LABELS } from '../../../generated/words';
import { call } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { CATEGORY_LABELS } from '../../../utils/labels';
import { formatChinaShort } from '../../../utils/time';
import { committeeVillageFor, loadForVillage, VILLAGE_PAGE_DATA } from '../../utils/village';

type FollowUp = OutputOf<'listFollowUps'>['items'][number];
type Outcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/** One follow-up as the list shows it. */
interface FollowUpRow {
  id: string;
  /** Element id: follow-up ids carry a colon. */
  elementId: string;
  open: boolean;
  title: string;
  text: string;
  /** "1 星：根本没人来" or "重新打开：还在漏". */
  why: string;
  door: string;
  phone: string;
  when: string;
  /** "已解释：已电话说明" once recorded. */
  result: string;
  label: string;
}

function door(f: FollowUp): string {
  return [f.gridName, f.building, f.unit, f.room].filter((part) => part !== undefined && part !== '').join(' ');
}

function rowOf(f: FollowUp, now: number): FollowUpRow {
  const why =
    f.reason === 'lowRating'
      ? `${f.rating ?? ''} 星${f.comment !== undefined ? `：${f.comment}` : ''}`
      : `${FOLLOW_UP_REASON_LABELS.reopened}${f.reopenReason !== undefined ? `：${f.reopenReason}` : ''}`;
  const title = `${CATEGORY_LABELS[f.category]} · ${FOLLOW_UP_REASON_LABELS[f.reason]}`;
  const result = f.outcome === undefined ? '' : `${FOLLOW_UP_OUTCOME_LABELS[f.outcome]}${f.note !== undefined ? `：${f.note}` : ''}`;
  const state = f.state === 'open' ? '待回访' : '已回访';
  return {
    id: f.id,
    elementId: f.id.replace(/[^0-9A-Za-z_-]/g, '-'),
    open: f.state === 'open',
    title,
    text: f.text,
    why,
    door: door(f),
    phone: f.phone ?? '',
    when: formatChinaShort(f.createdAt, now),
    result,
    label: `${state} ${title} ${f.text}`,
  };
}

const OUTCOME_CHOICES = FOLLOW_UP_OUTCOMES.map((value) => ({ value, label: FOLLOW_UP_OUTCOME_LABELS[value] }));

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    ...VILLAGE_PAGE_DATA,
    saving: false,
    openCount: 0,
    items: [] as FollowUpRow[],
    outcomes: OUTCOME_CHOICES,
    /** The follow-up being recorded, or ''. */
    selectedId: '',
    selected: null as FollowUpRow | null,
    outcome: '' as Outcome | '',
    note: '',
    formError: '',
  },
  methods: {
    async reload(): Promise<void> {
      const list = await loadForVillage(this, (villageId) => call('listFollowUps', { villageId }));
      if (list === null) return;
      const now = Date.now();
      this.setData({ loaded: true, openCount: list.openCount, items: list.items.map((f) => rowOf(f, now)) });
    },
    onRefresh(): Promise<void> {
      return this.reload();
    },
    /** Tapping an open follow-up opens the form for its call. */
    onOpen(e: WechatMiniprogram.BaseEvent): void {
      const id = String(e.currentTarget.dataset.id ?? '');
      const selected = this.data.items.find((f) => f.id === id && f.open) ?? null;
      this.setData({ selectedId: selected?.id ?? '', selected, outcome: '', note: '', formError: '' });
    },
    onCall(e: WechatMiniprogram.BaseEvent): void {
      const phone = String(e.currentTarget.dataset.phone ?? '');
      if (phone !== '') wx.makePhoneCall({ phoneNumber: phone });
    },
    onOutcome(e: WechatMiniprogram.BaseEvent): void {
      this.setData({ outcome: String(e.currentTarget.dataset.value ?? '') as Outcome, formError: '' });
    },
    onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>): void {
      this.setData({ note: String(e.detail.value ?? '') });
    },
    onCancel(): void {
      this.setData({ selectedId: '', selected: null, formError: '' });
    },
    async onSave(): Promise<void> {
      const { selectedId, outcome, note, saving } = this.data;
      if (saving || selectedId === '') return;
      if (outcome === '') {
        this.setData({ formError: '请选择回访结果' });
        return;
      }
      this.setData({ saving: true, formError: '' });
      const saved = await call('recordFollowUp', { followUpId: selectedId, outcome, ...(note.trim() !== '' ? { note } : {}) });
      if (!saved.ok) {
        this.setData({ saving: false, formError: saved.message });
        return;
      }
      this.setData({ saving: false, selectedId: '', selected: null });
      toast('已记录回访');
      await this.reload();
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.reload();
  },
});
