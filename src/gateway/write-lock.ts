// One write at a time per customer: the gateway reads facts (plans, subscriptions, seats), the
// policy decides, then the write goes upstream. Two writes of one customer interleaved would both
// decide on the same stale facts (two subscriptions where one is allowed, a seat taken twice).
// In one process a queue per customer is enough; several gateway processes share a Redis or
// PostgreSQL lock instead (redis-write-lock.ts, postgres-write-lock.ts).
import { positiveOption, within } from './time-limit.ts';

/**
 * Runs `work` while no other holder (in any process) runs a write for `customerId`. `work` gets a
 * signal that aborts if the lock is lost (a lease that could not be renewed): the work must stop
 * before its next write. When the lock was lost the call rejects with WriteLockLostError once the
 * work settled, whatever the work answered: its writes were not covered by the lock.
 */
export type WriteLock = <T>(customerId: string, work: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** The lock could not be taken within the bounded wait. The gateway answers it 503 "busy, try again". */
export class WriteLockBusyError extends Error {
  override name = 'WriteLockBusyError';
}

/** Thrown inside work / by the lock when the lease was lost mid-work. */
export class WriteLockLostError extends Error {
  override name = 'WriteLockLostError';
}

export const DEFAULT_WAIT_MS = 5_000;

export interface InProcessWriteLockOptions {
  /** How long a write waits for the one before it; default 5 000. */
  waitMs?: number;
}

/** The default: one queue per customer inside this process (holds in one process only). */
export function inProcessWriteLock(options: InProcessWriteLockOptions = {}): WriteLock {
  const waitMs = positiveOption('waitMs', options.waitMs, DEFAULT_WAIT_MS);
  // The end of each customer's queue: settles when the last write queued so far has finished.
  const tails = new Map<string, Promise<void>>();
  // Nothing in one process can take the lock away.
  const neverLost = new AbortController().signal;
  return async (customerId, work) => {
    const previous = tails.get(customerId) ?? Promise.resolve();
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    // The next write waits for this one, and for the one before it even if this one gave up waiting.
    const tail = previous.then(() => finished);
    tails.set(customerId, tail);
    void tail.then(() => tails.get(customerId) === tail && tails.delete(customerId));
    try {
      await within(previous, waitMs, () => new WriteLockBusyError(`another write for this customer ran longer than ${waitMs} ms`));
      return await work(neverLost);
    } finally {
      done();
    }
  };
}

/**
 * `work`'s outcome, unless the lock was lost meanwhile: then WriteLockLostError (with the work's
 * own error as its cause), once the work has settled (so a retry never overlaps it).
 */
export async function settleHeld<T>(signal: AbortSignal, run: Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await run };
  } catch (error) {
    outcome = { error };
  }
  if (signal.aborted) {
    const lost = signal.reason instanceof WriteLockLostError ? signal.reason : new WriteLockLostError('the write lock was lost');
    if ('error' in outcome && outcome.error !== lost && lost.cause === undefined) lost.cause = outcome.error;
    throw lost;
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
