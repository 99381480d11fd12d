// Human wording for numbers, dates, prices, entitlements and errors. Intl follows the page's
// language (<html lang>), else the browser's.
import { detailText } from '../../client/errors.ts';
import type { PlanDetails } from '../../client/index.ts';

export interface Price {
  amount: number;
  currency: string;
  /** e.g. 'month', 'year'; omitted for one-off prices. */
  interval?: string;
}

const locale = () => document.documentElement.lang || undefined;

// Building an Intl formatter is costly and live pushes format on every render: one formatter
// per kind, language and options, keyed by the language at call time so a new <html lang> applies.
const formatters = new Map<string, unknown>();

function formatter<O, F>(Kind: new (lang: string | undefined, options: O) => F, options: O): F {
  const lang = locale();
  const key = `${Kind.name} ${lang ?? ''} ${JSON.stringify(options)}`;
  let format = formatters.get(key) as F | undefined;
  if (!format) formatters.set(key, (format = new Kind(lang, options)));
  return format;
}

export const formatNumber = (n: number): string => formatter(Intl.NumberFormat, {}).format(n);

/** A medium date ("Dec 3, 2026"), or '' when there is none. */
export function formatDate(d: Date | string | null | undefined): string {
  const date = new Date(d ?? '');
  return isNaN(+date) ? '' : formatter(Intl.DateTimeFormat, { dateStyle: 'medium' }).format(date);
}

export function formatPrice({ amount, currency, interval }: Price): string {
  const money = formatter(Intl.NumberFormat, { style: 'currency', currency }).format(amount);
  return interval ? `${money} / ${interval}` : money;
}

const list = (items: unknown[]) => items.join(', ').toUpperCase();

/**
 * Whether an entitlement value grants access: null is unlimited; booleans as they are; numbers
 * at least `min` (or above zero); lists holding `includes` (or anything).
 */
export function grants(value: unknown, min?: number, includes?: string): boolean {
  if (value === null) return true;
  if (typeof value === 'number') return min === undefined ? value > 0 : value >= min;
  if (Array.isArray(value)) return includes ? value.map(String).includes(includes) : value.length > 0;
  return value === true;
}

/** A granted entitlement in words: "Single sign-on", "10,000 API calls", "Unlimited Dashboards". */
export function describeEntitlement(name: string, value: unknown): string {
  if (value === null) return `Unlimited ${name}`;
  if (typeof value === 'number') return `${formatNumber(value)} ${name}`;
  return Array.isArray(value) ? `${name}: ${list(value)}` : name;
}

/** A plan's entitlement values keyed by lever slug. */
export const planValues = (plan: PlanDetails): Record<string, unknown> =>
  Object.fromEntries(plan.entitlements.map((entry) => [entry.leverSlug, entry.value]));

/**
 * What a customer loses moving from one plan to another, in words, for a downgrade
 * confirmation: ["Single sign-on", "API calls: 100,000 → 10,000", "Export formats: PARQUET"].
 */
export function lostEntitlements(from: PlanDetails, to: PlanDetails, levers: readonly { slug: string; name: string }[]): string[] {
  const before = planValues(from);
  const after = planValues(to);
  const limit = (value: unknown) => (value === null ? 'Unlimited' : formatNumber(Number(value) || 0));
  const lost: string[] = [];
  for (const { slug, name } of levers) {
    const had = before[slug];
    const has = after[slug];
    if (had === true && has !== true) lost.push(name);
    else if (Array.isArray(had)) {
      const gone = had.filter((item) => !(Array.isArray(has) && has.includes(item)));
      if (gone.length) lost.push(`${name}: ${list(gone)}`);
    } else if ((had === null || typeof had === 'number') && has !== null && (had === null || (Number(has) || 0) < had)) {
      lost.push(`${name}: ${limit(had)} → ${limit(has)}`);
    }
  }
  return lost;
}

const MESSAGES: Record<string, string> = {
  aborted: 'The request was cancelled.',
  timeout: 'The billing service took too long to answer.',
  auth: 'Could not sign in to the billing service.',
  network: 'Could not reach the billing service. Check your connection.',
  unauthorized: 'Your session has expired. Please sign in again.',
  forbidden: 'You are not allowed to do this.',
  not_found: 'This could not be found.',
  rate_limited: 'Too many requests. Please wait a moment.',
  server: 'The billing service had a problem.',
};

/**
 * A message a customer can act on, built from the client error's kind and the API's detail
 * text only, so request headers (and tokens) can never leak into the page.
 */
export function describeError(error: unknown): string {
  const { kind, detail } = (error ?? {}) as { kind?: string; detail?: unknown };
  const text = detailText(detail);
  if (kind === 'forbidden' && text) return `Not allowed: ${text}`;
  if (kind === 'not_found' && text) return `Not found: ${text}`;
  const message = MESSAGES[kind ?? ''] ?? text ?? 'Something went wrong.';
  return kind === 'unauthorized' || kind === 'aborted' || message === text ? message : `${message} Please try again.`;
}
