// The weekly report by name and role, and its .xlsx export, through the real SDK: a village with
// three grids and their leaders (one without a display name), requests answered in and out of the
// response target, resolved in and out of the resolution target, rated; a notice of the week read by
// some households and told to one. exportReport's file is downloaded through the SDK and read back
// with exceljs: one row per grid and per person, by name, with 响应率/解决率/满意率 as getReport says;
// no openid anywhere in the file or in getReport's output.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS } from '../../backend/src/collections';
import type { Request } from '../../core/src/model';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/src/policy';
import type { ReportRow } from '../../core/src/reports';
import type { ReportExport, ReportView } from '../../core/src/schemas/reports';
import { useTestBackend, type TestBackend } from '../helpers/backend';

let backend: TestBackend;
useTestBackend((b) => {
  backend = b;
});

/** Monday 2026-11-16 00:00 China time: the week before the clock's Tuesday. */
const WEEK = Date.UTC(2026, 10, 15, 16, 0, 0);
const lastWeek = { kind: 'week', date: '2026-11-18' } as const;
const TARGET_MS = 10 * MINUTE_MS;

interface Fixture {
  id: string;
  grid: number;
  /** Who routing chose: the grid leader unless said. */
  leader?: 'gridLeader' | 'partyGroupLeader';
  category: Request['category'];
  responseMin: number;
  /** Hours after submission it was resolved; absent = still in progress. */
  resolvedAfterH?: number;
  rating?: number;
}

// Medicine must be resolved within 24 h, supplies and repairs within 72 h (the defaults).
const FIXTURES: Fixture[] = [
  { id: 'x1', grid: 0, category: 'medicine', responseMin: 5, resolvedAfterH: 20, rating: 5 },
  { id: 'x2', grid: 0, category: 'medicine', responseMin: 20, resolvedAfterH: 30, rating: 2 },
  { id: 'x3', grid: 0, leader: 'partyGroupLeader', category: 'supplies', responseMin: 3 },
  { id: 'x4', grid: 1, category: 'repairs', responseMin: 12, resolvedAfterH: 50, rating: 4 },
  { id: 'x5', grid: 1, category: 'supplies', responseMin: 1, resolvedAfterH: 80, rating: 3 },
  { id: 'x6', grid: 2, category: 'supplies', responseMin: 2, resolvedAfterH: 10, rating: 1 },
];

function requestDoc(f: Fixture, index: number): Omit<Request, 'id'> & { _id: string } {
  const g = backend.street.people.grids[f.grid]!;
  const leader = g.leaders[f.leader ?? 'gridLeader'];
  const at = WEEK + DAY_MS + index * HOUR_MS;
  const resolved = f.resolvedAfterH !== undefined;
  return {
    _id: f.id,
    streetId: backend.street.street.id,
    villageId: g.villageId,
    gridId: g.gridId,
    householdId: g.residents[0]!.householdId,
    residentId: g.residents[0]!.openid,
    category: f.category,
    text: '需要帮助',
    photos: [],
    urgent: false,
    idempotencyKey: `key-${f.id}-000`,
    state: resolved ? (f.rating !== undefined ? 'confirmed' : 'resolved') : 'inProgress',
    version: 3,
    submittedAt: at,
    routedTo: [leader],
    routingOutcome: 'routed',
    responders: [leader],
    responseDueAt: at + TARGET_MS,
    escalationLevel: f.responseMin * MINUTE_MS > TARGET_MS ? 1 : 0,
    escalationPlan: [],
    nextEscalationAt: null,
    firstResponseAt: at + f.responseMin * MINUTE_MS,
    firstResponseBy: leader,
    firstResponseMs: f.responseMin * MINUTE_MS,
    ...(resolved ? { resolvedAt: at + f.resolvedAfterH! * HOUR_MS } : {}),
    ...(f.rating !== undefined ? { confirmedAt: at + f.resolvedAfterH! * HOUR_MS + HOUR_MS, rating: f.rating } : {}),
    reopenCount: 0,
  };
}

const NOTICE_ID = 'notice-last-week';

/** Every openid of the street: none may appear in a report. */
function allOpenids(): string[] {
  const p = backend.street.people;
  return [
    p.admin,
    ...Object.values(p.committee),
    ...Object.values(p.dutyOfficers),
    ...p.grids.flatMap((g) => [...Object.values(g.leaders), ...g.residents.map((r) => r.openid), ...g.unjoined.map((r) => r.openid)]),
  ];
}

