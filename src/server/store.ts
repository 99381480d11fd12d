// In-memory state seeded from the catalog: customers, subscriptions with their customers, and
// the usage ledger. Every mutation tells the listener which customers of which product changed,
// so the WebSocket hub can push fresh entitlements.
import type { Catalog } from './catalog.ts';
import type { Clock } from './clock.ts';
import { conflict, invalidField } from './errors.ts';
import { newUuid, stableUuid } from './ids.ts';
import { anonymizeCustomer } from './anonymize.ts';
import { CustomerDirectory, type CustomerPatch, type CustomerRecord } from './customer-directory.ts';
import { addMonth, earliestPeriodStart } from './periods.ts';
import { buildProductIndex, limitOf, type ProductIndex } from './product-index.ts';
import { MAX_BUCKETS, MAX_PERIOD_TOTAL, UsageLedger } from './usage.ts';

export type { ProductIndex } from './product-index.ts';
export type { CustomerPatch, CustomerRecord } from './customer-directory.ts';

export interface MembershipRecord {
  customerId: string;
  isAdministrator: boolean;
  isSubscriber: boolean;
  metadata: Record<string, unknown>;
}

export interface SubscriptionRecord {
  id: string;
  productSlug: string;
  planSlug: string;
  renewPlanSlug: string;
  maxSubscribers: number;
  autoRenew: boolean;
  isActive: boolean;
  startAt: number;
  renewAt: number;
  lastRenewedAt: number;
  metadata: Record<string, unknown>;
  /** Insertion order = the order customers joined. */
  members: Map<string, MembershipRecord>;
}

export interface UsageRecordResult {
  id: string;
  usage: number;
  meteringId: string;
  customerId: string;
  productId: string;
  subscriptionId: string;
  bucket: string | null;
}

export interface SubscriptionPatch {
  planSlug?: string;
  renewPlanSlug?: string | null;
  maxSubscribers?: number;
  autoRenew?: boolean;
  isActive?: boolean;
  renewAt?: number;
}

export interface StoreListener {
  /** Something that affects these customers' view of this product changed. */
  changed(customerIds: Iterable<string>, productSlug: string): void;
  /** The customer was deleted: its sockets get the revoked entitlements and close. */
  customerDeleted(customerId: string): void;
}

export class Store {
  readonly organizationId: string;
  readonly products = new Map<string, ProductIndex>();
  // Set by reset(), which the constructor calls.
  customers!: CustomerDirectory;
  subscriptions!: Map<string, SubscriptionRecord>;
  usage!: UsageLedger;
  listener: StoreListener | undefined;
  private membershipsByCustomer!: Map<string, Set<string>>;

  constructor(
    readonly catalog: Catalog,
    private readonly clock: Clock,
  ) {
    this.organizationId = stableUuid(catalog.organization.slug, 'organization');
    for (const product of catalog.products) this.products.set(product.slug, buildProductIndex(catalog, product));
    this.reset();
  }

  /** Back to the catalog: seeded customers and subscriptions keep their ids. */
  reset(): void {
    const org = this.catalog.organization.slug;
    const now = this.clock.now();
    this.customers = new CustomerDirectory();
    this.subscriptions = new Map();
    this.usage = new UsageLedger();
    this.membershipsByCustomer = new Map();
    this.catalog.customers.forEach((seed, customerIndex) => {
      const customer = this.customers.insert({
        id: seed.id ?? stableUuid(org, 'customer', String(customerIndex), seed.alternativeId ?? ''),
        alternativeId: seed.alternativeId,
        name: seed.name,
        email: seed.email,
        metadata: structuredClone(seed.metadata),
        createdAt: now,
        deletedAt: null,
      });
      seed.subscriptions.forEach((subscription, subscriptionIndex) => {
        const plan = this.products.get(subscription.product)!.plans.get(subscription.plan)!;
        this.insertSubscription({
          id: stableUuid(org, 'subscription', String(customerIndex), String(subscriptionIndex)),
          productSlug: subscription.product,
          planSlug: plan.slug,
          customerId: customer.id,
          isSubscriber: true,
          maxSubscribers: subscription.maxSubscribers ?? plan.maxSubscribers,
          autoRenew: subscription.autoRenew,
          renewAt: null,
          metadata: {},
          now,
        });
      });
    });
  }

