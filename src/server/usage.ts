// The usage ledger: every report kept per subscription, metering id and bucket, with running
// totals so "usage since the start of this period" is a binary search, not a scan.

class UsageSeries {
  private readonly times: number[] = [];
  private readonly cumulative: number[] = [];

  add(time: number, amount: number): void {
    const previous = this.cumulative.length ? this.cumulative[this.cumulative.length - 1] : 0;
    this.times.push(time);
    this.cumulative.push(previous + amount);
  }

  /** Sum of the amounts reported at or after `start` (times only grow: the clock is monotonic). */
  sumSince(start: number): number {
    const count = this.times.length;
    if (count === 0) return 0;
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.times[middle] < start) low = middle + 1;
      else high = middle;
    }
    const before = low === 0 ? 0 : this.cumulative[low - 1];
    return this.cumulative[count - 1] - before;
  }
}

export class UsageLedger {
  private readonly series = new Map<string, Map<string | null, UsageSeries>>();

  private static key(subscriptionId: string, meteringId: string): string {
    return `${subscriptionId}\u0000${meteringId}`;
  }

  record(subscriptionId: string, meteringId: string, bucket: string | null, amount: number, time: number): void {
    const key = UsageLedger.key(subscriptionId, meteringId);
    let buckets = this.series.get(key);
    if (!buckets) this.series.set(key, (buckets = new Map()));
    let series = buckets.get(bucket);
    if (!series) buckets.set(bucket, (series = new UsageSeries()));
    series.add(time, amount);
  }

  /** Usage per bucket since `start` for one subscription and metering id (buckets with 0 omitted). */
  byBucketSince(subscriptionId: string, meteringId: string, start: number): Map<string | null, number> {
    const result = new Map<string | null, number>();
    const buckets = this.series.get(UsageLedger.key(subscriptionId, meteringId));
    if (!buckets) return result;
    for (const [bucket, series] of buckets) {
      const sum = series.sumSince(start);
      if (sum !== 0) result.set(bucket, sum);
    }
    return result;
  }

  totalSince(subscriptionId: string, meteringId: string, start: number): number {
    let total = 0;
    for (const amount of this.byBucketSince(subscriptionId, meteringId, start).values()) total += amount;
    return total;
  }
}
