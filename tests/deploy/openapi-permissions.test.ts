// CloudBase lets a function make a cloud call (cloud.openapi.*) only when its config.json lists the API
// under permissions.openapi; the emulator does not check this, so a missing entry would pass every test
// and fail on the phone. Each built bundle's calls must be listed in its config.json.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionNames } from '../../scripts/build-functions';

const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..', 'cloudfunctions');
/**
 * The open-API namespaces (developers.weixin.qq.com 云调用): a call reads `<namespace>.<method>(` in a
 * bundle, through `cloud.openapi` or a typed view of it (wx-server-sdk itself is not bundled).
 */
const OPEN_API_NAMESPACES = ['subscribeMessage', 'wxacode', 'security', 'cloudbase', 'urllink', 'urlscheme', 'customerServiceMessage', 'uniformMessage'];
const OPENAPI_CALL = new RegExp(`\\b(${OPEN_API_NAMESPACES.join('|')})\\.([A-Za-z0-9]+)\\s*\\(`, 'g');

function openApisCalled(source: string): string[] {
  return [...new Set([...source.matchAll(OPENAPI_CALL)].map((m) => `${m[1]}.${m[2]}`))].sort();
}

function permittedOf(name: string): string[] {
  const config = JSON.parse(fs.readFileSync(path.join(FUNCTIONS_DIR, name, 'config.json'), 'utf8')) as { permissions?: { openapi?: string[] } };
  return config.permissions?.openapi ?? [];
}

describe('open-API permissions', () => {
  it('reads the cloud calls a bundle makes', () => {
    expect(
      openApisCalled('await ctx.cloud.openapi.cloudbase.sendSmsV2({}); api.urllink.generate ({}); x.openapi.urllink.generate(); cloud.database()'),
    ).toEqual(['cloudbase.sendSmsV2', 'urllink.generate']);
  });

  it.each(functionNames())('%s lists every open API its bundle calls', (name) => {
    const bundle = fs.readFileSync(path.join(FUNCTIONS_DIR, name, 'index.js'), 'utf8');
    const missing = openApisCalled(bundle).filter((api) => !permittedOf(name).includes(api));
    expect(missing).toEqual([]);
  });
});
