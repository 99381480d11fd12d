// Each route a signed-in page may call, served for its customer: the policy decides with facts
// read from Planship, then the request goes on with the product token. Paths and bodies are
// rebuilt from what the policy allows (the customer's own id in place of `me`, only the allowed
// fields), so nothing the page invents reaches Planship. A signed-in user with no customer yet
// reads as a customer with nothing; the first write that needs one creates it.
import { createHash } from 'node:crypto';
import {
  checkMemberAdd,
  checkMemberRemove,
  checkSubscriptionCreate,
  checkSubscriptionUpdate,
  isOwnCustomer,
  memberDetails,
  planVisible,
  type Caller,
  type CustomerAction,
  type CustomerRouteMatch,
  type SubscriptionFacts,
  cancels,
  readCancellationFeedback,
  type CancellationFeedback,
} from '../policy/index.ts';
import { visiblePlans, withPrices, type Catalog, type Plans } from './catalog.ts';
import type { Customers, PortalUser } from './customers.ts';
import { GatewayError, refuse } from './errors.ts';
import { openBillingPortal, paidUpdate, requestedInterval, type BillingPortal, type Pricing } from './checkout.ts';
import { Invitations, type InvitationOptions } from './invitations.ts';
import type { Upstream, UpstreamAnswer } from './upstream.ts';
import type { WriteLock } from './write-lock.ts';

export interface PortalRequest {
  match: CustomerRouteMatch;
  /** The user's customer; null while they have none. */
  caller: Caller | null;
  user: PortalUser;
  body: unknown;
  idempotencyKey: string | null;
}

interface SubscriptionWire {
  subscription_id: string;
  plan: { slug: string; name?: string };
  renew_plan?: { slug: string } | null;
  max_subscribers?: number;
  is_active: boolean;
  is_administrator?: boolean;
  [field: string]: unknown;
}

interface MemberWire {
  customer_id: string;
  customer?: { id: string; name?: string; email?: string };
  [field: string]: unknown;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

const withoutMetadata = ({ metadata: _metadata, ...fields }: Record<string, unknown>) => fields;

/** Reads that answer 404 only when Planship has no such customer. */
const CUSTOMER_READS = new Set<CustomerAction>(['subscriptions.list', 'entitlements.read']);

/** Member names for hosted Planship, whose member list carries none: one cached read per member. */
const MEMBER_NAME_TTL_MS = 60_000;
const MAX_MEMBER_NAMES = 10_000;

export interface PortalRoutesOptions {
  productSlug: string;
  writeLock: WriteLock;
  log: (message: string) => void;
  /** What plans cost, and the host's checkout for changes that cost more. */
  pricing: Pricing;
  /** The host's billing portal for a user (payment method, invoices). */
  billingPortal?: BillingPortal;
  /** Team invitations, when the host set them up. */
  invitations?: InvitationOptions;
  /** Told of each cancellation made through the portal, with the customer's reason if they gave one. */
  onCancel?: OnCancel;
}

/** A cancellation made through the portal, as `onCancel` hears of it. */
export interface Cancellation extends CancellationFeedback {
  subscriptionId: string;
  planSlug: string;
  /** `now` (is_active false) or at the end of the period (auto_renew false). */
  at: 'now' | 'period-end';
}

export type OnCancel = (cancellation: Cancellation, user: PortalUser) => void | Promise<void>;

export class PortalRoutes {
  readonly #upstream: Upstream;
  readonly #catalog: Catalog;
  readonly #productSlug: string;
  readonly #customers: Customers;
  readonly #invitations?: Invitations;
  /** One write at a time per customer (and subscription), in every process: checks see the effects of the last write. */
  readonly #writeLock: WriteLock;
  readonly #log: (message: string) => void;
  readonly #pricing: Pricing;
  readonly #billingPortal?: BillingPortal;
  readonly #onCancel?: OnCancel;
  readonly #memberNames = new Map<string, { value: Promise<{ name?: string; email?: string }>; until: number }>();

  constructor(upstream: Upstream, catalog: Catalog, customers: Customers, options: PortalRoutesOptions) {
    this.#upstream = upstream;
    this.#catalog = catalog;
    this.#customers = customers;
    this.#productSlug = options.productSlug;
    this.#writeLock = options.writeLock;
    this.#log = options.log;
    this.#pricing = options.pricing;
    this.#billingPortal = options.billingPortal;
    this.#onCancel = options.onCancel;
    const serially = <T>(customerId: string, subscriptionId: string, work: (held: AbortSignal) => Promise<T>) => this.#locked(customerId, subscriptionId, work);
    const customerDetails = (customerId: string) => this.#memberName(customerId);
    this.#invitations = options.invitations && new Invitations({ upstream, customers, serially, customerDetails }, options.invitations);
  }

