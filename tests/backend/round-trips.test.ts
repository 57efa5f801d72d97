// Round trips on the hot path, counted exactly by a proxy between the function instances and the
// emulator (scripts/lib/counting-proxy.ts): database calls, sequential database waves and open-API
// calls of one warm submitRequest, respondRequest and getVillageDashboard in the typical case (a
// resident's request to a grid whose leaders hold authorisations). docs/API.md quotes these figures.
import { describe, expect, it } from 'vitest';
import { measureRoundTrips, type HotPathRoundTrips } from '../../scripts/round-trips';

/** What each call makes at most (calls are exact; waves may merge when calls overlap). */
const EXPECTED = {
  submitRequest: { databaseCalls: 15, databaseWavesAtMost: 9, openApiCalls: 2 },
  respondRequest: { databaseCalls: 10, databaseWavesAtMost: 8, openApiCalls: 1 },
  getVillageDashboard: { databaseCalls: 12, databaseWavesAtMost: 4, openApiCalls: 0 },
} as const;

describe('round trips, counted by the proxy', () => {
  it('match the documented calls and stay within the documented waves', async () => {
    const measured: HotPathRoundTrips = await measureRoundTrips();
    for (const [name, expected] of Object.entries(EXPECTED) as Array<[keyof HotPathRoundTrips, (typeof EXPECTED)[keyof typeof EXPECTED]]>) {
      const trips = measured[name];
      expect({ name, databaseCalls: trips.databaseCalls, openApiCalls: trips.openApiCalls }).toEqual({
        name,
        databaseCalls: expected.databaseCalls,
        openApiCalls: expected.openApiCalls,
      });
      expect(trips.databaseWaves).toBeGreaterThan(1);
      expect(trips.databaseWaves).toBeLessThanOrEqual(expected.databaseWavesAtMost);
    }
  });
});
