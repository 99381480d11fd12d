// The usage ledger: per subscription and metering id, the usage of each UTC day (every period
// boundary is a UTC midnight, so days are the finest grain a period total needs), as running
// sums so "usage since the start of this period" is a binary search, not a scan.
// Bounds (issue 12): a report is at most MAX_USAGE_PER_REPORT; days before the widest current
// period of the metering id's levers are dropped, and the sums re-based, so every stored sum is
// a total of the current period, which a report may never push past Number.MAX_SAFE_INTEGER:
// totals stay exact integers and one period cannot spoil the next. At most MAX_BUCKETS distinct
// buckets per subscription, metering id and period.

/** The largest `usage` one report may carry (documented in CONTRACTS.md). */
export const MAX_USAGE_PER_REPORT = 1_000_000_000_000;
/** Distinct buckets (no bucket counts as one) per subscription, metering id and period. */
export const MAX_BUCKETS = 1000;
/** No period total may pass this: beyond it, doubles stop counting in ones. */
export const MAX_PERIOD_TOTAL = Number.MAX_SAFE_INTEGER;

const DAY_MS = 86_400_000;

class DailySeries {
  private readonly days: number[] = [];
  /** Running sums since the first day kept. */
  private readonly sums: number[] = [];

  add(time: number, amount: number): void {
    const day = Math.floor(time / DAY_MS) * DAY_MS;
    const last = this.days.length - 1;
    if (last >= 0 && this.days[last] === day) this.sums[last] += amount;
    else {
      this.days.push(day);
      this.sums.push(this.total() + amount);
    }
  }

  total(): number {
    return this.sums.length ? this.sums[this.sums.length - 1] : 0;
  }

  get empty(): boolean {
    return this.days.length === 0;
  }

  /** Index of the first day at or after `start` (a UTC midnight, or -Infinity). */
  private firstAtOrAfter(start: number): number {
    let low = 0;
    let high = this.days.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.days[middle] < start) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Sum of the amounts reported at or after `start`. */
  sumSince(start: number): number {
    const first = this.firstAtOrAfter(start);
    return this.total() - (first === 0 ? 0 : this.sums[first - 1]);
  }

  /** Each day kept with its own amount (not the running sum), oldest first. */
  entries(): [day: number, amount: number][] {
    return this.days.map((day, index) => [day, this.sums[index] - (index === 0 ? 0 : this.sums[index - 1])]);
  }

  /** Forgets the days before `start`; the sums kept then count from `start`. */
  dropBefore(start: number): void {
    const first = this.firstAtOrAfter(start);
    if (first === 0) return;
    const base = this.sums[first - 1];
    this.days.splice(0, first);
    this.sums.splice(0, first);
    for (let index = 0; index < this.sums.length; index += 1) this.sums[index] -= base;
  }
}

interface MeteredUsage {
  total: DailySeries;
  buckets: Map<string | null, DailySeries>;
  /** The period start the series were last trimmed to. */
  trimmedTo: number;
}

/** One subscription's usage of one metering id, as a data file keeps it. */
export interface MeteredUsageState {
  subscriptionId: string;
  meteringId: string;
  /** The period start the days were last trimmed to (-Infinity: never). */
  trimmedTo: number;
  /** Each bucket's days (UTC midnights, ascending) and amounts; the total is their sum. */
  buckets: { bucket: string | null; days: [day: number, amount: number][] }[];
}

/** Why a report was not recorded. */
export type UsageRefusal = 'too_many_buckets' | 'total_too_large';

export class UsageLedger {
  private readonly series = new Map<string, MeteredUsage>();

  private static key(subscriptionId: string, meteringId: string): string {
    return `${subscriptionId}\u0000${meteringId}`;
  }

