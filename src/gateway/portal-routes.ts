// Each route a signed-in page may call, served for its customer: the policy decides with facts
// read from Planship, then the request goes on with the product token. Paths and bodies are
// rebuilt from what the policy allows (the customer's own id in place of `me`, only the allowed
// fields), so nothing the page invents reaches Planship.
import { createHash } from 'node:crypto';
import {
  checkMemberAdd,
  checkMemberInvite,
  checkMemberRemove,
  checkSubscriptionCreate,
  checkSubscriptionUpdate,
  isOwnCustomer,
  memberDetails,
  planVisible,
  type Caller,
  type CustomerRouteMatch,
  type SubscriptionFacts,
} from '../policy/index.ts';
import { visiblePlans, type Catalog } from './catalog.ts';
import type { Customers, PortalUser } from './customers.ts';
import { refuse } from './errors.ts';
import type { Upstream, UpstreamAnswer } from './upstream.ts';

export interface PortalRequest {
  match: CustomerRouteMatch;
  caller: Caller;
  user: PortalUser;
  body: unknown;
  idempotencyKey: string | null;
}

/** The host's answer to "who has this email?" for an invitation (null: nobody it knows). */
export type ResolveMember = (
  email: string,
  context: { inviter: PortalUser; subscriptionId: string },
) => Promise<PortalUser | null> | PortalUser | null;

interface SubscriptionWire {
  subscription_id: string;
  plan: { slug: string };
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

/** Member names for hosted Planship, whose member list carries none: one cached read per member. */
const MEMBER_NAME_TTL_MS = 60_000;
const MAX_MEMBER_NAMES = 10_000;

export class PortalRoutes {
  readonly #upstream: Upstream;
  readonly #catalog: Catalog;
  readonly #productSlug: string;
  /** One write at a time per customer, so the checks of one see the effects of the last. */
  readonly #writes = new Map<string, Promise<unknown>>();
  readonly #memberNames = new Map<string, { value: Promise<{ name?: string; email?: string }>; until: number }>();

  readonly #customers: Customers;
  readonly #resolveMember?: ResolveMember;

  constructor(upstream: Upstream, catalog: Catalog, customers: Customers, options: { productSlug: string; resolveMember?: ResolveMember }) {
    this.#upstream = upstream;
    this.#catalog = catalog;
    this.#customers = customers;
    this.#productSlug = options.productSlug;
    this.#resolveMember = options.resolveMember;
  }

