// What a customer may do with the routes it may call: its own customer only, plans it may choose,
// the fields it may send, seats within the plan, members as an administrator, one active
// subscription of its own per product. Pure functions over facts the caller loaded (our server
// from its store, the gateway from the API), so one set of rules serves both. A refusal is a
// `PolicyRefusal` with a FastAPI-shaped status and detail that says what to do instead.

import { metadataIssue } from './limits.ts';
import { readCancellationFeedback } from './cancellation.ts';

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
  /** What the rule allowed, as pydantic's errors give it (e.g. `{ le: 3 }`). */
  ctx?: Record<string, unknown>;
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
  /** Seats the plan allows; null when unknown (then only raises above the current count are refused). */
  maxSubscribers: number | null;
}

/** A subscription as the caller sees it. */
export interface SubscriptionFacts {
  id: string;
  planSlug: string;
  /** The plan it moves to at renewal (its own plan when no change is scheduled). */
  renewPlanSlug: string;
  /** Seats it has now. */
  maxSubscribers: number;
  isActive: boolean;
  isAdministrator: boolean;
  /** When it renews (an ISO date-time), if the caller knows: a refusal about the renewal plan says when. */
  renewAt?: string | null;
}

/** Fields a customer may send, per action; anything else is dropped before the API sees it. */
const CREATE_FIELDS = ['customer_id', 'is_subscriber', 'max_subscribers', 'auto_renew', 'metadata'];
const UPDATE_FIELDS = ['plan_slug', 'renew_plan_slug', 'max_subscribers', 'auto_renew', 'is_active', 'metadata'];
/**
 * The JSON type of each field a customer may send. Hosted Planship (FastAPI, lax pydantic) would
 * coerce `"true"`, `1` or `"1000"`, and a check that looks for `true` or a number would wave
 * those through: a wrong type is refused before any rule looks at the value.
 */
const FIELD_TYPES: Record<string, 'bool' | 'int' | 'string' | 'string-or-null'> = {
  is_active: 'bool',
  auto_renew: 'bool',
  is_subscriber: 'bool',
  is_administrator: 'bool',
  max_subscribers: 'int',
  plan_slug: 'string-or-null',
  renew_plan_slug: 'string-or-null',
  customer_id: 'string',
};

const TYPE_ISSUES = {
  bool: { msg: 'Input should be a valid boolean', type: 'bool_type' },
  int: { msg: 'Input should be a valid integer', type: 'int_type' },
  string: { msg: 'Input should be a valid string', type: 'string_type' },
  'string-or-null': { msg: 'Input should be a valid string', type: 'string_type' },
} as const;

function hasType(value: unknown, expected: keyof typeof TYPE_ISSUES): boolean {
  if (expected === 'bool') return typeof value === 'boolean';
  if (expected === 'int') return Number.isSafeInteger(value);
  return typeof value === 'string' || (expected === 'string-or-null' && value === null);
}

/** 422 for every field of a known type sent with another JSON type. */
function requireFieldTypes(fields: Record<string, unknown>): void {
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const expected = FIELD_TYPES[key];
    if (expected && !hasType(value, expected)) issues.push({ loc: ['body', key], ...TYPE_ISSUES[expected] });
  }
  if (issues.length) throw new PolicyRefusal(422, issues);
}

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
  requireFieldTypes(kept);
  const tooBig = 'metadata' in kept ? metadataIssue(kept.metadata) : undefined;
  if (tooBig) throw new PolicyRefusal(422, [tooBig]);
  return { fields: kept, body: kept };
}

export function requireAdministrator(subscription: SubscriptionFacts): void {
  if (!subscription.isAdministrator) {
    throw new PolicyRefusal(403, 'Only an administrator of this subscription can change it: ask them to.');
  }
}

const seatsWord = (count: number) => `${count} seat${count === 1 ? '' : 's'}`;

/** The calendar day (UTC) of an ISO date-time, e.g. `2026-12-03`; undefined when there is none. */
function renewalDay(renewAt: string | null | undefined): string | undefined {
  const date = new Date(renewAt ?? '');
  return isNaN(+date) ? undefined : date.toISOString().slice(0, 10);
}

/**
 * Seats on a plan the subscription is (or will be) on. A known limit caps them (422); an unknown
 * one (hosted Planship's plan list carries none) allows only what is known to fit: `current`
 * (what the vendor set on this plan), else 1 (every plan allows one seat). Fewer seats than
 * `current` are always fine: that never costs the vendor. A limit of the plan it renews on
 * (`renewal`) is said so, with the renewal day when known: the seats fit the plan now, and a
 * portal must be able to tell the customer why they do not count (type
 * `less_than_equal_at_renewal`, `ctx.le` the limit, as pydantic gives `ctx`).
 */
