// Every call to a shared store (Redis, PostgreSQL) is raced against a deadline: a store that
// stops answering becomes an error the gateway can answer, never a request that hangs.

/** What the store calls reject with when the store did not answer in time. */
export class StoreTimeoutError extends Error {
  override name = 'StoreTimeoutError';
}

/** `promise`'s outcome, or a rejection with `error()` once `ms` passed first. */
export function within<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), Math.max(0, ms));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** An option that must be a positive number (a wait, a lease, a count); `refuse` makes the error. */
export function positiveOption(
  name: string,
  value: number | undefined,
  fallback: number,
  refuse: (message: string) => Error = (message) => new Error(`${message}, not ${String(value)}`),
): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw refuse(`${name} must be a positive number`);
  return value;
}
