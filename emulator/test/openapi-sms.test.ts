// SMS with a URL Link through the real wx-server-sdk: urllink.generate issues links the emulator keeps
// (resolvable by the test endpoint, expiring on the emulator clock, surviving a restart) and
// cloudbase.sendSmsV2 sends them within WeChat's limits; both land in the outbox and honour faults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure, startTestEmulator, useTestEmulator } from './helpers';
import type { OutboxMessage } from '../src/testing';

const START_MS = Date.UTC(2026, 10, 24, 2, 0, 0);
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;
const ENV_ID = 'sms-test-env';
const PAGE = 'pages/request/detail';
const QUERY = 'id=req-42&from=sms';
const SMS_TEMPLATE = '2053122';
const PHONE = '+8613800138000';
const OTHER_PHONE = '+8613900139000';
const MAX_PHONE_NUMBERS = 1000;
const CUSTOM_VARIABLE_MAX = 30;
const URL_LINK_FORM = /^https:\/\/wxaurl\.cn\/[0-9A-Za-z]{11}$/;

type OutboxMsg = OutboxMessage<Record<string, unknown>, Record<string, any>>;

interface SendStatus {
  serialNo: string;
  phoneNumber: string;
  code: string;
  message: string;
  isoCode: string;
}

const suite = useTestEmulator({ options: { clockStartMs: START_MS, envId: ENV_ID } });

// wx-server-sdk's openapi is an untyped proxy: any cloud.openapi.<area>.<name> is sent as that API.
const openapi = (): Record<string, Record<string, (data: unknown) => Promise<any>>> => suite.emu.cloud.openapi;
const generate = (data: Record<string, unknown>): Promise<{ errCode: number; urlLink: string }> => openapi().urllink!.generate!(data);
const sendSms = (data: Record<string, unknown>): Promise<{ errCode: number; errMsg: string; sendStatusList: SendStatus[] }> =>
  openapi().cloudbase!.sendSmsV2!(data);
const outbox = async (api: string): Promise<OutboxMsg[]> => (await suite.emu.control.outbox(api)) as OutboxMsg[];

const newLink = async (extra: Record<string, unknown> = {}): Promise<string> =>
  (await generate({ path: PAGE, query: QUERY, expireType: 1, expireInterval: 7, envVersion: 'release', ...extra })).urlLink;

const sms = (urlLink: string, extra: Record<string, unknown> = {}) => ({
  env: ENV_ID,
  urlLink,
  templateId: SMS_TEMPLATE,
  templateParamList: ['您有一条诉求超时未回复'],
  phoneNumberList: [PHONE, OTHER_PHONE],
  ...extra,
});

