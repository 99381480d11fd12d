// What the API says, in the element's words: entitlements and errors.
import { detailText } from '../../client/errors.ts';
import type { PlanDetails } from '../../client/index.ts';
import type { Localize } from './localize.ts';
import type { PlanshipMessages } from './messages.ts';

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

/** A plan's entitlement values keyed by lever slug. */
export const planValues = (plan: PlanDetails): Record<string, unknown> =>
  Object.fromEntries(plan.entitlements.map((entry) => [entry.leverSlug, entry.value]));

const items = (t: Localize, values: unknown[]) => t.list(values.map((value) => String(value).toUpperCase()));

/** A granted entitlement in words: "Single sign-on", "10,000 API calls", "Unlimited Dashboards". */
export function describeEntitlement(t: Localize, name: string, value: unknown): string {
  if (value === null) return t.m.unlimitedLever(name);
  if (typeof value === 'number') return t.m.amountOfLever(t.number(value), name);
  return Array.isArray(value) ? t.m.leverList(name, items(t, value)) : name;
}

/**
 * What a customer loses moving from one plan to another, in words, for a downgrade
 * confirmation: ["Single sign-on", "API calls: 100,000 → 10,000", "Export formats: PARQUET"].
 */
export function lostEntitlements(t: Localize, from: PlanDetails, to: PlanDetails, levers: readonly { slug: string; name: string }[]): string[] {
  const before = planValues(from);
  const after = planValues(to);
  const limit = (value: unknown) => (value === null ? t.m.unlimited : t.number(Number(value) || 0));
  const lost: string[] = [];
  for (const { slug, name } of levers) {
    const had = before[slug];
    const has = after[slug];
    if (had === true && has !== true) lost.push(name);
    else if (Array.isArray(had)) {
      const gone = had.filter((item) => !(Array.isArray(has) && has.includes(item)));
      if (gone.length) lost.push(t.m.leverList(name, items(t, gone)));
    } else if ((had === null || typeof had === 'number') && has !== null && (had === null || (Number(has) || 0) < had)) {
      lost.push(t.m.limitChange(name, limit(had), limit(has)));
    }
  }
  return lost;
}

const ERRORS: Record<string, keyof PlanshipMessages> = {
  aborted: 'errorAborted',
  timeout: 'errorTimeout',
  auth: 'errorAuth',
  network: 'errorNetwork',
  unauthorized: 'errorUnauthorized',
  forbidden: 'errorForbidden',
  not_found: 'errorNotFound',
  rate_limited: 'errorRateLimited',
  server: 'errorServer',
};

/**
 * A message a customer can act on, built from the client error's kind and the API's detail
 * text only, so request headers (and tokens) can never leak into the page.
 */
export function describeError(m: PlanshipMessages, error: unknown): string {
  const { kind, detail } = (error ?? {}) as { kind?: string; detail?: unknown };
  const text = detailText(detail);
  if (kind === 'forbidden' && text) return m.errorForbiddenDetail(text);
  if (kind === 'not_found' && text) return m.errorNotFoundDetail(text);
  const message = (m[ERRORS[kind ?? '']] as string | undefined) ?? text ?? m.errorUnknown;
  return kind === 'unauthorized' || kind === 'aborted' || message === text ? message : m.tryAgain(message);
}

/**
 * `text` split around the first `inner` in it, to style a value inside a translated sentence
 * whatever the word order ("49,00 € / Monat", "月額 ¥4,900"); undefined when it is not there.
 */
export function splitAround(text: string, inner: string): [string, string] | undefined {
  const at = inner ? text.indexOf(inner) : -1;
  return at < 0 ? undefined : [text.slice(0, at), text.slice(at + inner.length)];
}
