// 我的信息 (PIPL): what is held about the resident, in plain words: their membership, the privacy
// notice they agreed to, the household's address, and, once their claim is verified, its phone, care
// needs and noSmartphone, which they may correct here. The address is not edited here: a new address
// is a new household claim (scan the grid's code again). Leaving the grid asks first and says what
// will be deleted, then goes home, which then offers to join again.
import type { CareNeed } from '../../../core/src/model';
import type { UpdateMyInformationInput } from '../../../core/src/schemas';
import { correctMyInformation, leaveMyGrid, loadMyInformation, type MyHouseholdDetails, type MyInformation } from '../../services/myInformation';
import { defineComponent } from '../../utils/component';
import { toast } from '../../utils/feedback';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../../utils/labels';
import { formatChinaDateTime } from '../../utils/time';

interface CareOption {
  value: CareNeed;
  label: string;
  checked: boolean;
}

/** One line of what is held, as the resident reads it. */
interface HeldRow {
  key: string;
  label: string;
  value: string;
}

const HOME_URL = '/pages/home/index';

/** What the confirm dialog says leaving deletes, before anything is sent. */
const LEAVE_CONFIRM_TEXT =
  '退出后将删除您的网格成员身份，不再收到通知和诉求进展的微信提醒。您提交过的诉求只保留类别和办理时间用于统计，内容和照片将删除，不再显示是您提交的。如果您是这一户最后一位成员，且这一户是扫码登记的，这一户的电话、需要照顾的人和是否用智能手机也将删除。';

function careOptions(chosen: readonly CareNeed[]): CareOption[] {
  return CARE_NEED_ORDER.map((value) => ({ value, label: CARE_NEED_LABELS[value], checked: chosen.includes(value) }));
}

function addressText(household: NonNullable<MyInformation['household']>): string {
  return [household.building, household.unit, household.room].filter((part) => part !== undefined && part !== '').join(' ');
}

function heldRows(info: MyInformation): HeldRow[] {
  const m = info.membership;
  if (m === null) return [];
  const rows: HeldRow[] = [
    { key: 'grid', label: '所在网格', value: m.villageName === '' ? m.gridName : `${m.villageName} ${m.gridName}` },
    { key: 'joined', label: '加入时间', value: formatChinaDateTime(m.joinedAt) },
    { key: 'verification', label: '住户身份', value: m.verification === 'verified' ? '已核实' : '待核实（网格员核实后才能查看和修改这一户的电话等信息）' },
    {
      key: 'consent',
      label: '个人信息保护说明',
      value: m.privacyConsent === undefined ? '加入时尚未询问' : `已同意（${m.privacyConsent.version}版，${formatChinaDateTime(m.privacyConsent.at)}）`,
    },
    { key: 'address', label: '住址', value: info.household === null ? '未登记' : addressText(info.household) || '未填门牌' },
    { key: 'requests', label: '我提交的诉求', value: `${info.requestCount} 条` },
  ];
  return rows;
}

defineComponent({
  data: {
    loading: true,
    error: '',
    joined: false,
    rows: [] as HeldRow[],
    /** The household's fields may be corrected: the resident is its verified member. */
    editable: false,
    phone: '',
    careOptions: careOptions([]),
    noSmartphone: false,
    saving: false,
    saved: '',
    leaving: false,
  },
  methods: {
    show(info: MyInformation): void {
      const details = info.household?.details ?? null;
      this.setData({ loading: false, error: '', joined: info.membership !== null, rows: heldRows(info), editable: details !== null });
      if (details !== null) this.showDetails(details);
    },
    showDetails(details: MyHouseholdDetails): void {
      this.setData({ phone: details.phone ?? '', careOptions: careOptions(details.careNeeds), noSmartphone: details.noSmartphone });
    },
    async reload(): Promise<void> {
      const result = await loadMyInformation();
      if (!result.ok) return this.setData({ loading: false, error: result.message });
      this.show(result.data);
    },
    onPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ phone: String(e.detail.value ?? '').trim(), saved: '' });
    },
    onCare(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      const value = String(e.currentTarget.dataset.value);
      this.setData({ careOptions: this.data.careOptions.map((o) => (o.value === value ? { ...o, checked: e.detail.checked === true } : o)), saved: '' });
    },
    onNoSmartphone(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ noSmartphone: e.detail.checked === true, saved: '' });
    },
    correction(): UpdateMyInformationInput {
      return {
        // A cleared phone removes it.
        phone: this.data.phone === '' ? null : this.data.phone,
        careNeeds: this.data.careOptions.filter((o) => o.checked).map((o) => o.value),
        noSmartphone: this.data.noSmartphone,
      };
    },
    async onSave(): Promise<void> {
      if (this.data.saving) return;
      this.setData({ saving: true, error: '', saved: '' });
      const result = await correctMyInformation(this.correction());
      this.setData({ saving: false });
      if (!result.ok) return this.setData({ error: result.message });
      this.showDetails(result.data.details);
      this.setData({ saved: result.data.outcome === 'updated' ? '已保存修改' : '信息没有变化' });
    },
    async onLeave(): Promise<void> {
      if (this.data.leaving) return;
      const confirmed = await new Promise<boolean>((resolve) => {
        wx.showModal({
          title: '确定退出网格？',
          content: LEAVE_CONFIRM_TEXT,
          confirmText: '退出',
          cancelText: '取消',
          success: (res) => resolve(res.confirm === true),
          fail: () => resolve(false),
        });
      });
      if (!confirmed) return;
      this.setData({ leaving: true, error: '' });
      const result = await leaveMyGrid();
      this.setData({ leaving: false });
      if (!result.ok) return this.setData({ error: result.message });
      toast('已退出网格');
      wx.reLaunch({ url: HOME_URL });
    },
  },
  onLoad(): Promise<void> {
    return this.reload();
  },
});
