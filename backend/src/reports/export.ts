// exportReport: the report of getReport (same place and period) as an .xlsx file in cloud storage,
// a sheet per grouping — 网格 (one row per grid, with notice reach), 人员 (one row per person, by
// name and role, never an openid) and, for a street, 村（社区）排名 (villages ranked by 响应率, then
// 解决率) — the three rates as percentages with their counts. Written with exceljs to
// reports/<villageId | streetId>/<week's Monday | from_to>.xlsx, overwritten by a re-export; the page
// downloads it by the temporary URL given back (no client may read a function's upload) and opens it
// (wx.openDocument).
//
// Round trips: getReport's for the grid and leader groupings (and the village one for a street),
// read once, then the upload and its temporary URL.
import ExcelJS from 'exceljs';
import { chinaDateOf } from '../../../core/src/chinaTime';
import { fail, ok, type Result } from '../../../core/src/errors';
import type { ReportGrouping, ReportRow } from '../../../core/src/reports';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { ReportExport, ReportPlace, ReportView } from '../../../core/src/schemas/reports';
import { DOWNLOAD_NOW_URL_MAX_AGE_S, temporaryUrl } from '../files';
import type { CallContext } from '../handler';
import { loadReport, type LoadedReport } from './report';

/** How a rate shows in the sheet: a percentage with one decimal. */
const PERCENT_FORMAT = '0.0%';
/** A rate not known yet (nothing answered, resolved or rated). */
const UNKNOWN_RATE = '—';
const HEADER_FILL = 'FFEFF3F8';
const NAME_COLUMN_WIDTH = 16;
const FIGURE_COLUMN_WIDTH = 11;

interface Column {
  header: string;
  /** A rate (0..1, or null when not known) formatted as a percentage, or a count or text. */
  value: (row: ReportRow) => string | number | null;
  rate?: boolean;
  width?: number;
}

const FIGURE_COLUMNS: Column[] = [
  { header: '诉求数', value: (r) => r.figures.total },
  { header: '响应率', value: (r) => r.figures.shareWithinTarget, rate: true },
  { header: '按时响应', value: (r) => r.figures.withinTarget },
  { header: '解决率', value: (r) => r.figures.shareResolvedWithinTarget, rate: true },
  { header: '按时办结', value: (r) => r.figures.resolvedWithinTarget },
  { header: '已办结', value: (r) => r.figures.resolved },
  { header: '满意率', value: (r) => r.figures.shareSatisfied, rate: true },
  { header: '满意', value: (r) => r.figures.satisfied },
  { header: '评价数', value: (r) => r.figures.rated },
  { header: '升级', value: (r) => r.figures.escalated },
  { header: '回访', value: (r) => r.figures.followUpsCreated },
  { header: '回访完成', value: (r) => r.figures.followUpsDone },
];

const REACH_COLUMNS: Column[] = [
  { header: '通知触达率', value: (r) => r.noticeReach?.share ?? null, rate: true },
  { header: '通知数', value: (r) => r.noticeReach?.notices ?? 0 },
  { header: '触达户次', value: (r) => r.noticeReach?.reached ?? 0 },
  { header: '应达户次', value: (r) => r.noticeReach?.households ?? 0 },
];

interface SheetSpec {
  grouping: ReportGrouping;
  name: string;
  columns: Column[];
}

const GRID_SHEET: SheetSpec = {
  grouping: 'grid',
  name: '网格',
  columns: [{ header: '网格', value: (r) => r.label, width: NAME_COLUMN_WIDTH }, ...FIGURE_COLUMNS, ...REACH_COLUMNS],
};
const LEADER_SHEET: SheetSpec = {
  grouping: 'leader',
  name: '人员',
  columns: [
    { header: '姓名', value: (r) => r.label, width: NAME_COLUMN_WIDTH },
    { header: '角色', value: (r) => r.role ?? '' },
    { header: '网格', value: (r) => r.gridName ?? '', width: NAME_COLUMN_WIDTH },
    ...FIGURE_COLUMNS,
  ],
};
const VILLAGE_SHEET: SheetSpec = {
  grouping: 'village',
  name: '村（社区）排名',
  columns: [
    { header: '名次', value: (r) => r.rank ?? null },
    { header: '村（社区）', value: (r) => r.label, width: NAME_COLUMN_WIDTH },
    ...FIGURE_COLUMNS,
    ...REACH_COLUMNS,
  ],
};

function sheetsFor(place: ReportPlace): SheetSpec[] {
  return place.kind === 'street' ? [VILLAGE_SHEET, GRID_SHEET, LEADER_SHEET] : [GRID_SHEET, LEADER_SHEET];
}

function addSheet(workbook: ExcelJS.Workbook, spec: SheetSpec, view: ReportView): void {
  const sheet = workbook.addWorksheet(spec.name);
  sheet.columns = spec.columns.map((c) => ({ header: c.header, width: c.width ?? FIGURE_COLUMN_WIDTH }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
  for (const row of view.groups) {
    const added = sheet.addRow(spec.columns.map((c) => (c.rate === true ? (c.value(row) ?? UNKNOWN_RATE) : c.value(row))));
    spec.columns.forEach((c, index) => {
      if (c.rate === true) added.getCell(index + 1).numFmt = PERCENT_FORMAT;
    });
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

/** The workbook: a sheet per grouping, headed by the place and the period on its properties. */
async function reportWorkbook(loaded: LoadedReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '连心网格';
  const first = Object.values(loaded.views)[0];
  workbook.title = `${first?.placeName ?? ''} ${chinaDateOf(loaded.period.start)} 至 ${chinaDateOf(loaded.period.end - 1)} 工作报表`;
  for (const spec of sheetsFor(loaded.place)) {
    const view = loaded.views[spec.grouping];
    if (view !== undefined) addSheet(workbook, spec, view);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Where the file goes: one path per place and period, so a re-export overwrites it. */
function reportCloudPath(loaded: LoadedReport, period: FunctionInputs['exportReport']['period']): string {
  const when = period.kind === 'week' ? chinaDateOf(loaded.period.start) : `${period.from}_${period.to}`;
  const { place } = loaded;
  if (place.kind === 'street') return `reports/${place.streetId}/${when}.xlsx`;
  if (place.kind === 'village') return `reports/${place.villageId}/${when}.xlsx`;
  const villageId = loaded.docs.grids[0]?.villageId ?? 'grids';
  return `reports/${villageId}/${when}-${place.gridIds.join('-')}.xlsx`;
}

export async function exportReport(input: FunctionInputs['exportReport'], ctx: CallContext): Promise<Result<ReportExport>> {
  const resolved = await loadReport(ctx, input, ['grid', 'leader', 'village']);
  if (!resolved.ok) return resolved;
  const loaded = resolved.value;
  if (loaded.views.grid === undefined) return fail('INTERNAL');
  const cloudPath = reportCloudPath(loaded, input.period);
  const uploaded = await ctx.cloud.uploadFile({ cloudPath, fileContent: await reportWorkbook(loaded) });
  const tempFileURL = await temporaryUrl(ctx.cloud, uploaded.fileID, DOWNLOAD_NOW_URL_MAX_AGE_S);
  return ok({ fileID: uploaded.fileID, cloudPath, ...(tempFileURL !== undefined ? { tempFileURL } : {}) });
}
