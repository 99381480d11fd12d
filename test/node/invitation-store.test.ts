// The invitation stores (memory, Redis, PostgreSQL) against the real thing: the contract's
// add/get/list/take, the pending and daily limits, one invitation per address whatever its case,
// expiry, and what must hold across gateway processes (each its own client or pool): one take per
// invitation, never more pending than the limit.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DAY_MS, memoryInvitationStore, type InvitationLimits, type InvitationRecord, type InvitationStore } from '../../src/gateway/invitation-store.ts';
import { postgresInvitationStore } from '../../src/gateway/postgres-invitation-store.ts';
import { redisInvitationStore } from '../../src/gateway/redis-invitation-store.ts';
import { afterTests, postgresPool, redisClient, uniquePrefix, withinTest } from './store-helpers.ts';

const LIMIT = { timeout: 30_000 };
const HOUR_MS = 60 * 60 * 1000;
const redisPrefix = `${uniquePrefix('invitations')}:`;
const table = uniquePrefix('invitations');

interface StoreKind {
  name: string;
  /** `count` stores that share their data, as `count` gateway processes would have them (memory: one store). */
  stores(count: number): Promise<InvitationStore[]>;
}

// What the tests stored goes when they end (the servers may be a developer's own).
afterTests(async () => {
  const client = await redisClient();
  for await (const keys of client.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 1000 })) if (keys.length) await client.del(keys);
});
const tables = [table];
afterTests(async () => {
  const pool = await postgresPool();
  for (const name of tables) await pool.query(`DROP TABLE IF EXISTS ${name}, ${name}_created`);
});

const kinds: StoreKind[] = [
  { name: 'memory', stores: async (count) => Array(count).fill(memoryInvitationStore()) },
  { name: 'Redis', stores: (count) => Promise.all(Array.from({ length: count }, async () => redisInvitationStore(await redisClient(), { prefix: redisPrefix }))) },
  { name: 'PostgreSQL', stores: (count) => Promise.all(Array.from({ length: count }, async () => postgresInvitationStore(await postgresPool({ max: 10 }), { table }))) },
];

let subscriptions = 0;
const newSubscription = () => `subscription-${++subscriptions}`;

/** Times near the real clock: Redis expires keys by its own. */
const start = () => Date.now();

function invitation(subscriptionId: string, email: string, now: number, lifetimeMs = 7 * DAY_MS): InvitationRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    subscriptionId,
    inviterCustomerId: 'inviter-1',
    email,
    isAdministrator: false,
    createdAt: now,
    expiresAt: now + lifetimeMs,
  };
}

const limits = (now: number, maxPending = 10, maxPerDay = 50): InvitationLimits => ({ maxPending, maxPerDay, now });

