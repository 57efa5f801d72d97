// The village's grids and the people who run them (网格与人员): open a grid's roster (households and
// people), create a grid, issue an invitation
// for a role (三长, grid worker, duty officer, committee) and show its QR code for the invitee to scan,
// and change who answers a grid's requests of one category (routing, audited, so a reason is required).
import type { GridRole, InvitableRole } from '../../../../core/src/model';
import type { IssueInvitationInput, UpdateRoutingRuleInput } from '../../../../core/src/schemas';
import { loadBehavior } from '../../../behaviors/load';
import { call, checkInput } from '../../../services/api';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { formatChinaDateTime } from '../../../utils/time';
import { GRID_ROLE_ORDER, INVITABLE_ROLES, isGridRoleName, ROLE_LABELS, ROUTING_CATEGORY_LABELS, ROUTING_CATEGORY_ORDER } from '../../utils/format';
import { committeeVillageFor, gridChoices, loadVillageGrids } from '../../utils/village';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';

const NOT_CHOSEN = -1;
/** How long an invitation QR code stays valid (the schema allows up to INVITATION_VALID_DAYS_MAX). */
const INVITATION_VALID_DAYS = 7;

interface RoleToggle {
  role: GridRole;
  label: string;
  on: boolean;
}

interface ShownInvitation {
  roleLabel: string;
  gridName: string;
  /** What <image> shows: the temporary https URL when the backend gave one, else the cloud fileID. */
  src: string;
  expiresText: string;
}

