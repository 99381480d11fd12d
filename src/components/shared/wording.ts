// What the API says, in the element's words: entitlements and errors.
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

type Levers = readonly { slug: string; name: string }[];

/** What a plan grants, in words (lever names as the host words them), in the levers' order (a plan card, a first subscription). */
export function planFeatures(t: Localize, plan: PlanDetails, levers: Levers): string[] {
  const values = planValues(plan);
  return levers.filter(({ slug }) => grants(values[slug])).map((lever) => describeEntitlement(t, t.lever(lever).name, values[lever.slug]));
}

/**
 * What a customer gains and loses moving from one plan to another, in words, for the
 * confirmation: lost ["Single sign-on", "API calls: 100,000 → 10,000", "Export formats: PARQUET"],
 * gained the same the other way round. Without a plan before, everything the new one grants.
 */
export function entitlementChanges(t: Localize, from: PlanDetails | undefined, to: PlanDetails, levers: Levers) {
  if (!from) return { gained: planFeatures(t, to, levers), lost: [] };
  const before = planValues(from);
  const after = planValues(to);
  const limit = (value: unknown) => (value === null ? t.m.unlimited : t.number(Number(value) || 0));
  const gained: string[] = [];
  const lost: string[] = [];
  // What `had` holds that `has` lacks, into `into`; a limit is worded old → new (`gain`: has → had).
  const missing = (name: string, had: unknown, has: unknown, into: string[], gain = false) => {
    if (had === true && has !== true) into.push(name);
    else if (Array.isArray(had)) {
      const gone = had.filter((item) => !(Array.isArray(has) && has.includes(item)));
      if (gone.length) into.push(t.m.leverList(name, items(t, gone)));
    } else if ((had === null || typeof had === 'number') && has !== null && (had === null || (Number(has) || 0) < had)) {
      into.push(gain ? t.m.limitChange(name, limit(has), limit(had)) : t.m.limitChange(name, limit(had), limit(has)));
    }
  };
  for (const lever of levers) {
    const { slug, name } = t.lever(lever);
    missing(name, before[slug], after[slug], lost);
    missing(name, after[slug], before[slug], gained, true);
  }
  return { gained, lost };
}

const BY_KIND: Record<string, keyof PlanshipMessages> = {
  aborted: 'errorAborted',
  timeout: 'errorTimeout',
  auth: 'errorAuth',
  network: 'errorNetwork',
  unauthorized: 'errorUnauthorized',
  forbidden: 'errorForbidden',
  not_found: 'errorNotFound',
  conflict: 'errorConflict',
  validation: 'errorInvalid',
  bad_request: 'errorInvalid',
  payment_required: 'errorPaymentRefused',
  rate_limited: 'errorRateLimited',
  server: 'errorServer',
  misconfigured: 'errorMisconfigured',
};

/** Refusals that mean something particular for one action (action and HTTP status). */
const BY_ACTION: Record<string, keyof PlanshipMessages> = {
  'create-subscription 409': 'errorAlreadySubscribed',
  'resume 409': 'errorWouldBillTwice',
  'change-seats 409': 'errorSeatsBelowMembers',
  'change-seats 422': 'errorSeatsAbovePlan',
  'invite-member 422': 'errorEmailInvalid',
  'invite-member 429': 'errorTooManyInvitations',
  'read-invitation 404': 'errorInvitationNotYours',
  'accept-invitation 404': 'errorInvitationNotYours',
  'decline-invitation 404': 'errorInvitationNotYours',
  'accept-invitation 409': 'errorInvitationTeamFull',
  'remove-member 404': 'errorMemberGone',
  'load-catalog 404': 'errorCatalogNotFound',
  'leave-team 404': 'errorMemberGone',
};

/** Failures a retry can fix: no answer, a server fault, a timeout, the token service, too many requests. */
const RETRIABLE = ['network', 'timeout', 'server', 'auth', 'rate_limited', undefined];

const errorFacts = (error: unknown) => (error ?? {}) as { kind?: string; status?: number };

/**
 * Whether trying again can help (a refusal stays a refusal: no Retry for it, nor for an answer
 * with words of its own for this action, such as too many invitations, which says when to try).
 */
export function canRetry(error: unknown, action = 'load'): boolean {
  const { kind, status } = errorFacts(error);
  return RETRIABLE.includes(kind) && !BY_ACTION[`${action} ${status}`];
}

/**
 * A sentence a customer can act on, chosen by the action and the error's status or kind, never
 * from the API's own (English) text, so request headers and tokens can never leak either.
 */
export function describeError(m: PlanshipMessages, error: unknown, action = 'load'): string {
  const { kind, status } = errorFacts(error);
  const message = m[BY_ACTION[`${action} ${status}`] ?? BY_KIND[kind!] ?? 'errorUnknown'] as string;
  return canRetry(error, action) ? m.tryAgain(message) : message;
}

/**
 * The seat limit of the plan a subscription renews on, when a 422 refused seats because of it
 * (the policy's issue type `less_than_equal_at_renewal`, the limit in `ctx.le`); else undefined.
 */
export function renewalSeatLimit(error: unknown): number | undefined {
  const { status, detail } = (error ?? {}) as { status?: number; detail?: unknown };
  const issues = status === 422 && Array.isArray(detail) ? (detail as { type?: unknown; ctx?: { le?: unknown } }[]) : [];
  const limit = issues.find((issue) => issue?.type === 'less_than_equal_at_renewal')?.ctx?.le;
  return Number.isSafeInteger(limit) ? (limit as number) : undefined;
}

/**
 * `text` split around the first `inner` in it, to style a value inside a translated sentence
 * whatever the word order ("49,00 € / Monat", "月額 ¥4,900"); undefined when it is not there.
 */
export function splitAround(text: string, inner: string): [string, string] | undefined {
  const at = inner ? text.indexOf(inner) : -1;
  return at < 0 ? undefined : [text.slice(0, at), text.slice(at + inner.length)];
}