  /**
   * Replaces the state with one read from a data file (snapshot-restore.ts checked it): customers
   * and subscriptions oldest first, and each customer's subscriptions in the order it joined them.
   */
  restore(state: {
    customers: CustomerRecord[];
    subscriptions: SubscriptionRecord[];
    memberships: Map<string, string[]>;
    usage: UsageLedger;
  }): void {
    this.customers = new CustomerDirectory();
    for (const customer of state.customers) this.customers.insert(customer);
    this.subscriptions = new Map(state.subscriptions.map((subscription) => [subscription.id, subscription]));
    this.membershipsByCustomer = new Map([...state.memberships].map(([customerId, ids]) => [customerId, new Set(ids)]));
    this.usage = state.usage;
  }

  // --- customers -------------------------------------------------------------------------

  /** A live customer by uuid or alternative_id. */
  findCustomer(reference: string): CustomerRecord | undefined {
    return this.customers.find(reference);
  }

  isLiveCustomer(id: string): boolean {
    return this.customers.isLive(id);
  }

  createCustomer(input: { alternativeId: string | null; name: string; email: string; metadata: Record<string, unknown> }): CustomerRecord {
    if (input.alternativeId !== null && this.customers.alternativeIdTaken(input.alternativeId)) {
      throw conflict(`A customer with alternative_id "${input.alternativeId}" already exists`);
    }
    return this.customers.insert({ id: newUuid(), ...input, createdAt: this.clock.now(), deletedAt: null });
  }

  updateCustomer(customer: CustomerRecord, patch: CustomerPatch): CustomerRecord {
    return this.customers.update(customer, patch);
  }

  /**
   * Soft delete: the customer leaves every subscription, and a subscription left without a
   * subscriber or without an administrator (nobody left to use or manage it) is deactivated.
   * Its alternative_id is released (kept in metadata as `__alternative_id`), its email freed,
   * its tokens stop working and it disappears from every lookup. Its sockets get the revoked
   * entitlements and close. `anonymize` also scrubs its personal data (see anonymize.ts).
   */
  deleteCustomer(customer: CustomerRecord, options: { anonymize?: boolean } = {}): CustomerRecord {
    const affected = new Map<string, Set<string>>();
    for (const subscription of this.subscriptionsOf(customer.id)) {
      subscription.members.delete(customer.id);
      const members = [...subscription.members.values()];
      if (!members.some((member) => member.isSubscriber) || !members.some((member) => member.isAdministrator)) {
        subscription.isActive = false;
      }
      const customers = affected.get(subscription.productSlug) ?? new Set<string>();
      for (const member of subscription.members.keys()) customers.add(member);
      affected.set(subscription.productSlug, customers);
    }
    this.membershipsByCustomer.delete(customer.id);
    this.customers.markDeleted(customer, this.clock.now());
    if (options.anonymize) anonymizeCustomer(customer, this.clock.now());
    this.listener?.customerDeleted(customer.id);
    for (const [productSlug, customers] of affected) this.listener?.changed(customers, productSlug);
    return customer;
  }

  /** GDPR scrub of an already deleted customer (idempotent). */
  anonymizeDeletedCustomer(customer: CustomerRecord): CustomerRecord {
    anonymizeCustomer(customer, this.clock.now());
    return customer;
  }

  // --- subscriptions ---------------------------------------------------------------------

  /** Every subscription the customer belongs to (active or not), oldest first. */
  subscriptionsOf(customerId: string, productSlug?: string): SubscriptionRecord[] {
    const ids = this.membershipsByCustomer.get(customerId);
    if (!ids) return [];
    const result: SubscriptionRecord[] = [];
    for (const id of ids) {
      const subscription = this.subscriptions.get(id)!;
      if (productSlug === undefined || subscription.productSlug === productSlug) result.push(subscription);
    }
    return result;
  }

  /** The customer's active subscriptions (as subscriber or not), oldest first. */
  activeSubscriptionsOf(customerId: string): SubscriptionRecord[] {
    return this.subscriptionsOf(customerId).filter((subscription) => subscription.isActive);
  }

  /** Active subscriptions that give this customer entitlements in this product. */
  entitlingSubscriptions(customerId: string, productSlug: string): SubscriptionRecord[] {
    return this.subscriptionsOf(customerId, productSlug).filter(
      (subscription) => subscription.isActive && subscription.members.get(customerId)?.isSubscriber === true,
    );
  }

