// The write locks (in-process, Redis, PostgreSQL) against the real thing: one write at a time per
// customer across "processes" (each its own client or pool), other customers in parallel, a
// bounded wait, release after a failed write, a lease or connection lost mid-write, and a holder
// process killed mid-write. Tests named "simulated" stand a fault in for a client that stops
// answering; everything else talks to real servers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { postgresWriteLock } from '../../src/gateway/postgres-write-lock.ts';
import { redisWriteLock, type RedisLockClient } from '../../src/gateway/redis-write-lock.ts';
import { inProcessWriteLock, WriteLockBusyError, WriteLockLostError, type WriteLock } from '../../src/gateway/write-lock.ts';
import { deferred, postgresPool, redisClient, sleep, testPostgresUrl, testRedisUrl, uniquePrefix, withinTest } from './store-helpers.ts';

const LIMIT = { timeout: 30_000 };
const prefix = `${uniquePrefix('lock')}:`;
let customers = 0;
const newCustomer = () => `customer-${++customers}`;

interface LockOptions {
  waitMs?: number;
  leaseMs?: number;
}

interface LockKind {
  name: string;
  /** `count` locks that exclude each other, as `count` gateway processes would hold them (in-process: one lock, shared). */
  locks(count: number, options?: LockOptions): Promise<WriteLock[]>;
}

const kinds: LockKind[] = [
  {
    name: 'in-process',
    async locks(count, options) {
      return Array(count).fill(inProcessWriteLock(options));
    },
  },
  {
    name: 'Redis',
    async locks(count, options) {
      return Promise.all(Array.from({ length: count }, async () => redisWriteLock(await redisClient(), { prefix, ...options })));
    },
  },
  {
    name: 'PostgreSQL',
    async locks(count, options) {
      return Promise.all(Array.from({ length: count }, async () => postgresWriteLock(await postgresPool({ max: 20 }), { waitMs: options?.waitMs })));
    },
  },
];

/** Resolves when the signal aborts (a test waits for it within a limit). */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

for (const kind of kinds) {
  describe(`${kind.name} write lock`, () => {
    it('20 concurrent writes of one customer (from two processes) never overlap, and all run', LIMIT, async (t: TestContext) => {
      const locks = await kind.locks(2, { waitMs: 20_000 });
      const customer = newCustomer();
      let inside = 0;
      let most = 0;
      const waits: number[] = [];
      const ran: number[] = [];
      await withinTest(
        Promise.all(
          Array.from({ length: 20 }, (_, index) => {
            const asked = performance.now();
            return locks[index % 2]!(customer, async () => {
              waits.push(performance.now() - asked);
              inside += 1;
              most = Math.max(most, inside);
              await sleep(2);
              inside -= 1;
              ran.push(index);
            });
          }),
        ),
        25_000,
        '20 queued writes',
      );
      assert.equal(most, 1, 'two writes of one customer ran at once');
      assert.equal(ran.length, 20);
      t.diagnostic(`wait for the lock, 20 queued writes of ~2 ms: p50 ${percentile(waits, 50).toFixed(1)} ms, p99 ${percentile(waits, 99).toFixed(1)} ms`);
    });

    it('writes of different customers run in parallel', LIMIT, async () => {
      const [first, second] = await kind.locks(2, { waitMs: 2_000 });
      const secondInside = deferred();
      // The first write holds its lock until the second customer's write has started.
      const both = Promise.all([first!(newCustomer(), () => secondInside.promise.then(() => 'first')), second!(newCustomer(), async () => (secondInside.resolve(), 'second'))]);
      assert.deepEqual(await withinTest(both, 5_000, 'two customers at once'), ['first', 'second']);
    });

    it('a write that cannot take the lock within waitMs fails with WriteLockBusyError (its work never runs)', LIMIT, async () => {
      const [holder, waiter] = await kind.locks(2, { waitMs: 300 });
      const customer = newCustomer();
      const held = deferred();
      const release = deferred();
      const holding = holder!(customer, async () => {
        held.resolve();
        await release.promise;
        return 'held';
      });
      await withinTest(held.promise, 5_000, 'the holder takes the lock');
      let ran = false;
      // Well under the stores' own 5 s command limits: the wait itself must end it.
      await assert.rejects(withinTest(waiter!(customer, async () => (ran = true)), 3_000, 'the waiter gives up'), WriteLockBusyError);
      assert.equal(ran, false);
      release.resolve();
      assert.equal(await withinTest(holding, 5_000, 'the holder ends'), 'held');
    });

    it('a write that throws releases the lock (the next one runs at once) and its error comes back as is', LIMIT, async () => {
      const [first, second] = await kind.locks(2, { waitMs: 1_000 });
      const customer = newCustomer();
      const failure = new Error('the write failed');
      await assert.rejects(withinTest(first!(customer, async () => Promise.reject(failure)), 5_000, 'the failing write'), (error) => error === failure);
      assert.equal(await withinTest(second!(customer, async () => 'next'), 5_000, 'the next write'), 'next');
    });
  });
}

