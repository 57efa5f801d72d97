// Join a grid, from its QR code (options.scene) or from the grid's WeChat group card (opened with a
// shareTicket → wx.getGroupEnterInfo → cloudID → resolveGroupGrid, which names the grid and hands
// back a short-lived scene). The household's address is asked once, with optional care flags
// (重点人群), then joinGrid. The membership is kept on the phone so nothing is asked again; a
// resident who is already a member is told so and taken home.
import type { CareNeed } from '../../../core/src/model';
import type { JoinGridInput } from '../../../core/src/schemas';
import { call } from '../../services/api';
import { membershipOf } from '../../services/models';
import { defineComponent, type PageQuery } from '../../utils/component';
import { toast } from '../../utils/feedback';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../../utils/labels';
import { saveMembership } from '../../utils/membership';

interface CareOption {
  value: CareNeed;
  label: string;
  checked: boolean;
}

type AddressField = 'building' | 'unit' | 'room';
/** loading: reading the group card; none: no code and no group; form: ready to join. */
type Status = 'loading' | 'none' | 'form';

const HOME_URL = '/pages/home/index';

/** The shareTicket WeChat gives when the mini-program is opened from a group chat's card: its presence says this is a group entry. */
function groupShareTicket(): string {
  try {
    const options = wx.getEnterOptionsSync();
    if (options.shareTicket) return options.shareTicket;
  } catch {
    // Older base libraries lack getEnterOptionsSync; the launch options carry the same ticket.
  }
  try {
    return wx.getLaunchOptionsSync().shareTicket ?? '';
  } catch {
    return '';
  }
}

/** The entry group's cloudID, which only the backend can open (cloud.getOpenData); '' when WeChat refuses. */
function groupCloudId(): Promise<string> {
  return new Promise((resolve) => {
    wx.getGroupEnterInfo({
      success: (res) => resolve(res.cloudID ?? ''),
      fail: () => resolve(''),
    });
  });
}

function leaveForHome(message: string): void {
  toast(message);
  wx.reLaunch({ url: HOME_URL });
}

defineComponent({
  data: {
    status: 'loading' as Status,
    scene: '',
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
    /** Group path: which grid the group belongs to, and a scene to join it with. */
    async openFromGroup(): Promise<void> {
      const cloudId = await groupCloudId();
      if (cloudId === '') {
        this.setData({ status: 'none', error: '无法读取群信息，请从网格微信群里重新打开小程序' });
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
      return Object.keys(household).length > 0 ? { scene: this.data.scene, household } : { scene: this.data.scene };
    },
    async onJoin(): Promise<void> {
      if (this.data.joining) return;
      this.setData({ joining: true, error: '' });
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
