// Parallel reads whose failures are told in the order they were listed, not the order they
// happened: the read that explains the others' failures comes first.

/**
 * Like Promise.all, but the first failure in the list wins, not the first in time: a product
 * Planship does not have (the catalog reads, listed first) also fails the customer's reads of it.
 */
export async function allInListOrder<T extends readonly unknown[]>(reads: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(reads);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
