// Join a grid from its QR code (options.scene) or a share in the grid's WeChat group: the
// household's address once, optional care flags (重点人群), then joinGrid. The membership is kept
// on the phone so nothing is asked again.
import type { CareNeed } from '../../../core/src/model';
import type { JoinGridInput } from '../../../core/src/schemas';
import { call } from '../../services/api';
import { toMembership } from '../../services/models';
import { defineComponent, type PageQuery } from '../../utils/component';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../../utils/labels';
import { saveMembership } from '../../utils/membership';

interface CareOption {
  value: CareNeed;
  label: string;
  checked: boolean;
}

type AddressField = 'building' | 'unit' | 'room';

defineComponent({
  data: {
    scene: '',
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
      const field = String(e.currentTarget.dataset['field']) as AddressField;
      this.setData({ [field]: String(e.detail.value ?? '').trim() } as Partial<Record<AddressField, string>>);
    },
    onCare(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      const value = String(e.currentTarget.dataset['value']);
      this.setData({ careOptions: this.data.careOptions.map((o) => (o.value === value ? { ...o, checked: e.detail.checked === true } : o)) });
    },
    onNoSmartphone(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ noSmartphone: e.detail.checked === true });
    },
    async onJoin(): Promise<void> {
      if (this.data.joining) return;
      const household: NonNullable<JoinGridInput['household']> = {};
      if (this.data.building !== '') household.building = this.data.building;
      if (this.data.unit !== '') household.unit = this.data.unit;
      if (this.data.room !== '') household.room = this.data.room;
      const careNeeds = this.data.careOptions.filter((o) => o.checked).map((o) => o.value);
      if (careNeeds.length > 0) household.careNeeds = careNeeds;
      if (this.data.noSmartphone) household.noSmartphone = true;
      const input: JoinGridInput = Object.keys(household).length > 0 ? { scene: this.data.scene, household } : { scene: this.data.scene };
      this.setData({ joining: true, error: '' });
      const result = await call('joinGrid', input);
      if (!result.ok) {
        this.setData({ joining: false, error: result.message });
        return;
      }
      const membership = toMembership(result.data);
      if (membership !== null) saveMembership(membership);
      this.setData({ joining: false });
      wx.reLaunch({ url: '/pages/home/index' });
    },
  },
  onLoad(query: PageQuery): void {
    // A mini-program code puts the scene URL-encoded in options.scene; a shared link passes it plain.
    const raw = query['scene'] ?? '';
    this.setData({ scene: decodeURIComponent(raw) });
  },
});