describe('options that make no sense are refused', () => {
  const client = {} as RedisLockClient;
  const redis = { set: async () => 'OK', eval: async () => 1 } satisfies RedisLockClient;
  for (const [name, value] of [['waitMs', 0], ['waitMs', -5], ['waitMs', Number.NaN], ['leaseMs', 0], ['commandTimeoutMs', -1]] as const) {
    it(`${name}: ${value}`, () => {
      assert.throws(() => redisWriteLock(redis, { [name]: value }), new RegExp(`${name} must be a positive number`));
      if (name === 'waitMs') {
        assert.throws(() => inProcessWriteLock({ waitMs: value }), /waitMs must be a positive number/);
        assert.throws(() => postgresWriteLock({ connect: async () => Promise.reject(new Error('unused')) }, { waitMs: value }), /waitMs must be a positive number/);
      }
    });
  }
  it('a Redis lock without a client, a PostgreSQL lock without a pool', () => {
    assert.throws(() => redisWriteLock(client), /needs a node-redis client/);
    assert.throws(() => postgresWriteLock({} as never), /needs a pg Pool/);
  });
});

describe('Redis write lock: leases', () => {
  const keyOf = (customer: string) => prefix + customer;

  it('a lease another holder took over (simulated expiry: another client overwrites the key) aborts the signal, and the lock call fails with WriteLockLostError', LIMIT, async () => {
    const lock = redisWriteLock(await redisClient(), { prefix, leaseMs: 300 });
    const other = await redisClient();
    const customer = newCustomer();
    let reason: unknown;
    const outcome = lock(customer, async (signal) => {
      await other.set(keyOf(customer), 'another-holder');
      await withinTest(aborted(signal), 5_000, 'the renewal notices');
      reason = signal.reason;
      return 'wrote anyway';
    });
    await assert.rejects(withinTest(outcome, 10_000, 'the lock call'), WriteLockLostError);
    assert.ok(reason instanceof WriteLockLostError);
    assert.equal(await other.get(keyOf(customer)), 'another-holder', "the release left the other holder's key alone");
    await other.del(keyOf(customer));
  });

  it('renewals that get no answer (simulated: a client whose EVAL never answers) end the lease at its end: the signal aborts', LIMIT, async () => {
    const client = await redisClient();
    let stalled = false;
    const stalling: RedisLockClient = {
      set: (key, value, options) => client.set(key, value, options),
      eval: (script, options) => (stalled ? new Promise(() => {}) : client.eval(script, options)),
    };
    const lock = redisWriteLock(stalling, { prefix, leaseMs: 300 });
    const started = performance.now();
    const outcome = lock(newCustomer(), async (signal) => {
      stalled = true;
      await withinTest(aborted(signal), 5_000, 'the lease ends');
      return performance.now() - started;
    });
    await assert.rejects(withinTest(outcome, 10_000, 'the lock call'), WriteLockLostError);
  });

  it('a Redis that stops answering (simulated: SET never answers) is busy after waitMs, not a hang', LIMIT, async () => {
    const client = await redisClient();
    const silent: RedisLockClient = { set: () => new Promise(() => {}), eval: (script, options) => client.eval(script, options) };
    const lock = redisWriteLock(silent, { prefix, waitMs: 300 });
    await assert.rejects(withinTest(lock(newCustomer(), async () => 'never'), 5_000, 'the lock call'), WriteLockBusyError);
  });

  it("a holder whose key is gone (simulated expiry: the key deleted) releases without deleting the next holder's key", LIMIT, async () => {
    const [first, second, third] = await kinds[1]!.locks(3, { waitMs: 300 });
    const other = await redisClient();
    const customer = newCustomer();
    const secondInside = deferred();
    const secondRelease = deferred();
    let secondHolding: Promise<string> | undefined;
    await withinTest(
      first!(customer, async () => {
        await other.del(keyOf(customer));
        secondHolding = second!(customer, async () => {
          secondInside.resolve();
          await secondRelease.promise;
          return 'second';
        });
        await withinTest(secondInside.promise, 5_000, 'the second holder takes the lock');
      }),
      10_000,
      'the first holder',
    );
    // The first holder has released: the lock must still be the second's.
    assert.notEqual(await other.get(keyOf(customer)), null);
    await assert.rejects(withinTest(third!(customer, async () => 'third'), 5_000, 'a third writer'), WriteLockBusyError);
    secondRelease.resolve();
    assert.equal(await withinTest(secondHolding!, 5_000, 'the second holder'), 'second');
    assert.equal(await other.get(keyOf(customer)), null, 'the second holder released its own key');
  });

  it('long customer ids go into the key as a digest', LIMIT, async () => {
    const client = await redisClient();
    const lock = redisWriteLock(client, { prefix });
    const long = `${newCustomer()}-${'x'.repeat(500)}`;
    const keys = await lock(long, async () => client.keys(`${prefix}*`));
    assert.ok(keys.every((key) => key.length < 200), 'no key carries the long id');
    assert.ok(keys.some((key) => key.startsWith(`${prefix}sha256:`)));
  });
});

