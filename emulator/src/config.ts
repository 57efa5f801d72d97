// Default emulator configuration, shared by the CLI and the test helper.
import path from 'node:path';
import type { EmulatorConfig } from './context';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export const DEFAULT_PORT = 8787;
export const DEFAULT_ENV_ID = 'lianxin-local';
export const DEFAULT_APP_ID = 'wx0000000000000000';
/** A small default list so that msgSecCheck can be tried locally; override with --risky-words. */
const DEFAULT_RISKY_WORDS = ['赌博', '诈骗', '枪支'];

export function defaultConfig(overrides: Partial<EmulatorConfig> = {}): EmulatorConfig {
  return {
    host: '127.0.0.1',
    port: DEFAULT_PORT,
    dataDir: path.join(PROJECT_ROOT, '.data'),
    functionsDir: path.join(PROJECT_ROOT, 'cloudfunctions'),
    indexesFile: path.join(PROJECT_ROOT, 'database', 'indexes.json'),
    envId: DEFAULT_ENV_ID,
    appId: DEFAULT_APP_ID,
    adminOpenids: [],
    functionEnv: {},
    realtimeTimers: true,
    riskyWords: DEFAULT_RISKY_WORDS,
    log: (line) => console.log(line),
    ...overrides,
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
