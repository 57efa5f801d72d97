// Mini-program codes (wxacode.getUnlimited) for a signed scene, stored in cloud storage so leaders can
// print or share them. The storage path is chosen by the caller and deterministic, so a retry
// overwrites the same file rather than piling up copies.
import type { WxCloud } from '../cloud';
import { temporaryUrl } from '../files';

export const JOIN_PAGE = 'pages/join/index';
export const INVITE_PAGE = 'pages/invite/index';
/** Printed on building doors: large enough to scan from a step back. */
const QR_WIDTH_PX = 430;
const ENV_VERSIONS = ['release', 'trial', 'develop'] as const;
type EnvVersion = (typeof ENV_VERSIONS)[number];
/** How long the returned temporary URL serves the image; the fileID itself does not expire. */
const QR_TEMP_URL_MAX_AGE_S = 2 * 60 * 60;

/** Which mini-program build the code opens: WXACODE_ENV_VERSION, else the released one. */
export function wxacodeEnvVersion(value: string | undefined = process.env.WXACODE_ENV_VERSION): EnvVersion {
  return (ENV_VERSIONS as readonly string[]).includes(value ?? '') ? (value as EnvVersion) : 'release';
}

export interface QrFile {
  fileID: string;
  tempFileURL?: string;
}

interface WxacodeResult {
  contentType?: string;
  buffer: Buffer | Uint8Array;
}

/** Open API: getUnlimited, then storage: upload and a temporary URL (the storage rule lets no client read a function's upload). No database round trip. */
export async function makeQrFile(cloud: WxCloud, options: { scene: string; page: string; cloudPath: string }): Promise<QrFile> {
  // The SDK types its open API as `any`: the result's shape is named here.
  const code: WxacodeResult = await cloud.openapi.wxacode.getUnlimited({
    scene: options.scene,
    page: options.page,
    // The page may not be published yet when codes are printed for a new build.
    checkPath: false,
    envVersion: wxacodeEnvVersion(),
    width: QR_WIDTH_PX,
  });
  const uploaded = await cloud.uploadFile({ cloudPath: options.cloudPath, fileContent: Buffer.from(code.buffer) });
  const tempFileURL = await temporaryUrl(cloud, uploaded.fileID, QR_TEMP_URL_MAX_AGE_S);
  return { fileID: uploaded.fileID, ...(tempFileURL ? { tempFileURL } : {}) };
}
