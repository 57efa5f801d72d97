// The control API: health, the controllable clock and fault arming.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './helpers';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ clockStartMs: Date.UTC(2026, 10, 24, 2, 0, 0) });
});
afterAll(() => emu.stop());

describe('control API', () => {
  it('reports health with the env id and the emulator clock', async () => {
    const res = await fetch(`${emu.url}/__emulator/health`);
    const body = (await res.json()) as { ok: boolean; envId: string; nowMs: number };
    expect(res.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.envId).toBe('local-env');
    expect(Math.abs(body.nowMs - Date.UTC(2026, 10, 24, 2, 0, 0))).toBeLessThan(60_000);
  });

  it('advances and sets the clock', async () => {
    const before = await emu.control.now();
    const after = await emu.control.advance(10 * 60_000);
    expect(after - before).toBeGreaterThanOrEqual(10 * 60_000);
    expect(after - before).toBeLessThan(10 * 60_000 + 5_000);
    const set = await emu.control.setClock(Date.UTC(2030, 0, 1));
    expect(set).toBe(Date.UTC(2030, 0, 1));
  });

  it('rejects a malformed clock request with 400 and a clear message', async () => {
    const res = await fetch(`${emu.url}/__emulator/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: -5 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errMsg: string }).errMsg).toMatch(/advanceMs/);
  });

  it('arms faults and clears them on reset', async () => {
    await emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: 2, errcode: 43101 });
    const armed = (await (await fetch(`${emu.url}/__emulator/faults`)).json()) as { faults: unknown[] };
    expect(armed.faults).toHaveLength(1);
    await emu.control.reset();
    const after = (await (await fetch(`${emu.url}/__emulator/faults`)).json()) as { faults: unknown[] };
    expect(after.faults).toHaveLength(0);
  });

  it('answers an unknown SDK action with a named, clear error', async () => {
    const res = await fetch(`${emu.url}/admin`, { method: 'POST', body: JSON.stringify({ action: 'database.teleport' }) });
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('ACTION_NOT_SUPPORTED');
    expect(body.message).toContain('database.teleport');
  });
});
