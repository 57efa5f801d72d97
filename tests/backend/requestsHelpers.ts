// Shared helpers for the requests suites: typed calls and small readers over the emulator.
import { expect } from 'vitest';
import type { GetRequestOutput, InboxItem, RequestView, SweepReport } from '../../core/src/schemas';
import type { TestBackend } from '../helpers/backend';

export interface SubmitReply {
  request: RequestView;
  duplicate: boolean;
}

let keySeq = 0;
/** A fresh idempotency key (the schema wants 8–64 of [0-9A-Za-z_-]). */
export function newKey(prefix = 'key'): string {
  keySeq += 1;
  return `${prefix}-${String(keySeq).padStart(6, '0')}`;
}

/**
 * Submits as `openid` and returns the reply's request with what staff see of its routing
 * (`responders`, `routedTo`, `submittedBy`), read from storage: a resident's reply shows staff by role
 * and name only (core/src/residentView.ts, tested by resident-outputs.test.ts), and the suites here check routing.
 */
export async function submit(backend: TestBackend, openid: string, text: string, extra: Record<string, unknown> = {}): Promise<RequestView> {
  const reply = await backend.call<SubmitReply>('submitRequest', { category: 'supplies', text, idempotencyKey: newKey(), ...extra }, openid);
  if (!reply.ok || !reply.data) throw new Error(`submitRequest failed: ${reply.code} ${reply.message}`);
  return { ...reply.data.request, ...(await routingOf(backend, reply.data.request.id)) };
}

/** A stored request's routing as staff see it. */
export async function routingOf(backend: TestBackend, requestId: string): Promise<Pick<RequestView, 'responders' | 'routedTo' | 'submittedBy'>> {
  const docs = (await backend.emu.control.collection('requests')) as Array<RequestView & { _id: string }>;
  const doc = docs.find((d) => d._id === requestId);
  if (!doc) throw new Error(`request ${requestId} not stored`);
  return { responders: doc.responders, routedTo: doc.routedTo, ...(doc.submittedBy !== undefined ? { submittedBy: doc.submittedBy } : {}) };
}

/** The request as `openid` opens it (getRequest: with the household section and quick replies for staff). */
export async function getAs(backend: TestBackend, requestId: string, openid: string): Promise<GetRequestOutput> {
  const reply = await backend.call<GetRequestOutput>('getRequest', { requestId }, openid);
  if (!reply.ok || !reply.data) throw new Error(`getRequest failed: ${reply.code} ${reply.message}`);
  return reply.data;
}

export async function inboxItems(backend: TestBackend, requestId: string): Promise<InboxItem[]> {
  const docs = (await backend.emu.control.collection('inbox')) as InboxItem[];
  return docs.filter((d) => d.requestId === requestId);
}

export async function requestCount(backend: TestBackend): Promise<number> {
  return (await backend.emu.control.collection('requests')).length;
}

export interface OutboxEntry {
  api: string;
  request: { touser?: string; template_id?: string; page?: string; data?: Record<string, { value: string }> };
  /** Present when WeChat refused the call (an injected fault, a refused subscription). */
  error?: { errcode: number; errmsg: string };
}

export async function sendsTo(backend: TestBackend, openid: string, templateId: string): Promise<OutboxEntry[]> {
  const all = (await backend.emu.control.outbox()) as OutboxEntry[];
  return all.filter((m) => m.api === 'subscribeMessage.send' && m.request.touser === openid && m.request.template_id === templateId);
}

/** Runs the sweeper as its timer trigger would (a server-side call carries no openid). */
export async function sweepNow(backend: TestBackend): Promise<SweepReport> {
  backend.emu.actAs(undefined);
  const res = (await backend.emu.cloud.callFunction({ name: 'sweepRequests', data: { Type: 'Timer' } })) as { result: unknown };
  const reply = res.result as { ok: boolean; data: SweepReport };
  expect(reply.ok).toBe(true);
  return reply.data;
}
