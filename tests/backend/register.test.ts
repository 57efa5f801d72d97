// The household register (一户一档) through the real SDK: a committee imports a new grid's sheet of
// 305 rows built here with exceljs and uploaded through the SDK (300 good households, 5 bad rows of
// different kinds reported by their row numbers); importing it again adds and writes nothing; the
// roster and a village notice's reach then count the 300 registered households. The grid's staff
// add and edit one household (the same input twice is the same document), strangers and residents
// are refused and write nothing, and a resident who joins with a registered address joins that
// household with its register entry kept. A file that is not an .xlsx, or is empty, writes nothing.
import { PRIVACY_NOTICE_VERSION } from '../../core/src/privacyNotice';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { Household } from '../../core/src/model';
import { REGISTER_COLUMN_KEYS, REGISTER_COLUMNS, REGISTER_HELP_SHEET_NAME, REGISTER_IMPORT_ROWS_MAX, REGISTER_SHEET_NAME } from '../../core/src/register';
import type {
  GridCreated,
  GridRoster,
  HouseholdEntry,
  HouseholdImport,
  HouseholdTemplate,
  JoinCode,
  JoinResult,
  NoticeReachView,
  PublishResult,
  SavedHousehold,
} from '../../core/src/schemas';
import { bytesAt } from '../helpers/clientStorage';
import { useTestBackend, type TestBackend } from '../helpers/backend';

let backend: TestBackend;
useTestBackend((b) => {
  backend = b;
});

const VILLAGE = 'v01';
const committee = (): string => backend.street.people.committee[VILLAGE]!;
const grid0 = () => backend.street.people.grids[0]!;

const GOOD_ROWS = 300;
const BUILDINGS = 10;

type Cells = Partial<Record<(typeof REGISTER_COLUMN_KEYS)[number], string>>;

/** The nth good household: building 1..10, unit 1..2, room 101.. (natural numbers, so 10栋 sorts after 2栋). */
function goodRow(n: number): Cells {
  const building = `${(n % BUILDINGS) + 1}栋`;
  const index = Math.floor(n / BUILDINGS);
  return {
    building,
    unit: `${(index % 2) + 1}单元`,
    room: String(101 + index),
    headName: `住户${n}`,
    phone: `138${String(n).padStart(8, '0')}`,
    careNeeds: n % 5 === 0 ? '独居老人' : n % 7 === 0 ? '患病、残疾' : '',
    noSmartphone: n % 9 === 0 ? '是' : '否',
    members: n % 3 === 0 ? `家属${n}/配偶` : '',
    partyName: n % 4 === 0 ? '张建国' : '',
  };
}

/** The 5 bad rows, placed among the good ones at these sheet row numbers, each wrong in its own way. */
const BAD_ROWS: Record<number, { cells: Cells; reason: string }> = {
  7: { cells: { building: '3栋', unit: '1单元', room: '', headName: '没房号' }, reason: '缺少房号' },
  50: { cells: { building: '', room: '999' }, reason: '缺少楼栋' },
  120: { cells: { building: '11栋', room: '101', careNeeds: '低保户' }, reason: '重点人群“低保户”无法识别' },
  200: { cells: { building: '11栋', room: '102', phone: '1381234' }, reason: '联系电话“1381234”格式不对' },
  // The first good household's address again.
  306: { cells: { ...goodRow(0), headName: '重复' }, reason: '地址与第2行重复' },
};

