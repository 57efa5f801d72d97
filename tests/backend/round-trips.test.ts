// Round trips on the hot path, counted exactly by a proxy between the function instances and the
// emulator (scripts/lib/counting-proxy.ts): database calls, sequential database waves and open-API
// calls of one warm submitRequest, respondRequest and getVillageDashboard in the typical case (a
// resident's request to a grid whose leaders hold authorisations). docs/API.md quotes these figures.
import { describe, expect, it } from 'vitest';
import { measureRoundTrips, type HotPathRoundTrips } from '../../scripts/round-trips';

/** What each call makes (the proxy adds a cloud-like latency, so calls made together overlap and waves are exact). */
const EXPECTED = {
  submitRequest: { databaseCalls: 15, databaseWaves: 5, openApiCalls: 2 },
  respondRequest: { databaseCalls: 8, databaseWaves: 4, openApiCalls: 1 },
  getVillageDashboard: { databaseCalls: 13, databaseWaves: 3, openApiCalls: 0 },
} as const;

describe('round trips, counted by the proxy', () => {
  it('match the documented calls and waves', async () => {
    const measured: HotPathRoundTrips = await measureRoundTrips();
    for (const [name, expected] of Object.entries(EXPECTED) as Array<[keyof HotPathRoundTrips, (typeof EXPECTED)[keyof typeof EXPECTED]]>) {
      const trips = measured[name];
      expect({ name, databaseCalls: trips.databaseCalls, databaseWaves: trips.databaseWaves, openApiCalls: trips.openApiCalls }).toEqual({
        name,
        ...expected,
      });
    }
  });
});