for (const kind of kinds) {
  describe(`${kind.name} invitation store`, () => {
    it('add, get, list (oldest first), take: a taken invitation is gone', LIMIT, async () => {
      const [store] = await kind.stores(1);
      const subscription = newSubscription();
      const now = start();
      const first = { ...invitation(subscription, 'Ada@Example.com', now), isAdministrator: true };
      const second = invitation(subscription, 'grace@example.com', now + 1);
      assert.deepEqual(await store!.add(second, limits(now + 1)), { outcome: 'added', record: second });
      assert.deepEqual(await store!.add(first, limits(now + 1)), { outcome: 'added', record: first });
      assert.equal((await store!.add(invitation(newSubscription(), 'other@example.com', now), limits(now))).outcome, 'added');
      assert.deepEqual(await store!.get(first.id, now + 2), first);
      assert.deepEqual(await store!.list(subscription, now + 2), [first, second]);
      assert.deepEqual(await store!.take(first.id, now + 2), first);
      assert.equal(await store!.get(first.id, now + 2), undefined);
      assert.equal(await store!.take(first.id, now + 2), undefined);
      assert.deepEqual(await store!.list(subscription, now + 2), [second]);
      assert.equal(await store!.get('no-such-invitation', now), undefined);
      assert.equal(await store!.take('no-such-invitation', now), undefined);
      assert.deepEqual(await store!.list(newSubscription(), now), []);
    });

    it('the same address in another case is the invitation already pending: nothing new is added', LIMIT, async () => {
      const [store] = await kind.stores(1);
      const subscription = newSubscription();
      const now = start();
      const first = invitation(subscription, 'ada@example.com', now);
      await store!.add(first, limits(now));
      const again = invitation(subscription, 'ADA@example.COM', now + 5);
      assert.deepEqual(await store!.add(again, limits(now + 5)), { outcome: 'existing', record: first });
      assert.deepEqual(await store!.list(subscription, now + 5), [first]);
      assert.equal(await store!.get(again.id, now + 5), undefined);
      // Another subscription may invite the same address.
      assert.equal((await store!.add(invitation(newSubscription(), 'ada@example.com', now), limits(now))).outcome, 'added');
    });

    it('at maxPending unexpired invitations the next is refused (too-many-pending) until one is taken', LIMIT, async () => {
      const [store] = await kind.stores(1);
      const subscription = newSubscription();
      const now = start();
      const added = [];
      for (let index = 0; index < 3; index += 1) {
        const result = await store!.add(invitation(subscription, `member${index}@example.com`, now), limits(now, 3));
        assert.equal(result.outcome, 'added');
        added.push(result);
      }
      assert.deepEqual(await store!.add(invitation(subscription, 'one-more@example.com', now), limits(now, 3)), { outcome: 'too-many-pending' });
      assert.equal((await store!.list(subscription, now)).length, 3);
      const [taken] = added;
      assert.ok(taken?.outcome === 'added');
      await store!.take(taken.record.id, now);
      assert.equal((await store!.add(invitation(subscription, 'one-more@example.com', now), limits(now, 3))).outcome, 'added');
    });

    it('at maxPerDay creations in 24 h the next is refused (too-many-today), taken ones counted; a day later it is allowed', LIMIT, async () => {
      const [store] = await kind.stores(1);
      const subscription = newSubscription();
      const now = start();
      const records = [0, 1, 2].map((index) => invitation(subscription, `member${index}@example.com`, now + index, 3 * DAY_MS));
      for (const record of records) assert.equal((await store!.add(record, limits(now + 2, 10, 3))).outcome, 'added');
      // Cancelled (or accepted): no longer pending, still created today.
      await store!.take(records[0]!.id, now + 3);
      await store!.take(records[1]!.id, now + 3);
      assert.deepEqual(await store!.add(invitation(subscription, 'fourth@example.com', now + 3), limits(now + 3, 10, 3)), { outcome: 'too-many-today' });
      assert.deepEqual(await store!.add(invitation(subscription, 'fourth@example.com', now + DAY_MS - 1), limits(now + DAY_MS - 1, 10, 3)), { outcome: 'too-many-today' });
      // A day after the first creation, one slot is free again (the other two were created 1 and 2 ms later).
      const later = now + DAY_MS;
      assert.equal((await store!.add(invitation(subscription, 'fourth@example.com', later), limits(later, 10, 3))).outcome, 'added');
      assert.deepEqual(await store!.add(invitation(subscription, 'fifth@example.com', later), limits(later, 10, 3)), { outcome: 'too-many-today' });
      // Another subscription has its own count.
      assert.equal((await store!.add(invitation(newSubscription(), 'fifth@example.com', now), limits(now, 10, 3))).outcome, 'added');
    });

    it('an expired invitation is gone: get, list and take miss it, it holds no pending place and its address may be invited again', LIMIT, async () => {
      const [store] = await kind.stores(1);
      const subscription = newSubscription();
      const now = start();
      const soon = invitation(subscription, 'ada@example.com', now, HOUR_MS);
      const later = invitation(subscription, 'grace@example.com', now, 2 * HOUR_MS);
      await store!.add(soon, limits(now, 2));
      await store!.add(later, limits(now, 2));
      const afterExpiry = now + HOUR_MS;
      assert.equal(await store!.get(soon.id, afterExpiry), undefined);
      assert.deepEqual(await store!.get(later.id, afterExpiry), later);
      assert.deepEqual(await store!.list(subscription, afterExpiry), [later]);
      const again = invitation(subscription, 'ADA@example.com', afterExpiry);
      assert.deepEqual(await store!.add(again, limits(afterExpiry, 2)), { outcome: 'added', record: again });
      assert.equal(await store!.take(soon.id, afterExpiry), undefined);
      assert.equal(await store!.take(later.id, now + 3 * HOUR_MS), undefined, 'an expired take answers nothing');
    });

    it('of 10 concurrent takes of one invitation (from two processes) exactly one gets it', LIMIT, async () => {
      const stores = await kind.stores(2);
      for (let round = 0; round < 5; round += 1) {
        const subscription = newSubscription();
        const now = start();
        const record = invitation(subscription, 'ada@example.com', now);
        await stores[0]!.add(record, limits(now));
        const takes = await withinTest(Promise.all(Array.from({ length: 10 }, (_, index) => stores[index % 2]!.take(record.id, now))), 10_000, 'concurrent takes');
        assert.deepEqual(takes.filter((taken) => taken !== undefined), [record]);
      }
    });

    it('20 concurrent adds at a limit of 5 (from two processes) add exactly 5; the same address added at once is added once', LIMIT, async () => {
      const stores = await kind.stores(2);
      for (let round = 0; round < 3; round += 1) {
        const subscription = newSubscription();
        const now = start();
        const results = await withinTest(
          Promise.all(Array.from({ length: 20 }, (_, index) => stores[index % 2]!.add(invitation(subscription, `member${index}@example.com`, now), limits(now, 5)))),
          10_000,
          'concurrent adds',
        );
        assert.equal(results.filter((result) => result.outcome === 'added').length, 5);
        assert.equal(results.filter((result) => result.outcome === 'too-many-pending').length, 15);
        assert.equal((await stores[0]!.list(subscription, now)).length, 5);
      }
      const subscription = newSubscription();
      const now = start();
      const same = await withinTest(
        Promise.all(Array.from({ length: 10 }, (_, index) => stores[index % 2]!.add(invitation(subscription, index % 2 ? 'Ada@example.com' : 'ada@EXAMPLE.com', now), limits(now)))),
        10_000,
        'concurrent adds of one address',
      );
      assert.equal(same.filter((result) => result.outcome === 'added').length, 1);
      assert.equal(same.filter((result) => result.outcome === 'existing').length, 9);
    });
  });
}