function routingToggles(): RoleToggle[] {
  return GRID_ROLE_ORDER.map((role) => ({ role, label: ROLE_LABELS[role], on: false }));
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    villageId: '',
    ...gridChoices([]),
    loading: false,
    error: '',
    // Create a grid
    newGridName: '',
    createError: '',
    creating: false,
    // Invitation
    roleLabels: INVITABLE_ROLES.map((r) => ROLE_LABELS[r]),
    roleIndex: NOT_CHOSEN,
    inviteGridIndex: NOT_CHOSEN,
    inviteNeedsGrid: false,
    inviteError: '',
    inviting: false,
    invitation: null as ShownInvitation | null,
    // Routing
    categoryLabels: ROUTING_CATEGORY_LABELS,
    routingGridIndex: NOT_CHOSEN,
    categoryIndex: NOT_CHOSEN,
    routingRoles: routingToggles(),
    reason: '',
    routingError: '',
    savingRouting: false,
  },
  methods: {
    async loadGrids(): Promise<void> {
      const grids = await loadVillageGrids(this);
      if (grids === null) return;
      this.setData(gridChoices(grids));
    },

    /** The grid's households and people: the leaders' roster page, which getGridRoster opens to the committee. */
    onOpenRoster(e: WechatMiniprogram.BaseEvent) {
      const gridId = String(e.currentTarget.dataset.id ?? '');
      if (gridId !== '') wx.navigateTo({ url: `/packageLeader/pages/roster/index?gridId=${encodeURIComponent(gridId)}` });
    },

    onNewGridName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ newGridName: String(e.detail.value ?? ''), createError: '' });
    },
    async onCreateGrid(): Promise<void> {
      if (this.data.creating) return;
      const name = this.data.newGridName.trim();
      if (name === '') {
        this.setData({ createError: '请填写网格名称' });
        return;
      }
      const input = { villageId: this.data.villageId, name };
      const invalid = checkInput('createGrid', input);
      if (invalid !== null) {
        this.setData({ createError: invalid.problems?.find((p) => p.path === '/name')?.message ?? invalid.message });
        return;
      }
      this.setData({ creating: true, createError: '' });
      const result = await call('createGrid', input);
      if (!result.ok) {
        this.setData({ creating: false, createError: result.message });
        return;
      }
      const grid = result.data.grid;
      const grids = this.data.grids.some((g) => g.gridId === grid.id) ? this.data.grids : [...this.data.grids, { gridId: grid.id, name: grid.name }];
      this.setData({ creating: false, newGridName: '', ...gridChoices(grids) });
      toast(`已建立${grid.name}`);
    },

    onInviteRole(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      const roleIndex = Number(e.detail.value);
      const role = INVITABLE_ROLES[roleIndex];
      this.setData({ roleIndex, inviteNeedsGrid: role !== undefined && isGridRoleName(role), inviteError: '', invitation: null });
    },
    onInviteGrid(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      this.setData({ inviteGridIndex: Number(e.detail.value), inviteError: '', invitation: null });
    },
    async onIssueInvitation(): Promise<void> {
      if (this.data.inviting) return;
      const role: InvitableRole | undefined = INVITABLE_ROLES[this.data.roleIndex];
      if (role === undefined) {
        this.setData({ inviteError: '请选择要邀请的角色' });
        return;
      }
      const grid = this.data.grids[this.data.inviteGridIndex];
      if (isGridRoleName(role) && grid === undefined) {
        this.setData({ inviteError: '这个角色属于网格，请选择网格' });
        return;
      }
      const input: IssueInvitationInput = { villageId: this.data.villageId, role, validDays: INVITATION_VALID_DAYS };
      if (isGridRoleName(role) && grid !== undefined) input.gridId = grid.gridId;
      this.setData({ inviting: true, inviteError: '' });
      const result = await call('issueInvitation', input);
      if (!result.ok) {
        this.setData({ inviting: false, inviteError: result.message });
        return;
      }
      const issued = result.data;
      this.setData({
        inviting: false,
        invitation: {
          roleLabel: ROLE_LABELS[issued.role],
          gridName: isGridRoleName(role) && grid !== undefined ? grid.name : '',
          src: issued.tempFileURL ?? issued.fileID,
          expiresText: formatChinaDateTime(issued.expiresAt),
        },
      });
    },
    onPreviewInvitation() {
      const src = this.data.invitation?.src;
      if (src !== undefined) wx.previewImage({ urls: [src], current: src });
    },

    onRoutingGrid(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      this.setData({ routingGridIndex: Number(e.detail.value), routingError: '' });
    },
    onRoutingCategory(e: WechatMiniprogram.CustomEvent<{ value: string | number }>) {
      this.setData({ categoryIndex: Number(e.detail.value), routingError: '' });
    },
    onToggleRoutingRole(e: WechatMiniprogram.BaseEvent) {
      const role = String(e.currentTarget.dataset.role);
      this.setData({ routingRoles: this.data.routingRoles.map((t) => (t.role === role ? { ...t, on: !t.on } : t)), routingError: '' });
    },
    onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ reason: String(e.detail.value ?? ''), routingError: '' });
    },
    async onSaveRouting(): Promise<void> {
      if (this.data.savingRouting) return;
      const grid = this.data.grids[this.data.routingGridIndex];
      const category = ROUTING_CATEGORY_ORDER[this.data.categoryIndex];
      if (grid === undefined || category === undefined) {
        this.setData({ routingError: '请选择网格和诉求类别' });
        return;
      }
      // Every routing change is audited with who, when and why: no reason, no change.
      const reason = this.data.reason.trim();
      if (reason === '') {
        this.setData({ routingError: '请填写修改原因' });
        return;
      }
      const roles = this.data.routingRoles.filter((t) => t.on).map((t) => t.role);
      const input: UpdateRoutingRuleInput = { gridId: grid.gridId, category, roles, userIds: [], reason };
      const invalid = checkInput('updateRoutingRule', input);
      if (invalid !== null) {
        this.setData({ routingError: invalid.problems?.[0]?.message ?? invalid.message });
        return;
      }
      this.setData({ savingRouting: true, routingError: '' });
      const result = await call('updateRoutingRule', input);
      if (!result.ok) {
        this.setData({ savingRouting: false, routingError: result.message });
        return;
      }
      this.setData({ savingRouting: false, reason: '' });
      toast(roles.length === 0 ? '已恢复默认分派' : '分派已更新');
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.loadGrids();
  },
});
