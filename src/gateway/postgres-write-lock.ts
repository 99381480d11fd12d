// The write lock shared by gateway processes through PostgreSQL: a transaction-scoped advisory
// lock per customer, held on one pool connection while the work runs. The server ends the lock
// with the transaction, so a holder that crashed (its connection gone) releases it at once.
import { connectWithin, HeldConnection, isLockTimeout, type PgPool } from './postgres-pool.ts';
import { DEFAULT_WAIT_MS, settleHeld, WriteLockBusyError, WriteLockLostError, type WriteLock } from './write-lock.ts';
import { positiveOption } from './time-limit.ts';

export type { PgClient, PgPool } from './postgres-pool.ts';

export interface PostgresWriteLockOptions {
  /** How long a write waits for the lock (a pool connection included) before WriteLockBusyError; default 5 000. */
  waitMs?: number;
  /** How long BEGIN, COMMIT and the like may take; default 5 000. */
  queryTimeoutMs?: number;
}

export function postgresWriteLock(pool: PgPool, options: PostgresWriteLockOptions = {}): WriteLock {
  if (typeof pool?.connect !== 'function') throw new Error('postgresWriteLock needs a pg Pool (new Pool() from the pg package)');
  const waitMs = Math.ceil(positiveOption('waitMs', options.waitMs, DEFAULT_WAIT_MS));
  const queryMs = positiveOption('queryTimeoutMs', options.queryTimeoutMs, 5_000);
  const busy = (why: string, cause?: unknown) => new WriteLockBusyError(`the customer's write lock was not taken within ${waitMs} ms (${why})`, { cause });

  return async (customerId, work) => {
    const started = Date.now();
    const client = await connectWithin(pool, waitMs, () => busy('no free database connection')).catch((error) => {
      throw error instanceof WriteLockBusyError ? error : busy('no database connection', error);
    });
    const controller = new AbortController();
    // The lock lives as long as the connection: once it breaks, another holder may already have it.
    const connection = new HeldConnection(client, () => queryMs, (error) =>
      controller.abort(new WriteLockLostError(`the database connection holding the lock broke: ${error.message}`, { cause: error })),
    );
    try {
      try {
        await connection.query('BEGIN');
        // What the connection took counts against the wait; lock_timeout 0 would mean "forever".
        const left = Math.max(1, waitMs - (Date.now() - started));
        await connection.query(`SET LOCAL lock_timeout = '${left}ms'`);
        // lock_timeout ends the wait; the query's own limit is only for a server that stopped answering.
        await connection.advisoryLock('write-lock', customerId, left + queryMs);
      } catch (error) {
        // Not taken in time, or the database failed us: either way the page may try again shortly.
        await connection.rollback();
        throw busy(isLockTimeout(error) ? 'another write holds it' : 'the database failed', error);
      }
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await settleHeld(controller.signal, Promise.resolve().then(() => work(controller.signal)));
      } catch (error) {
        await connection.rollback();
        throw error;
      }
      try {
        await connection.query('COMMIT');
      } catch (error) {
        // The lock ended with the connection at a moment we cannot tell: the work may not have been covered.
        throw new WriteLockLostError('the lock could not be released cleanly (COMMIT failed)', { cause: error });
      }
      return result;
    } finally {
      connection.release();
    }
  };
}
