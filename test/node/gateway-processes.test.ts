// Money rules across processes, with the real stores: 4 gateway processes behind a round-robin
// proxy (and, for serverless, a gateway made per request), each race 10 times with 20 requests
// at once from one customer. With a shared lock in Redis or PostgreSQL: no customer ever ends up
// with two active subscriptions or with more seats than its plan allows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { RACES, startCluster, type ClusterOptions } from '../fixtures/gateway-cluster.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { testPostgresUrl, testRedisUrl, uniquePrefix } from './store-helpers.ts';

const TRIALS = 10;
let api: RunningServer;
before(async () => {
  api = await startServer({ profile: 'hosted', catalog: testCatalog() });
});
after(() => api.close());

const configurations: [string, () => Promise<Omit<ClusterOptions, 'apiUrl'>>][] = [
  ['4 processes, redisWriteLock', async () => ({ processes: 4, lock: 'redis', storeUrl: await testRedisUrl(), prefix: `${uniquePrefix('race')}:` })],
  ['4 processes, postgresWriteLock', async () => ({ processes: 4, lock: 'postgres', storeUrl: await testPostgresUrl() })],
  ['a gateway per request (serverless), redisWriteLock', async () => ({ processes: 2, perRequest: true, lock: 'redis', storeUrl: await testRedisUrl(), prefix: `${uniquePrefix('race')}:` })],
];

for (const [name, configure] of configurations) {
  describe(name, () => {
    for (const [race, run] of Object.entries(RACES)) {
      it(`${race}: 0 violations in ${TRIALS} trials of 20 requests at once`, async () => {
        const cluster = await startCluster({ apiUrl: api.url, ...(await configure()) });
        try {
          const outcomes = [];
          for (let trial = 0; trial < TRIALS; trial += 1) outcomes.push(await run(cluster));
          assert.deepEqual(outcomes.filter((outcome) => outcome.violated), [], outcomes.map((outcome) => outcome.what).join(', '));
        } finally {
          await cluster.close();
        }
      });
    }
  });
}
