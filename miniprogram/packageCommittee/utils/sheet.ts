// Excel sheets the server writes (the household template, the weekly report): brought onto the
// phone and opened with wx.openDocument, whose menu can forward them to a chat.
import { displayUrls, downloadToLocal } from '../../services/files';

export const XLSX_EXTENSION = 'xlsx';

/** Downloads the stored .xlsx and opens it; rejects when it cannot be downloaded or opened. */
export async function openSheet(fileID: string): Promise<void> {
  // On CloudBase the fileID itself (wx.cloud.downloadFile); against the local emulator its temporary URL.
  const [shown = ''] = await displayUrls([fileID]);
  const filePath = await downloadToLocal(shown === '' || shown === fileID ? { fileID } : { fileID, tempFileURL: shown });
  await new Promise<void>((resolve, reject) => {
    wx.openDocument({ filePath, fileType: XLSX_EXTENSION, showMenu: true, success: () => resolve(), fail: reject });
  });
}
