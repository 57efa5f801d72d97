// Small HTTP helpers shared by the emulator's routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { EmulatorError, type ActionParams } from './context';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Reads a body of at most `maxBytes`. A longer one is drained unkept (the client can still read the
 * answer) and only its length is returned.
 */
export function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<{ ok: true; body: Buffer } | { ok: false; bytes: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes <= maxBytes) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(bytes <= maxBytes ? { ok: true, body: Buffer.concat(chunks) } : { ok: false, bytes }));
    req.on('error', reject);
  });
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseJsonObject(await readBody(req));
}

/** A request body as a JSON object (empty: {}); anything else is a 400. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new EmulatorError('INVALID_PARAM', 'request body must be a JSON object', 400);
}

/** Parses a multipart/form-data body: text fields become strings, file parts become Buffers. */
export function readMultipart(req: IncomingMessage): Promise<ActionParams> {
  return new Promise((resolve, reject) => {
    const params: ActionParams = {};
    const bb = busboy({ headers: req.headers });
    bb.on('field', (name, value) => {
      params[name] = value;
    });
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        params[name] = Buffer.concat(chunks);
      });
    });
    bb.on('close', () => resolve(params));
    bb.on('error', reject);
    req.pipe(bb);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
