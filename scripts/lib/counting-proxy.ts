// A counting proxy between the function instances and the emulator: every call wx-server-sdk makes
// (POST /admin) passes through it and is recorded with its action and its start and end, so a test or
// a script can say exactly how many database calls, open-API calls and sequential database waves one
// invocation made. Function instances find it through TCB_CONTEXT_CNFG, which the emulator's
// `functionEnv` sets last (see `proxiedFunctionEnv`).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface RecordedCall {
  action: string;
  startedAt: number;
  endedAt: number;
}

export interface RoundTrips {
  databaseCalls: number;
  /**
   * Sequential database waves: a wave starts when a database call starts while no earlier database
   * call of the invocation is still in flight; calls started while one is in flight join its wave.
   */
  databaseWaves: number;
  openApiCalls: number;
  /** Every call's action, in start order (e.g. database.getDocument, wx.openApi). */
  actions: string[];
}

export interface CountingProxy {
  /** Where instances send their calls: pass `proxiedFunctionEnv(proxy)` to the emulator. */
  readonly url: string;
  /** Points the proxy at the emulator once it listens. */
  forwardTo(emulatorUrl: string): void;
  /** Runs `invocation` (one call from outside) and counts the calls made while it ran. */
  measure(invocation: () => Promise<unknown>): Promise<RoundTrips>;
  close(): Promise<void>;
}

/**
 * What the proxy adds to every answer: a function's round trip to CloudBase's database takes some
 * milliseconds, the local emulator's well under one, so calls the code makes in parallel could
 * finish before their siblings reach the proxy and count as waves of their own. With this much
 * latency, calls started together overlap, as they do in the cloud; calls made one after another
 * never do, so a wave is a real sequential step.
 */
const SIMULATED_LATENCY_MS = 20;

/** The form field the SDK names its action in when it posts multipart (open-API calls, uploads). */
const MULTIPART_ACTION = /name="action"\r\n\r\n([^\r]*)/;

function actionOf(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    return String((JSON.parse(text) as { action?: unknown }).action ?? '');
  } catch {
    return MULTIPART_ACTION.exec(text)?.[1] ?? 'unknown';
  }
}

/** The waves of the database calls among `calls` (sorted by start): see RoundTrips.databaseWaves. */
function wavesOf(calls: readonly RecordedCall[]): number {
  let waves = 0;
  let inFlightUntil = Number.NEGATIVE_INFINITY;
  for (const call of calls) {
    if (call.startedAt >= inFlightUntil) waves += 1;
    inFlightUntil = Math.max(inFlightUntil, call.endedAt);
  }
  return waves;
}

export async function startCountingProxy(): Promise<CountingProxy> {
  let target = '';
  let recorded: RecordedCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const startedAt = performance.now();
      const headers = { ...req.headers, host: new URL(target).host };
      const upstream = http.request(`${target}${req.url ?? ''}`, { method: req.method, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          setTimeout(() => {
            recorded.push({ action: actionOf(body), startedAt, endedAt: performance.now() });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          }, SIMULATED_LATENCY_MS);
        });
      });
      upstream.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    forwardTo(emulatorUrl) {
      target = emulatorUrl;
    },
    async measure(invocation) {
      recorded = [];
      await invocation();
      const calls = [...recorded].sort((a, b) => a.startedAt - b.startedAt);
      const database = calls.filter((c) => c.action.startsWith('database.'));
      return {
        databaseCalls: database.length,
        databaseWaves: wavesOf(database),
        openApiCalls: calls.filter((c) => c.action === 'wx.openApi').length,
        actions: calls.map((c) => c.action),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The function environment that sends every instance's SDK calls through the proxy. */
export function proxiedFunctionEnv(proxy: Pick<CountingProxy, 'url'>): Record<string, string> {
  return { TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${proxy.url}/admin` }) };
}
