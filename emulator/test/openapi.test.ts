// The open-API module through the real wx-server-sdk: subscribe messages, wxacode images, content
// security, cloudID open data, the outbox and injected faults.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { failure, useTestEmulator } from './helpers';
import type { OutboxMessage } from '../src/testing';

const START_MS = Date.UTC(2026, 10, 24, 2, 0, 0);
const USER = 'o-user-openid-1';
const TEMPLATE = 'tmpl-grid-notice';
const SIX_MINUTES_MS = 6 * 60_000;

type OutboxMsg = OutboxMessage<Record<string, unknown>, Record<string, unknown>>;

const suite = useTestEmulator({ options: { clockStartMs: START_MS, riskyWords: ['赌博', '诈骗'] }, actAs: USER });

const outbox = async (api?: string): Promise<OutboxMsg[]> => {
  const res = await fetch(`${suite.emu.url}/__emulator/outbox${api ? `?api=${encodeURIComponent(api)}` : ''}`);
  return ((await res.json()) as { messages: OutboxMsg[] }).messages;
};

const mintCloudId = async (body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${suite.emu.url}/__emulator/cloudid`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const notice = {
  touser: USER,
  templateId: TEMPLATE,
  page: 'pages/task/detail?id=7',
  data: { thing1: { value: '楼道清理' }, time2: { value: '2026-11-24 10:00' } },
};

describe('subscribeMessage.send', () => {
  it('succeeds and records the decoded request in the outbox', async () => {
    const res = (await suite.emu.cloud.openapi.subscribeMessage.send(notice)) as unknown as Record<string, unknown>;
    expect(res.errCode).toBe(0);
    expect(res.errMsg).toBe('openapi.subscribeMessage.send:ok');
    const [msg] = await outbox();
    expect(msg?.api).toBe('subscribeMessage.send');
    // The SDK snake_cases argument names before sending, so the outbox shows what WeChat would receive.
    expect(msg?.request).toEqual({ touser: USER, template_id: TEMPLATE, page: notice.page, data: notice.data });
    expect(msg?.response?.errcode).toBe(0);
    expect(msg?.error).toBeUndefined();
    expect(Math.abs((msg?.atMs ?? 0) - START_MS)).toBeLessThan(60_000);
  });

  it('rejects a missing touser, template or data with WeChat codes', async () => {
    expect((await failure(suite.emu.cloud.openapi.subscribeMessage.send({ ...notice, touser: '' }))).errCode).toBe(40003);
    expect((await failure(suite.emu.cloud.openapi.subscribeMessage.send({ ...notice, templateId: '' }))).errCode).toBe(40037);
    const noData = await failure(suite.emu.cloud.openapi.subscribeMessage.send({ touser: USER, templateId: TEMPLATE } as never));
    expect(noData.errCode).toBe(47003);
    const badField = await failure(suite.emu.cloud.openapi.subscribeMessage.send({ ...notice, data: { thing1: {} } } as never));
    expect(badField.errMsg).toContain('data.thing1.value');
    const failures = await outbox('subscribeMessage.send');
    expect(failures.map((m) => m.error?.errcode)).toEqual([40003, 40037, 47003, 47003]);
  });

  it("enforces WeChat's length limit per keyword type", async () => {
    const long = await failure(suite.emu.cloud.openapi.subscribeMessage.send({ ...notice, data: { thing1: { value: '长'.repeat(21) } } }));
    expect(long.errCode).toBe(47003);
    expect(long.errMsg).toContain('data.thing1.value exceeds limit of 20');
    const ok = (await suite.emu.cloud.openapi.subscribeMessage.send({ ...notice, data: { thing1: { value: '长'.repeat(20) } } })) as unknown as {
      errCode: number;
    };
    expect(ok.errCode).toBe(0);
  });

  it('fails with an injected 43101 once, then succeeds, and records both', async () => {
    await suite.emu.control.injectFault({
      target: 'openApi',
      name: 'subscribeMessage.send',
      count: 1,
      errcode: 43101,
      errmsg: 'user refuse to accept the msg',
    });
    const err = await failure(suite.emu.cloud.openapi.subscribeMessage.send(notice));
    expect(err.errCode).toBe(43101);
    expect(err.errMsg).toContain('user refuse to accept the msg');
    const ok = (await suite.emu.cloud.openapi.subscribeMessage.send(notice)) as unknown as Record<string, unknown>;
    expect(ok.errCode).toBe(0);
    const msgs = await outbox();
    expect(msgs).toHaveLength(2);
    expect(msgs[0]?.error).toEqual({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
    expect(msgs[1]?.response?.errcode).toBe(0);
    expect(msgs[1]!.id).toBeGreaterThan(msgs[0]!.id);
  });

  it('a fault for another API leaves this one alone', async () => {
    await suite.emu.control.injectFault({ target: 'openApi', name: 'wxacode.getUnlimited', count: 1, errcode: 45009 });
    const ok = (await suite.emu.cloud.openapi.subscribeMessage.send(notice)) as unknown as Record<string, unknown>;
    expect(ok.errCode).toBe(0);
    const err = await failure(suite.emu.cloud.openapi.wxacode.getUnlimited({ scene: 'g=1', page: 'pages/index/index' }));
    expect(err.errCode).toBe(45009);
  });
});

describe('wxacode.getUnlimited', () => {
  it('returns a PNG QR code encoding the page and scene', async () => {
    const res = (await suite.emu.cloud.openapi.wxacode.getUnlimited({
      scene: 'grid=12&inv=ab-9',
      page: 'pages/join/index',
      width: 430,
      checkPath: false,
      envVersion: 'develop',
    })) as unknown as { contentType: string; buffer: Buffer; errCode: number };
    expect(res.errCode).toBe(0);
    expect(res.contentType).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(res.buffer));
    expect(png.width).toBe(430);
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(qr).not.toBeNull();
    const url = new URL(qr!.data);
    expect(url.pathname).toBe('/a/wx0000000000000000');
    expect(url.searchParams.get('page')).toBe('pages/join/index');
    expect(url.searchParams.get('scene')).toBe('grid=12&inv=ab-9');
    expect(url.searchParams.get('env_version')).toBe('develop');
    const [msg] = await outbox('wxacode.getUnlimited');
    expect(msg?.request.scene).toBe('grid=12&inv=ab-9');
    expect(msg?.response).toEqual({ contentType: 'image/png', byteLength: res.buffer.length });
  });

  it('rejects a scene longer than 32 characters with 40169', async () => {
    const err = await failure(suite.emu.cloud.openapi.wxacode.getUnlimited({ scene: 'x'.repeat(33), page: 'pages/index/index' }));
    expect(err.errCode).toBe(40169);
    // Exactly 32 is fine.
    const ok = (await suite.emu.cloud.openapi.wxacode.getUnlimited({ scene: 'x'.repeat(32), page: 'pages/index/index' })) as unknown as { errCode: number };
    expect(ok.errCode).toBe(0);
  });

  it('rejects characters WeChat does not allow in scene, and a page with a leading slash', async () => {
    expect((await failure(suite.emu.cloud.openapi.wxacode.getUnlimited({ scene: '网格1', page: 'pages/index/index' }))).errCode).toBe(40169);
    expect((await failure(suite.emu.cloud.openapi.wxacode.getUnlimited({ scene: 'a=1', page: '/pages/index/index' }))).errCode).toBe(41030);
    expect((await failure(suite.emu.cloud.openapi.wxacode.getUnlimited({ scene: 'a=1', envVersion: 'beta' } as never))).errCode).toBe(40097);
  });
});

describe('security.msgSecCheck', () => {
  it('passes clean content with label 100', async () => {
    const res = (await suite.emu.cloud.openapi.security.msgSecCheck({ openid: USER, scene: 2, version: 2, content: '今晚八点楼道大扫除' })) as unknown as {
      errCode: number;
      result: { suggest: string; label: number };
      detail: unknown[];
      traceId: string;
    };
    expect(res.errCode).toBe(0);
    expect(res.result).toEqual({ suggest: 'pass', label: 100 });
    expect(res.detail.length).toBeGreaterThan(0);
    expect(res.traceId).toMatch(/^emu-/);
  });

  it('marks content with a configured risky word as risky with label 20006 and names the keyword', async () => {
    const res = (await suite.emu.cloud.openapi.security.msgSecCheck({ openid: USER, scene: 2, version: 2, content: '来玩赌博吧' })) as unknown as {
      result: { suggest: string; label: number };
      detail: { strategy: string; keyword?: string; suggest: string }[];
    };
    expect(res.result).toEqual({ suggest: 'risky', label: 20006 });
    expect(res.detail.find((d) => d.strategy === 'keyword')?.keyword).toBe('赌博');
  });

  it('requires an openid and a valid scene in version 2, and answers version 1 with 87014', async () => {
    expect((await failure(suite.emu.cloud.openapi.security.msgSecCheck({ scene: 2, version: 2, content: 'hi' } as never))).errCode).toBe(40003);
    expect((await failure(suite.emu.cloud.openapi.security.msgSecCheck({ openid: USER, scene: 9, version: 2, content: 'hi' }))).errCode).toBe(40097);
    expect((await failure(suite.emu.cloud.openapi.security.msgSecCheck({ content: '电信诈骗' } as never))).errCode).toBe(87014);
  });
});

describe('cloudID open data', () => {
  it('resolves a minted group cloudID to its openGId through cloud.getOpenData', async () => {
    const minted = await mintCloudId({ opengid: 'G-opengid-42' });
    expect(minted.status).toBe(200);
    const cloudID = minted.body.cloudID as string;
    const res = (await suite.emu.cloud.getOpenData({ list: [cloudID] })) as unknown as {
      errCode: number;
      list: { cloudID: string; data: { openGId: string; watermark: { appid: string; timestamp: number } } }[];
    };
    expect(res.errCode).toBe(0);
    expect(res.list).toHaveLength(1);
    expect(res.list[0]?.cloudID).toBe(cloudID);
    expect(res.list[0]?.data.openGId).toBe('G-opengid-42');
    expect(res.list[0]?.data.watermark.appid).toBe('wx0000000000000000');
    const [msg] = await outbox('ApiGetOpenDataByCloudId');
    expect(msg?.request).toEqual({ cloudidList: [cloudID] });
  });

  it('also serves cloud.openapi.cloudbase.getOpenData with the JSON string per item', async () => {
    const cloudID = (await mintCloudId({ opengid: 'G-7' })).body.cloudID as string;
    const res = (await suite.emu.cloud.openapi.cloudbase.getOpenData({ cloudidList: [cloudID] })) as unknown as {
      dataList: { cloudId: string; json: string }[];
    };
    expect(res.dataList[0]?.cloudId).toBe(cloudID);
    expect((JSON.parse(res.dataList[0]!.json) as { data: { openGId: string } }).data.openGId).toBe('G-7');
  });

  it('rejects unknown and expired cloudIDs with the SDK codes', async () => {
    expect((await failure(suite.emu.cloud.getOpenData({ list: ['no-such-cloud-id'] }))).errCode).toBe(-601005);
    const cloudID = (await mintCloudId({ opengid: 'G-9' })).body.cloudID as string;
    await suite.emu.control.advance(SIX_MINUTES_MS);
    expect((await failure(suite.emu.cloud.getOpenData({ list: [cloudID] }))).errCode).toBe(-601006);
  });

  it('rejects a mint request without opengid or data', async () => {
    const res = await mintCloudId({});
    expect(res.status).toBe(400);
    expect(String(res.body.errMsg)).toContain('opengid');
  });
});

describe('outbox and unsupported APIs', () => {
  it('filters the outbox by api', async () => {
    await suite.emu.cloud.openapi.subscribeMessage.send(notice);
    await suite.emu.cloud.openapi.security.msgSecCheck({ openid: USER, scene: 1, version: 2, content: 'hello' });
    await suite.emu.cloud.openapi.subscribeMessage.send(notice);
    expect(await outbox()).toHaveLength(3);
    const sends = await outbox('subscribeMessage.send');
    expect(sends.map((m) => m.api)).toEqual(['subscribeMessage.send', 'subscribeMessage.send']);
    expect(await outbox('security.msgSecCheck')).toHaveLength(1);
    expect(await suite.emu.control.outbox()).toHaveLength(3);
  });

  it('answers an unsupported API with an error naming it', async () => {
    const api = suite.emu.cloud.openapi as unknown as { urlscheme: { generate(a: unknown): Promise<unknown> } };
    const err = await failure(api.urlscheme.generate({ jumpWxa: { path: 'pages/index/index' } }));
    expect(err.errMsg).toContain('urlscheme.generate');
    expect(err.errMsg).toContain('not supported');
    const [msg] = await outbox('urlscheme.generate');
    expect(msg?.error?.errcode).toBe('OPENAPI_NOT_SUPPORTED');
  });

  it('reset empties the outbox', async () => {
    await suite.emu.cloud.openapi.subscribeMessage.send(notice);
    await suite.emu.control.reset();
    expect(await outbox()).toEqual([]);
  });
});
