// Issue 12, attack 3: the Idempotency-Key store keeps a digest of each body and the answer's
// text, bounded in bytes per caller and in all; and its in-flight branch (a retry arriving while
// the first attempt still runs) is exercised with a handler held back on purpose.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { Auth } from '../../src/server/auth.ts';
import { loadCatalog } from '../../src/server/catalog.ts';
import { Clock } from '../../src/server/clock.ts';
import { HttpError } from '../../src/server/errors.ts';
import { createRequestHandler, type Route } from '../../src/server/http.ts';
import { IdempotencyCache, MAX_BYTES, MAX_BYTES_PER_CALLER } from '../../src/server/idempotency.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { BASIC, PRODUCT, startTestServer, type TestApi } from './server-helpers.ts';

let api: TestApi;
before(async () => {
  api = await startTestServer();
});
after(() => api.server.close());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MiB = 1024 * 1024;

describe('Idempotency-Key memory (attack 3)', () => {
  // A customer token may make no such keyed POST at all any more (usage reports are the host's, see
  // the customer policy); the metering client of a host that retries with keys is the case left.
  it('100 keyed 1 MiB POSTs from one caller leave the heap where it was', async () => {
    const customer = await api.createCustomer({ plan: 'business' });
    const token = await api.productToken();
    const path = `/api/v1/customers/${customer.id}/products/${PRODUCT}/usage/api-calls`;
    const padding = 'x'.repeat(MiB - 100);
    const before = heapAfterGc();
    for (let index = 0; index < 100; index += 1) {
      const answer = await api.call('POST', path, { token, body: { usage: 1, padding }, headers: { 'idempotency-key': `pad-${index}` } });
      assert.equal(answer.status, 200);
    }
    const grown = heapAfterGc() - before;
    assert.ok(grown < 20 * MiB, `the heap grew by ${(grown / MiB).toFixed(1)} MiB`);
    const replay = await api.call('POST', path, { token, body: { usage: 1, padding }, headers: { 'idempotency-key': 'pad-99' } });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true', 'the digest still recognises the body');
    const changed = await api.call('POST', path, { token, body: { usage: 1, padding: `${padding}!` }, headers: { 'idempotency-key': 'pad-99' } });
    assert.equal(changed.status, 409, 'another body under the same key');
  });

  it(`bounded in bytes: one caller keeps at most ${MAX_BYTES_PER_CALLER} bytes (its oldest go first), everyone ${MAX_BYTES}`, async () => {
    let now = 0;
    const cache = new IdempotencyCache(() => now);
    const answer = (text: string) => async () => ({ status: 200, text });
    await cache.run('customer:quiet', 'quiet-key', '{}', answer('{"kept":true}'));
    const big = 'y'.repeat(100_000);
    for (let index = 0; index < 200; index += 1) await cache.run('customer:flood', `flood-${index}`, '{}', answer(big));
    assert.ok(cache.size <= MAX_BYTES_PER_CALLER + 1000, `${cache.size} bytes kept`);
    assert.equal((await cache.run('customer:quiet', 'quiet-key', '{}', answer('{}'))).replayed, true, 'another caller keeps its entry');
    assert.equal((await cache.run('customer:flood', 'flood-199', '{}', answer('{}'))).replayed, true, 'the newest stays');
    assert.equal((await cache.run('customer:flood', 'flood-0', '{}', answer('{}'))).replayed, false, 'the oldest went');

    for (let caller = 0; caller < 40; caller += 1) {
      for (let index = 0; index < 12; index += 1) await cache.run(`customer:${caller}`, `${caller}-${index}`, '{}', answer(big));
    }
    assert.ok(cache.size <= MAX_BYTES, `${cache.size} bytes kept in all`);
    now += 25 * 3600 * 1000;
    await cache.run('customer:late', 'late', '{}', answer('{}'));
    assert.ok(cache.size < 1000, 'expired entries are dropped');
  });

  it('an answer larger than a caller may keep is sent, not remembered', async () => {
    const cache = new IdempotencyCache(() => 0);
    const huge = 'z'.repeat(MAX_BYTES_PER_CALLER + 1);
    const first = await cache.run('customer:a', 'k', '{}', async () => ({ status: 200, text: huge }));
    assert.equal(first.reply.text, huge);
    assert.equal(cache.size, 0);
  });
});

