// The write locks at their edges: the in-process queue's order when writes keep arriving, the
// words of a busy lock, what a lost lock's error says caused it, the Redis lock's key and its
// renewals and command time limit (on a fake clock with a simulated client), and the PostgreSQL
// lock when its connection breaks or its COMMIT fails.
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { postgresWriteLock } from '../../src/gateway/postgres-write-lock.ts';
import { redisWriteLock, type RedisLockClient } from '../../src/gateway/redis-write-lock.ts';
import { inProcessWriteLock, settleHeld, WriteLockBusyError, WriteLockLostError } from '../../src/gateway/write-lock.ts';
import { deferred, postgresPool, redisClient, uniquePrefix, withinTest } from './store-helpers.ts';

const LIMIT = { timeout: 30_000 };
let customers = 0;
const newCustomer = () => `${uniquePrefix('guard')}-${++customers}`;
/** Lets every promise callback that can run, run (the fake clock does not move). */
const settle = async () => {
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
};

describe('in-process write lock', () => {
  it('a write that arrives while the second runs waits for it too: one at a time, in order', async () => {
    const lock = inProcessWriteLock();
    const events: string[] = [];
    const releaseFirst = deferred();
    const releaseSecond = deferred();
    const secondInside = deferred();
    const first = lock('customer', async () => {
      events.push('first');
      await releaseFirst.promise;
    });
    const second = lock('customer', async () => {
      events.push('second');
      secondInside.resolve();
      await releaseSecond.promise;
      events.push('second done');
    });
    releaseFirst.resolve();
    await withinTest(Promise.all([first, secondInside.promise]), 5_000, 'the second write starts');
    const third = lock('customer', async () => void events.push('third'));
    await settle();
    releaseSecond.resolve();
    await withinTest(Promise.all([second, third]), 5_000, 'the writes end');
    assert.deepEqual(events, ['first', 'second', 'second done', 'third']);
  });

  it('a write that waited longer than waitMs: WriteLockBusyError in words, its work never runs', async () => {
    const lock = inProcessWriteLock({ waitMs: 20 });
    const hold = deferred();
    const holding = lock('customer', () => hold.promise);
    let ran = false;
    await assert.rejects(lock('customer', async () => void (ran = true)), { name: 'WriteLockBusyError', message: 'another write for this customer ran longer than 20 ms' });
    hold.resolve();
    await holding;
    assert.equal(ran, false);
  });
});

describe('a lost lock says what else went wrong', () => {
  const lostWith = (reason: unknown) => {
    const controller = new AbortController();
    controller.abort(reason);
    return controller.signal;
  };

  it("the work's own error becomes the cause, unless there is one already or it is the loss itself", async () => {
    const workError = new Error('the write failed');
    const lost = new WriteLockLostError('the lease ended');
    await assert.rejects(settleHeld(lostWith(lost), Promise.reject(workError)), (error) => error === lost && lost.cause === workError);

    const first = new Error('Redis went away');
    const explained = new WriteLockLostError('the lease ended', { cause: first });
    await assert.rejects(settleHeld(lostWith(explained), Promise.reject(workError)), (error) => error === explained && explained.cause === first);

    const itself = new WriteLockLostError('the lease ended');
    await assert.rejects(settleHeld(lostWith(itself), Promise.reject(itself)), (error) => error === itself && !Object.hasOwn(itself, 'cause'));

    const quiet = new WriteLockLostError('the lease ended');
    await assert.rejects(settleHeld(lostWith(quiet), Promise.resolve('written')), (error) => error === quiet && !Object.hasOwn(quiet, 'cause'), 'work that succeeded adds no cause');

    await assert.rejects(settleHeld(lostWith(undefined), Promise.reject(workError)), (error: unknown) => {
      assert.ok(error instanceof WriteLockLostError);
      assert.deepEqual([error.message, error.cause], ['the write lock was lost', workError]);
      return true;
    });
  });
});