  /**
   * A catalog read: for a visitor who is not signed in (`caller` null, or no customer yet), public
   * plans only; for a customer, also the plans they are on. With their prices. Anything else: 401.
   */
  serveCatalog(match: CustomerRouteMatch, caller: Caller | null = null): Promise<UpstreamAnswer> {
    const { params } = match;
    switch (match.action) {
      case 'product.read':
        return this.#catalog.answer('');
      case 'levers.list':
        return this.#catalog.answer('/levers');
      case 'lever.read':
        return this.#catalog.answer(`/levers/${encodeURIComponent(params.lever!)}`);
      case 'plans.list':
        return this.#plans(caller);
      case 'plan.read':
        return this.#plan(caller, params.plan!, '');
      case 'plan-entitlements.read':
        return this.#plan(caller, params.plan!, '/entitlements');
      default:
        throw refuse(401, 'Sign in to see your billing.');
    }
  }

  /** Forgets what is cached about a user (they signed out). */
  forget(userId: string): void {
    this.#customers.forget(userId);
  }

  serve(request: PortalRequest): Promise<UpstreamAnswer> {
    const { match, caller, user } = request;
    const { params } = match;
    switch (match.action) {
      case 'product.read':
      case 'levers.list':
      case 'lever.read':
      case 'plans.list':
      case 'plan.read':
      case 'plan-entitlements.read':
        return this.serveCatalog(match, caller);
      case 'subscription.create':
        return this.#forgettingGone(request, () => this.#subscribe(request));
      case 'invitation.read':
        return this.#invitationsOffered().read(params.invitation!, user);
      case 'invitation.accept':
        return this.#invitationsOffered().accept(params.invitation!, user);
      case 'invitation.decline':
        return this.#invitationsOffered().decline(params.invitation!, user);
      case 'billing-portal.open':
        return openBillingPortal(this.#billingPortal, user, this.#log);
      case 'entitlements.live':
        throw refuse(400, 'Open this path as a WebSocket, or with Accept: text/event-stream.');
      default:
        if (!caller) return this.#serveNoCustomer(request);
        return this.#forgettingGone(request, () => this.#serveCustomer(request, caller), async () => {
          const now = await this.#customers.find(user);
          return now ? this.#serveCustomer(request, now) : this.#serveNoCustomer(request);
        });
    }
  }

