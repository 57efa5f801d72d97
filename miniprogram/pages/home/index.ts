// Home: my grid, the latest notices (unread marked) and the large 我要反映 button; for grid staff and
// committees, "我的工作": big links to the leader and committee pages of each grid and village they serve
// (from getMyProfile, refreshed each time home shows, since the phone cannot read roles otherwise).
// Under the grid name, the grid's 三长 with a big 拨打 button each: the people a resident calls.
// Someone with many villages (a street admin) gets one 村（社区）工作 row that opens a village picker,
// so the section does not become a wall of three buttons per village.
// A joined resident sees whether the next notice will reach them in WeChat ("下次有通知时提醒我", with
// how many reminders are left), and opening a notice asks for the notice reminder too. Forwarded
// into the grid's WeChat group, home is the grid's card (utils/group.ts joinCard): a leader opening
// it there binds the group, a resident joins from it.
import { pullDownBehavior } from '../../behaviors/pullDown';
import { remindersBehavior } from '../../behaviors/reminders';
import { call } from '../../services/api';
import type { Membership } from '../../services/models';
import { COMMITTEE_WORK_ROLES, loadProfile, type GridLeaderContact, type GridWorkPlace, type MyProfile, type VillageWorkPlace } from '../../services/profile';
import { reminderState, type ReminderCounts } from '../../services/subscriptions';
import { defineComponent, elderData } from '../../utils/component';
import { setElderMode } from '../../utils/elder';
import { enableGroupSharing, groupShareTicket, JOIN_PAGE, joinCard } from '../../utils/group';
import { ROLE_LABELS } from '../../utils/labels';
import { readMembership, saveMembership } from '../../utils/membership';
import { formatChinaShort } from '../../utils/time';

const LATEST_NOTICES = 5;
/** Up to this many villages are listed with their buttons; more fold into one row with a picker. */
const VILLAGE_ROWS_MAX = 3;

/** One of my grid's 三长, ready to show: role title and name, and the number to dial if any. */
interface LeaderRow {
  key: string;
  role: string;
  name: string;
  phone: string;
  callLabel: string;
}

function leaderRow(l: GridLeaderContact, index: number): LeaderRow {
  const role = ROLE_LABELS[l.role];
  const name = l.displayName ?? '';
  return { key: `${l.role}-${index}`, role, name, phone: l.phone ?? '', callLabel: `拨打${role}${name}的电话` };
}

interface WorkLink {
  /** Element id, for tests and the accessibility tree. */
  id: string;
  text: string;
  label: string;
  url: string;
}

interface WorkRow {
  key: string;
  title: string;
  roles: string;
  links: WorkLink[];
}

function link(kind: string, placeId: string, text: string, placeName: string, url: string): WorkLink {
  return { id: `work-${kind}-${placeId}`, text, label: `${placeName}${text}`, url };
}

function gridRow(g: GridWorkPlace): WorkRow {
  const q = `gridId=${encodeURIComponent(g.gridId)}`;
  return {
    key: g.gridId,
    title: `${g.villageName}${g.gridName}`,
    roles: g.roles.map((r) => ROLE_LABELS[r]).join('、'),
    links: [
      link('inbox', g.gridId, '诉求收件箱', g.gridName, `/packageLeader/pages/inbox/index?${q}`),
      link('roster', g.gridId, '网格花名册', g.gridName, `/packageLeader/pages/roster/index?${q}`),
      link('qrcode', g.gridId, '入格二维码', g.gridName, `/packageLeader/pages/qrcode/index?${q}`),
    ],
  };
}