describe('Idempotency-Key in flight', () => {
  /** A server whose one POST route waits until the test releases (or fails) it: a simulated slow handler. */
  async function heldServer() {
    const clock = new Clock();
    const catalog = loadCatalog(testCatalog());
    const auth = new Auth(catalog, clock, 3600, () => true);
    const seen: string[] = [];
    let calls = 0;
    /** Handler calls being held; `settle` releases every one of them (none is left hanging). */
    const holding: ((outcome: 'ok' | 'fail') => void)[] = [];
    const settle = (outcome: 'ok' | 'fail') => holding.splice(0).forEach((release) => release(outcome));
    const route: Route = {
      method: 'POST',
      path: '/held',
      auth: true,
      async handler() {
        const call = (calls += 1);
        const outcome = await new Promise<'ok' | 'fail'>((resolve) => holding.push(resolve));
        if (outcome === 'fail') throw new HttpError(409, 'first attempt refused');
        return { body: { call } };
      },
    };
    const arrived: (() => void)[] = [];
    const handler = createRequestHandler({
      routes: [route],
      auth,
      idempotency: new IdempotencyCache(() => clock.now()),
      corsOrigins: '*',
      log: () => {},
      // Called just before the idempotency store is consulted, synchronously.
      onRequest: (record) => {
        seen.push(record.path);
        arrived.shift()?.();
      },
    });
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/held`;
    const post = () => fetch(url, { method: 'POST', headers: { authorization: BASIC, 'idempotency-key': 'same', 'content-type': 'application/json' }, body: '{"a":1}' });
    /** Posts, waits until the request reached the idempotency store, returns the answer to come. */
    const postAndArrive = async () => {
      const arrival = new Promise<void>((resolve) => arrived.push(resolve));
      const answer = post();
      await arrival;
      return { answer };
    };
    /** The first request (held in its handler) and, while it is held, the retry. */
    const firstAndRetry = async () => [(await postAndArrive()).answer, (await postAndArrive()).answer] as const;
    return { firstAndRetry, settle, calls: () => calls, close: () => server.close() };
  }

  it('simulated fault: a handler held back; a retry meanwhile waits for it and replays its answer', async () => {
    const held = await heldServer();
    try {
      const [first, second] = await held.firstAndRetry();
      held.settle('ok');
      const [a, b] = await Promise.all([first, second]);
      assert.deepEqual(await a.json(), { call: 1 });
      assert.deepEqual(await b.json(), { call: 1 });
      assert.equal(b.headers.get('idempotent-replayed'), 'true');
      assert.equal(held.calls(), 1);
    } finally {
      held.close();
    }
  });

  it('simulated fault: the held first attempt fails; the waiting retry then runs for real', async () => {
    const held = await heldServer();
    try {
      const [first, second] = await held.firstAndRetry();
      held.settle('fail');
      assert.equal((await first).status, 409);
      // The retry runs for real: its own handler call is held now (unless it answered instead).
      let answered = false;
      const heldAgain = (async () => {
        while (held.calls() < 2 && !answered) await new Promise((resolve) => setImmediate(resolve));
        return 'held';
      })();
      const outcome = await Promise.race([heldAgain, second.then(() => 'answered without running')]);
      answered = true;
      assert.equal(outcome, 'held');
      held.settle('ok');
      const answer = await second;
      assert.equal(answer.status, 200);
      assert.deepEqual(await answer.json(), { call: 2 });
      assert.equal(answer.headers.get('idempotent-replayed'), null);
    } finally {
      held.close();
    }
  });
});
