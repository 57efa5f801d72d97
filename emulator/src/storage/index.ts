// The cloud-storage module: wx-server-sdk's uploadFile / getTempFileURL / downloadFile / deleteFile.
// Files live in the SQLite store (durable with a data folder, in memory otherwise). Uploads and
// downloads go through loopback routes that stand in for COS, with COS-style XML errors. The bucket's
// security rule (rules.ts) binds the mini-program's own entries only; functions act as admin.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorError, type ActionParams, type ModuleFactory } from '../context';
import { readBody, readJson, readMultipart, sendJson } from '../http-util';
import { clientAuth, loadStorageRules, type RuleAction } from './rules';

const UPLOAD_PREFIX = '/__storage/upload/';
const FILES_PREFIX = '/__storage/files/';
/** The mini-program's entries in develop mode, standing in for wx.cloud.uploadFile and getTempFileURL. */
const CLIENT_UPLOAD_PATH = '/wx/uploadFile';
const CLIENT_TEMP_URL_PATH = '/wx/getTempFileURL';
/** Lifetime of a temporary URL when the caller gives no maxAge. */
const DEFAULT_MAX_AGE_SECONDS = 86_400;
/** How long an upload authorisation from getUploadMetadata stays valid. */
const UPLOAD_AUTH_TTL_SECONDS = 600;
/** CloudBase's limit on a cloud path's encoded length. */
const MAX_CLOUD_PATH_BYTES = 850;
/** The numeric account part of a CloudBase bucket name; any stable value will do locally. */
const BUCKET_ACCOUNT = '1250000000';
const SECRET_BYTES = 32;
const MS_PER_SECOND = 1000;
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
/** The error code CloudBase gives when the storage rule (or another env's fileID) refuses a file. */
const EXCEED_AUTHORITY = 'STORAGE_EXCEED_AUTHORITY';

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** C0 controls and DEL, which COS refuses in an object key. */
const DELETE_CHARACTER = 0x7f;
const FIRST_PRINTABLE = 0x20;
function isControlCharacter(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < FIRST_PRINTABLE || code === DELETE_CHARACTER;
}

function contentTypeFor(cloudPath: string): string {
  return CONTENT_TYPES[path.extname(cloudPath).toLowerCase()] ?? 'application/octet-stream';
}

/** The bucket name CloudBase derives from the env: hex of its first two characters, the env, the account. */
function bucketFor(envId: string): string {
  return `${Buffer.from(envId.slice(0, 2)).toString('hex')}-${envId}-${BUCKET_ACCOUNT}`;
}

function fileIdFor(envId: string, cloudPath: string): string {
  return `cloud://${envId}.${bucketFor(envId)}/${cloudPath}`;
}

/** Splits cloud://<env>.<bucket>/<path>; undefined when the string is not a fileID at all. */
function parseFileId(fileId: string): { envId: string; bucket: string; cloudPath: string } | undefined {
  const m = /^cloud:\/\/([a-z0-9_-]+)\.([^/]+)\/(.+)$/.exec(fileId);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  return { envId: m[1], bucket: m[2], cloudPath: m[3] };
}

/**
 * Why a cloud path is unusable, or undefined. Beyond CloudBase's own rules the emulator refuses '#', '?'
 * and '%': temp URLs carry the path unencoded (the SDK runs encodeURI on them), so those could not round-trip.
 */