function villageRow(v: VillageWorkPlace): WorkRow {
  const q = `villageId=${encodeURIComponent(v.villageId)}`;
  const dashboard = link('dashboard', v.villageId, '工作看板', v.villageName, `/packageCommittee/pages/dashboard/index?${q}`);
  // Duty officers read the dashboard; publishing and setting up grids are the committee's (and the street's).
  const manages = v.roles.some((r) => COMMITTEE_WORK_ROLES.includes(r));
  return {
    key: v.villageId,
    title: v.villageName,
    roles: v.roles.map((r) => ROLE_LABELS[r]).join('、'),
    links: manages
      ? [
          dashboard,
          link('publish', v.villageId, '发布通知', v.villageName, `/packageCommittee/pages/publish/index?${q}`),
          link('notices', v.villageId, '通知触达', v.villageName, `/packageCommittee/pages/notices/index?${q}`),
          link('replies', v.villageId, '常用回复', v.villageName, `/packageCommittee/pages/replies/index?${q}`),
          link('grids', v.villageId, '网格与人员', v.villageName, `/packageCommittee/pages/grids/index?${q}`),
          link('households', v.villageId, '一户一档', v.villageName, `/packageCommittee/pages/households/index?${q}`),
          link('report', v.villageId, '工作周报', v.villageName, `/packageCommittee/pages/report/index?${q}`),
          link('followups', v.villageId, '回访', v.villageName, `/packageCommittee/pages/followups/index?${q}`),
          link('staff', v.villageId, '人员管理', v.villageName, `/packageCommittee/pages/staff/index?${q}`),
          link('microgrids', v.villageId, '战时小网格', v.villageName, `/packageCommittee/pages/microgrids/index?${q}`),
          link('policy', v.villageId, '服务时间与时限', v.villageName, `/packageCommittee/pages/policy/index?${q}`),
        ]
      : [dashboard],
  };
}

/** Whether the next notice will reach the resident in WeChat, in words. */
function noticeReminder(reminders: ReminderCounts | null): { on: boolean; text: string } {
  const state = reminderState(reminders, 'residentNotice');
  if (state.kind === 'longTerm') return { on: true, text: '已开启：有新通知时微信会提醒您' };
  if (state.kind === 'unknown') return { on: false, text: '点下面的按钮，在弹窗中选“允许”，有新通知时微信会提醒您' };
  if (state.left === 0) return { on: false, text: '未开启：有新通知时微信不会提醒您' };
  return { on: true, text: `已开启：下次有通知时微信会提醒您（还能提醒 ${state.left} 次）` };
}

const HOME_CARD: WechatMiniprogram.Page.ICustomShareContent = { title: '连心网格：有事找网格长', path: '/pages/home/index' };

interface NoticeRow {
  id: string;
  title: string;
  read: boolean;
  when: string;
}

