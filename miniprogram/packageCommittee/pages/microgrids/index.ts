// 战时小网格 (micro-grids): in an emergency the committee splits a grid by buildings, each part with a
// temporary leader who gets its requests too. Create one (grid, name, buildings), invite its temporary
// leader (an invitation QR code carrying the micro-grid: accepting makes them its leader), and end it
// when the emergency is over (its temporary roles end; its buildings route to the grid alone).
import { loadBehavior } from '../../../behaviors/load';
import { pullDownBehavior } from '../../../behaviors/pullDown';
import { call, checkInput } from '../../../services/api';
import type { OutputOf } from '../../../services/outputs';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { toast } from '../../../utils/feedback';
import { formatChinaDateTime } from '../../../utils/time';
import { committeeVillageFor, gridChoices, loadForVillage, VILLAGE_PAGE_DATA } from '../../utils/village';

type MicroGridView = OutputOf<'listStaff'>['microGrids'][number];

const NOT_CHOSEN = -1;
/** The temporary leader's invitation lasts as long as any invitation issued from the grids page. */
const INVITATION_VALID_DAYS = 7;
/** The temporary leader's role: a grid worker of the grid (not routed the whole grid's requests), leader of the micro-grid. */
const TEMPORARY_LEADER_ROLE = 'gridWorker';
/** Buildings as the committee types them: "1栋、2栋" or "1栋 2栋". */
const BUILDING_SEPARATORS = /[,，、;；\s]+/;

interface MicroGridRow {
  id: string;
  gridId: string;
  name: string;
  gridName: string;
  buildings: string;
  leader: string;
  open: boolean;
  ended: string;
}

interface ShownInvitation {
  microGridId: string;
  src: string;
  text: string;
  expiresText: string;
}

function rowOf(m: MicroGridView): MicroGridRow {
  const open = m.endedAt === undefined;
  const buildings = (open ? m.buildings : m.formerBuildings) ?? [];
  const leaderId = open ? m.leaderUserId : m.formerLeaderUserId;
  return {
    id: m.id,
    gridId: m.gridId,
    name: m.name,
    gridName: m.gridName,
    buildings: buildings.length > 0 ? buildings.join('、') : '未划楼栋',
    leader: leaderId === undefined ? '还没有临时负责人' : `临时负责人：${m.leaderName ?? '已加入'}`,
    open,
    ended: m.endedAt !== undefined ? `已于 ${formatChinaDateTime(m.endedAt)} 结束` : '',
  };
}

defineComponent({
  behaviors: [loadBehavior, pullDownBehavior],
  data: {
    ...VILLAGE_PAGE_DATA,
    ...gridChoices([]),
    gridIndex: NOT_CHOSEN,
    name: '',
    buildingsText: '',
    createError: '',
    creating: false,
    microGrids: [] as MicroGridRow[],
    busyId: '',
    invitation: null as ShownInvitation | null,
  },
  methods: {
    async reload(): Promise<void> {
      const list = await loadForVillage(this, (villageId) => call('listStaff', { villageId }));
      if (list === null) return;
      this.setData({ loaded: true, ...gridChoices(list.grids), microGrids: list.microGrids.map(rowOf) });
    },
    onGrid(e: WechatMiniprogram.CustomEvent<{ value: string | number }>): void {
      this.setData({ gridIndex: Number(e.detail.value), createError: '' });
    },
    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>): void {
      this.setData({ name: String(e.detail.value ?? ''), createError: '' });
    },
    onBuildings(e: WechatMiniprogram.CustomEvent<{ value: string }>): void {
      this.setData({ buildingsText: String(e.detail.value ?? ''), createError: '' });
    },
    async onCreate(): Promise<void> {
      if (this.data.creating) return;
      const grid = this.data.grids[this.data.gridIndex];
      const name = this.data.name.trim();
      const buildings = [...new Set(this.data.buildingsText.split(BUILDING_SEPARATORS).filter((b) => b !== ''))];
      if (grid === undefined) return this.setData({ createError: '请选择网格' });
      if (name === '') return this.setData({ createError: '请填写小网格名称' });
      if (buildings.length === 0) return this.setData({ createError: '请填写包含的楼栋，如：1栋、2栋' });
      const input = { gridId: grid.gridId, name, buildings };
      const invalid = checkInput('createMicroGrid', input);
      if (invalid !== null) return this.setData({ createError: invalid.problems?.[0]?.message ?? invalid.message });
      this.setData({ creating: true, createError: '' });
      const result = await call('createMicroGrid', input);
      this.setData({ creating: false });
      if (!result.ok) return this.setData({ createError: result.message });
      this.setData({ name: '', buildingsText: '' });
      toast(`已建立${result.data.microGrid.name}`);
      await this.reload();
    },
    async onInviteLeader(e: WechatMiniprogram.BaseEvent): Promise<void> {
      const id = String(e.currentTarget.dataset.id ?? '');
      const microGrid = this.data.microGrids.find((m) => m.id === id && m.open);
      if (microGrid === undefined || this.data.busyId !== '') return;
      this.setData({ busyId: id, error: '' });
      const result = await call('issueInvitation', {
        villageId: this.data.villageId,
        gridId: microGrid.gridId,
        role: TEMPORARY_LEADER_ROLE,
        microGridId: microGrid.id,
        validDays: INVITATION_VALID_DAYS,
      });
      this.setData({ busyId: '' });
      if (!result.ok) return this.setData({ error: result.message });
      this.setData({
        invitation: {
          microGridId: id,
          src: result.data.tempFileURL ?? result.data.fileID,
          text: `请${microGrid.name}的临时负责人用微信扫码加入`,
          expiresText: formatChinaDateTime(result.data.expiresAt),
        },
      });
    },
    onPreviewInvitation(): void {
      const src = this.data.invitation?.src;
      if (src !== undefined) wx.previewImage({ urls: [src], current: src });
    },
    async onEnd(e: WechatMiniprogram.BaseEvent): Promise<void> {
      const id = String(e.currentTarget.dataset.id ?? '');
      const microGrid = this.data.microGrids.find((m) => m.id === id && m.open);
      if (microGrid === undefined || this.data.busyId !== '') return;
      const confirmed = await new Promise<boolean>((resolve) => {
        wx.showModal({
          title: `结束${microGrid.name}？`,
          content: '结束后临时负责人的职务随之结束，这些楼栋的诉求回到原网格处理。',
          confirmText: '结束',
          cancelText: '取消',
          success: (res) => resolve(res.confirm === true),
          fail: () => resolve(false),
        });
      });
      if (!confirmed) return;
      this.setData({ busyId: id, error: '' });
      const result = await call('endMicroGrid', { microGridId: id });
      this.setData({ busyId: '' });
      if (!result.ok) return this.setData({ error: result.message });
      toast(`${microGrid.name}已结束`);
      if (this.data.invitation?.microGridId === id) this.setData({ invitation: null });
      await this.reload();
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    return this.reload();
  },
});
