// Cloud storage as the mini-program reaches it in develop mode: the emulator's /wx/uploadFile and
// /wx/getTempFileURL entries, as a given user (X-WX-OPENID), where the storage rule applies
// (database/storage-rules.json). Functions reach storage through the SDK instead, as admin.

/** What wx.cloud.getTempFileURL resolves each file to. */
export interface ClientTempUrl {
  fileID: string;
  tempFileURL: string;
  status: number;
  errMsg: string;
}

/** wx.cloud.uploadFile as `openid`; resolves to the fileID, rejects with the emulator's errMsg. */
export async function uploadAs(emuUrl: string, openid: string, cloudPath: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.set('cloudPath', cloudPath);
  form.set('file', new Blob([Uint8Array.from(bytes)]), cloudPath.split('/').at(-1));
  const res = await fetch(`${emuUrl}/wx/uploadFile`, { method: 'POST', headers: { 'X-WX-OPENID': openid }, body: form });
  const body = (await res.json()) as { fileID?: string; errMsg?: string };
  if (!res.ok || body.fileID === undefined) throw new Error(body.errMsg ?? `HTTP ${res.status}`);
  return body.fileID;
}

/** wx.cloud.getTempFileURL as `openid`. */
export async function tempUrlsAs(emuUrl: string, openid: string, fileIds: readonly string[]): Promise<ClientTempUrl[]> {
  const res = await fetch(`${emuUrl}/wx/getTempFileURL`, {
    method: 'POST',
    headers: { 'X-WX-OPENID': openid, 'content-type': 'application/json' },
    body: JSON.stringify({ fileList: fileIds }),
  });
  return ((await res.json()) as { fileList: ClientTempUrl[] }).fileList;
}

/** The bytes a temporary URL serves (anyone holding the URL may load it, as on COS). */
export async function bytesAt(url: string): Promise<Buffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return Buffer.from(await res.arrayBuffer());
}
