// Temporary URLs for stored files. The storage rule (database/storage-rules.json) lets only a file's
// uploader read it from the phone, and a function's own uploads not at all, so anyone else who may see
// a file is given a URL that a function issues after its own access check. getTempFileURL is a storage
// call: it costs no database quota.
import type { WxCloud } from './cloud';

/** CloudBase takes at most 50 fileIDs per getTempFileURL call. */
const TEMP_URL_FILES_PER_CALL = 50;

/** A URL for a file the page downloads at once (a sheet to open): enough for a slow network, no more. */
export const DOWNLOAD_NOW_URL_MAX_AGE_S = 10 * 60;

/** What the SDK (typed loosely) answers for each file. */
interface TempUrlReply {
  fileList?: Array<{ fileID?: string; tempFileURL?: string; status?: number }>;
}

/** Each stored file's temporary URL, by fileID; a file that storage does not hold is left out. */
export async function temporaryUrls(cloud: WxCloud, fileIds: readonly string[], maxAgeSeconds: number): Promise<Record<string, string>> {
  const unique = [...new Set(fileIds)];
  const calls: string[][] = [];
  for (let at = 0; at < unique.length; at += TEMP_URL_FILES_PER_CALL) calls.push(unique.slice(at, at + TEMP_URL_FILES_PER_CALL));
  const replies = (await Promise.all(
    calls.map((chunk) => cloud.getTempFileURL({ fileList: chunk.map((fileID) => ({ fileID, maxAge: maxAgeSeconds })) })),
  )) as TempUrlReply[];
  const urls: Record<string, string> = {};
  for (const entry of replies.flatMap((reply) => reply.fileList ?? [])) {
    if (entry.status === 0 && entry.fileID !== undefined && entry.tempFileURL) urls[entry.fileID] = entry.tempFileURL;
  }
  return urls;
}

/** One stored file's temporary URL, or undefined when storage does not hold it. */
export async function temporaryUrl(cloud: WxCloud, fileId: string, maxAgeSeconds: number): Promise<string | undefined> {
  return (await temporaryUrls(cloud, [fileId], maxAgeSeconds))[fileId];
}