  createSubscription(input: {
    productSlug: string;
    planSlug: string;
    customerId: string;
    isSubscriber: boolean;
    maxSubscribers: number | null;
    autoRenew: boolean | null;
    renewAt: number | null;
    metadata: Record<string, unknown>;
  }): SubscriptionRecord {
    const plan = this.products.get(input.productSlug)!.plans.get(input.planSlug)!;
    const subscription = this.insertSubscription({
      ...input,
      id: newUuid(),
      maxSubscribers: input.maxSubscribers ?? plan.maxSubscribers,
      autoRenew: input.autoRenew ?? true,
      now: this.clock.now(),
    });
    this.listener?.changed([input.customerId], input.productSlug);
    return subscription;
  }

  private insertSubscription(input: {
    id: string;
    productSlug: string;
    planSlug: string;
    customerId: string;
    isSubscriber: boolean;
    maxSubscribers: number;
    autoRenew: boolean;
    renewAt: number | null;
    metadata: Record<string, unknown>;
    now: number;
  }): SubscriptionRecord {
    const subscription: SubscriptionRecord = {
      id: input.id,
      productSlug: input.productSlug,
      planSlug: input.planSlug,
      renewPlanSlug: input.planSlug,
      maxSubscribers: input.maxSubscribers,
      autoRenew: input.autoRenew,
      isActive: true,
      startAt: input.now,
      renewAt: input.renewAt ?? addMonth(input.now),
      lastRenewedAt: input.now,
      metadata: input.metadata,
      members: new Map(),
    };
    this.subscriptions.set(subscription.id, subscription);
    this.addMembership(subscription, {
      customerId: input.customerId,
      isAdministrator: true,
      isSubscriber: input.isSubscriber,
      metadata: {},
    });
    return subscription;
  }

  private addMembership(subscription: SubscriptionRecord, membership: MembershipRecord): void {
    subscription.members.set(membership.customerId, membership);
    let ids = this.membershipsByCustomer.get(membership.customerId);
    if (!ids) this.membershipsByCustomer.set(membership.customerId, (ids = new Set()));
    ids.add(subscription.id);
  }

  subscriberCount(subscription: SubscriptionRecord): number {
    let count = 0;
    for (const member of subscription.members.values()) if (member.isSubscriber) count += 1;
    return count;
  }

  /** Partial update: only the keys present change. Validation happened in the route. */
  updateSubscription(subscription: SubscriptionRecord, patch: SubscriptionPatch): SubscriptionRecord {
    if (patch.maxSubscribers !== undefined) {
      const subscribers = this.subscriberCount(subscription);
      if (patch.maxSubscribers < subscribers) {
        throw conflict(`max_subscribers cannot be below the ${subscribers} current subscribers`);
      }
      subscription.maxSubscribers = patch.maxSubscribers;
    }
    if (patch.planSlug !== undefined) {
      subscription.planSlug = patch.planSlug;
      // A plan change now replaces any scheduled change, unless this same request schedules one.
      subscription.renewPlanSlug = patch.planSlug;
    }
    if (patch.renewPlanSlug !== undefined) subscription.renewPlanSlug = patch.renewPlanSlug ?? subscription.planSlug;
    if (patch.autoRenew !== undefined) subscription.autoRenew = patch.autoRenew;
    if (patch.isActive !== undefined) subscription.isActive = patch.isActive;
    if (patch.renewAt !== undefined) subscription.renewAt = patch.renewAt;
    this.listener?.changed(subscription.members.keys(), subscription.productSlug);
    return subscription;
  }

  /** Merges `metadata` into a member's metadata (its keys replace the same keys). */
  addMembershipMetadata(subscription: SubscriptionRecord, customerId: string, metadata: Record<string, unknown>): void {
    const membership = subscription.members.get(customerId);
    if (membership) membership.metadata = { ...membership.metadata, ...metadata };
  }

  addSubscriptionCustomer(subscription: SubscriptionRecord, membership: MembershipRecord): MembershipRecord {
    if (subscription.members.has(membership.customerId)) throw conflict('The customer is already on this subscription');
    if (membership.isSubscriber && this.subscriberCount(subscription) >= subscription.maxSubscribers) {
      throw conflict(`The subscription is full (max_subscribers is ${subscription.maxSubscribers})`);
    }
    this.addMembership(subscription, membership);
    this.listener?.changed(subscription.members.keys(), subscription.productSlug);
    return membership;
  }

