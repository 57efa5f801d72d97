// Join a grid, from its QR code (options.scene) or from the grid's WeChat group card (opened with a
// shareTicket → wx.getGroupEnterInfo → cloudID → resolveGroupGrid, which names the grid and hands
// back a short-lived scene). The household's address is asked once, with optional care flags
// (重点人群), then joinGrid, whose tap also asks for notice reminders. The membership is kept on the
// phone so nothing is asked again; a resident who is already a member is told so and taken home.
// Before joining, the resident reads the privacy notice (core/src/privacyNotice.ts, through the
// generated copy) and ticks consent; the join is not sent without it, and WeChat's own privacy gate
// (wx.requirePrivacyAuthorize, the popup in components/privacy-popup) is passed first.
// The grid's card (utils/group.ts joinCard, forwarded from home or the QR page) names its grid: a
// leader of that grid who opens it from the group binds the group here (bindGridGroup).
import type { CareNeed } from '../../../core/src/model';
import type { JoinGridInput } from '../../../core/src/schemas';
import { ERROR_MESSAGES, PRIVACY_NOTICE, PRIVACY_NOTICE_VERSION } from '../../generated/words';
import { call } from '../../services/api';
import { membershipOf } from '../../services/models';
import { loadProfile } from '../../services/profile';
import { requirePrivacyAuthorization } from '../../services/privacy';
import { askConsent } from '../../services/subscriptions';
import { defineComponent, type PageQuery } from '../../utils/component';
import { toast } from '../../utils/feedback';
import { groupCloudId, groupShareTicket } from '../../utils/group';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../../utils/labels';
import { saveMembership } from '../../utils/membership';

interface CareOption {
  value: CareNeed;
  label: string;
  checked: boolean;
}

type AddressField = 'building' | 'unit' | 'room';
/** loading: reading the group card; none: no code and no group; form: ready to join; bind: a leader of the card's grid, in a group. */
type Status = 'loading' | 'none' | 'form' | 'bind';

const HOME_URL = '/pages/home/index';

function leaveForHome(message: string): void {
  toast(message);
  wx.reLaunch({ url: HOME_URL });
}