describe('Redis write lock', () => {
  afterEach(() => mock.timers.reset());

  it('keys live under planship:lock: by default', LIMIT, async () => {
    const client = await redisClient();
    const customer = newCustomer();
    const held = await redisWriteLock(client)(customer, () => client.get(`planship:lock:${customer}`));
    assert.equal(typeof held, 'string', 'the holder token is at planship:lock:<customer>');
    assert.equal(await client.get(`planship:lock:${customer}`), null, 'and gone after the write');
  });

  /** Simulated: a Redis that takes every SET and whose EVAL the test answers (`renewals` lists them). */
  function scriptedClient(answer: (script: string) => Promise<unknown>) {
    const renewals: string[] = [];
    const client: RedisLockClient = {
      set: async () => 'OK',
      eval: (script) => {
        if (script.includes('PEXPIRE')) renewals.push(script);
        return answer(script);
      },
    };
    return { client, renewals };
  }

  it('fake clock: the lease is renewed every third of it for as long as the work runs', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { client, renewals } = scriptedClient(async () => 1);
    const done = deferred();
    let signal: AbortSignal | undefined;
    const call = redisWriteLock(client, { leaseMs: 600 })('customer', async (held) => {
      signal = held;
      await done.promise;
      return 'written';
    });
    await settle();
    for (let elapsed = 0; elapsed < 3_000; elapsed += 100) {
      mock.timers.tick(100);
      await settle();
    }
    assert.equal(signal?.aborted, false, 'five leases long, never lost');
    assert.equal(renewals.length, 15);
    done.resolve();
    assert.equal(await call, 'written');
  });

  it('fake clock: a renewal that fails after the write ended is not tried again', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const pending = deferred<unknown>();
    const { client, renewals } = scriptedClient((script) => (script.includes('PEXPIRE') ? pending.promise : Promise.resolve(1)));
    const done = deferred();
    const call = redisWriteLock(client, { leaseMs: 600 })('customer', () => done.promise);
    await settle();
    mock.timers.tick(200); // the first renewal goes out and hangs
    await settle();
    assert.equal(renewals.length, 1);
    done.resolve();
    await call;
    for (let elapsed = 0; elapsed < 2_000; elapsed += 100) {
      mock.timers.tick(100); // the hanging renewal times out, with the lock already released
      await settle();
    }
    assert.equal(renewals.length, 1);
  });

  it('fake clock: by default a command may take a third of the lease, at most 1 s (a release that hangs ends the call then)', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { client } = scriptedClient((script) => (script.includes('DEL') ? new Promise(() => {}) : Promise.resolve(1)));
    let ended = false;
    const call = redisWriteLock(client, { leaseMs: 600 })('customer', async () => 'written').then(() => (ended = true));
    await settle();
    mock.timers.tick(199);
    await settle();
    assert.equal(ended, false);
    mock.timers.tick(1);
    await settle();
    assert.equal(ended, true, 'a third of 600 ms');
    await call;
  });
});

describe('PostgreSQL write lock', () => {
  it('a connection ended by the server while the work runs: the loss names what the server said', LIMIT, async () => {
    const application = uniquePrefix('guard_holder');
    const lock = postgresWriteLock(await postgresPool({ application_name: application }));
    const admin = await postgresPool();
    let reason: unknown;
    const outcome = lock(newCustomer(), async (signal) => {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [application]);
      const noticed = new Promise((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener('abort', resolve, { once: true })));
      await withinTest(noticed, 5_000, 'the loss is noticed');
      reason = signal.reason;
    });
    await assert.rejects(withinTest(outcome, 10_000, 'the lock call'), WriteLockLostError);
    assert.ok(reason instanceof WriteLockLostError, String(reason));
    assert.match(reason.message, /^the database connection holding the lock broke: terminating connection due to administrator command/);
  });

  it('simulated fault: a COMMIT that fails is a WriteLockLostError with the failure as its cause', LIMIT, async () => {
    const pool = await postgresPool();
    const broken = new Error('simulated: the connection broke at COMMIT');
    const failingCommit = {
      async connect() {
        const client = await pool.connect();
        return Object.assign(Object.create(client), {
          async query(text: string, values?: unknown[]) {
            if (text !== 'COMMIT') return client.query(text, values);
            await client.query('ROLLBACK');
            throw broken;
          },
        });
      },
    };
    const outcome = postgresWriteLock(failingCommit)(newCustomer(), async () => 'written');
    await assert.rejects(withinTest(outcome, 10_000, 'the lock call'), (error: unknown) => {
      assert.ok(error instanceof WriteLockLostError);
      assert.deepEqual([error.message, error.cause], ['the lock could not be released cleanly (COMMIT failed)', broken]);
      return true;
    });
  });
});

// The busy error's class is what the gateway answers 503 for.
void WriteLockBusyError;
