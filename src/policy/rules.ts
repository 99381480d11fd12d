// What a customer may do with the routes it may call: its own customer only, plans it may choose,
// the fields it may send, seats within the plan, members as an administrator, one active
// subscription of its own per product. Pure functions over facts the caller loaded (our server
// from its store, the gateway from the API), so one set of rules serves both. A refusal is a
// `PolicyRefusal` with a FastAPI-shaped status and detail that says what to do instead.

import { metadataIssue } from './limits.ts';

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class PolicyRefusal extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 422,
    readonly detail: string | ValidationIssue[],
  ) {
    super(typeof detail === 'string' ? detail : detail.map((issue) => issue.msg).join('; '));
    this.name = 'PolicyRefusal';
  }
}

/** The customer a request acts as: its Planship id and the host's own id for it. */
export interface Caller {
  id: string;
  alternativeId: string | null;
}

export interface PlanFacts {
  slug: string;
  isPublic: boolean;
  isSelfServe: boolean;
  /** Seats the plan allows; null when unknown. */
  maxSubscribers: number | null;
}

/** A subscription as the caller sees it. */
export interface SubscriptionFacts {
  id: string;
  planSlug: string;
  isActive: boolean;
  isAdministrator: boolean;
}

/** Fields a customer may send, per action; anything else is dropped before the API sees it. */
const CREATE_FIELDS = ['customer_id', 'is_subscriber', 'max_subscribers', 'auto_renew', 'metadata'];
const UPDATE_FIELDS = ['plan_slug', 'renew_plan_slug', 'max_subscribers', 'auto_renew', 'is_active'];
const MEMBER_FIELDS = ['customer_id', 'is_administrator', 'is_subscriber', 'metadata'];
/** Fields only the vendor sets: a customer sending one is refused, not silently ignored. */
const PRIVILEGED_FIELDS = ['plan_id', 'renew_plan_id', 'renew_at'];

export const ME = 'me';

/** Whether a path's customer reference names the caller: `me`, its uuid or its own alternative id. */
export function isOwnCustomer(reference: string, caller: Caller): boolean {
  return reference === ME || reference.toLowerCase() === caller.id.toLowerCase() || (caller.alternativeId !== null && reference === caller.alternativeId);
}

export function requireOwnCustomer(reference: string, caller: Caller): void {
  if (!isOwnCustomer(reference, caller)) throw new PolicyRefusal(403, 'You can only see and change your own billing.');
}

/** Customers see public plans and the plans of their own subscriptions (a retired plan they are on). */
export function planVisible(plan: PlanFacts | undefined, ownPlanSlugs: ReadonlySet<string>): plan is PlanFacts {
  return plan !== undefined && (plan.isPublic || ownPlanSlugs.has(plan.slug));
}

/** Plans a customer may choose by itself. */
export const choosable = (plan: PlanFacts | undefined): plan is PlanFacts => plan !== undefined && plan.isPublic && plan.isSelfServe;

/** What a customer sees of another member: the name always; email only as an administrator (or of itself). */
export function memberDetails(
  member: { id: string; name?: string; email?: string },
  viewer: { isSelf: boolean; isAdministrator: boolean },
): { id: string; name: string; email?: string } {
  const shown: { id: string; name: string; email?: string } = { id: member.id, name: member.name ?? '' };
  if (viewer.isSelf || viewer.isAdministrator) shown.email = member.email ?? '';
  return shown;
}

