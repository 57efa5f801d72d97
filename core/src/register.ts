// The household register (一户一档), decided without I/O: the import sheet's columns (named once, so
// the template, the parser and the help sheet agree), one row's cell texts turned into an entry or a
// plain Chinese reason it was refused, what writing an entry changes on a stored household (the
// register's fields only: memberships, micro-grid and anything a join added stay), and the register's
// order by building, unit and room in natural order (2栋 before 10栋, 101 before 1001).
import { fail, ok, type Result } from './errors';
import { isStoredUnder } from './files';
import { ADDRESS_PARTS, addressOf } from './membership';
import { CARE_NEED_LABELS, CARE_NEEDS, type CareNeed, type EpochMs, type Household, type HouseholdMember, type HouseholdSource, type Id } from './model';
import { addressPartSchema, displayNameSchema, phoneSchema, type HouseholdAddress } from './schemas';
import { HOUSEHOLD_MEMBERS_MAX, type HouseholdEntry, type ImportRowError, type RegisterOutcome, type SaveHouseholdInput } from './schemas/register';

/** Rows one imported sheet may hold (a big grid has a few hundred households; a sheet is one grid). */
export const REGISTER_IMPORT_ROWS_MAX = 2000;
/** The sheet the template writes households on, and the one explaining the columns. */
export const REGISTER_SHEET_NAME = '住户';
/** The cloud folder of a grid's uploaded sheets: `households/<gridId>/<time>.xlsx`; importHouseholds reads no other. */
export const REGISTER_SHEET_FOLDER = 'households';
export const REGISTER_HELP_SHEET_NAME = '填写说明';

/** One column of the import sheet: its header, what it holds and an example the template shows. */
interface RegisterColumn {
  header: string;
  required: boolean;
  example: string;
  help: string;
}

/** The import sheet's columns in the template's order; a sheet may order them differently (matched by header). */
export const REGISTER_COLUMNS = {
  building: { header: '楼栋', required: true, example: '2栋', help: '必填，如 2栋、3组' },
  unit: { header: '单元', required: false, example: '1单元', help: '没有单元可不填' },
  room: { header: '房号', required: true, example: '101', help: '必填，如 101、12号' },
  headName: { header: '户主姓名', required: false, example: '王秀英', help: '记入家庭成员，关系为户主' },
  phone: { header: '联系电话', required: false, example: '13812345678', help: '11位手机号，或带区号的座机，如 021-58881234' },
  careNeeds: { header: '重点人群', required: false, example: '独居老人', help: '可填：独居老人、患病、残疾、孕妇；多项用、或逗号隔开' },
  noSmartphone: { header: '无智能手机', required: false, example: '是', help: '填“是”或“否”，不填为否；是＝只能上门或电话告知' },
  members: { header: '家庭成员', required: false, example: '李明/儿子、李小红/孙女', help: '姓名/关系，多人用、隔开' },
  partyName: { header: '联户党员', required: false, example: '张建国', help: '党员联户：联系这户的党员姓名' },
  partyPhone: { header: '党员电话', required: false, example: '13900001111', help: '联户党员的电话' },
} as const satisfies Record<string, RegisterColumn>;
export type RegisterColumnKey = keyof typeof REGISTER_COLUMNS;
export const REGISTER_COLUMN_KEYS = Object.keys(REGISTER_COLUMNS) as RegisterColumnKey[];

/** A row's cell texts by column (blank or absent cells alike). */
export type RegisterRowCells = Partial<Record<RegisterColumnKey, string>>;

/** What the register holds about one household, as the sheet or the form gives it. */
export interface RegisterDraft {
  building: string;
  unit?: string;
  room: string;
  careNeeds: CareNeed[];
  noSmartphone: boolean;
  phone?: string;
  members: HouseholdMember[];
  partyContact?: { name: string; phone?: string };
}

/** The relation the 户主姓名 column's person is listed with. */
const HEAD_RELATION = '户主';
const YES = '是';
const NO = '否';
/** Separators between care-need words and between members: 、 , ， ; ； and spaces. */
const LIST_SEPARATOR = /[、,，;；\s]+/;
/** Between a member's name and relation: / or ／. */
const MEMBER_SEPARATOR = /[/／]/;
const PHONE = new RegExp(phoneSchema.pattern);
const ADDRESS_PART_MAX_LENGTH = addressPartSchema.maxLength;
const NAME_MAX_LENGTH = displayNameSchema.maxLength;
const CARE_NEED_BY_LABEL = new Map<string, CareNeed>(CARE_NEEDS.map((need) => [CARE_NEED_LABELS[need], need]));
const CARE_NEED_WORDS = CARE_NEEDS.map((need) => CARE_NEED_LABELS[need]).join('、');

