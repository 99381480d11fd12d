// What the PostgreSQL lock and store need of a `pg` Pool, without importing `pg` (an optional
// peer): connections taken within a deadline, queries bounded too, and a connection that broke
// (or timed out mid-query) destroyed rather than handed back to the pool.
import { createHash } from 'node:crypto';
import { StoreTimeoutError, within } from './time-limit.ts';

export interface PgClient {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  /** With an error (or true) the pool destroys the connection instead of reusing it. */
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeListener(event: 'error' | 'end', listener: (...args: any[]) => void): unknown;
}

/** A `pg` Pool (`new Pool({ connectionString })`) has this. */
export interface PgPool {
  connect(): Promise<PgClient>;
}

/**
 * A 64-bit advisory lock key (as a signed bigint in text) for `id` within `namespace`: the first 8
 * bytes of a SHA-256 of both, so our keys fall anywhere but on the small numbers hosts pick for
 * their own advisory locks.
 */
export function advisoryKey(namespace: string, id: string): string {
  return createHash('sha256').update(`planship-portal\u0000${namespace}\u0000${id}`).digest().readBigInt64BE(0).toString();
}

export const isLockTimeout = (error: unknown) => (error as { code?: unknown } | undefined)?.code === '55P03';

/** A pool connection, taken within `ms` (a pool with no free connection in time is an error). */
export async function connectWithin(pool: PgPool, ms: number, error: () => Error): Promise<PgClient> {
  const connecting = pool.connect();
  try {
    return await within(connecting, ms, error);
  } catch (problem) {
    // A connection that arrives after we gave up goes straight back.
    connecting.then((late) => late.release(), () => {});
    throw problem;
  }
}

/** A connection in use: each query bounded by `timeLeftMs()`; `broken` says the connection failed (and why). */
export class HeldConnection {
  broken?: Error;
  readonly #client: PgClient;
  readonly #timeLeftMs: () => number;
  readonly #onBroken?: (error: Error) => void;
  readonly #onError = (error: Error) => this.#fail(error);
  readonly #onEnd = () => this.#fail(new Error('the PostgreSQL connection ended'));

  constructor(client: PgClient, timeLeftMs: () => number, onBroken?: (error: Error) => void) {
    this.#client = client;
    this.#timeLeftMs = timeLeftMs;
    this.#onBroken = onBroken;
    // A checked-out pg client has no 'error' listener of the pool's: without ours, an error would crash the process.
    client.on('error', this.#onError);
    client.on('end', this.#onEnd);
  }

  #fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    this.#onBroken?.(error);
  }

  async query(text: string, values?: unknown[], timeLeftMs = this.#timeLeftMs()): Promise<any[]> {
    const ms = Math.max(1, Math.round(timeLeftMs));
    try {
      const result = await within(this.#client.query(text, values), ms, () => new StoreTimeoutError(`PostgreSQL did not answer within ${ms} ms`));
      return result.rows;
    } catch (error) {
      // A timed-out query may still run on this connection: it must never serve anyone else.
      if (error instanceof StoreTimeoutError) this.#fail(error);
      throw error;
    }
  }

  /** Waits for the transaction's advisory lock on `id` in `namespace` (held until the transaction ends). */
  async advisoryLock(namespace: string, id: string, timeLeftMs?: number): Promise<void> {
    await this.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(namespace, id)], timeLeftMs);
  }

  /** Ends the transaction without its changes; a broken connection's transaction the server ends itself. */
  async rollback(): Promise<void> {
    if (!this.broken) await this.query('ROLLBACK').catch(() => {});
  }

  /** Back to the pool, or destroyed when it broke (the server then ends its transaction and locks). */
  release(): void {
    this.#client.removeListener('error', this.#onError);
    this.#client.removeListener('end', this.#onEnd);
    this.#client.release(this.broken ?? undefined);
  }
}
