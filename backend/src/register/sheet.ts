// The import sheet as an .xlsx, written and read with exceljs: the template (the header row, one
// example row and a sheet explaining each column, all from core's REGISTER_COLUMNS) and the rows of
// an uploaded sheet as cell texts by column, with the sheet's own row numbers.
import ExcelJS from 'exceljs';
import { fail, ok, type Result } from '../../../core/src/errors';
import {
  REGISTER_COLUMN_KEYS,
  REGISTER_COLUMNS,
  REGISTER_HELP_SHEET_NAME,
  REGISTER_IMPORT_ROWS_MAX,
  REGISTER_SHEET_NAME,
  registerColumnIndexes,
  type RegisterRowCells,
  type RegisterSheetRow,
} from '../../../core/src/register';

const HEADER_FILL = 'FFEFF3F8';
const COLUMN_WIDTH = 14;
const HELP_COLUMN_WIDTH = 48;
/** The header is row 1; households start on row 2. */
const FIRST_DATA_ROW = 2;
/** Bigger than any sheet of REGISTER_IMPORT_ROWS_MAX households: anything larger is refused before parsing. */
const REGISTER_FILE_BYTES_MAX = 5 * 1024 * 1024;

/** The template workbook: households on the first sheet (the example row to overwrite), the columns explained on the second. */
export async function templateWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '连心网格';
  const sheet = workbook.addWorksheet(REGISTER_SHEET_NAME);
  sheet.columns = REGISTER_COLUMN_KEYS.map((key) => ({ header: REGISTER_COLUMNS[key].header, width: COLUMN_WIDTH }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
  sheet.addRow(REGISTER_COLUMN_KEYS.map((key) => REGISTER_COLUMNS[key].example));
  // Phones and room numbers are text: Excel would otherwise drop a leading 0 or show 1.38E+10.
  for (let column = 1; column <= REGISTER_COLUMN_KEYS.length; column += 1) sheet.getColumn(column).numFmt = '@';
  sheet.views = [{ state: 'frozen', ySplit: 1 }];

  const help = workbook.addWorksheet(REGISTER_HELP_SHEET_NAME);
  help.columns = [
    { header: '列', width: COLUMN_WIDTH },
    { header: '是否必填', width: COLUMN_WIDTH },
    { header: '怎么填', width: HELP_COLUMN_WIDTH },
    { header: '示例', width: COLUMN_WIDTH * 2 },
  ];
  help.getRow(1).font = { bold: true };
  for (const key of REGISTER_COLUMN_KEYS) {
    const column = REGISTER_COLUMNS[key];
    help.addRow([column.header, column.required ? '必填' : '选填', column.help, column.example]);
  }
  help.addRow([]);
  help.addRow(['说明', '', `每户一行，从第${FIRST_DATA_ROW}行起填写，最多${REGISTER_IMPORT_ROWS_MAX}户；同一地址再次导入会更新那一户，不会重复登记。`]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A cell as the person typed it: numbers, dates and rich text as their shown text. */
function cellText(cell: ExcelJS.Cell): string {
  return cell.text.trim();
}

/**
 * The households sheet's data rows (the sheet named 住户, else the first), blank rows left out; or
 * why the file cannot be read: not an .xlsx, no households, the required columns missing, too many rows.
 */
export async function readSheetRows(content: Buffer): Promise<Result<RegisterSheetRow[]>> {
  if (content.length > REGISTER_FILE_BYTES_MAX) return fail('REGISTER.TOO_MANY_ROWS', `文件太大，请分成几个表格导入（每个最多${REGISTER_IMPORT_ROWS_MAX}户）`);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    return fail('REGISTER.NOT_XLSX');
  }
  const sheet = workbook.getWorksheet(REGISTER_SHEET_NAME) ?? workbook.worksheets[0];
  if (sheet === undefined || sheet.actualRowCount < FIRST_DATA_ROW) return fail('REGISTER.EMPTY');
  const header = sheet.getRow(1);
  const headerCells = Array.from({ length: header.cellCount }, (_, i) => cellText(header.getCell(i + 1)));
  const columns = registerColumnIndexes(headerCells);
  if (!columns.ok) return columns;

  const rows: RegisterSheetRow[] = [];
  let tooMany = false;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber < FIRST_DATA_ROW || tooMany) return;
    const cells: RegisterRowCells = {};
    for (const key of REGISTER_COLUMN_KEYS) {
      const index = columns.value[key];
      if (index !== undefined) cells[key] = cellText(row.getCell(index + 1));
    }
    if (REGISTER_COLUMN_KEYS.every((key) => (cells[key] ?? '') === '')) return;
    rows.push({ row: rowNumber, cells });
    tooMany = rows.length > REGISTER_IMPORT_ROWS_MAX;
  });
  if (tooMany) return fail('REGISTER.TOO_MANY_ROWS', `表格超过${REGISTER_IMPORT_ROWS_MAX}户，请分成几个表格导入`);
  if (rows.length === 0) return fail('REGISTER.EMPTY');
  return ok(rows);
}