describe('memory invitation store: bounded', () => {
  it('beyond maxRecords the oldest records go first', async () => {
    const store = memoryInvitationStore({ maxRecords: 3 });
    const now = start();
    const records = [0, 1, 2, 3].map((index) => invitation(`subscription-${index}`, 'ada@example.com', now + index));
    for (const record of records) assert.equal((await store.add(record, limits(now + 3))).outcome, 'added');
    assert.equal(await store.get(records[0]!.id, now + 3), undefined);
    for (const record of records.slice(1)) assert.deepEqual(await store.get(record.id, now + 3), record);
  });

  it('maxRecords must be a whole number, at least 1', () => {
    assert.throws(() => memoryInvitationStore({ maxRecords: 0 }), /maxRecords/);
  });
});

describe('PostgreSQL invitation store: table names', () => {
  it('only plain lower-case names go into the SQL', async () => {
    const pool = await postgresPool();
    for (const bad of ['Invitations', 'x; DROP TABLE users', 'public.invitations', '']) {
      assert.throws(() => postgresInvitationStore(pool, { table: bad }), /table must be a plain lower-case SQL name/);
    }
  });

  it('two stores creating the same new table at once both work', LIMIT, async () => {
    const fresh = uniquePrefix('fresh');
    tables.push(fresh);
    const [first, second] = [postgresInvitationStore(await postgresPool(), { table: fresh }), postgresInvitationStore(await postgresPool(), { table: fresh })];
    const now = start();
    const results = await withinTest(
      Promise.all([first.add(invitation('s', 'a@example.com', now), limits(now)), second.add(invitation('s', 'b@example.com', now), limits(now))]),
      10_000,
      'two first adds',
    );
    assert.deepEqual(results.map((result) => result.outcome), ['added', 'added']);
  });
});
