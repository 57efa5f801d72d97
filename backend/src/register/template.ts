// getHouseholdTemplate: the import sheet's template (.xlsx: the header row, an example row, a sheet
// explaining the columns) written to cloud storage; the page downloads it by the temporary URL given
// back (no client may read a function's upload: database/storage-rules.json) and opens it (wx.openDocument) so the committee can fill it in or forward it. Open to anyone who
// holds a staff role: the template holds no one's data.
//
// Round trips: loadActor 2, then the upload and its temporary URL.
import { fail, ok, type Result } from '../../../core/src/errors';
import type { FunctionInputs } from '../../../core/src/schemas';
import type { HouseholdTemplate } from '../../../core/src/schemas/register';
import { loadActor } from '../actor';
import { DOWNLOAD_NOW_URL_MAX_AGE_S, temporaryUrl } from '../files';
import type { CallContext } from '../handler';
import { templateWorkbook } from './sheet';

/** One path, overwritten by every call: the template changes only with the code. */
const TEMPLATE_CLOUD_PATH = 'templates/household-register.xlsx';

export async function getHouseholdTemplate(_input: FunctionInputs['getHouseholdTemplate'], ctx: CallContext): Promise<Result<HouseholdTemplate>> {
  const actor = await loadActor(ctx.db, ctx.openid, ctx.adminOpenids);
  if (actor.roles.length === 0) return fail('AUTH.FORBIDDEN', '只有网格员、三长和村（社区）两委可以下载模板');
  const uploaded = await ctx.cloud.uploadFile({ cloudPath: TEMPLATE_CLOUD_PATH, fileContent: await templateWorkbook() });
  const tempFileURL = await temporaryUrl(ctx.cloud, uploaded.fileID, DOWNLOAD_NOW_URL_MAX_AGE_S);
  return ok({ fileID: uploaded.fileID, ...(tempFileURL !== undefined ? { tempFileURL } : {}) });
}
