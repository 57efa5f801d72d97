// The one place the backend initialises wx-server-sdk. Production and the local emulator run the same
// call: the SDK finds its environment (and, locally, the emulator's URL) in the process environment.
import cloud from 'wx-server-sdk';

let initialised = false;

export type WxCloud = typeof cloud;
export type Database = ReturnType<WxCloud['database']>;

export function getCloud(): WxCloud {
  if (!initialised) {
    // The SDK's typings declare DYNAMIC_CURRENT_ENV a symbol but `env` a string; the SDK takes the symbol.
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
    initialised = true;
  }
  return cloud;
}

export function getDb(): Database {
  return getCloud().database();
}
