// The street-wide notice at street scale (for scripts/bench.ts; prints nothing itself): a street of
// villages × grids × joined households, each resident holding one one-time authorisation for the
// notice template, bulk-imported into the emulator (no quota spent); a street admin publishes; the
// deliverNotices timer ticks every 10 s until every job is done and no batch is owed an attempt. The
// figures are read off the emulator afterwards: its outbox (who was told, how often), the batches
// (who is recorded how) and its usage counters (the database reads and writes the delivery cost).
import type { EmulatorInstance } from '../../emulator/src';
import { COLLECTIONS } from '../../backend/src/collections';
import { fromStored } from '../../backend/src/db';
import type { DeliveryBatchDoc } from '../../backend/src/notices/docs';
import { TEMPLATE_IDS } from '../../backend/src/notify';
import { buildDemoStreet, DEMO_ADMIN_OPENID, demoStreetDocuments } from '../../backend/src/seed';
import { residentDeliveries } from '../../core/src/delivery';
import { SWEEP_INTERVAL_MS } from '../../core/src/policy';
import type { PublishResult } from '../../core/src/schemas/notices';
import { callAs } from '../lib/demo-street';

export interface StreetShape {
  villages: number;
  gridsPerVillage: number;
  householdsPerGrid: number;
}

export interface NoticeFigures {
  residents: number;
  seedMs: number;
  ticks: number;
  /** From the publish to the tick that left nothing owed, on the emulator clock. */
  simulatedMs: number;
  wallMs: number;
  /** Residents recorded sent and told exactly once. */
  delivered: number;
  /** Residents told more than once. */
  duplicates: number;
  /** Residents neither told nor recorded otherwise. */
  lost: number;
  /** Outcomes other than sent (noAuthorisation, refused, failed, pending), by outcome. */
  otherOutcomes: Record<string, number>;
  batches: number;
  databaseWrites: number;
  databaseReads: number;
  /** Requests the plan refused meanwhile, by limit. */
  refused: Record<string, number>;
}

/** More ticks than any plan should need (60 simulated minutes); the bench stops as soon as nothing is owed. */
const MAX_TICKS = 360;
/** Documents per import request (each request is one SQLite transaction). */
const IMPORT_CHUNK = 20_000;

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function controlCollection<T>(url: string, name: string): Promise<T[]> {
  return ((await (await fetch(`${url}/__emulator/collections/${name}`)).json()) as { documents: T[] }).documents;
}

/** Imports the street through the emulator's bulk import (a control route: no quota is spent seeding). */
async function importStreet(emulator: EmulatorInstance, shape: StreetShape, now: number): Promise<string[]> {
  const street = buildDemoStreet({ ...shape, joinedHouseholdsPerGrid: shape.householdsPerGrid }, now);
  const residents = street.memberships.map((m) => m.userId);
  const subscriptions = residents.map((userId) => ({
    _id: `${userId}:${TEMPLATE_IDS.noticePublished}`,
    userId,
    templateId: TEMPLATE_IDS.noticePublished,
    remaining: 1,
    updatedAt: now,
  }));
  for (const [collection, docs] of [...demoStreetDocuments(street), [COLLECTIONS.subscriptions, subscriptions] as const]) {
    for (let i = 0; i < docs.length; i += IMPORT_CHUNK) {
      await post(`${emulator.url}/__emulator/database/import`, { collection, documents: docs.slice(i, i + IMPORT_CHUNK) });
    }
  }
  return residents;
}

/** Whether every delivery job of the notice is done and none of its batches is owed an attempt. */
async function settled(url: string, noticeId: string): Promise<boolean> {
  const jobs = (await controlCollection<{ noticeId: string; state: string }>(url, COLLECTIONS.deliveryJobs)).filter((j) => j.noticeId === noticeId);
  if (jobs.length === 0 || jobs.some((j) => j.state !== 'done')) return false;
  const batches = await controlCollection<{ noticeId: string; state: string }>(url, COLLECTIONS.noticeDeliveryBatches);
  return batches.every((b) => b.noticeId !== noticeId || b.state === 'done');
}

export async function benchStreetNotice(emulator: EmulatorInstance, shape: StreetShape): Promise<NoticeFigures> {
  const seedStarted = performance.now();
  const residents = await importStreet(emulator, shape, emulator.clock.now());
  const seedMs = performance.now() - seedStarted;
  const usageBefore = emulator.usage();

  const started = performance.now();
  const publishedAt = emulator.clock.now();
  const published = await callAs(
    emulator.url,
    'publishNotice',
    { title: '紧急通知', body: '今晚全员核酸检测，请按时下楼。', scope: { kind: 'street' }, urgent: true },
    DEMO_ADMIN_OPENID,
  );
  if (!published.ok) throw new Error(`publishNotice failed: ${published.code} ${published.message}`);
  const noticeId = (published.data as PublishResult).notice.id;
  let ticks = 0;
  while (ticks < MAX_TICKS && !(await settled(emulator.url, noticeId))) {
    await post(`${emulator.url}/__emulator/clock`, { advanceMs: SWEEP_INTERVAL_MS });
    ticks += 1;
  }
  const simulatedMs = emulator.clock.now() - publishedAt;
  const wallMs = performance.now() - started;
  const usageAfter = emulator.usage();

  const { messages } = (await (await fetch(`${emulator.url}/__emulator/outbox?api=subscribeMessage.send`)).json()) as {
    messages: Array<{ request: { touser: string; page: string }; error?: unknown }>;
  };
  const told = new Map<string, number>();
  for (const m of messages)
    if (m.error === undefined && m.request.page.endsWith(`id=${noticeId}`)) told.set(m.request.touser, (told.get(m.request.touser) ?? 0) + 1);
  const batches = (await controlCollection<DeliveryBatchDoc>(emulator.url, COLLECTIONS.noticeDeliveryBatches)).filter((b) => b.noticeId === noticeId);
  const outcomes = new Map(batches.flatMap((b) => residentDeliveries(fromStored(b))).map((d) => [d.userId, d.outcome ?? d.state]));
  const otherOutcomes: Record<string, number> = {};
  for (const outcome of outcomes.values()) if (outcome !== 'sent') otherOutcomes[outcome] = (otherOutcomes[outcome] ?? 0) + 1;
  return {
    residents: residents.length,
    seedMs,
    ticks,
    simulatedMs,
    wallMs,
    delivered: residents.filter((u) => outcomes.get(u) === 'sent' && told.get(u) === 1).length,
    duplicates: [...told.values()].filter((n) => n > 1).length,
    lost: residents.filter((u) => !told.has(u) && !outcomes.has(u)).length,
    otherOutcomes,
    batches: batches.length,
    databaseWrites: usageAfter.databaseWrites - usageBefore.databaseWrites,
    databaseReads: usageAfter.databaseReads - usageBefore.databaseReads,
    refused: Object.fromEntries(
      Object.entries(usageAfter.refused).map(([limit, n]) => [limit, n - usageBefore.refused[limit as keyof typeof usageBefore.refused]]),
    ),
  };
}
