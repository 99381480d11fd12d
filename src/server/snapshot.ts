// The data file's format: what a restart would lose, and nothing the catalog already says.
// Products, plans, levers and API clients come from the catalog at every start; tokens are
// credentials and live in memory only (callers fetch new ones on a 401). Times are epoch ms.
import type { Clock } from './clock.ts';
import type { IdempotencyCache } from './idempotency.ts';
import type { Store } from './store.ts';

/** Marks a planship-portal data file (and not, say, a catalog passed as one by mistake). */
export const DATA_FILE_FORMAT = 'planship-portal-data';
/** Bumped whenever a field changes meaning; a file of another version is refused, never guessed at. */
export const DATA_FILE_VERSION = 1;

/** The parts of a running server that hold state. */
export interface StateParts {
  store: Store;
  idempotency: IdempotencyCache;
  clock: Clock;
}

/** The state as one JSON text, taken in one synchronous step (so it is consistent). */
export function serializeState({ store, idempotency, clock }: StateParts): string {
  const { offsetMs, now } = clock.state();
  return JSON.stringify({
    format: DATA_FILE_FORMAT,
    version: DATA_FILE_VERSION,
    organization: store.catalog.organization.slug,
    clock: { offset_ms: offsetMs, now },
    customers: Array.from(store.customers.all(), (customer) => ({
      id: customer.id,
      alternative_id: customer.alternativeId,
      name: customer.name,
      email: customer.email,
      metadata: customer.metadata,
      created_at: customer.createdAt,
      deleted_at: customer.deletedAt,
      // The order it joined them: lists and usage targets follow it.
      subscriptions: store.subscriptionsOf(customer.id).map((subscription) => subscription.id),
    })),
    subscriptions: Array.from(store.subscriptions.values(), (subscription) => ({
      id: subscription.id,
      product: subscription.productSlug,
      plan: subscription.planSlug,
      renew_plan: subscription.renewPlanSlug,
      max_subscribers: subscription.maxSubscribers,
      auto_renew: subscription.autoRenew,
      is_active: subscription.isActive,
      start_at: subscription.startAt,
      renew_at: subscription.renewAt,
      last_renewed_at: subscription.lastRenewedAt,
      metadata: subscription.metadata,
      members: Array.from(subscription.members.values(), (member) => ({
        customer_id: member.customerId,
        is_administrator: member.isAdministrator,
        is_subscriber: member.isSubscriber,
        metadata: member.metadata,
      })),
    })),
    usage: Array.from(store.usage.entries(), (usage) => ({
      subscription_id: usage.subscriptionId,
      metering_id: usage.meteringId,
      // -Infinity (a lever that never resets) has no JSON form.
      trimmed_to: Number.isFinite(usage.trimmedTo) ? usage.trimmedTo : null,
      buckets: usage.buckets,
    })),
    idempotency: Array.from(idempotency.durableEntries(), (entry) => ({
      key: entry.key,
      caller: entry.caller,
      digest: entry.digest,
      status: entry.reply.status,
      text: entry.reply.text,
      expires_at: entry.expiresAt,
    })),
  });
}
