// One household of the register (一户一档), added or edited by the grid's staff: address, care
// needs (重点人群), 无智能手机, phone, the people living there and the party member who keeps in touch
// (党员联户). Opened with ?gridId= to add (without it, the caller's own grid), or ?gridId=&householdId= to edit (getHousehold fills the
// form). Saving the same again changes nothing; a household whose address is already registered is
// that household, so no twin is made. Residents who joined stay its members whatever is edited here.
import type { CareNeed } from '../../../../core/src/model';
import type { SaveHouseholdInput } from '../../../../core/src/schemas';
import { loadBehavior } from '../../../behaviors/load';
import { call, checkInput, type FieldProblem } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { CARE_NEED_LABELS, CARE_NEED_ORDER } from '../../../utils/labels';
import { leaderGridFor } from '../../grid';

type HouseholdEntry = OutputOf<'getHousehold'>;
type TextField = 'building' | 'unit' | 'room' | 'phone' | 'partyName' | 'partyPhone';

interface CareOption {
  value: CareNeed;
  label: string;
  checked: boolean;
}

interface MemberRow {
  key: string;
  name: string;
  relation: string;
}

/** Which field of the form a schema problem is about, in the words of the form. */
const FIELD_NAMES: Record<string, string> = {
  '/building': '楼栋',
  '/room': '房号',
  '/unit': '单元',
  '/phone': '联系电话',
  '/partyContact/phone': '党员电话',
  '/partyContact/name': '联户党员',
};

const OUTCOME_TEXT: Record<OutputOf<'saveHousehold'>['outcome'], string> = {
  added: '已登记',
  updated: '已保存修改',
  unchanged: '信息没有变化',
};

function careOptions(chosen: readonly CareNeed[] = []): CareOption[] {
  return CARE_NEED_ORDER.map((value) => ({ value, label: CARE_NEED_LABELS[value], checked: chosen.includes(value) }));
}

let memberKeys = 0;
function memberRow(name = '', relation = ''): MemberRow {
  memberKeys += 1;
  return { key: `m${memberKeys}`, name, relation };
}

/** "请检查：联系电话、党员电话" from the phone's own check of the input. */
function problemText(problems: FieldProblem[] | undefined, fallback: string): string {
  const names = [...new Set((problems ?? []).map((p) => (p.path.startsWith('/members') ? '家庭成员' : FIELD_NAMES[p.path])).filter(Boolean))];
  return names.length > 0 ? `请检查：${names.join('、')}` : fallback;
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    gridId: '',
    householdId: '',
    building: '',
    unit: '',
    room: '',
    phone: '',
    partyName: '',
    partyPhone: '',
    careOptions: careOptions(),
    noSmartphone: false,
    members: [] as MemberRow[],
    loading: false,
    saving: false,
    error: '',
    saved: '',
  },
  methods: {
    fill(h: HouseholdEntry) {
      this.setData({
        householdId: h.householdId,
        building: h.building ?? '',
        unit: h.unit ?? '',
        room: h.room ?? '',
        phone: h.phone ?? '',
        partyName: h.partyContact?.name ?? '',
        partyPhone: h.partyContact?.phone ?? '',
        careOptions: careOptions(h.careNeeds),
        noSmartphone: h.noSmartphone,
        members: h.members.map((m) => memberRow(m.name, m.relation ?? '')),
      });
    },
    onField(e: WechatMiniprogram.CustomEvent<{ value?: string }, Record<string, never>, { field: TextField }>) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [field]: String(e.detail.value ?? ''), saved: '' } as Partial<Record<TextField, string>>);
    },
    onCare(e: WechatMiniprogram.CustomEvent<{ checked: boolean }, Record<string, never>, { value: CareNeed }>) {
      const { value } = e.currentTarget.dataset;
      this.setData({ careOptions: this.data.careOptions.map((o) => (o.value === value ? { ...o, checked: e.detail.checked === true } : o)), saved: '' });
    },
    onNoSmartphone(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ noSmartphone: e.detail.checked === true, saved: '' });
    },
    onAddMember() {
      this.setData({ members: [...this.data.members, memberRow()], saved: '' });
    },
    onRemoveMember(e: WechatMiniprogram.BaseEvent) {
      const key = String(e.currentTarget.dataset.key);
      this.setData({ members: this.data.members.filter((m) => m.key !== key), saved: '' });
    },
    onMember(e: WechatMiniprogram.CustomEvent<{ value?: string }, Record<string, never>, { key: string; part: 'name' | 'relation' }>) {
      const { key, part } = e.currentTarget.dataset;
      const value = String(e.detail.value ?? '');
      this.setData({ members: this.data.members.map((m) => (m.key === key ? { ...m, [part]: value } : m)), saved: '' });
    },
    input(): SaveHouseholdInput {
      const d = this.data;
      const text = (value: string): string => value.trim();
      const members = d.members
        .filter((m) => text(m.name) !== '')
        .map((m) => (text(m.relation) === '' ? { name: text(m.name) } : { name: text(m.name), relation: text(m.relation) }));
      const partyPhone = text(d.partyPhone);
      return {
        gridId: d.gridId,
        ...(d.householdId !== '' ? { householdId: d.householdId } : {}),
        building: text(d.building),
        ...(text(d.unit) !== '' ? { unit: text(d.unit) } : {}),
        room: text(d.room),
        careNeeds: d.careOptions.filter((o) => o.checked).map((o) => o.value),
        noSmartphone: d.noSmartphone,
        ...(text(d.phone) !== '' ? { phone: text(d.phone) } : {}),
        members,
        ...(text(d.partyName) !== '' ? { partyContact: { name: text(d.partyName), ...(partyPhone !== '' ? { phone: partyPhone } : {}) } } : {}),
      };
    },
    async onSave(): Promise<void> {
      if (this.data.saving) return;
      const input = this.input();
      if (input.building === '' || input.room === '') {
        this.setData({ error: '请填写楼栋和房号', saved: '' });
        return;
      }
      if (input.partyContact === undefined && this.data.partyPhone.trim() !== '') {
        this.setData({ error: '填了党员电话，请同时填联户党员姓名', saved: '' });
        return;
      }
      const invalid = checkInput('saveHousehold', input);
      if (invalid !== null) {
        this.setData({ error: problemText(invalid.problems, invalid.message), saved: '' });
        return;
      }
      this.setData({ saving: true, error: '', saved: '' });
      const result = await call('saveHousehold', input);
      if (!result.ok) {
        this.setData({ saving: false, error: result.message });
        return;
      }
      this.fill(result.data.household);
      this.setData({ saving: false, saved: OUTCOME_TEXT[result.data.outcome] });
      toast(OUTCOME_TEXT[result.data.outcome]);
    },
  },
  async onLoad(query): Promise<void> {
    // Without ?gridId= (opened from a share or the gallery): the grid the caller serves in.
    const gridId = await leaderGridFor(query);
    const householdId = decodeURIComponent(query.householdId ?? '');
    this.setData({ gridId });
    if (gridId === '') {
      this.setData({ error: '缺少网格，请从花名册或一户一档进入' });
      return;
    }
    wx.setNavigationBarTitle({ title: householdId === '' ? '新增住户' : '住户信息' });
    if (householdId === '') return;
    const household = await this.load(() => call('getHousehold', { gridId, householdId }));
    if (household !== null) this.fill(household);
  },
});
