// Cloud storage for the pages, through the same switch as function calls (services/cloud.ts): on
// CloudBase, wx.cloud's storage; in develop mode against the local emulator, its /wx/uploadFile
// entry, because wx.cloud cannot reach a loopback emulator. Files are shown and downloaded by the
// temporary URLs functions give (the storage rule lets only a file's uploader read it directly).
import { APP_CONFIG } from '../config';
import { isHttpOk, TransportError } from './api';
import { activeBackend, downloadFromCloud, uploadToCloud } from './cloud';

/** wx.uploadFile's form field that carries the file. */
const FILE_FIELD = 'file';

function failed(api: string, detail: unknown): TransportError {
  return new TransportError('NETWORK.FAILED', `${api}: ${String((detail as { errMsg?: string } | null)?.errMsg ?? detail)}`);
}

function parseBody(data: unknown): Record<string, unknown> | null {
  try {
    const body: unknown = typeof data === 'string' ? JSON.parse(data) : data;
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function uploadToEmulator(cloudPath: string, filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${APP_CONFIG.emulatorUrl}/wx/uploadFile`,
      filePath,
      name: FILE_FIELD,
      formData: { cloudPath },
      header: { 'X-WX-OPENID': APP_CONFIG.devOpenid },
      success(res) {
        const body = parseBody(res.data);
        const fileId = body?.fileID;
        if (!isHttpOk(res.statusCode) || typeof fileId !== 'string') reject(failed('uploadFile', body?.errMsg ?? `HTTP ${res.statusCode}`));
        else resolve(fileId);
      },
      fail: (err) => reject(failed('uploadFile', err)),
    });
  });
}

/** Uploads one local file to `cloudPath`; resolves to its fileID. */
export async function uploadFile(cloudPath: string, filePath: string): Promise<string> {
  if (activeBackend() === 'emulator') return uploadToEmulator(cloudPath, filePath);
  try {
    return await uploadToCloud(cloudPath, filePath);
  } catch (err) {
    throw failed('uploadFile', err);
  }
}

/** A stored file on the phone (a local temp path): by its temporary URL when it has one, else by fileID through wx.cloud. */
export function downloadToLocal(file: { fileID: string; tempFileURL?: string }): Promise<string> {
  const url = file.tempFileURL ?? '';
  if (url === '') return downloadFromCloud(file.fileID);
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      success: (res) => (isHttpOk(res.statusCode) ? resolve(res.tempFilePath) : reject(new Error(`HTTP ${res.statusCode}`))),
      fail: reject,
    });
  });
}

/**
 * What <image> and wx.previewImage load for `fileIds`, in order: getRequest's temporary URLs, since
 * only a file's uploader may read it directly (database/storage-rules.json). A photo without one
 * (gone from storage) is left out: the text is what matters.
 */
export function shownPhotos(fileIds: readonly string[], photoUrls: Readonly<Record<string, string>> | undefined): string[] {
  return fileIds.map((id) => photoUrls?.[id] ?? '').filter((url) => url !== '');
}