/** Header text as people type it: spaces, a required mark (*) and full-width brackets' notes ignored. */
function headerKey(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/[*＊]/g, '')
    .replace(/[（(].*[）)]$/, '');
}

/** Where each column is in the sheet's header row (0-based), or the missing required columns. */
export function registerColumnIndexes(headerCells: readonly string[]): Result<Partial<Record<RegisterColumnKey, number>>> {
  const found: Partial<Record<RegisterColumnKey, number>> = {};
  const keys = headerCells.map(headerKey);
  for (const key of REGISTER_COLUMN_KEYS) {
    const index = keys.indexOf(REGISTER_COLUMNS[key].header);
    if (index >= 0) found[key] = index;
  }
  const missing = REGISTER_COLUMN_KEYS.filter((key) => REGISTER_COLUMNS[key].required && found[key] === undefined);
  if (missing.length > 0) {
    const names = missing.map((key) => `“${REGISTER_COLUMNS[key].header}”`).join('、');
    return fail('REGISTER.COLUMNS_MISSING', `表格第一行缺少${names}列，请用模板填写`);
  }
  return ok(found);
}

/** A phone as typed into a sheet: spaces inside dropped. */
function phoneOf(text: string): string {
  return text.replace(/\s+/g, '');
}

function isBlank(cells: RegisterRowCells): boolean {
  return REGISTER_COLUMN_KEYS.every((key) => (cells[key] ?? '').trim() === '');
}

interface Parsed<T> {
  value: T;
  problems: string[];
}

function parseCareNeeds(text: string): Parsed<CareNeed[]> {
  const words = text.split(LIST_SEPARATOR).filter(Boolean);
  const unknown = words.filter((w) => !CARE_NEED_BY_LABEL.has(w));
  const needs = new Set(words.flatMap((w) => CARE_NEED_BY_LABEL.get(w) ?? []));
  return {
    value: CARE_NEEDS.filter((need) => needs.has(need)),
    problems: unknown.length > 0 ? [`重点人群“${unknown.join('、')}”无法识别，可填：${CARE_NEED_WORDS}`] : [],
  };
}

function parseMembers(text: string, headName: string): Parsed<HouseholdMember[]> {
  const problems: string[] = [];
  const members: HouseholdMember[] = [];
  if (headName !== '') members.push({ name: headName, relation: HEAD_RELATION });
  for (const entry of text.split(/[、,，;；]+/)) {
    const [rawName = '', ...rest] = entry.split(MEMBER_SEPARATOR);
    const name = rawName.trim();
    const relation = rest.join('/').trim();
    if (name === '') continue;
    if (name.length > NAME_MAX_LENGTH) problems.push(`家庭成员“${name}”的姓名太长（最多${NAME_MAX_LENGTH}个字）`);
    if (name === headName) continue;
    members.push(relation === '' ? { name } : { name, relation });
  }
  if (members.length > HOUSEHOLD_MEMBERS_MAX) problems.push(`家庭成员最多${HOUSEHOLD_MEMBERS_MAX}人`);
  return { value: members, problems };
}

/**
 * One sheet row's cells as a register entry, or every reason it cannot be one (a row is refused as a
 * whole: a half-read household would look complete in the register).
 */
