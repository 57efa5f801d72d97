// Excel sheets the server writes (the household template, the weekly report): brought onto the
// phone and opened with wx.openDocument, whose menu can forward them to a chat.
import { downloadToLocal } from '../../services/files';

export const XLSX_EXTENSION = 'xlsx';

/**
 * Downloads the stored .xlsx by the temporary URL the function gave (no client may read a function's
 * upload by its fileID: database/storage-rules.json) and opens it; rejects when it cannot.
 */
export async function openSheet(file: { fileID: string; tempFileURL?: string }): Promise<void> {
  const filePath = await downloadToLocal(file);
  await new Promise<void>((resolve, reject) => {
    wx.openDocument({ filePath, fileType: XLSX_EXTENSION, showMenu: true, success: () => resolve(), fail: reject });
  });
}
