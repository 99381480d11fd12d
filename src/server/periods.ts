// Usage periods of metered levers: calendar periods in UTC, weeks starting on Monday.
import type { ResetPeriod } from './catalog.ts';

const DAY_MS = 86_400_000;

/** Start (ms) of the period that contains `now`; -Infinity for levers that never reset. */
export function periodStart(reset: ResetPeriod, now: number): number {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const midnight = Date.UTC(year, month, date.getUTCDate());
  switch (reset) {
    case 'day':
      return midnight;
    case 'week': {
      const daysSinceMonday = (date.getUTCDay() + 6) % 7;
      return midnight - daysSinceMonday * DAY_MS;
    }
    case 'month':
      return Date.UTC(year, month, 1);
    case 'year':
      return Date.UTC(year, 0, 1);
    case 'never':
      return Number.NEGATIVE_INFINITY;
  }
}

/** Start of the widest of these periods that contain `now` (-Infinity when one never resets). */
export function earliestPeriodStart(resets: readonly ResetPeriod[], now: number): number {
  return Math.min(...resets.map((reset) => periodStart(reset, now)));
}

/** Every period boundary falls on a UTC midnight, so the next midnight is the next candidate. */
export function nextUtcMidnight(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
}

/** The same moment one calendar month later (clamped to the month's last day). */
export function addMonth(time: number): number {
  const date = new Date(time);
  const target = new Date(time);
  target.setUTCDate(1);
  target.setUTCMonth(date.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return target.getTime();
}