beforeAll(async () => {
  const { db, street } = backend;
  await db.collection(COLLECTIONS.requests).add({ data: FIXTURES.map(requestDoc) as never });
  // The third grid's leader never gave a name.
  const unnamed = street.people.grids[2]!.leaders.gridLeader;
  await db
    .collection(COLLECTIONS.roleAssignments)
    .where({ userId: unnamed, role: 'gridLeader' })
    .update({ data: { displayName: db.command.remove() } });
  // A notice to the village last week: in the first grid two households read it, a leader phoned one.
  const g1 = street.people.grids[0]!;
  await db.collection(COLLECTIONS.notices).add({
    data: {
      _id: NOTICE_ID,
      streetId: street.street.id,
      title: '停水通知',
      body: '周三停水',
      attachments: [],
      scope: { kind: 'village', villageId: g1.villageId },
      urgent: false,
      publishedAt: WEEK + DAY_MS,
      publishedBy: street.people.committee.v01!,
      jobsQueued: true,
    } as never,
  });
  const readers = g1.residents.slice(0, 2);
  await db.collection(COLLECTIONS.noticeReceipts).add({
    data: readers.map((r) => ({
      _id: `${NOTICE_ID}:${r.openid}`,
      noticeId: NOTICE_ID,
      userId: r.openid,
      householdId: r.householdId,
      gridId: g1.gridId,
      readAt: WEEK + DAY_MS + HOUR_MS,
    })) as never,
  });
  const phoned = g1.residents[2]!.householdId;
  await db.collection(COLLECTIONS.reachMarks).add({
    data: {
      _id: `${NOTICE_ID}:${phoned}`,
      noticeId: NOTICE_ID,
      householdId: phoned,
      gridId: g1.gridId,
      channel: 'phone',
      markedBy: g1.leaders.gridLeader,
      markedAt: WEEK + 2 * DAY_MS,
    } as never,
  });
});

async function report(groupBy: 'grid' | 'leader' | 'village', openid: string): Promise<ReportView> {
  const res = await backend.call<ReportView>('getReport', { groupBy, period: lastWeek }, openid);
  expect(res).toMatchObject({ ok: true });
  return res.data!;
}

async function downloadWorkbook(fileID: string): Promise<{ workbook: ExcelJS.Workbook; bytes: Buffer }> {
  const file = (await backend.emu.cloud.downloadFile({ fileID })) as { fileContent: Buffer };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file.fileContent as never);
  return { workbook, bytes: file.fileContent };
}

/** A sheet's rows below the header, as arrays of cell values. */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const out: unknown[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) out.push(header.map((_, i) => row.getCell(i + 1).value));
  });
  return out;
}

function column(sheet: ExcelJS.Worksheet, header: string): number {
  const index = (sheet.getRow(1).values as unknown[]).indexOf(header);
  expect(index, header).toBeGreaterThan(0);
  return index - 1;
}

/** How a rate is written: the share as a number, or a dash when not known. */
const cellRate = (share: number | null): number | string => share ?? '—';

describe('getReport by name and role', () => {
  it('gives each grid 响应率, 解决率 and 满意率 by the village’s targets, and the week’s notice reach', async () => {
    const view = await report('grid', backend.street.people.committee.v01!);
    expect(view.placeName).toBe(backend.street.villages[0]!.name);
    const [g1, g2, g3] = view.groups;
    expect(view.groups.map((r) => r.label)).toEqual(['第1网格', '第2网格', '第3网格']);
    // x1 on time, x2 late, x3 on time; x1 resolved in 20 h of 24, x2 in 30 h (late), x3 unresolved past 72 h.
    expect(g1!.figures).toMatchObject({ total: 3, shareWithinTarget: 2 / 3, shareResolvedWithinTarget: 1 / 3, shareSatisfied: 1 / 2, escalated: 1 });
    // x4 answered late, resolved in 50 h of 72; x5 on time, resolved in 80 h (late); ratings 4 and 3.
    expect(g2!.figures).toMatchObject({ total: 2, shareWithinTarget: 1 / 2, shareResolvedWithinTarget: 1 / 2, shareSatisfied: 1 / 2 });
    expect(g3!.figures).toMatchObject({ total: 1, shareWithinTarget: 1, shareResolvedWithinTarget: 1, shareSatisfied: 0 });
    // 6 households: two read, one phoned.
    expect(g1!.noticeReach).toEqual({ notices: 1, households: 6, reached: 3, share: 3 / 6 });
    expect(g2!.noticeReach).toMatchObject({ notices: 1, reached: 0, share: 0 });
    expect(view.overall.noticeReach).toMatchObject({ notices: 1, households: 18, reached: 3 });
  });

  it('names leaders by displayName and role, an unnamed one by role with the grid, and never shows an openid', async () => {
    const committee = backend.street.people.committee.v01!;
    const view = await report('leader', committee);
    const nameOf = (openid: string, role: string) => backend.street.roleAssignments.find((a) => a.userId === openid && a.role === role)!.displayName;
    const [g1, g2] = backend.street.people.grids;
    expect(view.groups.map((r) => [r.label, r.role, r.gridName, r.figures.total])).toEqual([
      [nameOf(g1!.leaders.gridLeader, 'gridLeader'), '网格长', '第1网格', 2],
      [nameOf(g1!.leaders.partyGroupLeader, 'partyGroupLeader'), '党小组长', '第1网格', 1],
      [nameOf(g2!.leaders.gridLeader, 'gridLeader'), '网格长', '第2网格', 2],
      ['网格长（未留名）', '网格长', '第3网格', 1],
    ]);
    const everything = JSON.stringify([view, await report('grid', committee), await report('village', backend.street.people.admin)]);
    for (const openid of allOpenids()) expect(everything).not.toContain(openid);
  });
});

