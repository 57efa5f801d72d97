// The phone's one door to CloudBase: the switch between the real cloud and the local emulator, and
// every wx.cloud call (init, functions, storage, the realtime watch). services/api.ts and
// services/files.ts speak to the emulator themselves where the switch says so; nothing else in the
// mini-program touches wx.cloud.
import { APP_CONFIG, type AppConfig } from '../config';

export type Backend = 'emulator' | 'cloud';
export type EnvVersion = 'develop' | 'trial' | 'release';

/** The one switch between the cloud and the local emulator ('auto': the emulator in develop only). */
export function chooseBackend(config: Pick<AppConfig, 'backend'>, envVersion: EnvVersion): Backend {
  if (config.backend === 'auto') return envVersion === 'develop' ? 'emulator' : 'cloud';
  return config.backend;
}

export function currentEnvVersion(): EnvVersion {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion;
  } catch {
    return 'release';
  }
}

/** The backend this run talks to: function calls, files and the realtime watch all follow it. */
export function activeBackend(): Backend {
  return chooseBackend(APP_CONFIG, currentEnvVersion());
}

/** At launch (app.ts): wx.cloud.init once, where the base library has wx.cloud. */
export function initCloud(): void {
  if (wx.cloud === undefined) return;
  wx.cloud.init(APP_CONFIG.cloudEnv === '' ? { traceUser: true } : { env: APP_CONFIG.cloudEnv, traceUser: true });
}

/** wx.cloud.callFunction: resolves to the function's own return value. */
export async function callCloudFunction(name: string, data: WechatMiniprogram.IAnyObject): Promise<unknown> {
  return (await wx.cloud.callFunction({ name, data })).result;
}

/** wx.cloud.uploadFile: resolves to the new file's fileID. */
export async function uploadToCloud(cloudPath: string, filePath: string): Promise<string> {
  return (await wx.cloud.uploadFile({ cloudPath, filePath })).fileID;
}

/** wx.cloud.downloadFile: resolves to a local temp path. */
export async function downloadFromCloud(fileID: string): Promise<string> {
  return (await wx.cloud.downloadFile({ fileID })).tempFilePath;
}

/** CloudBase replaces this placeholder in a query with the caller's openid on the server. */
export const CALLER_OPENID = '{openid}';

export interface LiveDocuments<T> {
  /** Every matching document, each time any of them changes. */
  onChange(docs: T[]): void;
  /** The watch stopped (socket dropped, the security rule refused); it sends nothing more. */
  onError(): void;
}

export interface Watcher {
  close(): void;
}

/**
 * A realtime watch on the documents of `collection` matching `where`, typed as `T` here, where they
 * arrive. Null where no watch can run: against the emulator (it has no realtime channel), on a base
 * library without wx.cloud.database, or when starting it throws.
 */
export function watchDocuments<T>(collection: string, where: WechatMiniprogram.IAnyObject, live: LiveDocuments<T>): Watcher | null {
  if (activeBackend() !== 'cloud' || typeof wx.cloud?.database !== 'function') return null;
  try {
    const watcher = wx.cloud
      .database()
      .collection(collection)
      .where(where)
      .watch({
        onChange(snapshot: { docs: unknown }) {
          // The typings call docs a record; at run time it is the array of matching documents.
          live.onChange(Array.isArray(snapshot.docs) ? (snapshot.docs as T[]) : []);
        },
        onError() {
          live.onError();
        },
      }) as unknown as { close(): unknown };
    return {
      close() {
        // Closing a watcher that already failed may throw or reject; it is gone either way.
        try {
          Promise.resolve(watcher.close()).catch(() => undefined);
        } catch {
          // As above.
        }
      },
    };
  } catch {
    return null;
  }
}