export function registerRowDraft(cells: RegisterRowCells): Result<RegisterDraft> {
  const text = (key: RegisterColumnKey): string => (cells[key] ?? '').trim();
  const problems: string[] = [];
  for (const key of ['building', 'unit', 'room'] as const) {
    const { header, required } = REGISTER_COLUMNS[key];
    const value = text(key);
    if (required && value === '') problems.push(`缺少${header}`);
    if (value.length > ADDRESS_PART_MAX_LENGTH) problems.push(`${header}太长（最多${ADDRESS_PART_MAX_LENGTH}个字）`);
  }
  const headName = text('headName');
  if (headName.length > NAME_MAX_LENGTH) problems.push(`户主姓名太长（最多${NAME_MAX_LENGTH}个字）`);
  const phone = phoneOf(text('phone'));
  if (phone !== '' && !PHONE.test(phone)) problems.push(`联系电话“${text('phone')}”格式不对，应为11位手机号或带区号的座机`);
  const careNeeds = parseCareNeeds(text('careNeeds'));
  problems.push(...careNeeds.problems);
  const noSmartphone = text('noSmartphone');
  if (noSmartphone !== '' && noSmartphone !== YES && noSmartphone !== NO) problems.push(`无智能手机应填“${YES}”或“${NO}”`);
  const members = parseMembers(text('members'), headName);
  problems.push(...members.problems);
  const partyName = text('partyName');
  const partyPhone = phoneOf(text('partyPhone'));
  if (partyName.length > NAME_MAX_LENGTH) problems.push(`联户党员姓名太长（最多${NAME_MAX_LENGTH}个字）`);
  if (partyPhone !== '' && !PHONE.test(partyPhone)) problems.push(`党员电话“${text('partyPhone')}”格式不对，应为11位手机号或带区号的座机`);
  if (partyPhone !== '' && partyName === '') problems.push('填了党员电话，请同时填联户党员姓名');
  if (problems.length > 0) return fail('INPUT.INVALID', problems.join('；'));

  const unit = text('unit');
  return ok({
    building: text('building'),
    ...(unit !== '' ? { unit } : {}),
    room: text('room'),
    careNeeds: careNeeds.value,
    noSmartphone: noSmartphone === YES,
    ...(phone !== '' ? { phone } : {}),
    members: members.value,
    ...(partyName !== '' ? { partyContact: partyPhone !== '' ? { name: partyName, phone: partyPhone } : { name: partyName } } : {}),
  });
}

/** One address as a single comparable key (the parts given, in order). */
export function addressKey(address: HouseholdAddress): string {
  const parts = addressOf(address);
  return ADDRESS_PARTS.map((part) => parts[part] ?? '').join('\u0000');
}

/** A sheet's data row: its row number in the sheet (as people see it) and its cells. */
export interface RegisterSheetRow {
  row: number;
  cells: RegisterRowCells;
}

export interface RegisterSheetReading {
  drafts: { row: number; draft: RegisterDraft }[];
  errors: ImportRowError[];
}

/** Every data row read: good rows as drafts, the others with their reason; blank rows skipped; an address given twice keeps its first row. */
export function readRegisterRows(rows: readonly RegisterSheetRow[]): RegisterSheetReading {
  const reading: RegisterSheetReading = { drafts: [], errors: [] };
  const firstRowAt = new Map<string, number>();
  for (const { row, cells } of rows) {
    if (isBlank(cells)) continue;
    const draft = registerRowDraft(cells);
    if (!draft.ok) {
      reading.errors.push({ row, message: draft.message });
      continue;
    }
    const key = addressKey(draft.value);
    const first = firstRowAt.get(key);
    if (first !== undefined) {
      reading.errors.push({ row, message: `地址与第${first}行重复，同一户只填一行` });
      continue;
    }
    firstRowAt.set(key, row);
    reading.drafts.push({ row, draft: draft.value });
  }
  return reading;
}

/** The form's input as a draft: trimmed, care needs in CARE_NEEDS order, blanks left out. */
export function draftFromInput(input: SaveHouseholdInput): RegisterDraft {
  const unit = input.unit?.trim() ?? '';
  const phone = input.phone ?? '';
  const needs = new Set(input.careNeeds);
  return {
    building: input.building.trim(),
    ...(unit !== '' ? { unit } : {}),
    room: input.room.trim(),
    careNeeds: CARE_NEEDS.filter((need) => needs.has(need)),
    noSmartphone: input.noSmartphone ?? false,
    ...(phone !== '' ? { phone } : {}),
    members: (input.members ?? []).map((m) => ({ ...m, name: m.name.trim() })),
    ...(input.partyContact ? { partyContact: { ...input.partyContact } } : {}),
  };
}

/** A draft whose address is blank after trimming, as a reason (the schema cannot see trimmed text). */
export function draftAddressProblem(draft: RegisterDraft): string | null {
  if (draft.building === '') return `缺少${REGISTER_COLUMNS.building.header}`;
  if (draft.room === '') return `缺少${REGISTER_COLUMNS.room.header}`;
  return null;
}