function asFields(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** The body with only the allowed keys, refusing privileged ones; a non-object is left for the API's 422. */
function allowedFields(body: unknown, allowed: readonly string[]): { fields?: Record<string, unknown>; body: unknown } {
  const fields = asFields(body);
  if (!fields) return { body };
  const privileged = PRIVILEGED_FIELDS.filter((key) => key in fields);
  if (privileged.length) {
    throw new PolicyRefusal(403, `Only the vendor can set ${privileged.join(', ')}: leave ${privileged.length > 1 ? 'them' : 'it'} out.`);
  }
  const kept = Object.fromEntries(Object.entries(fields).filter(([key]) => allowed.includes(key)));
  const tooBig = 'metadata' in kept ? metadataIssue(kept.metadata) : undefined;
  if (tooBig) throw new PolicyRefusal(422, [tooBig]);
  return { fields: kept, body: kept };
}

function requireAdministrator(subscription: SubscriptionFacts): void {
  if (!subscription.isAdministrator) {
    throw new PolicyRefusal(403, 'Only an administrator of this subscription can change it: ask them to.');
  }
}

function seatLimit(value: unknown, plan: PlanFacts | undefined): void {
  const max = plan?.maxSubscribers;
  if (typeof value === 'number' && max != null && value > max) {
    throw new PolicyRefusal(422, [
      { loc: ['body', 'max_subscribers'], msg: `The plan allows at most ${max} seats`, type: 'less_than_equal' },
    ]);
  }
}

const ownActive = (subscriptions: readonly SubscriptionFacts[], except?: string) =>
  subscriptions.find((subscription) => subscription.isActive && subscription.isAdministrator && subscription.id !== except);

/**
 * POST /products/{p}/plans/{plan}/subscriptions. `subscriptions` are the caller's subscriptions
 * of the product. Returns the body to send on, with `customer_id` set to the caller's id.
 */
export function checkSubscriptionCreate(input: {
  plan: PlanFacts | undefined;
  body: unknown;
  caller: Caller;
  subscriptions: readonly SubscriptionFacts[];
}): unknown {
  const { plan, caller } = input;
  if (!plan || !plan.isPublic) throw new PolicyRefusal(404, 'Plan not found');
  if (!plan.isSelfServe) throw new PolicyRefusal(403, `The ${plan.slug} plan is sold by contract: contact us to subscribe.`);
  const { fields, body } = allowedFields(input.body, CREATE_FIELDS);
  if (!fields) return body;
  if (typeof fields.customer_id === 'string') {
    requireOwnCustomer(fields.customer_id, caller);
    fields.customer_id = caller.id;
  }
  seatLimit(fields.max_subscribers, plan);
  if (ownActive(input.subscriptions)) {
    throw new PolicyRefusal(409, 'You already have an active subscription to this product: change its plan instead of subscribing again.');
  }
  return body;
}

/**
 * PATCH /customers/{c}/subscriptions/{s}. `plans` looks up plan facts by slug; `subscriptions`
 * are the caller's subscriptions of the same product. Returns the body to send on.
 */
export function checkSubscriptionUpdate(input: {
  subscription: SubscriptionFacts;
  plans: (slug: string) => PlanFacts | undefined;
  body: unknown;
  subscriptions: readonly SubscriptionFacts[];
}): unknown {
  const { subscription, plans } = input;
  requireAdministrator(subscription);
  const { fields, body } = allowedFields(input.body, UPDATE_FIELDS);
  if (!fields || Object.keys(fields).length === 0) return body;
  const current = plans(subscription.planSlug);
  if (!current?.isSelfServe) {
    throw new PolicyRefusal(403, 'This subscription is on a contract plan: contact us to change it.');
  }
  for (const key of ['plan_slug', 'renew_plan_slug'] as const) {
    const slug = fields[key];
    if (typeof slug === 'string' && slug !== subscription.planSlug && !choosable(plans(slug))) {
      throw new PolicyRefusal(403, `The "${slug}" plan cannot be chosen here: contact us about it.`);
    }
  }
  const planAfter = typeof fields.plan_slug === 'string' ? plans(fields.plan_slug) : current;
  seatLimit(fields.max_subscribers, planAfter);
  if (fields.is_active === true && !subscription.isActive && ownActive(input.subscriptions, subscription.id)) {
    throw new PolicyRefusal(409, 'You already have another active subscription to this product: resuming this one would bill you twice. Change the plan of the active one instead.');
  }
  return body;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST /customers/{c}/subscriptions/{s}/customers: administrators only, and only by Planship id.
 * An alternative id (often an email) can be guessed, and adding someone shows their name: people
 * are invited by email through the host (or the gateway's invite route), never by a guessed id.
 */
export function checkMemberAdd(input: { subscription: SubscriptionFacts; body: unknown }): unknown {
  requireAdministrator(input.subscription);
  const { fields, body } = allowedFields(input.body, MEMBER_FIELDS);
  if (typeof fields?.customer_id === 'string' && !UUID.test(fields.customer_id)) {
    throw new PolicyRefusal(403, 'Invite people by email; customers cannot be added by another kind of id.');
  }
  return body;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * POST /customers/{c}/subscriptions/{s}/invites (the gateway's): administrators invite people by
 * email; the host says who that is. Returns the email and whether to make them an administrator.
 */
export function checkMemberInvite(input: { subscription: SubscriptionFacts; body: unknown }): { email: string; isAdministrator: boolean } {
  requireAdministrator(input.subscription);
  const fields = asFields(input.body) ?? {};
  const email = typeof fields.email === 'string' ? fields.email.trim() : '';
  if (email.length > 320 || !EMAIL.test(email)) {
    throw new PolicyRefusal(422, [{ loc: ['body', 'email'], msg: 'Enter an email address', type: 'value_error' }]);
  }
  return { email, isAdministrator: fields.is_administrator === true };
}

/** DELETE /customers/{c}/subscriptions/{s}/customers/{m}: anyone may leave; removing others takes an administrator. */
export function checkMemberRemove(input: { subscription: SubscriptionFacts; memberIsCaller: boolean }): void {
  if (!input.memberIsCaller) requireAdministrator(input.subscription);
}

/**
 * The query to send for a subscriptions list: a portal bound to one product lists only that
 * product's subscriptions, whatever the page asked for.
 */
export function subscriptionsQuery(query: URLSearchParams, productSlug: string | undefined): URLSearchParams {
  if (productSlug === undefined) return query;
  return new URLSearchParams({ product_slug: productSlug });
}
