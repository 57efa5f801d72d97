// The package's one way in: startEmulator's neutral defaults and the EmulatorInstance it answers, and
// the CLI's flags layered over an app's own defaults and flags.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, DEFAULT_ENV_ID, parseEmulatorArgs, resolveConfig, sdkEnvironment, startEmulator, type CliHooks } from '../src';

const silent = { port: 0, log: () => undefined };

describe('startEmulator', () => {
  it('assumes no app: in memory, no functions, no collections, placeholder env id and appid', async () => {
    const emulator = await startEmulator(silent);
    try {
      expect(emulator.getInfo()).toEqual({
        name: 'cloudbase',
        host: '127.0.0.1',
        port: emulator.port,
        url: emulator.url,
        envId: DEFAULT_ENV_ID,
        appId: DEFAULT_APP_ID,
        dataDir: null,
        functionsDir: null,
        indexesFile: null,
        storageRulesFile: null,
        modules: ['database', 'storage', 'openapi', 'functions'],
      });
      expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
      expect(emulator.sdkEnvironment()).toEqual(sdkEnvironment(emulator.url, DEFAULT_ENV_ID, DEFAULT_APP_ID));
      const health = (await (await fetch(`${emulator.url}/__emulator/health`)).json()) as { envId: string };
      expect(health.envId).toBe(DEFAULT_ENV_ID);
      const call = await fetch(`${emulator.url}/wx/callFunction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-WX-OPENID': 'o-1' },
        body: JSON.stringify({ name: 'anything', data: {} }),
      });
      expect(((await call.json()) as { errMsg: string }).errMsg).toMatch(/ResourceNotFound\.FunctionName.*without a functions folder/);
    } finally {
      await emulator.stop();
    }
  });

  it('exposes the clock and the fault switches the control API drives', async () => {
    const emulator = await startEmulator({ ...silent, envId: 'my-env-1a2b', clockStartMs: Date.UTC(2030, 0, 1) });
    try {
      expect(emulator.envId).toBe('my-env-1a2b');
      expect(Math.abs(emulator.clock.now() - Date.UTC(2030, 0, 1))).toBeLessThan(60_000);
      await emulator.clock.advanceTo(Date.UTC(2030, 0, 2));
      const { nowMs } = (await (await fetch(`${emulator.url}/__emulator/clock`)).json()) as { nowMs: number };
      expect(nowMs).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 2));
      emulator.faults.arm({ target: 'openApi', count: 1 });
      const { faults } = (await (await fetch(`${emulator.url}/__emulator/faults`)).json()) as { faults: unknown[] };
      expect(faults).toEqual([{ target: 'openApi', count: 1 }]);
    } finally {
      await emulator.stop();
    }
  });

  it('stops once: a second stop is harmless and the port is released', async () => {
    const emulator = await startEmulator(silent);
    await Promise.all([emulator.stop(), emulator.stop()]);
    await emulator.stop();
    await expect(fetch(`${emulator.url}/__emulator/health`)).rejects.toThrow();
  });
});

describe('resolveConfig', () => {
  it('layers options over the neutral defaults, an undefined option leaving the layer below', () => {
    const config = resolveConfig({ envId: 'a', riskyWords: ['x'] }, { envId: undefined, appId: 'wx1' });
    expect(config).toMatchObject({
      envId: 'a',
      appId: 'wx1',
      riskyWords: ['x'],
      dataDir: null,
      functionsDir: null,
      indexesFile: null,
      storageRulesFile: null,
      functionEnv: {},
      realtimeTimers: true,
    });
  });
});

describe('parseEmulatorArgs', () => {
  const app: CliHooks = {
    defaults: { dataDir: '/app/.data', functionsDir: '/app/functions', envId: 'app-env', functionEnv: { ADMIN_OPENIDS: 'o-admin', MODE: 'local' } },
    flags: {
      admin: { value: 'OPENID,...', description: 'admins', apply: (value, config) => ({ functionEnv: { ...config.functionEnv, ADMIN_OPENIDS: value } }) },
    },
  };

  it('without flags takes the neutral defaults, with a data folder in the working directory', () => {
    const config = parseEmulatorArgs([]);
    expect(config).toMatchObject({ port: 8787, dataDir: path.resolve('.data'), functionsDir: null, indexesFile: null, envId: DEFAULT_ENV_ID, functionEnv: {} });
  });

  it("keeps the app's defaults unless a flag overrides them", () => {
    expect(parseEmulatorArgs([], app)).toMatchObject({
      dataDir: '/app/.data',
      functionsDir: '/app/functions',
      envId: 'app-env',
      functionEnv: { ADMIN_OPENIDS: 'o-admin', MODE: 'local' },
    });
    const config = parseEmulatorArgs(
      [
        '--memory',
        '--functions',
        'fns',
        '--indexes',
        'idx.json',
        '--storage-rules',
        'rules.json',
        '--env-id',
        'e2',
        '--app-id',
        'wx2',
        '--risky-words',
        'a, b',
        '--port',
        '0',
      ],
      app,
    );
    expect(config).toMatchObject({
      port: 0,
      dataDir: null,
      functionsDir: path.resolve('fns'),
      indexesFile: path.resolve('idx.json'),
      storageRulesFile: path.resolve('rules.json'),
      envId: 'e2',
      appId: 'wx2',
      riskyWords: ['a', 'b'],
    });
  });

  it("merges --env into the app's function environment, and applies the app's own flags last", () => {
    const config = parseEmulatorArgs(['--env', 'MODE=test', '--env', 'EXTRA=a=b', '--admin', 'o-1,o-2'], app);
    expect(config).not.toBe('help');
    if (config === 'help') return;
    expect(config.functionEnv).toEqual({ ADMIN_OPENIDS: 'o-1,o-2', MODE: 'test', EXTRA: 'a=b' });
  });

  it('refuses a bad --env, a bad --port and an unknown flag, and answers --help', () => {
    expect(() => parseEmulatorArgs(['--env', 'NOVALUE'])).toThrow(/KEY=VALUE/);
    expect(() => parseEmulatorArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseEmulatorArgs(['--admin', 'o-1'])).toThrow();
    expect(parseEmulatorArgs(['--help'], app)).toBe('help');
  });
});
