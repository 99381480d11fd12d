// Human wording for numbers, dates, prices, entitlements and errors. Intl follows the page's
// language (<html lang>) and falls back to the browser's.

export interface Price {
  amount: number;
  currency: string;
  /** e.g. 'month', 'year'; omitted for one-off prices. */
  interval?: string;
}

/** The lever facts the wording needs (a subset of the client's lever model). */
export interface LeverLike {
  slug: string;
  name: string;
  type?: string;
}

export function locale(): string {
  return globalThis.document?.documentElement.lang || globalThis.navigator?.language || 'en';
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

export function formatDate(d: Date | string | number): string {
  const date = d instanceof Date ? d : new Date(d);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(date);
}

export function formatPrice({ amount, currency, interval }: Price): string {
  const money = new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(amount);
  return interval ? `${money} / ${interval}` : money;
}

/** One entitlement in words: "10,000 API calls per month", "Single sign-on", "Unlimited Dashboards". */
export function describeEntitlement(lever: LeverLike, value: unknown): string {
  if (value === null) return `Unlimited ${lever.name}`;
  if (typeof value === 'boolean') return value ? lever.name : `No ${lever.name}`;
  if (typeof value === 'number') return `${formatNumber(value)} ${lever.name}`;
  if (Array.isArray(value)) {
    return value.length ? `${lever.name}: ${value.map((item) => String(item).toUpperCase()).join(', ')}` : `No ${lever.name}`;
  }
  if (value === undefined) return `No ${lever.name}`;
  return `${lever.name}: ${String(value)}`;
}

/** Whether an entitlement value grants anything at all (used to leave "No X" lines out). */
export function grantsSomething(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value > 0;
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined;
}

interface PlanEntitlementEntry {
  leverSlug?: string;
  lever?: string;
  slug?: string;
  value?: unknown;
}

/**
 * A plan's entitlements keyed by lever slug, whether the client models them as a record or as
 * a list of `{ leverSlug, value }` entries.
 */
export function planEntitlementValues(plan: { entitlements?: unknown } | undefined): Record<string, unknown> {
  const entitlements = plan?.entitlements;
  if (!entitlements) return {};
  if (Array.isArray(entitlements)) {
    const values: Record<string, unknown> = {};
    for (const entry of entitlements as PlanEntitlementEntry[]) {
      const slug = entry.leverSlug ?? entry.lever ?? entry.slug;
      if (slug) values[slug] = entry.value;
    }
    return values;
  }
  return entitlements as Record<string, unknown>;
}

/** null means unlimited: compare limits with that in mind. */
function numericLoss(from: unknown, to: unknown): boolean {
  if (typeof from !== 'number' && from !== null) return false;
  if (to === null) return false;
  const toNumber = typeof to === 'number' ? to : 0;
  return from === null || toNumber < from;
}

/**
 * What a customer loses moving from one plan to another, in words, for a downgrade
 * confirmation: ["Single sign-on", "API calls per month: 100,000 → 10,000", "Export formats: PARQUET"].
 */
export function lostEntitlements(
  fromPlan: { entitlements?: unknown } | undefined,
  toPlan: { entitlements?: unknown } | undefined,
  levers: readonly LeverLike[],
): string[] {
  const from = planEntitlementValues(fromPlan);
  const to = planEntitlementValues(toPlan);
  const lost: string[] = [];
  for (const lever of levers) {
    if (!(lever.slug in from)) continue;
    const before = from[lever.slug];
    const after = to[lever.slug];
    if (before === true && after !== true) {
      lost.push(lever.name);
    } else if (Array.isArray(before)) {
      const kept = new Set(Array.isArray(after) ? after.map(String) : []);
      const gone = before.map(String).filter((item) => !kept.has(item));
      if (gone.length) lost.push(`${lever.name}: ${gone.map((item) => item.toUpperCase()).join(', ')}`);
    } else if (numericLoss(before, after)) {
      const limit = (value: unknown) => (value === null ? 'Unlimited' : formatNumber(typeof value === 'number' ? value : 0));
      lost.push(`${lever.name}: ${limit(before)} → ${limit(after)}`);
    }
  }
  return lost;
}

interface ErrorLike {
  name?: string;
  kind?: string;
  status?: number;
  detail?: unknown;
  message?: string;
}

function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const messages = detail
      .map((item) => (item && typeof item === 'object' ? (item as { msg?: unknown }).msg : undefined))
      .filter((msg): msg is string => typeof msg === 'string');
    if (messages.length) return messages.join('; ');
  }
  return undefined;
}

/**
 * A message a customer can act on. Built from the error's kind, status and the API's detail
 * text only, so request headers (and tokens) can never leak into the page.
 */
export function describeError(error: unknown): string {
  const e = (error && typeof error === 'object' ? error : {}) as ErrorLike;
  const detail = detailText(e.detail);
  if (e.name === 'AbortError' || e.kind === 'aborted') return 'The request was cancelled.';
  if (e.kind === 'timeout') return 'The billing service took too long to answer. Please try again.';
  if (e.kind === 'auth') return 'Could not sign in to the billing service. Please try again.';
  if (e.kind === 'network' || e.name === 'TypeError') {
    return 'Could not reach the billing service. Check your connection and try again.';
  }
  switch (e.status) {
    case 401:
      return 'Your session has expired. Please sign in again.';
    case 403:
      return detail ? `Not allowed: ${detail}` : 'You are not allowed to do this.';
    case 404:
      return detail ? `Not found: ${detail}` : 'This could not be found.';
    case 409:
    case 400:
    case 422:
      return detail ?? 'The request was not accepted. Please check your input.';
    case 429:
      return 'Too many requests. Please wait a moment and try again.';
  }
  if (typeof e.status === 'number' && e.status >= 500) {
    return 'The billing service had a problem. Please try again.';
  }
  return detail ?? 'Something went wrong. Please try again.';
}