  /**
   * Records a report unless it would break a bound; nothing changes when it is refused.
   * `periodStart` is the start of the widest current period of the metering id's levers
   * (-Infinity when one never resets): older days are dropped first.
   */
  record(subscriptionId: string, meteringId: string, bucket: string | null, amount: number, time: number, periodStart: number): UsageRefusal | undefined {
    const key = UsageLedger.key(subscriptionId, meteringId);
    let usage = this.series.get(key);
    if (!usage) this.series.set(key, (usage = { total: new DailySeries(), buckets: new Map(), trimmedTo: periodStart }));
    if (periodStart > usage.trimmedTo) {
      usage.trimmedTo = periodStart;
      usage.total.dropBefore(periodStart);
      for (const [name, series] of usage.buckets) {
        series.dropBefore(periodStart);
        if (series.empty) usage.buckets.delete(name);
      }
    }
    let series = usage.buckets.get(bucket);
    if (!series && usage.buckets.size >= MAX_BUCKETS) return 'too_many_buckets';
    if (usage.total.total() + amount > MAX_PERIOD_TOTAL) return 'total_too_large';
    if (!series) usage.buckets.set(bucket, (series = new DailySeries()));
    series.add(time, amount);
    usage.total.add(time, amount);
    return undefined;
  }

  /** Usage per bucket since `start` for one subscription and metering id (buckets with 0 omitted). */
  byBucketSince(subscriptionId: string, meteringId: string, start: number): Map<string | null, number> {
    const result = new Map<string | null, number>();
    const usage = this.series.get(UsageLedger.key(subscriptionId, meteringId));
    if (!usage) return result;
    for (const [bucket, series] of usage.buckets) {
      const sum = series.sumSince(start);
      if (sum !== 0) result.set(bucket, sum);
    }
    return result;
  }

  totalSince(subscriptionId: string, meteringId: string, start: number): number {
    return this.series.get(UsageLedger.key(subscriptionId, meteringId))?.total.sumSince(start) ?? 0;
  }

  /** Everything recorded, for a data file. */
  *entries(): IterableIterator<MeteredUsageState> {
    for (const [key, usage] of this.series) {
      const [subscriptionId, meteringId] = key.split('\u0000');
      const buckets = [...usage.buckets].map(([bucket, series]) => ({ bucket, days: series.entries() }));
      yield { subscriptionId, meteringId, trimmedTo: usage.trimmedTo, buckets };
    }
  }

  /**
   * Takes back what entries() gave, once the data file's shapes are checked; the bounds are
   * checked here. Answers the problem in words (nothing is kept then), or undefined.
   */
  restore(state: MeteredUsageState): string | undefined {
    const key = UsageLedger.key(state.subscriptionId, state.meteringId);
    if (this.series.has(key)) return 'a second entry for this subscription and metering id';
    if (state.buckets.length > MAX_BUCKETS) return `more than ${MAX_BUCKETS} buckets`;
    const usage: MeteredUsage = { total: new DailySeries(), buckets: new Map(), trimmedTo: state.trimmedTo };
    const perDay = new Map<number, number>();
    let total = 0;
    for (const { bucket, days } of state.buckets) {
      if (usage.buckets.has(bucket)) return `bucket ${JSON.stringify(bucket)} twice`;
      const series = new DailySeries();
      let previous = Number.NEGATIVE_INFINITY;
      for (const [day, amount] of days) {
        // The sums rely on days in order, whole UTC days, in the current period.
        if (day % DAY_MS !== 0 || day <= previous || day < state.trimmedTo) return `day ${day} is not a UTC midnight after the one before it and the period start`;
        if (!Number.isSafeInteger(amount) || amount < 0) return `amount ${amount} is not a whole number >= 0`;
        total += amount;
        if (total > MAX_PERIOD_TOTAL) return `the total passes ${MAX_PERIOD_TOTAL}`;
        series.add(day, amount);
        perDay.set(day, (perDay.get(day) ?? 0) + amount);
        previous = day;
      }
      if (!series.empty) usage.buckets.set(bucket, series);
    }
    for (const day of [...perDay.keys()].sort((a, b) => a - b)) usage.total.add(day, perDay.get(day)!);
    this.series.set(key, usage);
    return undefined;
  }
}
