// Stored files as the domain sees them: a fileID (cloud://<env>.<bucket>/<path>) and the folder it
// lies in. A function that acts on a fileID the client names (photos whose URLs getRequest hands
// out, a register sheet importHouseholds reads as admin) accepts only its own folder, so a client
// cannot make it read or hand out any other file (database/storage-rules.json binds clients only).

/** The path inside the bucket of a fileID, or '' when it is not one. */
function cloudPathOf(fileId: string): string {
  return /^cloud:\/\/[^/]+\/(.+)$/.exec(fileId)?.[1] ?? '';
}

/** Whether the file lies under `pathPrefix` (a folder and the start of a name, e.g. `requests/<key>-`). */
export function isStoredUnder(fileId: string, pathPrefix: string): boolean {
  return cloudPathOf(fileId).startsWith(pathPrefix);
}
