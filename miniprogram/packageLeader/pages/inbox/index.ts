// A grid leader's inbox: my open items, live. New requests appear without a refresh (database watch,
// or listInbox polling where the watch is unavailable); each waiting item counts down to its
// response target, amber when little time is left and red once it has passed.
// The reminder card says how many more WeChat reminders may reach the leader (还能提醒您 N 次, amber
// when few are left); tapping it, or opening a request, asks for more (services/subscriptions.ts),
// and the "总是保持以上选择" box is explained once.
import { countdownBehavior } from '../../../behaviors/countdown';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { remindersBehavior } from '../../../behaviors/reminders';
import { requestRow, type RequestRowBase } from '../../../services/models';
import type { InboxItem } from '../../../services/outputs';
import { loadProfile } from '../../../services/profile';
import { firstKeepChoiceExplanation, reminderState, type ReminderCounts } from '../../../services/subscriptions';
import { defineComponent } from '../../../utils/component';
import { SECOND_MS } from '../../../utils/time';
import { leaderGridFor, rememberLeaderGrid } from '../../grid';
import { INBOX_POLL_MS, watchInbox, type InboxSource, type InboxWatch } from '../../inboxWatch';

interface Row extends RequestRowBase {
  id: string;
  excerpt: string;
}

/** Each open inbox page's own watch, so two pages never share one. */
const watches = new WeakMap<object, InboxWatch>();

/** Each responder template as the card names it. */
const REMINDER_KINDS = [
  { key: 'requestAssigned', label: '新诉求' },
  { key: 'requestEscalated', label: '升级' },
  { key: 'requestDueSoon', label: '快到期' },
] as const;

interface ReminderCard {
  text: string;
  detail: string;
  hint: string;
  few: boolean;
}

/** The reminder card's words for the counts the profile gave (or none known). */
function reminderCard(counts: ReminderCounts | null): ReminderCard {
  const state = reminderState(counts, 'responder');
  if (state.kind === 'longTerm') return { text: '已开启长期提醒', detail: '', hint: '有新诉求、升级和快到期时，微信都会提醒您', few: false };
  if (state.kind === 'unknown' || counts === null)
    return { text: '开启微信提醒', detail: '', hint: '点这里，在弹窗中选“允许”，有新诉求时微信会提醒您', few: false };
  const detail = REMINDER_KINDS.map((k) => {
    const held = counts.left[k.key];
    return `${k.label} ${held === null ? '长期' : `${held ?? 0} 次`}`;
  }).join(' · ');
  const hint =
    state.left === 0
      ? '提醒已用完：有新诉求时微信不会提醒您。点这里，在弹窗中选“允许”'
      : state.few
        ? '提醒快用完了，点这里多攒几次'
        : '每次点按处理诉求都会再攒一次提醒，点这里也可以';
  return { text: `还能提醒您 ${state.left} 次`, detail, hint, few: state.few };
}

function toRows(items: readonly InboxItem[], nowMs: number): Row[] {
  return items.map((item) => ({ id: item.requestId, excerpt: item.excerpt, ...requestRow(item, item.createdAt, nowMs) }));
}

defineComponent({
  behaviors: [countdownBehavior, pullDownBehavior, remindersBehavior('responder')],
  data: {
    items: [] as InboxItem[],
    rows: [] as Row[],
    loading: true,
    error: '',
    source: 'poll' as InboxSource,
    /** How often the list refreshes itself when it polls, as the page says it. */
    pollSeconds: INBOX_POLL_MS / SECOND_MS,
    gridId: '',
    reminders: null as ReminderCounts | null,
    reminder: reminderCard(null),
    /** The "总是保持以上选择" explanation, shown the first time the inbox opens on this phone. */
    explainKeepChoice: false,
    /** After the first show the profile is asked again, so counts spent or gained elsewhere show. */
    shownBefore: false,
  },
  methods: {
    onItems(items: InboxItem[], source: InboxSource): void {
      const first = items.find((i) => i.gridId !== '');
      if (first !== undefined && this.data.gridId === '') {
        rememberLeaderGrid(first.gridId);
        this.setData({ gridId: first.gridId });
      }
      this.setData({ items, source, loading: false, error: '', rows: toRows(items, Date.now()) });
    },
    /** Re-render the countdowns for the current instant. */
    tick(): void {
      this.setData({ rows: toRows(this.data.items, Date.now()) });
    },
    start(): void {
      this.stop();
      watches.set(
        this,
        watchInbox({
          onItems: (items, source) => this.onItems(items, source),
          onError: (message) => this.setData({ loading: false, error: message }),
        }),
      );
      this.startTicking();
    },
    stop(): void {
      watches.get(this)?.close();
      watches.delete(this);
      this.stopTicking();
    },
    async reload(): Promise<void> {
      await watches.get(this)?.refresh();
    },
    showReminders(reminders: ReminderCounts | null): void {
      this.setData({ reminders, reminder: reminderCard(reminders) });
    },
    async refreshReminders(): Promise<void> {
      const profile = await loadProfile({ refresh: this.data.shownBefore });
      this.setData({ shownBefore: true });
      if (profile !== null) this.showReminders(profile.reminders);
    },
    onKeepChoiceSeen() {
      this.setData({ explainKeepChoice: false });
    },
    onOpen(e: WechatMiniprogram.BaseEvent) {
      this.askForReminders();
      wx.navigateTo({ url: `/packageLeader/pages/request/index?id=${encodeURIComponent(String(e.currentTarget.dataset.id))}` });
    },
    onRoster() {
      wx.navigateTo({ url: `/packageLeader/pages/roster/index?gridId=${encodeURIComponent(this.data.gridId)}` });
    },
    onQrcode() {
      wx.navigateTo({ url: `/packageLeader/pages/qrcode/index?gridId=${encodeURIComponent(this.data.gridId)}` });
    },
  },
  async onLoad(query): Promise<void> {
    const gridId = await leaderGridFor(query);
    // The first inbox item may have named the grid while the profile loaded: never blank it.
    if (gridId !== '' || this.data.gridId === '') this.setData({ gridId });
  },
  onShow(): Promise<void> {
    this.start();
    if (!this.data.shownBefore) this.setData({ explainKeepChoice: firstKeepChoiceExplanation() });
    return this.refreshReminders();
  },
  onHide(): void {
    this.stop();
  },
  onUnload(): void {
    this.stop();
  },
});