  removeSubscriptionCustomer(subscription: SubscriptionRecord, customerId: string): MembershipRecord | undefined {
    const membership = subscription.members.get(customerId);
    if (!membership) return undefined;
    const affected = [...subscription.members.keys()];
    subscription.members.delete(customerId);
    this.membershipsByCustomer.get(customerId)?.delete(subscription.id);
    this.listener?.changed(affected, subscription.productSlug);
    return membership;
  }

  /** Renews (or, without auto-renew, ends) active subscriptions whose renew_at has passed; whether any did. */
  processRenewals(): boolean {
    const now = this.clock.now();
    let changed = false;
    for (const subscription of this.subscriptions.values()) {
      if (!subscription.isActive || subscription.renewAt > now) continue;
      if (subscription.autoRenew) {
        while (subscription.renewAt <= now) {
          subscription.lastRenewedAt = subscription.renewAt;
          subscription.renewAt = addMonth(subscription.renewAt);
        }
        subscription.planSlug = subscription.renewPlanSlug;
      } else {
        subscription.isActive = false;
      }
      changed = true;
      this.listener?.changed(subscription.members.keys(), subscription.productSlug);
    }
    return changed;
  }

  nextRenewalAt(): number | undefined {
    let next: number | undefined;
    for (const subscription of this.subscriptions.values()) {
      if (subscription.isActive && (next === undefined || subscription.renewAt < next)) next = subscription.renewAt;
    }
    return next;
  }

  // --- usage -----------------------------------------------------------------------------

  /**
   * The subscription a report goes to: the customer's active subscription of the product whose
   * plan has a lever with this metering id; with several, the one with the largest limit (on the
   * first such lever in catalog order), then the oldest.
   */
  usageTarget(customerId: string, productSlug: string, meteringId: string): SubscriptionRecord | undefined {
    const index = this.products.get(productSlug)!;
    const levers = index.leversByMeteringId.get(meteringId) ?? [];
    let best: SubscriptionRecord | undefined;
    let bestRank: number[] = [];
    for (const subscription of this.entitlingSubscriptions(customerId, productSlug)) {
      const plan = index.plans.get(subscription.planSlug)!;
      const rank = levers.map((lever) => {
        const limit = limitOf(plan, lever);
        return limit === undefined ? Number.NEGATIVE_INFINITY : limit === null ? Number.POSITIVE_INFINITY : limit;
      });
      if (!rank.some((value) => value !== Number.NEGATIVE_INFINITY)) continue;
      if (best === undefined || compareRanks(rank, bestRank) > 0) {
        best = subscription;
        bestRank = rank;
      }
    }
    return best;
  }

  reportUsage(input: {
    customerId: string;
    productSlug: string;
    meteringId: string;
    usage: number;
    bucket: string | null;
    subscription: SubscriptionRecord;
  }): UsageRecordResult {
    const now = this.clock.now();
    const index = this.products.get(input.productSlug)!;
    // Usage older than the widest current period of the levers metered by this id no longer counts.
    const resets = (index.leversByMeteringId.get(input.meteringId) ?? []).map((lever) => lever.reset!);
    const refused = this.usage.record(input.subscription.id, input.meteringId, input.bucket, input.usage, now, earliestPeriodStart(resets, now));
    if (refused === 'too_many_buckets') {
      throw invalidField(['body', 'bucket'], `At most ${MAX_BUCKETS} distinct buckets per subscription, metering id and period`, 'too_long');
    }
    if (refused === 'total_too_large') {
      throw conflict(`Usage of "${input.meteringId}" in this subscription would pass ${MAX_PERIOD_TOTAL} this period; the report was not recorded`);
    }
    this.listener?.changed(input.subscription.members.keys(), input.productSlug);
    return {
      id: newUuid(),
      usage: input.usage,
      meteringId: input.meteringId,
      customerId: input.customerId,
      productId: index.id,
      subscriptionId: input.subscription.id,
      bucket: input.bucket,
    };
  }
}

function compareRanks(a: number[], b: number[]): number {
  for (let index = 0; index < a.length; index += 1) {
    if (a[index] !== b[index]) return a[index] > b[index] ? 1 : -1;
  }
  return 0;
}
