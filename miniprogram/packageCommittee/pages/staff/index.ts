// 人员管理: the village's staff by grid with names, roles and phones (listStaff). Removing a role asks
// first in a dialog (t-dialog) that says what happens to the person's requests; unused invitations can
// be revoked (撤销); 邀请人员 opens the grids page, where invitations are issued with their QR code.
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { call } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { formatChinaDateTime } from '../../../utils/time';
import { committeeVillageFor, loadForVillage, VILLAGE_PAGE_DATA } from '../../utils/village';

type StaffList = OutputOf<'listStaff'>;
type StaffMember = StaffList['staff'][number];
type PendingInvitation = StaffList['invitations'][number];

/** Element ids may not carry the colons of assignment ids. */
function elementIdOf(id: string): string {
  return id.replace(/[^0-9A-Za-z_-]/g, '-');
}

interface MemberRow {
  assignmentId: string;
  elementId: string;
  name: string;
  roleLabel: string;
  /** "第1网格 网格长" or "两委成员": what the removal dialog names. */
  roleText: string;
  phone: string;
  /** "临时（封控一号楼）" for a micro-grid's temporary role, else ''. */
  temporary: string;
  label: string;
}

interface StaffGroup {
  key: string;
  title: string;
  members: MemberRow[];
}

interface InvitationRow {
  invitationId: string;
  elementId: string;
  text: string;
  expires: string;
  label: string;
}

const VILLAGE_GROUP = '村（社区）职务';
const UNNAMED = '（未填姓名）';

function memberRow(m: StaffMember, microGridNames: ReadonlyMap<string, string>): MemberRow {
  const name = m.displayName !== '' ? m.displayName : UNNAMED;
  const temporary = m.microGridId !== undefined ? `临时（${microGridNames.get(m.microGridId) ?? '小网格'}）` : '';
  const roleText = `${m.gridName !== undefined ? `${m.gridName} ` : ''}${m.roleLabel}`;
  return {
    assignmentId: m.assignmentId,
    elementId: elementIdOf(m.assignmentId),
    name,
    roleLabel: m.roleLabel,
    roleText,
    phone: m.phone ?? '',
    temporary,
    label: `移除 ${name} ${roleText}`,
  };
}

/** Village roles first, then one group per grid, in listStaff's order. */
function groupsOf(list: StaffList): StaffGroup[] {
  const microGridNames = new Map(list.microGrids.map((g) => [g.id, g.name]));
  const groups: StaffGroup[] = [];
  for (const m of list.staff) {
    const key = m.gridId ?? 'village';
    let group = groups.find((g) => g.key === key);
    if (!group) {
      group = { key, title: m.gridName ?? VILLAGE_GROUP, members: [] };
      groups.push(group);
    }
    group.members.push(memberRow(m, microGridNames));
  }
  return groups;
}

function invitationRow(i: PendingInvitation): InvitationRow {
  const text = `${i.gridName !== undefined ? `${i.gridName} ` : ''}${i.roleLabel}${i.invitedByName !== '' ? ` · ${i.invitedByName}邀请` : ''}`;
  return {
    invitationId: i.invitationId,
    elementId: elementIdOf(i.invitationId),
    text,
    expires: `有效期至 ${formatChinaDateTime(i.expiresAt)}`,
    label: `撤销邀请 ${text}`,
  };
}

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    ...VILLAGE_PAGE_DATA,
    groups: [] as StaffGroup[],
    invitations: [] as InvitationRow[],
    staffCount: 0,
    /** The role the dialog asks about, or null. */
    removing: null as MemberRow | null,
    removeBusy: false,
    revokingId: '',
    /** Set while the grids page is open to invite someone: coming back lists the village again. */
    awayInviting: false,
  },
  methods: {
    async reload(): Promise<void> {
      const list = await loadForVillage(this, (villageId) => call('listStaff', { villageId }));
      if (list === null) return;
      this.setData({ loaded: true, groups: groupsOf(list), invitations: list.invitations.map(invitationRow), staffCount: list.staff.length });
    },
    onAskRemove(e: WechatMiniprogram.BaseEvent): void {
      const id = String(e.currentTarget.dataset.id ?? '');
      const removing = this.data.groups.flatMap((g) => g.members).find((m) => m.assignmentId === id) ?? null;
      this.setData({ removing, error: '' });
    },
    onCancelRemove(): void {
      this.setData({ removing: null });
    },
    async onConfirmRemove(): Promise<void> {
      const { removing, removeBusy, villageId } = this.data;
      if (removing === null || removeBusy) return;
      this.setData({ removeBusy: true });
      const result = await call('removeRole', { villageId, assignmentId: removing.assignmentId });
      this.setData({ removeBusy: false, removing: null });
      if (!result.ok) {
        this.setData({ error: result.message });
        return;
      }
      toast(`已移除${removing.name}的${removing.roleLabel}职务`);
      await this.reload();
    },
    async onRevoke(e: WechatMiniprogram.BaseEvent): Promise<void> {
      const invitationId = String(e.currentTarget.dataset.id ?? '');
      if (invitationId === '' || this.data.revokingId !== '') return;
      this.setData({ revokingId: invitationId, error: '' });
      const result = await call('revokeInvitation', { invitationId });
      this.setData({ revokingId: '' });
      if (!result.ok) {
        this.setData({ error: result.message });
        return;
      }
      toast('邀请已撤销');
      await this.reload();
    },
    onCall(e: WechatMiniprogram.BaseEvent): void {
      const phone = String(e.currentTarget.dataset.phone ?? '');
      if (phone !== '') wx.makePhoneCall({ phoneNumber: phone });
    },
    /** Invitations are issued (with their QR code) on the grids page. */
    onInvite(): void {
      this.setData({ awayInviting: true });
      wx.navigateTo({ url: `/packageCommittee/pages/grids/index?villageId=${encodeURIComponent(this.data.villageId)}` });
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.reload();
  },
  async onShow(): Promise<void> {
    // Back from the grids page after inviting: the new invitation is listed.
    if (!this.data.awayInviting) return;
    this.setData({ awayInviting: false });
    await this.reload();
  },
});
