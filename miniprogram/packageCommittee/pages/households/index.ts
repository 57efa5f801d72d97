// 一户一档 (the household register) of one of the village's grids: download the import template
// (getHouseholdTemplate → downloaded → wx.openDocument, so it can be filled in or forwarded), import
// a filled-in sheet chosen from a WeChat chat (wx.chooseMessageFile → uploaded → importHouseholds)
// and see what it did — how many households were added, updated or already up to date, and each
// refused row by its number in the sheet with the reason — then add one household by hand (the
// leader's household form) or open the grid's roster.
import { loadBehavior } from '../../../behaviors/load';
import { REGISTER_SHEET_FOLDER } from '../../../generated/rules';
import { call } from '../../../services/api';
import { uploadFile } from '../../../services/files';
import type { OutputOf } from '../../../services/outputs';
import { privacyAllows } from '../../../services/privacy';
import { COMMITTEE_WORK_ROLES } from '../../../services/profile';
import { defineComponent } from '../../../utils/component';
import { openSheet, XLSX_EXTENSION } from '../../utils/sheet';
import { committeeVillageFor, gridChoices, loadVillageGrids, type VillageGrid } from '../../utils/village';

type HouseholdImport = OutputOf<'importHouseholds'>;

const NOT_CHOSEN = -1;
const TEMPLATE_FAILED = '模板打开失败，请稍后再试';
const UPLOAD_FAILED = '文件上传失败，请检查网络后再试';
const NOT_XLSX_CHOSEN = '请选择 Excel（.xlsx）文件';

interface ShownImport {
  summary: string;
  errorCount: number;
  errors: { key: string; text: string }[];
}

function shownImport(result: HouseholdImport, fileName: string): ShownImport {
  return {
    summary: `${fileName}：新增 ${result.added} 户，更新 ${result.updated} 户，${result.unchanged} 户无变化`,
    errorCount: result.errors.length,
    errors: result.errors.map((e) => ({ key: `row-${e.row}`, text: `第${e.row}行：${e.message}` })),
  };
}

/** The file the person picked from a chat, or null when they backed out. */
function chooseSheet(): Promise<{ path: string; name: string } | null> {
  return new Promise((resolve) => {
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      extension: [XLSX_EXTENSION],
      success: (res) => {
        const file = res.tempFiles[0];
        resolve(file === undefined ? null : { path: file.path, name: file.name });
      },
      fail: () => resolve(null),
    });
  });
}

defineComponent({
  behaviors: [loadBehavior],
  data: {
    villageId: '',
    ...gridChoices([]),
    gridIndex: NOT_CHOSEN,
    gridName: '',
    loading: false,
    error: '',
    downloading: false,
    importing: false,
    result: null as ShownImport | null,
  },
  methods: {
    chosenGrid(): VillageGrid | null {
      return this.data.grids[this.data.gridIndex] ?? null;
    },
    onGrid(e: WechatMiniprogram.PickerChange) {
      const gridIndex = Number(e.detail.value);
      this.setData({ gridIndex, gridName: this.data.grids[gridIndex]?.name ?? '', result: null, error: '' });
    },
    /** The template, written on the server, brought onto the phone and opened (WeChat's menu can forward it). */
    async onTemplate(): Promise<void> {
      if (this.data.downloading) return;
      this.setData({ downloading: true, error: '' });
      const template = await call('getHouseholdTemplate', {});
      if (!template.ok) {
        this.setData({ downloading: false, error: template.message });
        return;
      }
      try {
        await openSheet(template.data);
        this.setData({ downloading: false });
      } catch {
        this.setData({ downloading: false, error: TEMPLATE_FAILED });
      }
    },
    async onImport(): Promise<void> {
      const grid = this.chosenGrid();
      if (grid === null) {
        this.setData({ error: '请先选择网格' });
        return;
      }
      if (this.data.importing) return;
      // Choosing a chat's file is a privacy API: the popup on this page asks first.
      if (!(await privacyAllows('没有打开聊天里的文件，表格没有导入'))) return;
      const sheet = await chooseSheet();
      if (sheet === null) return;
      if (!sheet.name.toLowerCase().endsWith(`.${XLSX_EXTENSION}`)) {
        this.setData({ error: NOT_XLSX_CHOSEN });
        return;
      }
      this.setData({ importing: true, error: '', result: null });
      let fileID: string;
      try {
        fileID = await uploadFile(`${REGISTER_SHEET_FOLDER}/${grid.gridId}/${Date.now()}.${XLSX_EXTENSION}`, sheet.path);
      } catch {
        this.setData({ importing: false, error: UPLOAD_FAILED });
        return;
      }
      const imported = await call('importHouseholds', { gridId: grid.gridId, fileID });
      this.setData(imported.ok ? { importing: false, result: shownImport(imported.data, sheet.name) } : { importing: false, error: imported.message });
    },
    onAdd() {
      const grid = this.chosenGrid();
      if (grid === null) {
        this.setData({ error: '请先选择网格' });
        return;
      }
      wx.navigateTo({ url: `/packageLeader/pages/household/index?gridId=${encodeURIComponent(grid.gridId)}` });
    },
    onRoster() {
      const grid = this.chosenGrid();
      if (grid === null) return;
      wx.navigateTo({ url: `/packageLeader/pages/roster/index?gridId=${encodeURIComponent(grid.gridId)}` });
    },
  },
  async onLoad(query): Promise<void> {
    this.setData({ villageId: await committeeVillageFor(query, COMMITTEE_WORK_ROLES) });
    const grids = await loadVillageGrids(this);
    if (grids === null) return;
    const asked = query.gridId === undefined ? NOT_CHOSEN : grids.findIndex((g) => g.gridId === decodeURIComponent(query.gridId ?? ''));
    const gridIndex = asked !== NOT_CHOSEN ? asked : grids.length > 0 ? 0 : NOT_CHOSEN;
    this.setData({ ...gridChoices(grids), gridIndex, gridName: grids[gridIndex]?.name ?? '' });
  },
});
