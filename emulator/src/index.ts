// @lianxin/cloudbase-emulator: a local CloudBase (微信云开发) for the unmodified wx-server-sdk. The
// package's public entry: start an emulator, get an EmulatorInstance back, stop it when done.
//
//   const emulator = await startEmulator({ port: 0, functionsDir: 'cloudfunctions', indexesFile: 'database/indexes.json' });
//   Object.assign(process.env, emulator.sdkEnvironment()); // wx-server-sdk in this process now talks to it
//   await emulator.stop();
//
// Test harness (the real SDK wired up, control-API clients): './testing'. Command line: './cli'.
export { startEmulator, type EmulatorInfo, type EmulatorInstance } from './server';
export { DEFAULT_APP_ID, DEFAULT_ENV_ID, DEFAULT_HOST, DEFAULT_PORT, resolveConfig, sdkEnvironment, type EmulatorOptions } from './config';
export type { EmulatorConfig } from './context';
export type { EmulatorClock } from './clock';
export type { FaultSpec, FaultTarget, Faults } from './faults';
export { list as commaList, parseEmulatorArgs, runEmulatorCli, type CliFlag, type CliHooks } from './cli';
/** CloudBase's function timeout when a function's config.json gives none, in seconds. */
export { DEFAULT_TIMEOUT_SEC } from './functions/discovery';
export { isPlanName, PLANS, type PlanName, type QuotaPlan, type QuotaUsage } from './quotas';