defineComponent({
  behaviors: [pullDownBehavior, remindersBehavior('residentNotice')],
  data: {
    membership: null as Membership | null,
    workGrids: [] as WorkRow[],
    workVillages: [] as WorkRow[],
    leaders: [] as LeaderRow[],
    /** More villages than VILLAGE_ROWS_MAX: one row and a picker instead of every village's buttons. */
    villagesFolded: false,
    villagePickerOpen: false,
    pickedVillage: null as WorkRow | null,
    notices: [] as NoticeRow[],
    noticesError: '',
    /** The grid the home card joins: the first grid the caller works in, else their own. */
    cardGridId: '',
    cardGridName: '',
    reminders: null as ReminderCounts | null,
    noticeRemindOn: false,
    noticeRemindText: noticeReminder(null).text,
    /** Opened from a group card without having joined: the group may name the grid. */
    fromGroup: false,
  },
  onLoad(): void {
    enableGroupSharing();
    this.setData({ fromGroup: groupShareTicket() !== '' });
  },
  onShow(): Promise<void> {
    return this.reload();
  },
  onShareAppMessage(): WechatMiniprogram.Page.ICustomShareContent {
    return this.data.cardGridId === '' ? HOME_CARD : joinCard(this.data.cardGridId, this.data.cardGridName);
  },
  methods: {
    async reload(): Promise<void> {
      const stored = readMembership();
      this.setData({ membership: stored });
      const [profile] = await Promise.all([loadProfile({ refresh: true }), stored === null ? Promise.resolve() : this.loadNotices()]);
      this.showWork(profile);
      const joined = profile?.membership ?? null;
      if (stored === null && joined !== null) {
        // Joined on another phone or before the storage was cleared: the backend remembers (collect once).
        const membership: Membership = { gridId: joined.gridId, gridName: joined.gridName, villageName: joined.villageName };
        saveMembership(membership);
        this.setData({ membership });
        await this.loadNotices();
      }
    },
    showWork(profile: MyProfile | null): void {
      // A failed refresh keeps what was shown before rather than hiding the work links.
      if (profile === null) return;
      const workVillages = profile.villages.map(villageRow);
      const picked = this.data.pickedVillage;
      const cardGrid = profile.grids[0] ?? profile.membership;
      this.showReminders(profile.reminders);
      this.setData({
        cardGridId: cardGrid?.gridId ?? '',
        cardGridName: cardGrid?.gridName ?? '',
        workGrids: profile.grids.map(gridRow),
        workVillages,
        villagesFolded: workVillages.length > VILLAGE_ROWS_MAX,
        // Keep the village picked before a refresh, with its fresh links.
        pickedVillage: picked === null ? null : (workVillages.find((v) => v.key === picked.key) ?? null),
        leaders: (profile.membership?.leaders ?? []).map(leaderRow),
      });
    },
    showReminders(reminders: ReminderCounts | null): void {
      const remind = noticeReminder(reminders);
      this.setData({ reminders, noticeRemindOn: remind.on, noticeRemindText: remind.text });
    },
    onJoinFromGroup() {
      wx.navigateTo({ url: JOIN_PAGE });
    },
    onToggleVillages() {
      this.setData({ villagePickerOpen: !this.data.villagePickerOpen });
    },
    onPickVillage(e: WechatMiniprogram.BaseEvent) {
      const key = String(e.currentTarget.dataset.key ?? '');
      const picked = this.data.workVillages.find((v) => v.key === key) ?? null;
      this.setData({ pickedVillage: picked, villagePickerOpen: false });
    },
    onCallLeader(e: WechatMiniprogram.BaseEvent) {
      const phoneNumber = String(e.currentTarget.dataset.phone ?? '');
      if (phoneNumber !== '') wx.makePhoneCall({ phoneNumber });
    },
    async loadNotices(): Promise<void> {
      const result = await call('listNotices', { limit: LATEST_NOTICES });
      if (!result.ok) {
        this.setData({ noticesError: result.message });
        return;
      }
      const now = Date.now();
      const notices = result.data.notices.map((n) => ({ id: n.id, title: n.title, read: n.read, when: formatChinaShort(n.publishedAt, now) }));
      this.setData({ notices, noticesError: '' });
    },
    onOpenWork(e: WechatMiniprogram.BaseEvent) {
      const url = String(e.currentTarget.dataset.url ?? '');
      if (url !== '') wx.navigateTo({ url });
    },
    onReport() {
      wx.navigateTo({ url: '/pages/submit/index' });
    },
    onMyRequests() {
      wx.navigateTo({ url: '/pages/requests/index' });
    },
    onMyInformation() {
      wx.navigateTo({ url: '/pages/me/index' });
    },
    onAllNotices() {
      wx.navigateTo({ url: '/pages/notices/index' });
    },
    onOpenNotice(e: WechatMiniprogram.BaseEvent) {
      this.askForReminders();
      const id = String(e.currentTarget.dataset.id ?? '');
      wx.navigateTo({ url: `/pages/notice/index?id=${encodeURIComponent(id)}` });
    },
    onScan() {
      wx.scanCode({
        onlyFromCamera: true,
        success: (res) => {
          // A grid QR is a mini-program code; scanning it from here hands back its path with the scene.
          const scene = /scene=([^&]+)/.exec(res.path ?? '')?.[1];
          if (scene !== undefined) wx.navigateTo({ url: `/pages/join/index?scene=${scene}` });
        },
      });
    },
    onElderChange(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      setElderMode(e.detail.checked === true);
      this.setData(elderData());
    },
  },
});
