// The write lock shared by gateway processes through Redis (or Valkey): a key per customer, set
// only if absent and only for a lease, holding a random token. The holder renews the lease while
// its work runs and deletes the key when done, each time only if the key still holds its own
// token; a holder that died leaves a key that expires with its lease.
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_WAIT_MS, settleHeld, WriteLockBusyError, WriteLockLostError, type WriteLock } from './write-lock.ts';
import { positiveOption, sleep, StoreTimeoutError, within } from './time-limit.ts';

/** What the lock needs of a client: node-redis v5's `createClient()` (talking to Redis or Valkey) has it. */
export interface RedisLockClient {
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number }; condition: 'NX' }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisWriteLockOptions {
  /** Before each customer's key; default `planship:lock:`. */
  prefix?: string;
  /** How long the lock outlives a holder that stopped renewing it (a crashed process); default 10 000. */
  leaseMs?: number;
  /** How long a write waits for the lock before WriteLockBusyError; default 5 000. */
  waitMs?: number;
  /** How long one Redis command may take; default a third of leaseMs, at most 1 000. */
  commandTimeoutMs?: number;
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Ids this long or longer go into the key as a digest (a key stays small whatever the id). */
const LONGEST_ID_IN_KEY = 128;
const HASHED = 'sha256:';

/** The customer's part of the key: the id itself, or a digest for long ids (and for ids that could pass for one). */
function lockKeyPart(customerId: string): string {
  if (customerId.length < LONGEST_ID_IN_KEY && !customerId.startsWith(HASHED)) return customerId;
  return HASHED + createHash('sha256').update(customerId).digest('base64url');
}

/** Waits between attempts: about 5 ms at first, growing to about 50 ms, jittered so waiters spread out. */
const retryDelay = (attempt: number) => {
  const ceiling = Math.min(50, 5 * 1.5 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
};

export function redisWriteLock(client: RedisLockClient, options: RedisWriteLockOptions = {}): WriteLock {
  if (typeof client?.set !== 'function' || typeof client.eval !== 'function') throw new Error('redisWriteLock needs a node-redis client (createClient() from the redis package)');
  const prefix = options.prefix ?? 'planship:lock:';
  const leaseMs = Math.ceil(positiveOption('leaseMs', options.leaseMs, 10_000));
  const waitMs = positiveOption('waitMs', options.waitMs, DEFAULT_WAIT_MS);
  const commandMs = positiveOption('commandTimeoutMs', options.commandTimeoutMs, Math.min(1_000, leaseMs / 3));
  const command = <T>(what: string, call: Promise<T>, ms = commandMs) =>
    within(call, ms, () => new StoreTimeoutError(`Redis did not answer ${what} within ${Math.round(ms)} ms`));
  const release = (key: string, token: string) => command('the lock release', client.eval(RELEASE, { keys: [key], arguments: [token] }));

  /** Takes the key, or throws WriteLockBusyError once `waitMs` passed; answers when the SET went out (the lease began then or later). */
  async function acquire(key: string, token: string): Promise<number> {
    const deadline = Date.now() + waitMs;
    let lastProblem: unknown;
    for (let attempt = 0; ; attempt += 1) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const sentAt = Date.now();
      try {
        const answer = await command('SET NX', client.set(key, token, { expiration: { type: 'PX', value: leaseMs }, condition: 'NX' }), Math.min(commandMs, left));
        if (answer === 'OK') return sentAt;
        lastProblem = undefined;
      } catch (problem) {
        lastProblem = problem;
        // A SET that timed out may still land later: delete it then (the lease would end it anyway).
        release(key, token).catch(() => {});
      }
      await sleep(Math.min(retryDelay(attempt), deadline - Date.now()));
    }
    const why = lastProblem === undefined ? 'another write holds it' : 'Redis failed or did not answer';
    throw new WriteLockBusyError(`the customer's write lock was not taken within ${waitMs} ms (${why})`, { cause: lastProblem });
  }

  /** Renews the lease every third of it while the work runs; the signal aborts once the lease is gone. */
  function keepLease(key: string, token: string, leaseStart: number) {
    const controller = new AbortController();
    let renewal: ReturnType<typeof setTimeout> | undefined;
    let expiry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(renewal);
      clearTimeout(expiry);
    };
    const lose = (why: string) => {
      stop();
      controller.abort(new WriteLockLostError(why));
    };
    // Counted from when the command was sent: Redis started the lease later, never earlier.
    const leaseEndsAt = (start: number) => {
      clearTimeout(expiry);
      expiry = setTimeout(() => lose(`the lock's lease ended: Redis did not confirm a renewal within ${leaseMs} ms`), start + leaseMs - Date.now());
    };
    const renew = async () => {
      const sentAt = Date.now();
      try {
        const renewed = await command('the lease renewal', client.eval(RENEW, { keys: [key], arguments: [token, String(leaseMs)] }));
        if (stopped) return;
        if (Number(renewed) !== 1) return lose('another holder took the lock (the lease had ended)');
        leaseEndsAt(sentAt);
      } catch {
        // Tried again at the next beat; the expiry timer ends the lease if no renewal gets through.
      }
      if (!stopped) renewal = setTimeout(renew, leaseMs / 3);
    };
    leaseEndsAt(leaseStart);
    renewal = setTimeout(renew, leaseMs / 3);
    return { signal: controller.signal, stop };
  }

  return async (customerId, work) => {
    const key = prefix + lockKeyPart(customerId);
    const token = randomBytes(16).toString('base64url');
    const lease = keepLease(key, token, await acquire(key, token));
    try {
      return await settleHeld(lease.signal, Promise.resolve().then(() => work(lease.signal)));
    } finally {
      lease.stop();
      // Never another holder's key; a release that fails leaves a key that expires with the lease.
      await release(key, token).catch(() => {});
    }
  };
}
