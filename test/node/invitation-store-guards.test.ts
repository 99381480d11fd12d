// The invitation stores' edges: records they refuse to keep (each store), the memory store's exact
// bookkeeping at its bounds (expired records and day-old creation times make room first, and only
// they), the Redis store's time limit, and the indexes the PostgreSQL store creates.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DAY_MS, memoryInvitationStore, type InvitationLimits, type InvitationRecord, type InvitationStore } from '../../src/gateway/invitation-store.ts';
import { postgresInvitationStore } from '../../src/gateway/postgres-invitation-store.ts';
import { redisInvitationStore } from '../../src/gateway/redis-invitation-store.ts';
import { StoreTimeoutError } from '../../src/gateway/time-limit.ts';
import { afterTests, postgresPool, redisClient, uniquePrefix } from './store-helpers.ts';

const LIMIT = { timeout: 30_000 };
const redisPrefix = `${uniquePrefix('invitation_guards')}:`;
const table = uniquePrefix('invitation_guards');

afterTests(async () => {
  const client = await redisClient();
  for await (const keys of client.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 1000 })) if (keys.length) await client.del(keys);
});
afterTests(async () => {
  const pool = await postgresPool();
  await pool.query(`DROP TABLE IF EXISTS ${table}, ${table}_created`);
});

function invitation(subscriptionId: string, email: string, createdAt: number, lifetimeMs = 7 * DAY_MS): InvitationRecord {
  return { id: randomBytes(16).toString('base64url'), subscriptionId, inviterCustomerId: 'inviter-1', email, isAdministrator: false, createdAt, expiresAt: createdAt + lifetimeMs };
}

const limits = (now: number, maxPending = 10, maxPerDay = 50): InvitationLimits => ({ maxPending, maxPerDay, now });

describe('records a store refuses to keep', () => {
  const stores: [string, () => Promise<InvitationStore>][] = [
    ['memory', async () => memoryInvitationStore()],
    ['Redis', async () => redisInvitationStore(await redisClient(), { prefix: redisPrefix })],
    ['PostgreSQL', async () => postgresInvitationStore(await postgresPool(), { table })],
  ];
  for (const [name, make] of stores) {
    it(`${name}: a record without finite createdAt or expiresAt, either one`, LIMIT, async () => {
      const store = await make();
      const now = Date.now();
      for (const broken of [{ createdAt: Number.NaN }, { expiresAt: Number.NaN }, { expiresAt: Number.POSITIVE_INFINITY }, { createdAt: undefined as never }]) {
        await assert.rejects(store.add({ ...invitation('subscription-1', 'ada@example.com', now), ...broken }, limits(now)), {
          message: 'an invitation needs createdAt and expiresAt (ms epoch)',
        });
      }
    });
  }
});

describe('memory invitation store: what makes room at maxRecords', () => {
  it('an expired invitation met by get() is dropped at once, so it never costs a live one its place', async () => {
    const store = memoryInvitationStore({ maxRecords: 2 });
    const t0 = Date.now();
    const live = invitation('subscription-live', 'live@example.com', t0); // a week
    const short = invitation('subscription-short', 'short@example.com', t0 + 1, 10); // 10 ms, added after `live`
    for (const record of [live, short]) assert.equal((await store.add(record, limits(t0 + 1))).outcome, 'added');
    assert.equal(await store.get(short.id, short.expiresAt), undefined, 'expired at expiresAt itself');
    const third = invitation('subscription-third', 'third@example.com', short.expiresAt);
    assert.equal((await store.add(third, limits(short.expiresAt))).outcome, 'added');
    assert.deepEqual(await store.get(live.id, short.expiresAt), live, 'the older live invitation kept its place');
    assert.deepEqual(await store.get(third.id, short.expiresAt), third);
  });

  it('creation times are counted exactly: day-old ones leave the count, and only at maxRecords do the oldest go', async () => {
    // maxRecords 2 bounds the creation times kept too. Each invitation is taken at once, so only
    // creation times fill the store; at the bound the oldest time goes (which lets its
    // subscription send one more that day).
    const store = memoryInvitationStore({ maxRecords: 2 });
    const add = async (subscription: string, at: number) => {
      const record = invitation(subscription, `${randomBytes(4).toString('hex')}@example.com`, at);
      const { outcome } = await store.add(record, limits(at, 10, 2));
      if (outcome === 'added') await store.take(record.id, at);
      return outcome;
    };
    const t0 = Date.now();
    assert.equal(await add('a', t0), 'added');
    assert.equal(await add('a', t0 + 10), 'added');
    const t1 = t0 + DAY_MS + 5; // the first creation is a day old, the second is not
    assert.equal(await add('a', t1), 'added', 'one creation in the last day: room for another');
    assert.equal(await add('a', t1), 'too-many-today', "two in the last day: the day-old one left the count, nothing else did");
    assert.equal(await add('b', t1), 'added', 'another subscription: the count is at the bound, so the oldest time of "a" goes');
    assert.equal(await add('a', t1), 'added', '"a" has one creation time left');
  });
});

describe('Redis invitation store: time limit', () => {
  it('simulated fault: a Redis that never answers is a StoreTimeoutError after timeoutMs, in words', async () => {
    const silent = { eval: () => new Promise<never>(() => {}) };
    const store = redisInvitationStore(silent, { prefix: redisPrefix, timeoutMs: 30 });
    await assert.rejects(store.get('any', Date.now()), (error: unknown) => {
      assert.ok(error instanceof StoreTimeoutError);
      assert.equal(error.message, 'Redis did not answer within 30 ms');
      return true;
    });
  });
});

describe('PostgreSQL invitation store: schema', () => {
  it('creates its two tables with an index on each lookup it makes', LIMIT, async () => {
    const pool = await postgresPool();
    const store = postgresInvitationStore(pool, { table });
    const now = Date.now();
    assert.equal((await store.add(invitation('subscription-1', 'ada@example.com', now), limits(now))).outcome, 'added');
    const { rows } = await pool.query('SELECT indexname FROM pg_indexes WHERE tablename IN ($1, $2) ORDER BY indexname', [table, `${table}_created`]);
    assert.deepEqual(
      rows.map((row) => row.indexname),
      [`${table}_created_at`, `${table}_created_subscription`, `${table}_expires`, `${table}_pkey`, `${table}_subscription`].sort(),
    );
  });
});