defineComponent({
  data: {
    status: 'loading' as Status,
    scene: '',
    /** The grid the card names (joinCard), '' for a QR code or an older card. */
    cardGridId: '',
    binding: false,
    bindMessage: '',
    /** Known before joining only on the group path. */
    gridName: '',
    villageName: '',
    building: '',
    unit: '',
    room: '',
    careOptions: CARE_NEED_ORDER.map((value) => ({ value, label: CARE_NEED_LABELS[value], checked: false })) as CareOption[],
    noSmartphone: false,
    joining: false,
    error: '',
    privacyNotice: PRIVACY_NOTICE,
    /** Unticked until the resident ticks it: consent is never assumed. */
    privacyConsented: false,
  },
  methods: {
    onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = String(e.currentTarget.dataset.field) as AddressField;
      this.setData({ [field]: String(e.detail.value ?? '').trim() } as Partial<Record<AddressField, string>>);
    },
    onCare(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      const value = String(e.currentTarget.dataset.value);
      this.setData({ careOptions: this.data.careOptions.map((o) => (o.value === value ? { ...o, checked: e.detail.checked === true } : o)) });
    },
    onNoSmartphone(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ noSmartphone: e.detail.checked === true });
    },
    onPrivacyConsent(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ privacyConsented: e.detail.checked === true, error: '' });
    },
    /** Group path: which grid the group belongs to, and a scene to join it with; or, for the card grid's leader, the binding. */
    async openFromGroup(): Promise<void> {
      const cardGridId = this.data.cardGridId;
      const [cloudId, profile] = await Promise.all([groupCloudId(), cardGridId === '' ? Promise.resolve(null) : loadProfile()]);
      if (cloudId === '') {
        this.setData({ status: 'none', error: '无法读取群信息，请从网格微信群里重新打开小程序' });
        return;
      }
      const leads = profile?.grids.find((g) => g.gridId === cardGridId);
      if (leads !== undefined) {
        this.setData({ status: 'bind', gridName: leads.gridName, villageName: leads.villageName, error: '' });
        return;
      }
      const result = await call('resolveGroupGrid', { groupCloudId: cloudId });
      if (!result.ok) {
        this.setData({ status: 'none', error: result.message });
        return;
      }
      const { grid, scene, alreadyMember } = result.data;
      if (alreadyMember) {
        saveMembership(membershipOf(grid));
        leaveForHome(`您已是${grid.name}的成员`);
        return;
      }
      this.setData({ status: 'form', scene, gridName: grid.name, villageName: grid.villageName, error: '' });
    },
    joinInput(): JoinGridInput {
      const household: NonNullable<JoinGridInput['household']> = {};
      if (this.data.building !== '') household.building = this.data.building;
      if (this.data.unit !== '') household.unit = this.data.unit;
      if (this.data.room !== '') household.room = this.data.room;
      const careNeeds = this.data.careOptions.filter((o) => o.checked).map((o) => o.value);
      if (careNeeds.length > 0) household.careNeeds = careNeeds;
      if (this.data.noSmartphone) household.noSmartphone = true;
      const consented = { scene: this.data.scene, privacyConsent: { version: PRIVACY_NOTICE_VERSION } };
      return Object.keys(household).length > 0 ? { ...consented, household } : consented;
    },
    /** A leader binds the group the card was opened in to the card's grid (a fresh cloudID: they last five minutes). */
    async onBindGroup(): Promise<void> {
      if (this.data.binding) return;
      this.setData({ binding: true, bindMessage: '' });
      const cloudId = await groupCloudId();
      if (cloudId === '') {
        this.setData({ binding: false, bindMessage: '读取群信息失败，请从本网格微信群里重新打开这张卡片' });
        return;
      }
      const result = await call('bindGridGroup', { gridId: this.data.cardGridId, groupCloudId: cloudId });
      if (!result.ok) {
        this.setData({ binding: false, bindMessage: result.message });
        return;
      }
      this.setData({
        binding: false,
        bindMessage: result.data.alreadyBound ? '这个群早已绑定本网格，群里的居民点开卡片就能入格' : '已绑定本网格微信群，群里的居民点开这张卡片就能直接入格',
      });
    },
    async onJoin(): Promise<void> {
      if (this.data.joining) return;
      // The button stays tappable (a greyed-out button is hard to read and says nothing): it says what is missing.
      if (!this.data.privacyConsented) {
        this.setData({ error: ERROR_MESSAGES['PRIVACY.CONSENT_REQUIRED'] });
        return;
      }
      // Inside the tap, before any await: joining is when a resident first wants to hear of notices.
      void askConsent('residentNotice');
      this.setData({ joining: true, error: '' });
      if (!(await requirePrivacyAuthorization())) {
        this.setData({ joining: false, error: '需要同意《用户隐私保护指引》后才能加入网格' });
        return;
      }
      const result = await call('joinGrid', this.joinInput());
      if (!result.ok) {
        this.setData({ joining: false, error: result.message });
        return;
      }
      const { grid, alreadyMember } = result.data;
      saveMembership(membershipOf(grid));
      this.setData({ joining: false });
      leaveForHome(alreadyMember ? `您已是${grid.name}的成员` : `已加入${grid.name}`);
    },
  },
  onLoad(query: PageQuery): Promise<void> | void {
    this.setData({ cardGridId: decodeURIComponent(query.gridId ?? '') });
    // A mini-program code puts the scene URL-encoded in options.scene; a shared link passes it plain.
    const raw = query.scene ?? '';
    if (raw !== '') {
      this.setData({ status: 'form', scene: decodeURIComponent(raw) });
      return;
    }
    if (groupShareTicket() === '') {
      this.setData({ status: 'none' });
      return;
    }
    return this.openFromGroup();
  },
});
