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

/** POST `body` as it is; answers the status and the body's text. */
function postRaw(url: string, headers: Record<string, string>, body: Buffer): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST to the emulator as wx.request would, answering with the parsed body. */
export async function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<{ statusCode: number; data: unknown }> {
  const res = await postRaw(url, { ...headers, 'content-type': 'application/json' }, Buffer.from(JSON.stringify(body)));
  return { statusCode: res.statusCode, data: JSON.parse(res.text) as unknown };
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

/** A multipart form as wx.uploadFile sends it: the formData fields, then the file under `fileField`. */
function multipartForm(fields: Record<string, string>, fileField: string, fileName: string, file: Buffer): { boundary: string; body: Buffer } {
  const boundary = '----lx-test-boundary';
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { boundary, body: Buffer.concat(parts) };
}

/**
 * Points the fake wx.uploadFile at the emulator's /wx/uploadFile (what services/files.ts sends in
 * develop mode) as the phone's holder, with the bytes `contentOf` gives for each local path. Counts
 * the uploads sent.
 */
export function routeUploadsToEmulator(world: FakeWorld, emuUrl: string, phone: Phone, contentOf: (filePath: string) => Buffer): { sent: number } {
  const counts = { sent: 0 };
  world.wx.uploadFile = (opts: {
    url: string;
    filePath: string;
    name: string;
    formData: Record<string, string>;
    header?: Record<string, string>;
    success?: (r: unknown) => void;
    fail?: (e: unknown) => void;
  }) => {
    counts.sent += 1;
    const { boundary, body } = multipartForm(opts.formData, opts.name, opts.filePath.split('/').at(-1) ?? 'file', contentOf(opts.filePath));
    const headers = {
      ...(opts.header ?? {}),
      ...(phone.openid !== null ? { 'X-WX-OPENID': phone.openid } : {}),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    };
    postRaw(emuUrl + new URL(opts.url).pathname, headers, body).then(
      (res) => opts.success?.({ statusCode: res.statusCode, data: res.text, errMsg: 'uploadFile:ok' }),
      (err: Error) => opts.fail?.({ errMsg: `uploadFile:fail ${err.message}` }),
    );
    return { abort: () => undefined };
  };
  return counts;
}