describe('getReport for a grid leader', () => {
  it('names someone routed to who holds no role in the grid (the duty officer) by their own role', async () => {
    const g3 = backend.street.people.grids[2]!;
    const duty = backend.street.people.dutyOfficers.v01!;
    const at = WEEK + 3 * DAY_MS;
    await backend.db.collection(COLLECTIONS.requests).add({
      data: {
        ...requestDoc({ id: 'x7', grid: 2, category: 'supplies', responseMin: 4 }, 9),
        routedTo: [duty],
        responders: [duty],
        submittedAt: at,
        responseDueAt: at + TARGET_MS,
      } as never,
    });
    try {
      const res = await backend.call<ReportView>('getReport', { groupBy: 'leader', period: lastWeek }, g3.leaders.gridLeader);
      const dutyName = backend.street.roleAssignments.find((a) => a.userId === duty && a.role === 'dutyOfficer')!.displayName;
      expect(res.data!.groups.map((r) => [r.label, r.role, r.gridName])).toEqual([
        ['网格长（未留名）', '网格长', '第3网格'],
        [dutyName, '值班员', undefined],
      ]);
      expect(JSON.stringify(res.data)).not.toContain(duty);
    } finally {
      await backend.db.collection(COLLECTIONS.requests).doc('x7').remove();
    }
  });
});

describe('exportReport', () => {
  it('writes one row per grid and per person, by name, with the rates getReport gives, and no openid', async () => {
    const committee = backend.street.people.committee.v01!;
    const res = await backend.call<ReportExport>('exportReport', { period: lastWeek }, committee);
    expect(res).toMatchObject({ ok: true, data: { cloudPath: 'reports/v01/2026-11-16.xlsx' } });
    const { workbook, bytes } = await downloadWorkbook(res.data!.fileID);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['网格', '人员']);

    const check = (sheet: ExcelJS.Worksheet, rows: readonly ReportRow[], nameHeader: string) => {
      const cells = rowsOf(sheet);
      expect(cells).toHaveLength(rows.length);
      const [name, response, resolution, satisfaction, total] = [nameHeader, '响应率', '解决率', '满意率', '诉求数'].map((h) => column(sheet, h));
      rows.forEach((row, i) => {
        const line = cells[i]!;
        expect(line[name!]).toBe(row.label);
        expect(line[response!]).toEqual(cellRate(row.figures.shareWithinTarget));
        expect(line[resolution!]).toEqual(cellRate(row.figures.shareResolvedWithinTarget));
        expect(line[satisfaction!]).toEqual(cellRate(row.figures.shareSatisfied));
        expect(line[total!]).toBe(row.figures.total);
      });
      expect(sheet.getRow(2).getCell(response! + 1).numFmt).toBe('0.0%');
    };
    const grids = workbook.getWorksheet('网格')!;
    check(grids, (await report('grid', committee)).groups, '网格');
    expect(rowsOf(grids)[0]![column(grids, '通知触达率')]).toBe(0.5);
    const people = workbook.getWorksheet('人员')!;
    const leaders = (await report('leader', committee)).groups;
    check(people, leaders, '姓名');
    expect(rowsOf(people).map((r) => [r[column(people, '角色')], r[column(people, '网格')]])).toEqual(leaders.map((l) => [l.role, l.gridName ?? '']));

    // No openid in any part of the file (cells, shared strings, properties).
    const zip = await JSZip.loadAsync(bytes);
    const texts = await Promise.all(Object.values(zip.files).map((f) => f.async('string')));
    for (const openid of allOpenids()) expect(texts.some((t) => t.includes(openid))).toBe(false);
  });

  it('overwrites the same file on re-export', async () => {
    const committee = backend.street.people.committee.v01!;
    const first = await backend.call<ReportExport>('exportReport', { period: lastWeek }, committee);
    const again = await backend.call<ReportExport>('exportReport', { period: lastWeek }, committee);
    expect(again.data).toEqual(first.data);
  });

  it('gives a street admin the villages ranked, and refuses a resident', async () => {
    const res = await backend.call<ReportExport>('exportReport', { period: lastWeek }, backend.street.people.admin);
    expect(res.data!.cloudPath).toBe(`reports/${backend.street.street.id}/2026-11-16.xlsx`);
    const { workbook } = await downloadWorkbook(res.data!.fileID);
    const ranking = workbook.getWorksheet('村（社区）排名')!;
    const villages = (await report('village', backend.street.people.admin)).groups;
    expect(rowsOf(ranking).map((r) => [r[column(ranking, '名次')], r[column(ranking, '村（社区）')]])).toEqual(villages.map((v) => [v.rank, v.label]));
    const resident = backend.street.people.grids[0]!.residents[0]!.openid;
    expect(await backend.call('exportReport', { period: lastWeek }, resident)).toMatchObject({ ok: false, code: 'AUTH.FORBIDDEN' });
  });
});
