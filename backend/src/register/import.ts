// importHouseholds: a grid's households from an .xlsx sheet the committee (or the grid's staff)
// uploaded to cloud storage. Every row is checked (core's registerRowDraft): the good rows are
// written, the bad ones answered with the sheet's row number and the reason. A household's id comes
// from grid and address and rows are matched to the stored households by address, so importing the
// same sheet again adds nothing and changes nothing (added / updated / unchanged say so), and a
// household a resident joined is completed, not doubled. A file that is not an .xlsx, is empty or
// lacks the 楼栋/房号 columns writes nothing.
//
// Round trips: loadActor 2 ∥ grid 1 ∥ the download 1 → the grid's households 1 per 1000 → the new
// entries 1 per 100, the changed ones 1 each (10 at a time).
import { fail, ok, type Result } from '../../../core/src/errors';
import { addressKey, countOutcomes, decideRegisterWrite, isGridSheet, readRegisterRows } from '../../../core/src/register';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { HouseholdImport } from '../../../core/src/schemas/register';
import type { CallContext } from '../handler';
import { householdIdAt } from '../membership/repo';
import { servedGrid } from './access';
import { GRID_HOUSEHOLDS_MAX, loadGridHouseholds, writeRegisterEntries, type PlannedWrite } from './repo';
import { readSheetRows } from './sheet';

/** What storage answers for a fileID it does not hold (CloudBase and the emulator). */
const MISSING_FILE = /STORAGE_FILE_NONEXIST|NoSuchKey|does not exist|not exist/i;

async function download(ctx: CallContext, fileID: string): Promise<Result<Buffer>> {
  try {
    const file = await ctx.cloud.downloadFile({ fileID });
    return ok(file.fileContent as Buffer);
  } catch (err) {
    if (MISSING_FILE.test(err instanceof Error ? err.message : JSON.stringify(err))) return fail('REGISTER.FILE_NOT_FOUND');
    throw err;
  }
}

export async function importHouseholds(input: FunctionInputs['importHouseholds'], ctx: CallContext): Promise<Result<HouseholdImport>> {
  const grid = await servedGrid(ctx, input.gridId);
  if (!grid.ok) return grid;
  // Read as admin: only a sheet uploaded for this grid, never another grid's register or anyone's photo.
  if (!isGridSheet(input.fileID, grid.value._id)) return fail('INPUT.INVALID', '这份表格不是为本网格上传的，请重新选择表格导入');
  const content = await download(ctx, input.fileID);
  if (!content.ok) return content;
  const rows = await readSheetRows(content.value);
  if (!rows.ok) return rows;
  const reading = readRegisterRows(rows.value);

  const gridId = grid.value._id;
  const stored = await loadGridHouseholds(ctx.db, gridId);
  if (stored.truncated) return fail('REGISTER.TOO_MANY_ROWS', `本网格已登记超过${GRID_HOUSEHOLDS_MAX}户，请联系管理员`);
  const planned: PlannedWrite[] = reading.drafts.map(({ draft }) => {
    const existing = stored.byAddress.get(addressKey(draft)) ?? null;
    const facts = {
      existing,
      id: existing?.id ?? householdIdAt(gridId, draft),
      gridId,
      villageId: grid.value.villageId,
      source: 'import' as const,
      by: ctx.openid,
      now: ctx.now,
    };
    return { write: decideRegisterWrite(draft, facts), draft, facts };
  });
  const written = await writeRegisterEntries(ctx.db, planned);
  return ok({ ...countOutcomes(written.map((w) => w.outcome)), errors: reading.errors });
}