describe('PostgreSQL write lock: connections', () => {
  it('a connection ended by pg_terminate_backend while the work runs aborts the signal; the lock is free at once', LIMIT, async () => {
    const application = uniquePrefix('holder');
    const lock = postgresWriteLock(await postgresPool({ application_name: application }));
    const admin = await postgresPool();
    const customer = newCustomer();
    let reason: unknown;
    const outcome = lock(customer, async (signal) => {
      const { rows } = await admin.query('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [application]);
      assert.deepEqual(rows, [{ ended: true }]);
      await withinTest(aborted(signal), 5_000, 'the broken connection is noticed');
      reason = signal.reason;
      return 'wrote anyway';
    });
    await assert.rejects(withinTest(outcome, 10_000, 'the lock call'), WriteLockLostError);
    assert.ok(reason instanceof WriteLockLostError);
    const next = postgresWriteLock(admin, { waitMs: 500 });
    assert.equal(await withinTest(next(customer, async () => 'free'), 5_000, 'the next write'), 'free');
  });

  it('a pool with no free connection within waitMs is busy', LIMIT, async () => {
    const pool = await postgresPool({ max: 1 });
    const taken = await pool.connect();
    try {
      const lock = postgresWriteLock(pool, { waitMs: 300 });
      await assert.rejects(withinTest(lock(newCustomer(), async () => 'never'), 5_000, 'the lock call'), WriteLockBusyError);
    } finally {
      taken.release();
    }
  });

  it("the lock's advisory key does not take the host's own small-numbered advisory locks", LIMIT, async () => {
    const pool = await postgresPool();
    const lock = postgresWriteLock(pool);
    const held = await lock(newCustomer(), async () => {
      const { rows } = await pool.query("SELECT objid, classid FROM pg_locks WHERE locktype = 'advisory' AND granted");
      return rows as { objid: string; classid: string }[];
    });
    assert.ok(held.length >= 1);
    // A bigint key sits in classid (high 32 bits) and objid (low 32 bits): ours is no small number.
    assert.ok(held.every(({ classid, objid }) => Number(classid) !== 0 || Number(objid) > 1_000_000));
  });
});

describe('a holder process killed mid-write (SIGKILL)', () => {
  const holderScript = fileURLToPath(new URL('../fixtures/lock-holder.ts', import.meta.url));

  /** A child process that takes the lock and hangs; answers once it holds it. */
  async function startHolder(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', holderScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const held = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('held')) resolve();
      });
      child.stderr.on('data', (chunk) => (output += chunk));
      child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before holding the lock: ${output}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await withinTest(held, 20_000, 'the holder process takes the lock');
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return {
      async kill() {
        child.kill('SIGKILL');
        await withinTest(exited, 5_000, 'the holder process ends');
      },
    };
  }

  it('Redis: the next write takes the lock once the lease ends', LIMIT, async (t: TestContext) => {
    const leaseMs = 1_500;
    const customer = newCustomer();
    const holder = await startHolder(['redis', await testRedisUrl(), customer, prefix, String(leaseMs)]);
    const [lock] = await kinds[1]!.locks(1, { waitMs: 200 });
    await assert.rejects(lock!(customer, async () => 'too early'), WriteLockBusyError, 'the holder holds it while alive');
    await holder.kill();
    const [patient] = await kinds[1]!.locks(1, { waitMs: leaseMs + 2_000 });
    const killed = performance.now();
    assert.equal(await withinTest(patient!(customer, async () => 'after the crash'), 10_000, 'the next write'), 'after the crash');
    t.diagnostic(`taken ${(performance.now() - killed).toFixed(0)} ms after the kill (lease ${leaseMs} ms)`);
  });

  it('PostgreSQL: the next write takes the lock at once (the dead connection ends its transaction)', LIMIT, async (t: TestContext) => {
    const customer = newCustomer();
    const holder = await startHolder(['postgres', await testPostgresUrl(), customer]);
    const [lock] = await kinds[2]!.locks(1, { waitMs: 200 });
    await assert.rejects(lock!(customer, async () => 'too early'), WriteLockBusyError, 'the holder holds it while alive');
    await holder.kill();
    const [next] = await kinds[2]!.locks(1, { waitMs: 3_000 });
    const killed = performance.now();
    assert.equal(await withinTest(next!(customer, async () => 'after the crash'), 10_000, 'the next write'), 'after the crash');
    t.diagnostic(`taken ${(performance.now() - killed).toFixed(0)} ms after the kill`);
  });
});