async function sheetOf(rows: Cells[], options: { header?: string[] } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(REGISTER_SHEET_NAME);
  sheet.addRow(options.header ?? REGISTER_COLUMN_KEYS.map((k) => REGISTER_COLUMNS[k].header));
  // Phones and rooms as text cells, as the template sets them.
  for (const cells of rows) sheet.addRow(REGISTER_COLUMN_KEYS.map((k) => cells[k] ?? ''));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** 300 good rows with the bad ones at their row numbers (row 1 is the header). */
function importRows(): Cells[] {
  const rows: Cells[] = [];
  let good = 0;
  for (let sheetRow = 2; rows.length < GOOD_ROWS + Object.keys(BAD_ROWS).length; sheetRow++) {
    const bad = BAD_ROWS[sheetRow];
    rows.push(bad ? bad.cells : goodRow(good++));
  }
  return rows;
}

/** Uploads a sheet into a grid's folder (the new grid's unless told), where the committee's page puts it. */
async function upload(name: string, content: Buffer, gridId = newGridId): Promise<string> {
  const res = (await backend.emu.cloud.uploadFile({ cloudPath: `households/${gridId}/${name}`, fileContent: content })) as { fileID: string };
  return res.fileID;
}

async function householdsOf(gridId: string): Promise<Household[]> {
  const documents = (await backend.emu.control.collection(COLLECTIONS.households)) as (Household & { _id: string })[];
  return documents.filter((d) => d.gridId === gridId).sort((a, b) => a._id.localeCompare(b._id));
}

let newGridId = '';

beforeAll(async () => {
  const created = await backend.call<GridCreated>('createGrid', { villageId: VILLAGE, name: '新登记网格' }, committee());
  expect(created.ok, JSON.stringify(created)).toBe(true);
  newGridId = created.data!.grid.id;
});

describe('importHouseholds', () => {
  let fileID = '';

  it('imports the 300 good rows of a 305-row sheet and reports each bad row by its row number', async () => {
    const rows = importRows();
    expect(rows).toHaveLength(305);
    fileID = await upload('grid-305.xlsx', await sheetOf(rows));
    const res = await backend.call<HouseholdImport>('importHouseholds', { gridId: newGridId, fileID }, committee());
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({ added: GOOD_ROWS, updated: 0, unchanged: 0 });
    expect(res.data!.errors.map((e) => e.row)).toEqual([7, 50, 120, 200, 306]);
    for (const error of res.data!.errors) expect(error.message).toContain(BAD_ROWS[error.row]!.reason);

    const stored = await householdsOf(newGridId);
    expect(stored).toHaveLength(GOOD_ROWS);
    const first = stored.find((h) => h.building === '1栋' && h.unit === '1单元' && h.room === '101');
    expect(first).toMatchObject({
      villageId: VILLAGE,
      careNeeds: ['elderlyAlone'],
      noSmartphone: true,
      phone: '13800000000',
      members: [
        { name: '住户0', relation: '户主' },
        { name: '家属0', relation: '配偶' },
      ],
      partyContact: { name: '张建国' },
      source: 'import',
      registeredBy: committee(),
    });
  });

  it('adds and writes nothing when the same sheet is imported again', async () => {
    const before = await householdsOf(newGridId);
    const res = await backend.call<HouseholdImport>('importHouseholds', { gridId: newGridId, fileID }, committee());
    expect(res.data).toMatchObject({ added: 0, updated: 0, unchanged: GOOD_ROWS });
    expect(res.data!.errors).toHaveLength(5);
    expect(await householdsOf(newGridId)).toEqual(before);
  });

  it('makes the roster count the 300 registered households', async () => {
    const roster = await backend.call<GridRoster>('getGridRoster', { gridId: newGridId }, committee());
    expect(roster.ok, JSON.stringify(roster)).toBe(true);
    expect(roster.data!.totalHouseholds).toBe(GOOD_ROWS);
  });

  it('makes a notice to the village count 300 households for the grid', async () => {
    const published = await backend.call<PublishResult>(
      'publishNotice',
      {
        title: '入户走访通知',
        body: '本周网格员将入户核对一户一档信息。',
        scope: { kind: 'village', villageId: VILLAGE },
        idempotencyKey: 'register-notice-001',
      },
      committee(),
    );
    expect(published.ok, JSON.stringify(published)).toBe(true);
    const reach = await backend.call<NoticeReachView>('getNoticeReach', { noticeId: published.data!.notice.id }, committee());
    expect(reach.ok, JSON.stringify(reach)).toBe(true);
    const row = reach.data!.grids.find((g) => g.gridId === newGridId);
    expect(row).toMatchObject({ total: GOOD_ROWS, reached: 0 });
  });

  it('updates only the rows that changed, keeping the rest', async () => {
    const rows = importRows();
    rows[0] = { ...rows[0], phone: '13999999999' };
    const res = await backend.call<HouseholdImport>(
      'importHouseholds',
      { gridId: newGridId, fileID: await upload('grid-305-b.xlsx', await sheetOf(rows)) },
      committee(),
    );
    expect(res.data).toMatchObject({ added: 0, updated: 1, unchanged: GOOD_ROWS - 1 });
    const first = (await householdsOf(newGridId)).find((h) => h.building === '1栋' && h.room === '101');
    expect(first?.phone).toBe('13999999999');
  });

  it('refuses a file that is not an .xlsx, an empty sheet, one without the address columns and one over the row limit, writing nothing', async () => {
    const before = (await householdsOf(newGridId)).length;
    const notXlsx = await upload('notes.xlsx', Buffer.from('楼栋,房号\n2栋,101\n', 'utf8'));
    expect(await backend.call('importHouseholds', { gridId: newGridId, fileID: notXlsx }, committee())).toMatchObject({ ok: false, code: 'REGISTER.NOT_XLSX' });
    const empty = await upload('empty.xlsx', await sheetOf([]));
    expect(await backend.call('importHouseholds', { gridId: newGridId, fileID: empty }, committee())).toMatchObject({ ok: false, code: 'REGISTER.EMPTY' });
    const noColumns = await upload('no-columns.xlsx', await sheetOf([{ building: '2栋' }], { header: ['姓名', '电话'] }));
    const refused = await backend.call('importHouseholds', { gridId: newGridId, fileID: noColumns }, committee());
    expect(refused).toMatchObject({ ok: false, code: 'REGISTER.COLUMNS_MISSING' });
    const tooMany = await upload(
      'too-many.xlsx',
      await sheetOf(Array.from({ length: REGISTER_IMPORT_ROWS_MAX + 1 }, (_, n) => ({ building: '50栋', room: String(n + 1) }))),
    );
    expect(await backend.call('importHouseholds', { gridId: newGridId, fileID: tooMany }, committee())).toMatchObject({
      ok: false,
      code: 'REGISTER.TOO_MANY_ROWS',
    });
    const missing = await backend.call('importHouseholds', { gridId: newGridId, fileID: notXlsx.replace('notes', 'nothing-here') }, committee());
    expect(missing).toMatchObject({ ok: false, code: 'REGISTER.FILE_NOT_FOUND' });
    expect(await householdsOf(newGridId)).toHaveLength(before);
  });

  it("reads only a sheet uploaded into the grid's own folder: never another grid's register", async () => {
    const before = (await householdsOf(newGridId)).length;
    const othersSheet = await upload('other-grid.xlsx', await sheetOf([{ building: '77栋', room: '1' }]), grid0().gridId);
    expect(await backend.call('importHouseholds', { gridId: newGridId, fileID: othersSheet }, committee())).toMatchObject({
      ok: false,
      code: 'INPUT.INVALID',
      message: '这份表格不是为本网格上传的，请重新选择表格导入',
    });
    expect(await householdsOf(newGridId)).toHaveLength(before);
  });

  it('is refused to a resident and to another village’s committee', async () => {
    const fileIDs = await upload('intruder.xlsx', await sheetOf([{ building: '99栋', room: '1' }]));
    for (const openid of [grid0().residents[0]!.openid, backend.street.people.committee.v02!]) {
      expect(await backend.call('importHouseholds', { gridId: newGridId, fileID: fileIDs }, openid)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    }
    expect((await householdsOf(newGridId)).some((h) => h.building === '99栋')).toBe(false);
  });
});

describe('getHouseholdTemplate', () => {
  it('writes the template with the header, an example row and the columns explained, for the staff only', async () => {
    const res = await backend.call<HouseholdTemplate>('getHouseholdTemplate', {}, committee());
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const file = (await backend.emu.cloud.downloadFile({ fileID: res.data!.fileID })) as { fileContent: Buffer };
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.fileContent as never);
    const sheet = workbook.getWorksheet(REGISTER_SHEET_NAME)!;
    const headers = REGISTER_COLUMN_KEYS.map((k) => REGISTER_COLUMNS[k].header);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(headers);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(REGISTER_COLUMN_KEYS.map((k) => REGISTER_COLUMNS[k].example));
    const help = workbook.getWorksheet(REGISTER_HELP_SHEET_NAME)!;
    expect(help.getRow(2).getCell(1).text).toBe('楼栋');
    expect(help.getRow(2).getCell(2).text).toBe('必填');

    // The page downloads it by its temporary URL (no client may read a function's file by fileID).
    expect(await bytesAt(res.data!.tempFileURL!)).toEqual(file.fileContent);

    // The template itself imports, once uploaded for a grid: its example row is one household.
    const filledIn = await upload('template.xlsx', file.fileContent, grid0().gridId);
    const imported = await backend.call<HouseholdImport>('importHouseholds', { gridId: grid0().gridId, fileID: filledIn }, grid0().leaders.gridLeader);
    expect(imported.data).toMatchObject({ added: 1, errors: [] });

    expect(await backend.call('getHouseholdTemplate', {}, 'o-stranger')).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});

describe('saveHousehold', () => {
  const entry = {
    building: '8栋',
    unit: '2单元',
    room: '1602',
    careNeeds: ['elderlyAlone'] as const,
    noSmartphone: true,
    phone: '13712345678',
    members: [{ name: '刘桂兰', relation: '户主' }],
    partyContact: { name: '陈志强', phone: '13600001111' },
  };
  let householdId = '';

  it('adds a household for the grid’s leader; the same input again is the same document, unchanged', async () => {
    const g = grid0();
    const res = await backend.call<SavedHousehold>('saveHousehold', { gridId: g.gridId, ...entry, careNeeds: [...entry.careNeeds] }, g.leaders.gridLeader);
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({ outcome: 'added', household: { ...entry, careNeeds: ['elderlyAlone'], source: 'register' } });
    householdId = res.data!.household.householdId;
    const before = await householdsOf(g.gridId);
    const again = await backend.call<SavedHousehold>('saveHousehold', { gridId: g.gridId, ...entry, careNeeds: [...entry.careNeeds] }, g.leaders.gridLeader);
    expect(again.data).toMatchObject({ outcome: 'unchanged', household: { householdId } });
    expect(await householdsOf(g.gridId)).toEqual(before);
  });

  it('is refused to a stranger, a resident and another grid’s leader, writing nothing', async () => {
    const g = grid0();
    const before = await householdsOf(g.gridId);
    for (const openid of ['o-stranger', g.residents[0]!.openid, backend.street.people.grids[1]!.leaders.gridLeader]) {
      const res = await backend.call('saveHousehold', { gridId: g.gridId, building: '9栋', room: '901', careNeeds: [] }, openid);
      expect(res).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
      expect(await backend.call('getHousehold', { gridId: g.gridId, householdId }, openid)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
    }
    expect(await householdsOf(g.gridId)).toEqual(before);
  });

  it('joins a resident who gives the registered address to that household, keeping its register entry', async () => {
    const g = grid0();
    const code = await backend.call<JoinCode>('getJoinCode', { gridId: g.gridId }, g.leaders.gridLeader);
    const resident = 'o-new-resident-1602';
    const joined = await backend.call<JoinResult>(
      'joinGrid',
      {
        privacyConsent: { version: PRIVACY_NOTICE_VERSION },
        scene: code.data!.scene,
        household: { building: '8栋', unit: '2单元', room: '1602', careNeeds: ['sick'] },
      },
      resident,
    );
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    expect(joined.data).toMatchObject({ householdId, householdNeeded: false });
    const read = await backend.call<HouseholdEntry>('getHousehold', { gridId: g.gridId, householdId }, backend.street.people.committee[g.villageId]!);
    expect(read.data).toMatchObject({ ...entry, careNeeds: ['elderlyAlone', 'sick'], source: 'register' });
  });

  it('edits the household: blank fields cleared, the resident who joined kept as its member', async () => {
    const g = grid0();
    const res = await backend.call<SavedHousehold>(
      'saveHousehold',
      { gridId: g.gridId, householdId, building: '8栋', unit: '2单元', room: '1602', careNeeds: ['sick'], members: [{ name: '刘桂兰', relation: '户主' }] },
      g.leaders.buildingLeader,
    );
    expect(res.data?.outcome).toBe('updated');
    expect(res.data!.household).not.toHaveProperty('phone');
    expect(res.data!.household).not.toHaveProperty('partyContact');
    expect(res.data!.household).toMatchObject({ careNeeds: ['sick'], noSmartphone: false });
    const roster = await backend.call<GridRoster>('getGridRoster', { gridId: g.gridId, limit: 50 }, g.leaders.gridLeader);
    const row = roster.data!.households.find((h) => h.householdId === householdId);
    expect(row?.members.map((m) => m.userId)).toEqual(['o-new-resident-1602']);
  });

  it('refuses moving a household onto another’s address, and an unknown household', async () => {
    const g = grid0();
    const other = await backend.call<SavedHousehold>('saveHousehold', { gridId: g.gridId, building: '8栋', room: '1', careNeeds: [] }, g.leaders.gridLeader);
    expect(other.data?.outcome).toBe('added');
    const clash = await backend.call('saveHousehold', { gridId: g.gridId, householdId, building: '8栋', room: '1', careNeeds: [] }, g.leaders.gridLeader);
    expect(clash).toMatchObject({ ok: false, code: 'HOUSEHOLD.ADDRESS_TAKEN' });
    const unknown = await backend.call(
      'saveHousehold',
      { gridId: g.gridId, householdId: 'no-such', building: '8栋', room: '2', careNeeds: [] },
      g.leaders.gridLeader,
    );
    expect(unknown).toMatchObject({ ok: false, code: 'HOUSEHOLD.NOT_FOUND' });
  });
});