/** The optional register fields: a draft without one clears it on the stored household. */
const REGISTER_OPTIONAL_FIELDS = ['unit', 'phone', 'partyContact'] as const satisfies readonly (keyof Household)[];

/** What writing a draft does to the household found at its address (or chosen for editing). */
export type RegisterWrite =
  | { outcome: 'added'; household: Household }
  /** `set` holds the register fields that change; `unset` the optional ones the draft leaves blank. */
  | { outcome: 'updated'; household: Household; set: Partial<Household>; unset: (typeof REGISTER_OPTIONAL_FIELDS)[number][] }
  | { outcome: 'unchanged'; household: Household };

export interface RegisterFacts {
  /** The stored household, or null to add one under `id`. */
  existing: Household | null;
  id: Id;
  gridId: Id;
  villageId: Id;
  source: Exclude<HouseholdSource, 'joined'>;
  by: Id;
  now: EpochMs;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The register fields of a draft, as a household holds them. */
function registerFields(draft: RegisterDraft): Partial<Household> {
  return {
    building: draft.building,
    unit: draft.unit,
    room: draft.room,
    careNeeds: draft.careNeeds,
    noSmartphone: draft.noSmartphone,
    phone: draft.phone,
    members: draft.members,
    partyContact: draft.partyContact,
  };
}

/**
 * Writing `draft`: a new household, or the stored one with the register's fields replaced and the
 * rest kept (its id, micro-grid, where it came from); unchanged — nothing written, not even the
 * registration time — when the draft says what the household already holds, so a re-import or a
 * retried save writes nothing.
 */
export function decideRegisterWrite(draft: RegisterDraft, facts: RegisterFacts): RegisterWrite {
  const { existing, now, by } = facts;
  const fields = registerFields(draft);
  if (existing === null) {
    const household: Household = {
      id: facts.id,
      gridId: facts.gridId,
      villageId: facts.villageId,
      careNeeds: draft.careNeeds,
      ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Household>),
      source: facts.source,
      registeredAt: now,
      registeredBy: by,
    };
    return { outcome: 'added', household };
  }
  const set: Partial<Household> = {};
  const unset: (typeof REGISTER_OPTIONAL_FIELDS)[number][] = [];
  for (const [field, value] of Object.entries(fields) as [keyof Household, unknown][]) {
    const stored = field === 'noSmartphone' ? (existing.noSmartphone ?? false) : field === 'members' ? (existing.members ?? []) : existing[field];
    if (sameValue(stored, value)) continue;
    if (value === undefined) unset.push(field as (typeof REGISTER_OPTIONAL_FIELDS)[number]);
    else Object.assign(set, { [field]: value });
  }
  if (Object.keys(set).length === 0 && unset.length === 0) return { outcome: 'unchanged', household: existing };
  Object.assign(set, { registeredAt: now, registeredBy: by });
  const household: Household = { ...existing, ...set };
  for (const field of unset) delete household[field];
  return { outcome: 'updated', household, set, unset };
}

/** A household's register entry as the grid's staff see it. */
export function householdEntry(household: Household): HouseholdEntry {
  const { id, gridId, building, unit, room, phone, partyContact } = household;
  return {
    householdId: id,
    gridId,
    ...(building !== undefined ? { building } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(room !== undefined ? { room } : {}),
    careNeeds: household.careNeeds ?? [],
    noSmartphone: household.noSmartphone ?? false,
    ...(phone !== undefined ? { phone } : {}),
    members: household.members ?? [],
    ...(partyContact !== undefined ? { partyContact } : {}),
    source: household.source ?? 'joined',
  };
}

/** What counts a register write makes. */
export function countOutcomes(outcomes: readonly RegisterOutcome[]): Record<RegisterOutcome, number> {
  const counts: Record<RegisterOutcome, number> = { added: 0, updated: 0, unchanged: 0 };
  for (const outcome of outcomes) counts[outcome] += 1;
  return counts;
}

/** A sheet importHouseholds may read for the grid: one uploaded into that grid's folder (isStoredUnder). */
export function isGridSheet(fileId: string, gridId: string): boolean {
  return isStoredUnder(fileId, `${REGISTER_SHEET_FOLDER}/${gridId}/`);
}