  /**
   * Runs `work`; when Planship no longer has the customer this process remembered (deleted, or a
   * Planship that restarted empty), forgets it at once and runs `again` (default `work`) for
   * whatever Planship has now, rather than answer 404s until the memory expires.
   */
  async #forgettingGone(request: PortalRequest, work: () => Promise<UpstreamAnswer>, again = work): Promise<UpstreamAnswer> {
    try {
      const answer = await work();
      if (answer.status !== 404 || !CUSTOMER_READS.has(request.match.action)) return answer;
    } catch (error) {
      if (!(error instanceof GatewayError && error.upstreamStatus === 404)) throw error;
    }
    this.#customers.forget(request.user.id);
    return again();
  }

  /** A signed-in user with no Planship customer yet: what a customer with nothing sees. */
  async #serveNoCustomer({ match }: PortalRequest): Promise<UpstreamAnswer> {
    switch (match.action) {
      case 'subscriptions.list':
        return { status: 200, body: [] };
      case 'entitlements.read':
        return { status: 200, body: await this.#catalog.defaultEntitlements() };
      case 'usage.read':
        return { status: 200, body: match.params.lever !== undefined ? { total: 0, by_bucket: {}, by_subscription: {} } : {} };
      default:
        throw refuse(404, 'Subscription not found');
    }
  }

  #serveCustomer(request: PortalRequest, caller: Caller): Promise<UpstreamAnswer> {
    const { match } = request;
    const { params } = match;
    const customer = `/api/v1/customers/${encodeURIComponent(caller.id)}`;
    const product = `/products/${encodeURIComponent(this.#productSlug)}`;
    switch (match.action) {
      case 'subscriptions.list':
        return this.#upstream.call('GET', `${customer}/subscriptions?product_slug=${encodeURIComponent(this.#productSlug)}`);
      case 'subscription.read':
        return this.#ownSubscription(caller, params.subscription!).then((found) => ({ status: 200, body: found.wire }));
      case 'entitlements.read':
        return this.#upstream.call('GET', `${customer}${product}/entitlements`);
      case 'usage.read':
        return this.#upstream.call(
          'GET',
          params.lever !== undefined
            ? `${customer}${product}/levers/${encodeURIComponent(params.lever)}/usage`
            : `${customer}${product}/usage/${encodeURIComponent(params.metering!)}`,
        );
      case 'members.list':
        return this.#members(caller, params.subscription!);
      case 'subscription.update':
        return this.#locked(caller.id, params.subscription!, async (held) => {
          const [plans, subscriptions] = await Promise.all([this.#catalog.plans(), this.#subscriptionFacts(caller)]);
          const subscription = own(subscriptions, params.subscription!);
          const checked = checkSubscriptionUpdate({ subscription, plans: (slug) => plans.facts.get(slug), body: request.body, subscriptions });
          // Planship's PATCH has no metadata: a cancellation's reason goes to the host instead.
          const fields = asObject(checked);
          const body = fields ? withoutMetadata(fields) : checked;
          await this.#paidUpdate(request, subscription, body);
          const path = `${customer}/subscriptions/${encodeURIComponent(subscription.id)}`;
          const answer = await this.#withinSeatLimit(path, await this.#upstream.call('PATCH', path, body, undefined, held), plans, held);
          if (answer.status === 200) this.#cancelled(subscription, fields, request.user);
          return answer;
        });
      case 'members.add':
        // Another customer's subscription stays a 404; one's own: invite by email instead.
        return this.#ownSubscription(caller, params.subscription!).then(() => checkMemberAdd());
      case 'members.invite':
        return this.#locked(caller.id, undefined, async () => {
          const { wire, facts } = await this.#ownSubscription(caller, params.subscription!);
          return this.#invitationsOffered().invite(facts, wire.plan.name ?? wire.plan.slug, { user: request.user, caller }, request.body);
        });
      case 'invites.list':
        return this.#ownSubscription(caller, params.subscription!).then(({ facts }) => this.#invitationsOffered().list(facts));
      case 'invites.cancel':
        return this.#ownSubscription(caller, params.subscription!).then(({ facts }) => this.#invitationsOffered().cancel(facts, params.invitation!));
      case 'members.remove':
        return this.#locked(caller.id, params.subscription!, async (held) => {
          const { facts } = await this.#ownSubscription(caller, params.subscription!);
          const leaving = isOwnCustomer(params.member!, caller);
          checkMemberRemove({ subscription: facts, memberIsCaller: leaving });
          const member = leaving ? caller.id : params.member!;
          return this.#upstream.call('DELETE', `${customer}/subscriptions/${encodeURIComponent(facts.id)}/customers/${encodeURIComponent(member)}`, undefined, undefined, held);
        });
      default:
        throw refuse(404, 'Not Found');
    }
  }

  /**
   * A new subscription. A user with no customer yet is checked (and, for a paid plan, sent to
   * checkout) before their customer is created, so a refused or unpaid attempt creates nothing.
   */
  async #subscribe(request: PortalRequest): Promise<UpstreamAnswer> {
    const plan = request.match.params.plan!;
    let approved = false;
    if (!(await this.#customers.find(request.user))) {
      const plans = await this.#catalog.plans();
      const body = checkSubscriptionCreate({ plan: plans.facts.get(plan), body: request.body, caller: { id: '', alternativeId: request.user.id }, subscriptions: [] });
      await this.#paidSubscription(request, plan, body);
      approved = true;
    }
    const caller = await this.#customers.ensure(request.user);
    return this.#locked(caller.id, undefined, async (held) => {
      const [plans, subscriptions] = await Promise.all([this.#catalog.plans(), this.#subscriptionFacts(caller)]);
      const body = checkSubscriptionCreate({ plan: plans.facts.get(plan), body: request.body, caller, subscriptions });
      if (!approved) await this.#paidSubscription(request, plan, body);
      const path = `/api/v1/products/${encodeURIComponent(this.#productSlug)}/plans/${encodeURIComponent(plan)}/subscriptions`;
      const answer = await this.#upstream.call<{ id?: string }>('POST', path, body, this.#idempotency(caller, request), held);
      const created = answer.status === 200 && answer.body.id ? `/api/v1/customers/${encodeURIComponent(caller.id)}/subscriptions/${encodeURIComponent(answer.body.id)}` : undefined;
      return created ? this.#withinSeatLimit(created, answer, plans, held) : answer;
    });
  }

  /** A new subscription to a paid plan needs the host's checkout first (402 otherwise). */
  async #paidSubscription(request: PortalRequest, plan: string, body: unknown): Promise<void> {
    const pricing = this.#pricing;
    const fields = asObject(body);
    if (!pricing.priced || !fields) return;
    const interval = requestedInterval(pricing, request.body, plan) ?? pricing.intervalsOf(plan)[0];
    const seats = typeof fields.max_subscribers === 'number' ? fields.max_subscribers : 1;
    if (pricing.raises(null, pricing.cost(plan, interval, seats))) await pricing.approve({ toPlan: plan, interval, seats, at: 'now' }, request.user);
  }

  /**
   * A change that costs more (now, or at renewal) needs the host's checkout first (402
   * otherwise). Planship does not say which interval a subscription is billed in: the plan's
   * first listed price is taken for the current one.
   */
  async #paidUpdate(request: PortalRequest, subscription: SubscriptionFacts, body: unknown): Promise<void> {
    const pricing = this.#pricing;
    const fields = asObject(body);
    if (!pricing.priced || !fields) return;
    const target = typeof fields.plan_slug === 'string' ? fields.plan_slug : typeof fields.renew_plan_slug === 'string' ? fields.renew_plan_slug : subscription.planSlug;
    const interval = requestedInterval(pricing, request.body, target);
    const change = paidUpdate(pricing, { subscription: { ...subscription, interval: pricing.intervalsOf(subscription.planSlug)[0] }, fields, interval });
    if (change) await pricing.approve(change, request.user);
  }

  #invitationsOffered(): Invitations {
    if (!this.#invitations) throw refuse(403, 'Invitations are not set up on this site.');
    return this.#invitations;
  }

  /**
   * Runs `work` holding the customer's write lock (and the subscription's, for a change to one:
   * its administrators are several customers). Locks are always taken customer first, then
   * subscription, so two writes never wait for each other in a circle.
   */
  #locked<T>(customerId: string, subscriptionId: string | undefined, work: (held: AbortSignal) => Promise<T>): Promise<T> {
    return this.#writeLock(customerId, (customerHeld) =>
      subscriptionId === undefined
        ? work(customerHeld)
        : this.#writeLock(`subscription:${subscriptionId.toLowerCase()}`, (subscriptionHeld) => work(AbortSignal.any([customerHeld, subscriptionHeld]))),
    );
  }

  /** Tells the host's `onCancel` of a cancellation just made (its failure is logged, never the customer's). */
  #cancelled(subscription: SubscriptionFacts, fields: Record<string, unknown> | undefined, user: PortalUser): void {
    if (!this.#onCancel || !fields || !cancels(fields)) return;
    const { feedback } = readCancellationFeedback(fields);
    const cancellation: Cancellation = { subscriptionId: subscription.id, planSlug: subscription.planSlug, at: fields.is_active === false ? 'now' : 'period-end', ...feedback };
    void Promise.resolve()
      .then(() => this.#onCancel!(cancellation, user))
      .catch((error: unknown) => this.#log(`planship gateway: onCancel threw ${(error as Error)?.name ?? typeof error}`));
  }

  /**
   * After a write: a subscription left above its plan's known seat limit (a race that got past the
   * lock some other way, e.g. a write made without it) is set back to the limit, and logged.
   */
  async #withinSeatLimit(path: string, answer: UpstreamAnswer, plans: Plans, held: AbortSignal): Promise<UpstreamAnswer> {
    const written = answer.body as SubscriptionWire & { plan?: { slug: string } };
    if (answer.status !== 200 || !written?.plan) return answer;
    const limit = plans.facts.get(written.plan.slug)?.maxSubscribers ?? null;
    const seats = written.max_subscribers;
    if (limit === null || typeof seats !== 'number' || seats <= limit) return answer;
    const corrected = await this.#upstream.call('PATCH', path, { max_subscribers: limit }, undefined, held);
    this.#log(`planship gateway: a subscription had ${seats} seats on the ${written.plan.slug} plan, which allows ${limit}: set back to ${limit}`);
    return corrected.status === 200 ? corrected : answer;
  }

  /** A page's Idempotency-Key, made the customer's own before it goes on (keys are per client upstream). */
  #idempotency(caller: Caller, request: Pick<PortalRequest, 'idempotencyKey'>): Record<string, string> | undefined {
    const key = request.idempotencyKey;
    if (!key) return undefined;
    return { 'idempotency-key': createHash('sha256').update(`${caller.id}\u0000${key.slice(0, 255)}`).digest('hex') };
  }

  async #subscriptionWires(caller: Caller): Promise<SubscriptionWire[]> {
    return this.#upstream.read<SubscriptionWire[]>(
      `/api/v1/customers/${encodeURIComponent(caller.id)}/subscriptions?product_slug=${encodeURIComponent(this.#productSlug)}`,
    );
  }

  async #subscriptionFacts(caller: Caller): Promise<SubscriptionFacts[]> {
    return (await this.#subscriptionWires(caller)).map(facts);
  }

  /** One of the customer's subscriptions of this product (404 otherwise: another product's too). */
  async #ownSubscription(caller: Caller, subscriptionId: string) {
    const wire = (await this.#subscriptionWires(caller)).find((candidate) => candidate.subscription_id === subscriptionId.toLowerCase());
    if (!wire) throw refuse(404, 'Subscription not found');
    return { wire, facts: facts(wire) };
  }

  /** Public plans plus the plans the customer is on. */
  async #plans(caller: Caller | null): Promise<UpstreamAnswer> {
    const [plans, ownPlans] = await Promise.all([this.#catalog.plans(), this.#ownPlanSlugs(caller)]);
    return { status: 200, body: visiblePlans(plans, ownPlans, this.#pricing) };
  }

  /** A plan (or its entitlements, `suffix`) the customer may see. */
  async #plan(caller: Caller | null, slug: string, suffix: string): Promise<UpstreamAnswer> {
    const [plans, ownPlans] = await Promise.all([this.#catalog.plans(), this.#ownPlanSlugs(caller)]);
    if (!planVisible(plans.facts.get(slug), ownPlans)) throw refuse(404, 'Plan not found');
    const answer = await this.#catalog.answer(`/plans/${encodeURIComponent(slug)}${suffix}`);
    return suffix ? answer : { ...answer, body: withPrices(answer.body, slug, this.#pricing) };
  }

  async #ownPlanSlugs(caller: Caller | null): Promise<Set<string>> {
    if (!caller) return new Set();
    return new Set((await this.#subscriptionWires(caller)).map((subscription) => subscription.plan.slug));
  }

  async #members(caller: Caller, subscriptionId: string): Promise<UpstreamAnswer> {
    const { facts: subscription } = await this.#ownSubscription(caller, subscriptionId);
    const answer = await this.#upstream.call<MemberWire[]>(
      'GET',
      `/api/v1/customers/${encodeURIComponent(caller.id)}/subscriptions/${encodeURIComponent(subscription.id)}/customers`,
    );
    if (answer.status !== 200 || !Array.isArray(answer.body)) return answer;
    return { status: 200, body: await Promise.all(answer.body.map((member) => this.#withDetails(member, caller, subscription))) };
  }

  /** A member as the customer policy lets this caller see it; names read from Planship where the answer has none. */
  async #withDetails(member: MemberWire, caller: Caller, subscription: SubscriptionFacts): Promise<MemberWire> {
    const details = member.customer?.name !== undefined ? member.customer : { id: member.customer_id, ...(await this.#memberName(member.customer_id)) };
    const viewer = { isSelf: member.customer_id === caller.id, isAdministrator: subscription.isAdministrator };
    return { ...member, customer: memberDetails({ ...details, id: member.customer_id }, viewer) };
  }

  #memberName(customerId: string): Promise<{ name?: string; email?: string }> {
    const cached = this.#memberNames.get(customerId);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = this.#upstream
      .call<{ name?: string; email?: string }>('GET', `/api/v1/customers/${encodeURIComponent(customerId)}`)
      .then((answer) => (answer.status === 200 ? { name: answer.body.name, email: answer.body.email } : {}));
    if (this.#memberNames.size >= MAX_MEMBER_NAMES) this.#memberNames.delete(this.#memberNames.keys().next().value!);
    this.#memberNames.set(customerId, { value, until: Date.now() + MEMBER_NAME_TTL_MS });
    value.catch(() => this.#memberNames.delete(customerId));
    return value;
  }
}

function facts(wire: SubscriptionWire): SubscriptionFacts {
  return {
    id: wire.subscription_id,
    planSlug: wire.plan.slug,
    renewPlanSlug: wire.renew_plan?.slug ?? wire.plan.slug,
    // CustomerSubscriptionWithPlan always has it (its model's default is 1).
    maxSubscribers: Number.isSafeInteger(wire.max_subscribers) ? wire.max_subscribers! : 1,
    isActive: wire.is_active,
    isAdministrator: wire.is_administrator === true,
    renewAt: typeof wire.renew_at === 'string' ? wire.renew_at : null,
  };
}

function own(subscriptions: SubscriptionFacts[], subscriptionId: string): SubscriptionFacts {
  const found = subscriptions.find((subscription) => subscription.id === subscriptionId.toLowerCase());
  if (!found) throw refuse(404, 'Subscription not found');
  return found;
}
