// The money races (test/fixtures/gateway-cluster.ts) as a node:test suite for one configuration
// of processes and lock: each race 10 times with 20 requests at once from one customer, against
// our server in the hosted profile; no customer may end up with two active subscriptions or more
// seats than its plan allows. One file per configuration keeps each under the runner's timeout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { RACES, startCluster, type Cluster, type ClusterOptions } from '../fixtures/gateway-cluster.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';

const TRIALS = 10;

export function raceSuite(name: string, configure: () => Promise<Omit<ClusterOptions, 'apiUrl'>>): void {
  let api: RunningServer;
  let cluster: Cluster;
  before(async () => {
    api = await startServer({ profile: 'hosted', catalog: testCatalog() });
    cluster = await startCluster({ apiUrl: api.url, ...(await configure()) });
  });
  after(async () => {
    await cluster?.close();
    await api?.close();
  });

  describe(name, () => {
    for (const [race, run] of Object.entries(RACES)) {
      it(`${race}: 0 violations in ${TRIALS} trials of 20 requests at once`, async () => {
        const outcomes = [];
        for (let trial = 0; trial < TRIALS; trial += 1) outcomes.push(await run(cluster));
        assert.deepEqual(outcomes.filter((outcome) => outcome.violated), [], outcomes.map((outcome) => outcome.what).join(', '));
      });
    }
  });
}