function cloudPathProblem(cloudPath: unknown): string | undefined {
  if (typeof cloudPath !== 'string' || cloudPath.length === 0) return 'cloudPath must be a non-empty string';
  if (cloudPath.startsWith('/')) return 'cloudPath must not start with "/"';
  if (cloudPath.includes('//')) return 'cloudPath must not contain "//"';
  if (Buffer.byteLength(cloudPath) > MAX_CLOUD_PATH_BYTES) return `cloudPath must be at most ${MAX_CLOUD_PATH_BYTES} bytes`;
  if (cloudPath.split('/').some((seg) => seg === '.' || seg === '..')) return 'cloudPath must not contain "." or ".." segments';
  if ([...cloudPath].some(isControlCharacter)) return 'cloudPath must not contain control characters';
  if (/[#?%]/.test(cloudPath)) return 'the emulator does not support "#", "?" or "%" in cloudPath';
  return undefined;
}

interface FileRow {
  path: string;
  content: Buffer;
  content_type: string;
}

/** The column holding a file's uploader; NULL for a file a function uploaded. */
const OWNER_COLUMN = 'owner_openid';

export const createStorageModule: ModuleFactory = (ctx) => {
  // Read first, so that a bad rule file stops the start before anything is written to the store.
  const rules = loadStorageRules(ctx.config.storageRulesFile);
  const db = ctx.store;
  db.exec(`
    CREATE TABLE IF NOT EXISTS storage_files (
      path TEXT PRIMARY KEY,
      content BLOB NOT NULL,
      content_type TEXT NOT NULL,
      size INTEGER NOT NULL,
      uploaded_ms INTEGER NOT NULL,
      ${OWNER_COLUMN} TEXT
    );
    CREATE TABLE IF NOT EXISTS storage_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  // A data folder from before owners were recorded: its files become ownerless, as if a function had uploaded them.
  const columns = db.prepare('PRAGMA table_info(storage_files)').all() as { name: string }[];
  if (!columns.some((c) => c.name === OWNER_COLUMN)) db.exec(`ALTER TABLE storage_files ADD COLUMN ${OWNER_COLUMN} TEXT`);
  // The signing secret is kept in the store so that temp URLs stay valid across a restart, as on COS.
  const existing = db.prepare("SELECT value FROM storage_meta WHERE key = 'secret'").get() as { value: string } | undefined;
  const secret = existing?.value ?? randomBytes(SECRET_BYTES).toString('hex');
  if (!existing) db.prepare("INSERT INTO storage_meta (key, value) VALUES ('secret', ?)").run(secret);

  const { envId } = ctx.config;
  const bucket = bucketFor(envId);
  const getFile = db.prepare('SELECT path, content, content_type FROM storage_files WHERE path = ?');
  const ownerOf = db.prepare(`SELECT ${OWNER_COLUMN} AS owner FROM storage_files WHERE path = ?`);
  // An upload replaces the whole object, its owner too (a function's upload leaves it ownerless), as a COS PUT replaces its metadata.
  const putFileStatement = db.prepare(
    `INSERT INTO storage_files (path, content, content_type, size, uploaded_ms, ${OWNER_COLUMN}) VALUES (?, ?, ?, ?, ?, ?) ` +
      'ON CONFLICT(path) DO UPDATE SET content = excluded.content, content_type = excluded.content_type, size = excluded.size, ' +
      `uploaded_ms = excluded.uploaded_ms, ${OWNER_COLUMN} = excluded.${OWNER_COLUMN}`,
  );
  const putFile = (cloudPath: string, content: Buffer, owner: string | null): void => {
    putFileStatement.run(cloudPath, content, contentTypeFor(cloudPath), content.length, ctx.clock.now(), owner);
  };
  /** The file's row, undefined when there is none: `owner` null for a function's file. */
  const fileOwner = (cloudPath: string): { owner: string | null } | undefined => ownerOf.get(cloudPath) as { owner: string | null } | undefined;
  /** Whether the bucket's rule lets mini-program user `openid` do `action` on a file owned by `owner`. */
  const ruleAllows = (action: RuleAction, openid: string, owner: string | null): boolean =>
    rules.allows(action, { auth: clientAuth(openid), resource: { openid: owner } });
  const refusal = (action: RuleAction, openid: string): string =>
    `the storage rule's ${action} (${JSON.stringify(rules.source[action])}) refuses user ${openid} for this file`;
  const deleteFile = db.prepare('DELETE FROM storage_files WHERE path = ?');

  const sign = (purpose: string, cloudPath: string, expiresSec: number): string =>
    createHmac('sha256', secret).update(`${purpose}\n${cloudPath}\n${expiresSec}`).digest('hex');
  const signatureMatches = (expected: string, given: string): boolean =>
    expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
  const nowSec = (): number => Math.floor(ctx.clock.now() / MS_PER_SECOND);

  /** The path of a fileID in this env, or a per-file error code as CloudBase reports it. */
  function resolve(fileId: unknown): { cloudPath: string } | { code: string; message: string } {
    const parsed = typeof fileId === 'string' ? parseFileId(fileId) : undefined;
    if (!parsed) throw new EmulatorError('INVALID_PARAM', `invalid fileID ${JSON.stringify(fileId)}: expected cloud://<envId>.<bucket>/<path>`);
    if (parsed.envId !== envId || parsed.bucket !== bucket) {
      return { code: EXCEED_AUTHORITY, message: `fileID ${String(fileId)} belongs to another env or bucket (this env: ${envId}.${bucket})` };
    }
    return { cloudPath: parsed.cloudPath };
  }

  const cosError = (res: ServerResponse, status: number, code: string, message: string, resource: string): void => {
    const requestId = randomUUID();
    const xml =
      `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>${escapeXml(message)}</Message>\n` +
      `<Resource>${escapeXml(resource)}</Resource>\n<RequestId>${requestId}</RequestId>\n<TraceId>${requestId}</TraceId>\n</Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml), 'x-cos-request-id': requestId });
    res.end(xml);
  };

  /** The cloud path in a loopback storage URL, or undefined when it cannot be decoded. */
  const pathFrom = (url: URL, prefix: string): string | undefined => {
    try {
      return decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      return undefined;
    }
  };

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const cloudPath = pathFrom(url, UPLOAD_PREFIX);
    const body = await readBody(req);
    if (cloudPath === undefined || cloudPathProblem(cloudPath) !== undefined) {
      cosError(res, HTTP_BAD_REQUEST, 'InvalidURI', 'invalid object key', url.pathname);
      return;
    }
    // The SDK sends the authorization from getUploadMetadata as both `authorization` and `Signature`.
    const auth = String(req.headers.authorization ?? '');
    const m = /^q-sign-time=(\d+)&q-signature=([0-9a-f]+)$/.exec(auth);
    const expiresSec = Number(m?.[1]);
    if (!m || !signatureMatches(sign('upload', cloudPath, expiresSec), m[2] ?? '')) {
      cosError(res, HTTP_FORBIDDEN, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided', cloudPath);
      return;
    }
    if (expiresSec < nowSec()) {
      cosError(res, HTTP_FORBIDDEN, 'AccessDenied', 'Request has expired', cloudPath);
      return;
    }
    // A function's upload (getUploadMetadata's URL): no user, so no owner and no rule.
    putFile(cloudPath, body, null);
    // COS answers a successful PUT with an empty body, which the SDK reads as "no <Error>".
    res.writeHead(HTTP_OK, { 'content-length': 0 });
    res.end();
  }

  function handleDownload(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const cloudPath = pathFrom(url, FILES_PREFIX);
    if (cloudPath === undefined) {
      cosError(res, HTTP_BAD_REQUEST, 'InvalidURI', 'invalid object key', url.pathname);
      return;
    }
    const expiresSec = Number(url.searchParams.get('t'));
    if (!signatureMatches(sign('download', cloudPath, expiresSec), url.searchParams.get('sign') ?? '')) {
      cosError(res, HTTP_FORBIDDEN, 'AccessDenied', 'Access Denied: invalid sign', cloudPath);
      return;
    }
    if (expiresSec < nowSec()) {
      cosError(res, HTTP_FORBIDDEN, 'AccessDenied', 'Request has expired', cloudPath);
      return;
    }
    const row = getFile.get(cloudPath) as FileRow | undefined;
    if (!row) {
      cosError(res, HTTP_NOT_FOUND, 'NoSuchKey', 'The specified key does not exist.', cloudPath);
      return;
    }
    res.writeHead(HTTP_OK, { 'content-type': row.content_type, 'content-length': row.content.length });
    res.end(req.method === 'HEAD' ? undefined : row.content);
  }

  /**
   * One file's temporary URL, as batchGetDownloadUrl reports it. With `reader` (a mini-program user) the
   * rule's read applies; a function passes none and reads every file.
   */
  function tempUrlEntry(
    fileId: unknown,
    maxAge: number,
    reader?: string,
  ): { fileID: string; tempFileURL: string; code: string; message?: string; maxAge: number } {
    const target = resolve(fileId);
    const fileID = String(fileId);
    if ('code' in target) return { fileID, tempFileURL: '', code: target.code, message: target.message, maxAge };
    const file = fileOwner(target.cloudPath);
    if (!file) return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: `file ${fileID} does not exist`, maxAge };
    if (reader !== undefined && !ruleAllows('read', reader, file.owner)) {
      return { fileID, tempFileURL: '', code: EXCEED_AUTHORITY, message: refusal('read', reader), maxAge };
    }
    const expiresSec = nowSec() + Math.floor(maxAge);
    // The path stays unencoded, as CloudBase returns it: the SDK applies encodeURI before downloading.
    const tempFileURL = `${ctx.baseUrl()}${FILES_PREFIX}${target.cloudPath}?sign=${sign('download', target.cloudPath, expiresSec)}&t=${expiresSec}`;
    return { fileID, tempFileURL, code: 'SUCCESS', maxAge };
  }

  /** wx.cloud needs a user; so do these entries, as X-WX-OPENID like /wx/callFunction. Answers the openid, or undefined once refused. */
  function callerOf(req: IncomingMessage, res: ServerResponse, api: string): string | undefined {
    const openid = req.headers['x-wx-openid'];
    if (typeof openid === 'string' && openid !== '') return openid;
    sendJson(res, HTTP_UNAUTHORIZED, { errCode: 'UNAUTHENTICATED', errMsg: `${api}:fail the X-WX-OPENID header (the calling user's openid) is required` });
    return undefined;
  }

  /** wx.uploadFile of a multipart form with `cloudPath` and the `file` part: answers { fileID } as wx.cloud.uploadFile resolves. */
  async function handleClientUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = callerOf(req, res, 'cloud.uploadFile');
    if (caller === undefined) return;
    let form: ActionParams;
    try {
      form = await readMultipart(req);
    } catch (err) {
      sendJson(res, HTTP_BAD_REQUEST, { errCode: 'INVALID_PARAM', errMsg: `cloud.uploadFile:fail ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const { cloudPath, file } = form;
    const problem = cloudPathProblem(cloudPath);
    if (problem !== undefined || !Buffer.isBuffer(file)) {
      sendJson(res, HTTP_BAD_REQUEST, { errCode: 'INVALID_PARAM', errMsg: `cloud.uploadFile:fail ${problem ?? 'the form needs a file part named "file"'}` });
      return;
    }
    const p = cloudPath as string;
    // A new file will be the caller's; an existing one is judged by its current owner. No await from here
    // to the write, so no other request can slip in between.
    const existing = fileOwner(p);
    if (!ruleAllows('write', caller, existing === undefined ? caller : existing.owner)) {
      sendJson(res, HTTP_FORBIDDEN, { errCode: EXCEED_AUTHORITY, errMsg: `cloud.uploadFile:fail ${EXCEED_AUTHORITY}: ${refusal('write', caller)}` });
      return;
    }
    putFile(p, file, caller);
    sendJson(res, HTTP_OK, { fileID: fileIdFor(envId, p), errMsg: 'cloud.uploadFile:ok' });
  }

  /** JSON { fileList: [fileID or { fileID, maxAge }] }: answers as wx.cloud.getTempFileURL resolves. */
  async function handleClientTempUrl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = callerOf(req, res, 'cloud.getTempFileURL');
    if (caller === undefined) return;
    try {
      const list = (await readJson(req)).fileList;
      if (!Array.isArray(list) || list.length === 0) throw new EmulatorError('INVALID_PARAM', 'fileList must be a non-empty array');
      const fileList = list.map((item: unknown) => {
        const entry = typeof item === 'string' ? { fileID: item, maxAge: DEFAULT_MAX_AGE_SECONDS } : ((item ?? {}) as { fileID?: unknown; maxAge?: unknown });
        const { fileID, tempFileURL, code, message } = tempUrlEntry(entry.fileID, Number(entry.maxAge ?? DEFAULT_MAX_AGE_SECONDS), caller);
        return code === 'SUCCESS' ? { fileID, tempFileURL, status: 0, errMsg: 'ok' } : { fileID, tempFileURL, status: -1, errMsg: `${code}: ${message ?? ''}` };
      });
      sendJson(res, HTTP_OK, { fileList, errMsg: 'cloud.getTempFileURL:ok' });
    } catch (err) {
      sendJson(res, HTTP_BAD_REQUEST, { errCode: 'INVALID_PARAM', errMsg: `cloud.getTempFileURL:fail ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  const actions = {
    'storage.getUploadMetadata': (params: ActionParams) => {
      const cloudPath = params.path;
      const problem = cloudPathProblem(cloudPath);
      if (problem !== undefined) throw new EmulatorError('INVALID_PARAM', `storage.getUploadMetadata: ${problem}`);
      const p = cloudPath as string;
      if (params.method !== undefined && params.method !== 'put') {
        throw new EmulatorError('INVALID_PARAM', `storage.getUploadMetadata: the emulator supports only method "put" (got ${String(params.method)})`);
      }
      const expiresSec = nowSec() + UPLOAD_AUTH_TTL_SECONDS;
      const authorization = `q-sign-time=${expiresSec}&q-signature=${sign('upload', p, expiresSec)}`;
      const fileId = fileIdFor(envId, p);
      return {
        data: {
          url: `${ctx.baseUrl()}${UPLOAD_PREFIX}${p.split('/').map(encodeURIComponent).join('/')}`,
          token: `emulator-${randomUUID()}`,
          authorization,
          fileId,
          // The SDK sends this as an HTTP header, so it must stay ASCII; on CloudBase it is opaque too.
          cosFileId: Buffer.from(`${bucket}/${p}`).toString('base64url'),
          download_url: `${ctx.baseUrl()}${FILES_PREFIX}${p}`,
        },
      };
    },
    'storage.batchGetDownloadUrl': (params: ActionParams) => {
      const list = params.file_list;
      if (!Array.isArray(list) || list.length === 0)
        throw new EmulatorError('INVALID_PARAM', 'storage.batchGetDownloadUrl: file_list must be a non-empty array');
      const downloadList = list.map((item: unknown) => {
        const entry = (item ?? {}) as { fileid?: unknown; max_age?: unknown };
        const maxAge = entry.max_age === undefined ? DEFAULT_MAX_AGE_SECONDS : Number(entry.max_age);
        if (!Number.isFinite(maxAge) || maxAge <= 0)
          throw new EmulatorError('INVALID_PARAM', `storage.batchGetDownloadUrl: invalid max_age ${String(entry.max_age)}`);
        return tempUrlEntry(entry.fileid, maxAge);
      });
      return { data: { download_list: downloadList } };
    },
    'storage.batchDeleteFile': (params: ActionParams) => {
      const list = params.fileid_list;
      if (!Array.isArray(list) || list.length === 0) throw new EmulatorError('INVALID_PARAM', 'storage.batchDeleteFile: fileid_list must be a non-empty array');
      const deleteList = list.map((fileId: unknown) => {
        const target = resolve(fileId);
        const fileID = String(fileId);
        if ('code' in target) return { fileID, code: target.code, message: target.message };
        const { changes } = deleteFile.run(target.cloudPath);
        return changes > 0 ? { fileID, code: 'SUCCESS' } : { fileID, code: 'STORAGE_FILE_NONEXIST', message: `file ${fileID} does not exist` };
      });
      return { data: { delete_list: deleteList } };
    },
  };

  return {
    name: 'storage',
    actions,
    routes: [
      { method: 'PUT', path: UPLOAD_PREFIX, handle: handleUpload },
      { method: 'GET', path: FILES_PREFIX, handle: handleDownload },
      { method: 'HEAD', path: FILES_PREFIX, handle: handleDownload },
      { method: 'POST', path: CLIENT_UPLOAD_PATH, handle: handleClientUpload },
      { method: 'POST', path: CLIENT_TEMP_URL_PATH, handle: handleClientTempUrl },
    ],
    reset() {
      db.exec('DELETE FROM storage_files');
    },
    health() {
      const row = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM storage_files').get() as { n: number; bytes: number };
      return { files: row.n, bytes: row.bytes, rules: rules.source };
    },
  };
};

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