const lookUp = async (code: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${suite.emu.url}/__emulator/urllink/${code}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('urllink.generate', () => {
  it('issues a wxaurl.cn link that resolves to its page, query and version, and records the call', async () => {
    const res = await generate({ path: PAGE, query: QUERY, expireType: 1, expireInterval: 3, envVersion: 'trial' });
    expect(res.errCode).toBe(0);
    expect(res.urlLink).toMatch(URL_LINK_FORM);
    const link = await suite.emu.control.resolveUrlLink(res.urlLink);
    expect(link).toMatchObject({ path: PAGE, query: QUERY, envVersion: 'trial', expired: false });
    expect(link.expiresAtMs - link.createdAtMs).toBe(3 * DAY_MS);
    expect(Math.abs(link.createdAtMs - (await suite.emu.control.now()))).toBeLessThan(MINUTE_MS);
    const [msg] = await outbox('urllink.generate');
    // The SDK snake_cases the arguments, as WeChat receives them.
    expect(msg?.request).toEqual({ path: PAGE, query: QUERY, expire_type: 1, expire_interval: 3, env_version: 'trial' });
    expect(msg?.response?.url_link).toBe(res.urlLink);
  });

  it('issues a fresh code per call, defaults to the home page and release, and takes an expire_time', async () => {
    const nowMs = await suite.emu.control.now();
    const expireTime = Math.floor((nowMs + 2 * DAY_MS) / 1000);
    const a = await generate({ expireType: 0, expireTime });
    const b = await generate({ expireType: 0, expireTime });
    expect(a.urlLink).not.toBe(b.urlLink);
    const link = await suite.emu.control.resolveUrlLink(a.urlLink);
    expect(link).toMatchObject({ path: '', query: '', envVersion: 'release', expiresAtMs: expireTime * 1000 });
  });

  it('answers the endpoint with the shape the brief names, also for a link with ?cq= appended', async () => {
    const url = await newLink();
    const code = new URL(url).pathname.slice(1);
    const res = await lookUp(code);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ path: PAGE, query: QUERY, envVersion: 'release' });
    expect(typeof res.body.expiresAtMs).toBe('number');
    expect((await suite.emu.control.resolveUrlLink(`${url}?cq=extra%3D1`)).path).toBe(PAGE);
  });

  it('reports a link past its expiry on the emulator clock as expired', async () => {
    const url = await newLink({ expireInterval: 1 });
    expect((await suite.emu.control.resolveUrlLink(url)).expired).toBe(false);
    await suite.emu.control.advance(DAY_MS + MINUTE_MS, { skipTimers: true });
    const link = await suite.emu.control.resolveUrlLink(url);
    expect(link.expired).toBe(true);
    expect(link.expiresAtMs).toBeLessThanOrEqual(await suite.emu.control.now());
  });

  it('answers an unknown code with 404 in the emulator error shape', async () => {
    const res = await lookUp('NoSuchCode1');
    expect(res.status).toBe(404);
    expect(res.body.errCode).toBe('URLLINK_NOT_FOUND');
    expect(String(res.body.errMsg)).toContain('NoSuchCode1');
    await expect(suite.emu.control.resolveUrlLink('https://wxaurl.cn/NoSuchCode1')).rejects.toThrow(/404/);
  });

  it('refuses a bad env_version, page path or query with WeChat codes, and stores nothing', async () => {
    const base = { path: PAGE, expireType: 1, expireInterval: 1 };
    const badVersion = await failure(generate({ ...base, envVersion: 'beta' }));
    expect(badVersion.errCode).toBe(40097);
    expect(badVersion.errMsg).toContain('env_version');
    expect((await failure(generate({ ...base, path: `/${PAGE}` }))).errCode).toBe(40165);
    expect((await failure(generate({ ...base, path: `${PAGE}?id=1` }))).errCode).toBe(40165);
    expect((await failure(generate({ ...base, query: 'name=网格' }))).errCode).toBe(40212);
    expect((await failure(generate({ ...base, query: 'a'.repeat(1025) }))).errCode).toBe(40212);
    // Exactly 1024 allowed characters is fine.
    expect((await generate({ ...base, query: `q=${'a'.repeat(1022)}` })).errCode).toBe(0);
    const health = (await (await fetch(`${suite.emu.url}/__emulator/health`)).json()) as { openapi: { urlLinks: number } };
    expect(health.openapi.urlLinks).toBe(1);
    const errors = (await outbox('urllink.generate')).map((m) => m.error?.errcode);
    expect(errors).toEqual([40097, 40165, 40165, 40212, 40212, undefined]);
  });

  it('keeps expiry within 30 days: expire_interval 1..30, expire_time after now and at most 30 days ahead', async () => {
    expect((await failure(generate({ expireType: 1, expireInterval: 31 }))).errCode).toBe(85401);
    expect((await failure(generate({ expireType: 1, expireInterval: 0 }))).errCode).toBe(85401);
    expect((await failure(generate({ expireType: 1 }))).errCode).toBe(85401);
    expect((await generate({ expireType: 1, expireInterval: 30 })).errCode).toBe(0);
    const nowS = Math.floor((await suite.emu.control.now()) / 1000);
    expect((await failure(generate({ expireType: 0, expireTime: nowS + 31 * 24 * 3600 }))).errCode).toBe(85401);
    expect((await failure(generate({ expireType: 0, expireTime: nowS - 60 }))).errCode).toBe(85401);
    expect((await failure(generate({ expireType: 2, expireInterval: 1 }))).errCode).toBe(40097);
  });
});

