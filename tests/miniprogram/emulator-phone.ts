// A phone whose service layer talks to a real emulator: the fake wx.request (harness.ts) forwards each
// call to `<emu>/wx/callFunction` over real HTTP, as the emulator transport in develop mode sends it,
// with the openid of whichever person is holding the phone.
import http from 'node:http';
import type { FakeWorld, Mounted } from './harness';

/** Upper bound for one user step over real HTTP (functions run in forked processes). */
export const STEP_LIMIT_MS = 20_000;
const POLL_MS = 20;

export interface Forwarded {
  name: string;
  openid: string;
  result: { ok?: boolean; code?: string } | undefined;
}

/** Who holds the phone (null: the page's own X-WX-OPENID), and how many calls are still on the wire. */
export interface Phone {
  openid: string | null;
  inFlight?: number;
}

/** POST to the emulator as wx.request would, answering with the parsed body. */
export function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<{ statusCode: number; data: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, data: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Points the fake wx.request at the emulator: same path and body, the phone holder's X-WX-OPENID. */
export function routeToEmulator(world: FakeWorld, emuUrl: string, phone: Phone, log: Forwarded[] = []): void {
  world.wx.request = (opts: {
    url: string;
    header?: Record<string, string>;
    data: { name: string; data: unknown };
    success?: (r: unknown) => void;
    fail?: (e: unknown) => void;
  }) => {
    const { pathname } = new URL(opts.url);
    const headers = { ...(opts.header ?? {}) };
    if (phone.openid !== null) headers['X-WX-OPENID'] = phone.openid;
    world.requests.push({ url: opts.url, method: 'POST', header: headers, data: opts.data });
    phone.inFlight = (phone.inFlight ?? 0) + 1;
    postJson(emuUrl + pathname, headers, opts.data)
      .then(
        (res) => {
          const body = res.data as { result?: Forwarded['result'] };
          log.push({ name: opts.data.name, openid: headers['X-WX-OPENID'] ?? '', result: body.result });
          opts.success?.({ ...res, header: {}, errMsg: 'request:ok' });
        },
        (err: Error) => opts.fail?.({ errMsg: `request:fail ${err.message}` }),
      )
      .finally(() => {
        phone.inFlight = (phone.inFlight ?? 1) - 1;
      });
    return { abort: () => undefined };
  };
}

/** Waits for what a real round trip brings (no fixed sleep: polls until true, fails after STEP_LIMIT_MS). */
export async function until(what: string, condition: () => boolean): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > STEP_LIMIT_MS) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** One page on screen at a time, as a journey moves from page to page: showing the next unmounts the last. */
export function onePageAtATime(): { show(next: Mounted): Mounted; close(): void } {
  let page: Mounted | null = null;
  return {
    show(next) {
      page?.unmount();
      page = next;
      return next;
    },
    close() {
      page?.unmount();
      page = null;
    },
  };
}
