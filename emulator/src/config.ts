// The emulator's settings. Every option has a neutral default: in memory, no functions, no declared
// collections, a placeholder env id and appid. What an app runs on it (its functions folder, indexes
// file, storage rule, env id, data folder, function environment) is the caller's to pass in.
import type { EmulatorConfig } from './context';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
export const DEFAULT_ENV_ID = 'local-env';
export const DEFAULT_APP_ID = 'wx0000000000000000';

/** What startEmulator accepts: any subset of the settings; the rest take their neutral defaults. */
export type EmulatorOptions = Partial<EmulatorConfig>;

/** The full settings: each layer of options over the previous, over the neutral defaults. */
export function resolveConfig(...layers: EmulatorOptions[]): EmulatorConfig {
  // An option given as undefined means "the layer below decides", not "unset".
  const given: EmulatorOptions = Object.assign({}, ...layers.map((layer) => Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined))));
  return {
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    dataDir: null,
    functionsDir: null,
    indexesFile: null,
    storageRulesFile: null,
    envId: DEFAULT_ENV_ID,
    appId: DEFAULT_APP_ID,
    functionEnv: {},
    realtimeTimers: true,
    riskyWords: [],
    plan: null,
    log: (line) => console.log(line),
    ...given,
  };
}

/**
 * The environment a process needs so that the unmodified wx-server-sdk talks to the emulator: the
 * same variables SCF sets in a real function instance, with the service URL pointing at loopback.
 */
export function sdkEnvironment(baseUrl: string, envId: string, appId: string): Record<string, string> {
  return {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: envId,
    TCB_ENV: envId,
    // The SDK signs requests with these; the emulator does not check signatures.
    TENCENTCLOUD_SECRETID: 'emulator-secret-id',
    TENCENTCLOUD_SECRETKEY: 'emulator-secret-key',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${baseUrl}/admin` }),
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_SOURCE,WX_CLIENTIP',
    WX_APPID: appId,
    SILENCE: 'true',
  };
}