describe('cloudbase.sendSmsV2', () => {
  it('sends to every number and records the call in the outbox', async () => {
    const url = await newLink();
    const res = await sendSms(sms(url));
    expect(res.errCode).toBe(0);
    expect(res.errMsg).toBe('openapi.cloudbase.sendSmsV2:ok');
    expect(res.sendStatusList.map((s) => s.phoneNumber)).toEqual([PHONE, OTHER_PHONE]);
    for (const s of res.sendStatusList) expect(s).toMatchObject({ code: 'Ok', message: 'send success', isoCode: 'CN' });
    expect(new Set(res.sendStatusList.map((s) => s.serialNo)).size).toBe(2);

    const [msg, ...rest] = await outbox('cloudbase.sendSmsV2');
    expect(rest).toEqual([]);
    expect(msg?.request).toEqual({
      env: ENV_ID,
      url_link: url,
      template_id: SMS_TEMPLATE,
      template_param_list: ['您有一条诉求超时未回复'],
      phone_number_list: [PHONE, OTHER_PHONE],
    });
    expect(msg?.response?.send_status_list).toHaveLength(2);
    // What a test does with an SMS: follow its link to the page it opens.
    const opened = await suite.emu.control.resolveUrlLink(String(msg?.request.url_link));
    expect(opened).toMatchObject({ path: PAGE, query: QUERY });
    // The filter keeps the two APIs apart.
    expect((await outbox('urllink.generate')).map((m) => m.api)).toEqual(['urllink.generate']);
  });

  it('refuses 1001 numbers, and accepts 1000', async () => {
    const url = await newLink();
    const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+86139${String(i).padStart(8, '0')}`);
    const tooMany = await failure(sendSms(sms(url, { phoneNumberList: numbers(MAX_PHONE_NUMBERS + 1) })));
    expect(tooMany.errCode).toBe(47003);
    expect(tooMany.errMsg).toContain('1 to 1000');
    expect((await failure(sendSms(sms(url, { phoneNumberList: [] })))).errCode).toBe(47003);
    const ok = await sendSms(sms(url, { phoneNumberList: numbers(MAX_PHONE_NUMBERS) }));
    expect(ok.sendStatusList).toHaveLength(MAX_PHONE_NUMBERS);
  });

  it('refuses a number without +86, or not a mainland mobile number, naming it', async () => {
    const url = await newLink();
    const bare = await failure(sendSms(sms(url, { phoneNumberList: [PHONE, '13800138000'] })));
    expect(bare.errCode).toBe(47003);
    expect(bare.errMsg).toContain('13800138000');
    for (const bad of ['+86 13800138000', '+85261234567', '+8623800138000', '+861380013800']) {
      expect((await failure(sendSms(sms(url, { phoneNumberList: [bad] })))).errCode).toBe(47003);
    }
  });

  it('refuses a custom variable of 31 characters and accepts 30, counted in characters', async () => {
    const url = await newLink();
    const long = await failure(sendSms(sms(url, { templateParamList: ['诉'.repeat(CUSTOM_VARIABLE_MAX + 1)] })));
    expect(long.errCode).toBe(47003);
    expect(long.errMsg).toContain('30 characters');
    // 30 characters outside the BMP are 60 UTF-16 units, still 30 characters.
    expect((await sendSms(sms(url, { templateParamList: ['𠀋'.repeat(CUSTOM_VARIABLE_MAX)] }))).errCode).toBe(0);
    expect((await failure(sendSms(sms(url, { templateParamList: [] })))).errCode).toBe(47003);
  });

  it('needs a live URL Link this emulator issued', async () => {
    const forged = await failure(sendSms(sms('https://wxaurl.cn/NoSuchCode1')));
    expect(forged.errCode).toBe(47003);
    expect(forged.errMsg).toContain('url_link');
    expect((await failure(sendSms(sms('https://example.com/page')))).errCode).toBe(47003);
    const url = await newLink({ expireInterval: 1 });
    await suite.emu.control.advance(DAY_MS + MINUTE_MS, { skipTimers: true });
    const stale = await failure(sendSms(sms(url)));
    expect(stale.errCode).toBe(47003);
    expect(stale.errMsg).toContain('expired');
  });

  it('refuses missing or mistyped arguments with 47001 and another env with 47003', async () => {
    const url = await newLink();
    const { env: _env, ...noEnv } = sms(url);
    expect((await failure(sendSms(noEnv))).errCode).toBe(47001);
    expect((await failure(sendSms(sms(url, { templateId: '' })))).errCode).toBe(47001);
    expect((await failure(sendSms(sms(url, { phoneNumberList: PHONE })))).errCode).toBe(47001);
    expect((await failure(sendSms(sms(url, { templateParamList: [1] })))).errCode).toBe(47001);
    expect((await failure(sendSms(sms(url, { useShortName: 'yes' })))).errCode).toBe(47001);
    expect((await sendSms(sms(url, { useShortName: true, resourceAppid: 'wx0000000000000000' }))).errCode).toBe(0);
    const otherEnv = await failure(sendSms(sms(url, { env: 'someone-else' })));
    expect(otherEnv.errCode).toBe(47003);
    expect(otherEnv.errMsg).toContain(ENV_ID);
  });

  it('fails with a fault armed for it, records the failure, then sends', async () => {
    const url = await newLink();
    // A fault for another API leaves SMS alone.
    await suite.emu.control.injectFault({ target: 'openApi', name: 'subscribeMessage.send', count: 1, errcode: 43101 });
    await suite.emu.control.injectFault({ target: 'openApi', name: 'cloudbase.sendSmsV2', count: 1, errcode: -1, errmsg: 'system error' });
    const err = await failure(sendSms(sms(url)));
    expect(err.errCode).toBe(-1);
    expect(err.errMsg).toContain('system error');
    expect((await sendSms(sms(url))).errCode).toBe(0);
    const msgs = await outbox('cloudbase.sendSmsV2');
    expect(msgs).toHaveLength(2);
    expect(msgs[0]?.error).toEqual({ errcode: -1, errmsg: 'system error' });
    expect(msgs[0]?.request.phone_number_list).toEqual([PHONE, OTHER_PHONE]);
    expect(msgs[1]?.response?.errcode).toBe(0);
    // The other API's fault is still armed.
    const faults = (await (await fetch(`${suite.emu.url}/__emulator/faults`)).json()) as { faults: { name?: string }[] };
    expect(faults.faults.map((f) => f.name)).toEqual(['subscribeMessage.send']);
  });

  it('a fault armed for urllink.generate fails link generation', async () => {
    await suite.emu.control.injectFault({ target: 'openApi', name: 'urllink.generate', count: 1, errcode: 45009 });
    expect((await failure(generate({ path: PAGE, expireType: 1, expireInterval: 1 }))).errCode).toBe(45009);
    expect((await generate({ path: PAGE, expireType: 1, expireInterval: 1 })).urlLink).toMatch(URL_LINK_FORM);
  });
});

describe('URL Links in the durable store', () => {
  it('resolve after the emulator restarts on the same data folder, and still send', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emulator-urllink-'));
    try {
      const first = await startTestEmulator({ dataDir, envId: ENV_ID, clockStartMs: START_MS });
      const url = (await first.cloud.openapi.urllink.generate({ path: PAGE, query: QUERY, expireType: 1, expireInterval: 2 })).urlLink as string;
      await first.stop();
      const second = await startTestEmulator({ dataDir, envId: ENV_ID, clockStartMs: START_MS });
      try {
        expect(await second.control.resolveUrlLink(url)).toMatchObject({ path: PAGE, query: QUERY, expired: false });
        expect((await second.cloud.openapi.cloudbase.sendSmsV2(sms(url))).errCode).toBe(0);
      } finally {
        await second.stop();
      }
    } finally {
      // Point the SDK back at the suite's emulator for anything after this test.
      Object.assign(process.env, suite.emu.emulator.sdkEnvironment());
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
