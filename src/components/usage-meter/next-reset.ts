// When a lever's usage starts counting from zero again, as the server counts periods: calendar
// periods in UTC, weeks starting on Monday.

/** The next period start after `now` (ms) for `reset` = day, week, month or year; undefined for never (or none). */
export function nextReset(reset: string | null | undefined, now = Date.now()): number | undefined {
  const date = new Date(now);
  const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  switch (reset) {
    case 'day':
      return Date.UTC(year, month, day + 1);
    case 'week':
      return Date.UTC(year, month, day + 7 - ((date.getUTCDay() + 6) % 7));
    case 'month':
      return Date.UTC(year, month + 1, 1);
    case 'year':
      return Date.UTC(year + 1, 0, 1);
  }
  return undefined;
}
