import { compareAddresses } from '../../core/src/addressOrder';
import { describe, expect, it } from 'vitest';
import type { Household } from '../../core/src/model';
import {
  decideRegisterWrite,
  draftFromInput,
  readRegisterRows,
  REGISTER_COLUMN_KEYS,
  REGISTER_COLUMNS,
  registerColumnIndexes,
  registerRowDraft,
  type RegisterDraft,
  type RegisterRowCells,
} from '../../core/src/register';
import { at, GRID, VILLAGE } from './fixtures';

const NOW = at('2026-11-24T09:00');
const STAFF = 'o-grid-worker';

const row = (over: RegisterRowCells = {}): RegisterRowCells => ({ building: '2栋', unit: '1单元', room: '101', ...over });

function draftOf(cells: RegisterRowCells): RegisterDraft {
  const result = registerRowDraft(cells);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function problemOf(cells: RegisterRowCells): string {
  const result = registerRowDraft(cells);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.message;
}

describe('the import sheet’s columns', () => {
  it('are found by their headers in any order, with a required mark or spaces', () => {
    const found = registerColumnIndexes(['房号*', ' 楼栋 ', '重点人群', '备注']);
    expect(found).toEqual({ ok: true, value: { room: 0, building: 1, careNeeds: 2 } });
  });

  it('refuse a sheet without 楼栋 or 房号, naming the missing columns', () => {
    const found = registerColumnIndexes(['姓名', '电话']);
    expect(found).toMatchObject({ ok: false, code: 'REGISTER.COLUMNS_MISSING' });
    expect(found.ok ? '' : found.message).toContain('“楼栋”、“房号”');
  });

  it('have one header each, and every header is Chinese text people can type', () => {
    const headers = REGISTER_COLUMN_KEYS.map((k) => REGISTER_COLUMNS[k].header);
    expect(new Set(headers).size).toBe(headers.length);
    expect(headers).toEqual(['楼栋', '单元', '房号', '户主姓名', '联系电话', '重点人群', '无智能手机', '家庭成员', '联户党员', '党员电话']);
  });
});

describe('one row of the sheet', () => {
  it('becomes a register entry: care-need words, 是/否, the head and members, the party member', () => {
    const draft = draftOf(
      row({
        headName: '王秀英',
        phone: '138 1234 5678',
        careNeeds: '独居老人、患病,残疾',
        noSmartphone: '是',
        members: '李明/儿子、李小红／孙女',
        partyName: '张建国',
        partyPhone: '13900001111',
      }),
    );
    expect(draft).toEqual({
      building: '2栋',
      unit: '1单元',
      room: '101',
      careNeeds: ['elderlyAlone', 'sick', 'disabled'],
      noSmartphone: true,
      phone: '13812345678',
      members: [
        { name: '王秀英', relation: '户主' },
        { name: '李明', relation: '儿子' },
        { name: '李小红', relation: '孙女' },
      ],
      partyContact: { name: '张建国', phone: '13900001111' },
    });
  });

  it('leaves blank cells out: no unit, no phone, no care needs, 否 by default', () => {
    expect(draftOf({ building: '3组', room: '12号' })).toEqual({ building: '3组', room: '12号', careNeeds: [], noSmartphone: false, members: [] });
  });

  it.each([
    [{ building: '' }, '缺少楼栋'],
    [{ room: ' ' }, '缺少房号'],
    [{ careNeeds: '独居老人、低保' }, '重点人群“低保”无法识别，可填：独居老人、患病、残疾、孕妇'],
    [{ phone: '1381234' }, '联系电话“1381234”格式不对'],
    [{ partyPhone: '555', partyName: '张建国' }, '党员电话“555”格式不对'],
    [{ partyPhone: '13900001111' }, '请同时填联户党员姓名'],
    [{ noSmartphone: '没有' }, '无智能手机应填“是”或“否”'],
    [{ building: '很'.repeat(21) }, '楼栋太长（最多20个字）'],
  ])('is refused with a reason people can act on: %o', (over, reason) => {
    expect(problemOf(row(over))).toContain(reason);
  });

  it('lists every problem of the row at once', () => {
    expect(problemOf({ building: '2栋', phone: 'abc', careNeeds: '富裕' }).split('；')).toHaveLength(3);
  });
});

describe('reading a sheet’s rows', () => {
  it('keeps good rows, reports bad ones by their row number, skips blank rows and refuses an address given twice', () => {
    const reading = readRegisterRows([
      { row: 2, cells: row() },
      { row: 3, cells: {} },
      { row: 4, cells: row({ room: '102', careNeeds: '富裕' }) },
      { row: 5, cells: row({ building: ' 2栋 ', headName: '另一户主' }) },
      { row: 6, cells: row({ room: '103' }) },
    ]);
    expect(reading.drafts.map((d) => d.row)).toEqual([2, 6]);
    expect(reading.errors).toEqual([
      { row: 4, message: expect.stringContaining('“富裕”') },
      { row: 5, message: '地址与第2行重复，同一户只填一行' },
    ]);
  });
});

describe('writing an entry', () => {
  const facts = { id: 'h-2-1-101', gridId: GRID, villageId: VILLAGE, source: 'import' as const, by: STAFF, now: NOW };
  const joined: Household = {
    id: 'h-joined',
    gridId: GRID,
    villageId: VILLAGE,
    microGridId: 'mg1',
    building: '2栋',
    unit: '1单元',
    room: '101',
    careNeeds: ['sick'],
    noSmartphone: false,
    source: 'joined',
  };

  it('adds a new household with its source and who registered it', () => {
    const write = decideRegisterWrite(draftOf(row({ phone: '13812345678' })), { ...facts, existing: null });
    expect(write).toEqual({
      outcome: 'added',
      household: {
        id: 'h-2-1-101',
        gridId: GRID,
        villageId: VILLAGE,
        building: '2栋',
        unit: '1单元',
        room: '101',
        careNeeds: [],
        noSmartphone: false,
        phone: '13812345678',
        members: [],
        source: 'import',
        registeredAt: NOW,
        registeredBy: STAFF,
      },
    });
  });

  it('replaces only the register’s fields of a joined household: its id, micro-grid and source stay', () => {
    const write = decideRegisterWrite(draftOf(row({ careNeeds: '独居老人', headName: '王秀英' })), { ...facts, existing: joined });
    expect(write.outcome).toBe('updated');
    expect(write.household).toMatchObject({ id: 'h-joined', microGridId: 'mg1', source: 'joined', careNeeds: ['elderlyAlone'], registeredAt: NOW });
    expect(write.outcome === 'updated' && write.set).toEqual({
      careNeeds: ['elderlyAlone'],
      members: [{ name: '王秀英', relation: '户主' }],
      registeredAt: NOW,
      registeredBy: STAFF,
    });
  });

  it('changes nothing, not even the registration time, when the entry says what is stored', () => {
    const first = decideRegisterWrite(draftOf(row({ phone: '13812345678', partyName: '张建国' })), { ...facts, existing: null });
    const again = decideRegisterWrite(draftOf(row({ phone: '13812345678', partyName: '张建国' })), { ...facts, existing: first.household, now: NOW + 1 });
    expect(again).toEqual({ outcome: 'unchanged', household: first.household });
  });

  it('clears a phone or party member the edit leaves blank', () => {
    const first = decideRegisterWrite(draftOf(row({ phone: '13812345678', partyName: '张建国' })), { ...facts, existing: null });
    const edited = decideRegisterWrite(draftOf(row()), { ...facts, existing: first.household });
    expect(edited.outcome === 'updated' && edited.unset).toEqual(['phone', 'partyContact']);
    expect(edited.household).not.toHaveProperty('phone');
    expect(edited.household).not.toHaveProperty('partyContact');
  });

  it('takes the form’s input trimmed, with care needs in their usual order', () => {
    const draft = draftFromInput({ gridId: GRID, building: ' 2栋 ', unit: ' ', room: '101 ', careNeeds: ['sick', 'elderlyAlone'] });
    expect(draft).toEqual({ building: '2栋', room: '101', careNeeds: ['elderlyAlone', 'sick'], noSmartphone: false, members: [] });
  });
});

describe('the register’s order', () => {
  it('is by building, unit and room in natural order, households without an address last', () => {
    const addresses = [
      { building: '10栋', unit: '1单元', room: '101' },
      { building: '2栋', unit: '1单元', room: '1001' },
      {},
      { building: '2栋', unit: '2单元', room: '101' },
      { building: '2栋', unit: '1单元', room: '101' },
      { building: '2栋', unit: '1单元', room: '201' },
      { building: 'A座', room: '3' },
    ];
    expect([...addresses].sort(compareAddresses)).toEqual([
      { building: '2栋', unit: '1单元', room: '101' },
      { building: '2栋', unit: '1单元', room: '201' },
      { building: '2栋', unit: '1单元', room: '1001' },
      { building: '2栋', unit: '2单元', room: '101' },
      { building: '10栋', unit: '1单元', room: '101' },
      { building: 'A座', room: '3' },
      {},
    ]);
  });
});
