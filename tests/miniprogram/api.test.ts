// @vitest-environment jsdom
// The service layer: input checked on the phone first, one transport switch, error codes mapped to
// plain Chinese messages.
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../miniprogram/config';
import { DEFAULT_TEMPLATE_IDS } from '../../core/src/subscriptions';
import { call, checkInput, pickTransport, readEnvelope, resetTransport, cloudTransport } from '../../miniprogram/services/api';
import { ERROR_MESSAGES } from '../../miniprogram/utils/errors';
import { failWith, installWorld, ok, type FakeWorld } from './harness';

const VALID_SUBMIT = { category: 'repairs', text: '楼道灯坏了', idempotencyKey: 'draft-0001' } as const;

describe('call()', () => {
  let world: FakeWorld;
  beforeEach(() => {
    world = installWorld();
    resetTransport();
  });

  it('refuses 501 characters before anything leaves the phone, naming the field', async () => {
    const result = await call('submitRequest', { ...VALID_SUBMIT, text: '字'.repeat(501) });
    expect(result).toMatchObject({ ok: false, code: 'INPUT.INVALID', message: ERROR_MESSAGES['INPUT.INVALID'] });
    expect(!result.ok && result.problems).toEqual([{ path: '/text', message: '最多 500 字' }]);
    expect(world.calls).toEqual([]);
  });

  it('sends a valid input through wx.cloud.callFunction and returns the data', async () => {
    world.handlers.submitRequest = () => ok({ requestId: 'r1' });
    const result = await call('submitRequest', VALID_SUBMIT);
    expect(result).toEqual({ ok: true, data: { requestId: 'r1' } });
    expect(world.calls).toEqual([{ name: 'submitRequest', data: VALID_SUBMIT }]);
  });

  it('maps a failure code to its Chinese message when the server gives none', async () => {
    world.handlers.getRequest = () => failWith('REQUEST.NOT_FOUND');
    expect(await call('getRequest', { requestId: 'r404' })).toEqual({ ok: false, code: 'REQUEST.NOT_FOUND', message: '找不到这条诉求' });
  });

  it('keeps a more specific server message for the same code', async () => {
    world.handlers.getRequest = () => failWith('AUTH.FORBIDDEN', '只有本网格的网格长能查看');
    expect(await call('getRequest', { requestId: 'r1' })).toMatchObject({ code: 'AUTH.FORBIDDEN', message: '只有本网格的网格长能查看' });
  });

  it('turns a transport failure into a network message, never a throw', async () => {
    world.handlers.getRequest = () => {
      throw new Error('offline');
    };
    expect(await call('getRequest', { requestId: 'r1' })).toEqual({ ok: false, code: 'NETWORK.FAILED', message: ERROR_MESSAGES['NETWORK.FAILED'] });
  });

  it('in develop mode posts to the emulator with the dev openid instead of wx.cloud', async () => {
    world = installWorld({ envVersion: 'develop' });
    resetTransport();
    world.requestReply = { statusCode: 200, data: { result: ok({ items: [] }) } };
    const result = await call('listNotices', { limit: 5 });
    expect(result).toEqual({ ok: true, data: { items: [] } });
    expect(world.calls).toEqual([]);
    expect(world.requests).toEqual([
      {
        url: 'http://127.0.0.1:8787/wx/callFunction',
        method: 'POST',
        header: { 'content-type': 'application/json', 'X-WX-OPENID': 'o-dev-resident' },
        data: { name: 'listNotices', data: { limit: 5 } },
      },
    ]);
  });

  it('reads an emulator errCode (function crashed) as a busy message', async () => {
    world = installWorld({ envVersion: 'develop' });
    resetTransport();
    world.requestReply = { statusCode: 200, data: { errCode: -504002, errMsg: 'functions execute fail' } };
    expect(await call('listNotices', {})).toMatchObject({ ok: false, code: 'INTERNAL' });
  });
});

describe('the transport switch', () => {
  const base: AppConfig = {
    backend: 'auto',
    emulatorUrl: 'http://127.0.0.1:9',
    devOpenid: 'o1',
    cloudEnv: '',
    templateIds: DEFAULT_TEMPLATE_IDS,
    longTermSubscriptions: false,
  };
  it('follows envVersion on auto and obeys an explicit choice', () => {
    expect(pickTransport(base, 'release')).toBe(cloudTransport);
    expect(pickTransport(base, 'trial')).toBe(cloudTransport);
    expect(pickTransport(base, 'develop')).not.toBe(cloudTransport);
    expect(pickTransport({ ...base, backend: 'cloud' }, 'develop')).toBe(cloudTransport);
    expect(pickTransport({ ...base, backend: 'emulator' }, 'release')).not.toBe(cloudTransport);
  });
});

describe('readEnvelope and checkInput', () => {
  it('treats anything but an envelope as malformed, and an unknown code as internal', () => {
    expect(readEnvelope(null)).toMatchObject({ ok: false, code: 'RESPONSE.MALFORMED' });
    expect(readEnvelope({ data: 1 })).toMatchObject({ ok: false, code: 'RESPONSE.MALFORMED' });
    expect(readEnvelope({ ok: false, code: 'NO.SUCH' })).toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('reports every bad field at once', () => {
    const failure = checkInput('submitRequest', { category: 'nope', text: ' ' });
    expect(failure?.problems).toEqual(
      expect.arrayContaining([
        { path: '/idempotencyKey', message: '必填' },
        { path: '/category', message: '不是可选的值' },
        { path: '/text', message: '格式不对' },
      ]),
    );
  });
});