  serve(request: PortalRequest): Promise<UpstreamAnswer> {
    const { match, caller } = request;
    const { params } = match;
    const customer = `/api/v1/customers/${encodeURIComponent(caller.id)}`;
    const product = `/api/v1/products/${encodeURIComponent(this.#productSlug)}`;
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
      case 'subscriptions.list':
        return this.#upstream.call('GET', `${customer}/subscriptions?product_slug=${encodeURIComponent(this.#productSlug)}`);
      case 'subscription.read':
        return this.#ownSubscription(caller, params.subscription!).then((found) => ({ status: 200, body: found.wire }));
      case 'entitlements.read':
        return this.#upstream.call('GET', `${customer}/products/${encodeURIComponent(this.#productSlug)}/entitlements`);
      case 'usage.read':
        return this.#upstream.call(
          'GET',
          params.lever !== undefined
            ? `${customer}/products/${encodeURIComponent(this.#productSlug)}/levers/${encodeURIComponent(params.lever)}/usage`
            : `${customer}/products/${encodeURIComponent(this.#productSlug)}/usage/${encodeURIComponent(params.metering!)}`,
        );
      case 'members.list':
        return this.#members(caller, params.subscription!);
      case 'subscription.create':
        return this.#serially(caller, async () => {
          const [plans, subscriptions] = await Promise.all([this.#catalog.plans(), this.#subscriptionFacts(caller)]);
          const body = checkSubscriptionCreate({ plan: plans.facts.get(params.plan!), body: request.body, caller, subscriptions });
          return this.#upstream.call('POST', `${product}/plans/${encodeURIComponent(params.plan!)}/subscriptions`, body, this.#idempotency(caller, request));
        });
      case 'subscription.update':
        return this.#serially(caller, async () => {
          const [plans, subscriptions] = await Promise.all([this.#catalog.plans(), this.#subscriptionFacts(caller)]);
          const subscription = own(subscriptions, params.subscription!);
          const body = checkSubscriptionUpdate({ subscription, plans: (slug) => plans.facts.get(slug), body: request.body, subscriptions });
          return this.#upstream.call('PATCH', `${customer}/subscriptions/${encodeURIComponent(subscription.id)}`, body);
        });
      case 'members.add':
        // Another customer's subscription stays a 404; one's own: invite by email instead.
        return this.#ownSubscription(caller, params.subscription!).then(() => checkMemberAdd());
      case 'members.invite':
        return this.#serially(caller, () => this.#invite(request));
      case 'members.remove':
        return this.#serially(caller, async () => {
          const { facts } = await this.#ownSubscription(caller, params.subscription!);
          const leaving = isOwnCustomer(params.member!, caller);
          checkMemberRemove({ subscription: facts, memberIsCaller: leaving });
          const member = leaving ? caller.id : params.member!;
          return this.#upstream.call('DELETE', `${customer}/subscriptions/${encodeURIComponent(facts.id)}/customers/${encodeURIComponent(member)}`);
        });
      case 'entitlements.live':
        throw refuse(400, 'Open this path as a WebSocket, or with Accept: text/event-stream.');
    }
  }

  /** An invitation by email: the host says which of its users that is; their customer joins (created on the spot if new). */
  async #invite({ match, caller, user, body, idempotencyKey }: PortalRequest): Promise<UpstreamAnswer> {
    const { facts } = await this.#ownSubscription(caller, match.params.subscription!);
    const { email, isAdministrator } = checkMemberInvite({ subscription: facts, body });
    if (!this.#resolveMember) throw refuse(403, 'Invitations are not set up on this site.');
    const invitee = await this.#resolveMember(email, { inviter: user, subscriptionId: facts.id });
    if (!invitee) throw refuse(404, 'No account uses this email address: ask them to sign up first, then invite them again.');
    const member = await this.#customers.resolve(invitee);
    const answer = await this.#upstream.call<MemberWire>(
      'POST',
      `/api/v1/customers/${encodeURIComponent(caller.id)}/subscriptions/${encodeURIComponent(facts.id)}/customers`,
      { customer_id: member.id, is_administrator: isAdministrator },
      this.#idempotency(caller, { idempotencyKey }),
    );
    return answer.status === 200 ? { status: 200, body: await this.#withDetails(answer.body, caller, facts) } : answer;
  }

  /** Runs `work` after the customer's previous write finished (one gateway process). */
  #serially<T>(caller: Caller, work: () => Promise<T>): Promise<T> {
    const previous = this.#writes.get(caller.id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    const settled = next.catch(() => {});
    this.#writes.set(caller.id, settled);
    settled.then(() => this.#writes.get(caller.id) === settled && this.#writes.delete(caller.id));
    return next;
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
  async #plans(caller: Caller): Promise<UpstreamAnswer> {
    const [plans, ownPlans] = await Promise.all([this.#catalog.plans(), this.#ownPlanSlugs(caller)]);
    return { status: 200, body: visiblePlans(plans, ownPlans) };
  }

  /** A plan (or its entitlements, `suffix`) the customer may see. */
  async #plan(caller: Caller, slug: string, suffix: string): Promise<UpstreamAnswer> {
    const [plans, ownPlans] = await Promise.all([this.#catalog.plans(), this.#ownPlanSlugs(caller)]);
    if (!planVisible(plans.facts.get(slug), ownPlans)) throw refuse(404, 'Plan not found');
    return this.#catalog.answer(`/plans/${encodeURIComponent(slug)}${suffix}`);
  }

  async #ownPlanSlugs(caller: Caller): Promise<Set<string>> {
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
  };
}

function own(subscriptions: SubscriptionFacts[], subscriptionId: string): SubscriptionFacts {
  const found = subscriptions.find((subscription) => subscription.id === subscriptionId.toLowerCase());
  if (!found) throw refuse(404, 'Subscription not found');
  return found;
}