function seatLimit(input: { seats: number; plan: PlanFacts | undefined; current?: number; field: string; renewal?: { at: string | null | undefined } }): void {
  const { seats, plan, current = 1, field, renewal } = input;
  const max = plan?.maxSubscribers ?? null;
  if (seats <= Math.max(max ?? 1, current)) return;
  const slug = plan?.slug ?? 'chosen';
  if (max === null) throw new PolicyRefusal(403, `Seats on the ${slug} plan are arranged with us: contact us to have ${seatsWord(seats)} on it.`);
  const day = renewal && renewalDay(renewal.at);
  const on = !renewal
    ? `The ${slug} plan`
    : day
      ? `Your subscription renews on the ${slug} plan on ${day}, which`
      : `Your subscription moves to the ${slug} plan at renewal, which`;
  throw new PolicyRefusal(422, [
    {
      loc: ['body', field],
      msg: `${on} allows at most ${seatsWord(max)}, not ${seats}: set max_subscribers to ${max} or fewer (in the same change, or first).`,
      type: renewal ? 'less_than_equal_at_renewal' : 'less_than_equal',
      ...(renewal && { ctx: { le: max } }),
    },
  ]);
}

/**
 * Seats after a PATCH on each plan the subscription will be on: now and at renewal (a plan change
 * replaces a scheduled one unless the same PATCH schedules one). Checked whenever the seats or a
 * plan change, so 50 seats on business cannot move to a 1-seat plan, now or at renewal. A plan
 * change now that names no seats takes the new plan's known limit where it is lower (written into
 * `fields`): a plan picker knows nothing of seats, and the seats in use are Planship's to check.
 */
function checkSeatsAfter(subscription: SubscriptionFacts, plans: (slug: string) => PlanFacts | undefined, fields: Record<string, unknown>): void {
  const seatsChange = typeof fields.max_subscribers === 'number';
  let seats = seatsChange ? (fields.max_subscribers as number) : subscription.maxSubscribers;
  const planAfter = typeof fields.plan_slug === 'string' ? fields.plan_slug : subscription.planSlug;
  const planChange = planAfter !== subscription.planSlug;
  const limitAfter = plans(planAfter)?.maxSubscribers ?? null;
  if (planChange && !seatsChange && limitAfter !== null && seats > limitAfter) fields.max_subscribers = seats = limitAfter;
  const renewAfter =
    'renew_plan_slug' in fields ? ((fields.renew_plan_slug as string | null) ?? planAfter) : planChange ? planAfter : subscription.renewPlanSlug;
  if (seatsChange || planChange) {
    // A 422 here is always about the seats asked for: a plan change alone took the plan's known limit above.
    seatLimit({
      seats,
      plan: plans(planAfter),
      current: planChange ? 1 : subscription.maxSubscribers,
      field: 'max_subscribers',
    });
  }
  const renewChange = renewAfter !== subscription.renewPlanSlug;
  if (renewAfter !== planAfter && (seatsChange || renewChange)) {
    seatLimit({
      seats,
      plan: plans(renewAfter),
      current: renewChange ? 1 : subscription.maxSubscribers,
      field: seatsChange ? 'max_subscribers' : 'renew_plan_slug',
      renewal: { at: subscription.renewAt },
    });
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
  if (typeof fields.max_subscribers === 'number') seatLimit({ seats: fields.max_subscribers, plan, field: 'max_subscribers' });
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
  // A cancellation's reason and comment, nothing else (see cancellation.ts).
  const { issues } = readCancellationFeedback(fields);
  if (issues.length) throw new PolicyRefusal(422, issues);
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
  checkSeatsAfter(subscription, plans, fields);
  if (fields.is_active === true && !subscription.isActive && ownActive(input.subscriptions, subscription.id)) {
    throw new PolicyRefusal(409, 'You already have another active subscription to this product: resuming this one would bill you twice. Change the plan of the active one instead.');
  }
  return body;
}

/**
 * POST /customers/{c}/subscriptions/{s}/customers: never for a customer. Adding someone by id
 * needs no consent of theirs and shows their email to the adder; a teammate's uuid is visible to
 * every member, so it is no secret. People are invited by email (the gateway's invite route,
 * where the host says who has that email) or added by the host's backend with product credentials.
 */
export function checkMemberAdd(): never {
  throw new PolicyRefusal(403, 'Invite teammates by email: customers cannot add members by id. Use the invite form, or ask the vendor to add them.');
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * POST /customers/{c}/subscriptions/{s}/invites (the gateway's): administrators invite people by
 * email; the host says who that is. Returns the email and whether to make them an administrator.
 */
export function checkMemberInvite(input: { subscription: SubscriptionFacts; body: unknown }): { email: string; isAdministrator: boolean } {
  requireAdministrator(input.subscription);
  const fields = asFields(input.body) ?? {};
  requireFieldTypes({ is_administrator: fields.is_administrator ?? false });
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
