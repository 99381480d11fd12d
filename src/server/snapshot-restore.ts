// Reads a parsed data file back into a server's state, checking every shape and every rule the
// in-memory indexes rely on (unique ids, emails and alternative ids, members that exist, plans the
// catalog has), so a hand-edited or foreign file is refused at start and never half-loaded.
import type { CustomerRecord } from './customer-directory.ts';
import { UUID_PATTERN } from './ids.ts';
import type { IdempotencyState } from './idempotency.ts';
import type { MembershipRecord, SubscriptionRecord } from './store.ts';
import { DATA_FILE_FORMAT, DATA_FILE_VERSION, type StateParts } from './snapshot.ts';
import { UsageLedger, type MeteredUsageState } from './usage.ts';

/** What is wrong with the data, and where (`customers[3].email`). */
export class InvalidData extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'InvalidData';
  }
}

type Obj = Record<string, unknown>;

/** Dates JavaScript can hold, in ms. */
const MAX_TIME = 8.64e15;

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidData(path, 'expected an object');
  return value as Obj;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new InvalidData(path, 'expected an array');
  return value;
}

function string(parent: Obj, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string') throw new InvalidData(`${path}.${key}`, 'expected a string');
  return value;
}

function nullableString(parent: Obj, key: string, path: string): string | null {
  return parent[key] === null ? null : string(parent, key, path);
}

function boolean(parent: Obj, key: string, path: string): boolean {
  const value = parent[key];
  if (typeof value !== 'boolean') throw new InvalidData(`${path}.${key}`, 'expected true or false');
  return value;
}

function integer(parent: Obj, key: string, path: string, min: number, max: number): number {
  const value = parent[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidData(`${path}.${key}`, `expected a whole number from ${min} to ${max}`);
  }
  return value;
}

const time = (parent: Obj, key: string, path: string) => integer(parent, key, path, 0, MAX_TIME);

function nullableTime(parent: Obj, key: string, path: string): number | null {
  return parent[key] === null ? null : time(parent, key, path);
}

function uuid(parent: Obj, key: string, path: string): string {
  const value = string(parent, key, path);
  if (!UUID_PATTERN.test(value) || value !== value.toLowerCase()) throw new InvalidData(`${path}.${key}`, 'expected a lower-case uuid');
  return value;
}

function metadata(parent: Obj, key: string, path: string): Record<string, unknown> {
  return object(parent[key], `${path}.${key}`);
}

/** Replaces the state of `parts` with the data; throws InvalidData and changes nothing when it is wrong. */
export function restoreState(raw: unknown, parts: StateParts): void {
  const { store } = parts;
  const root = object(raw, '');
  if (root.format !== DATA_FILE_FORMAT) {
    const looksLikeCatalog = Array.isArray(root.products) && Array.isArray(root.clients);
    throw new InvalidData('format', `not a planship-portal data file (no "format": "${DATA_FILE_FORMAT}")${looksLikeCatalog ? '; it looks like a catalog' : ''}`);
  }
  if (root.version !== DATA_FILE_VERSION) {
    throw new InvalidData('version', `version ${JSON.stringify(root.version) ?? 'missing'} is not one this server reads (it reads ${DATA_FILE_VERSION})`);
  }
  const organization = string(root, 'organization', '');
  if (organization !== store.catalog.organization.slug) {
    throw new InvalidData('organization', `the data is of organization "${organization}", the catalog's is "${store.catalog.organization.slug}"`);
  }
  const clockRaw = object(root.clock, 'clock');
  const clock = { offsetMs: offset(clockRaw), now: time(clockRaw, 'now', 'clock') };

  const { customers, memberships, paths } = readCustomers(array(root.customers, 'customers'));
  const subscriptions = readSubscriptions(array(root.subscriptions, 'subscriptions'), parts, customers);
  checkMemberships(memberships, subscriptions, paths);
  const usage = readUsage(array(root.usage, 'usage'), subscriptions);
  const replies = array(root.idempotency, 'idempotency').map((value, index) => readReply(value, `idempotency[${index}]`));

  // Everything is checked: only now does the server's state change.
  store.restore({ customers: [...customers.values()], subscriptions: [...subscriptions.values()], memberships, usage });
  parts.idempotency.clear();
  for (const reply of replies) parts.idempotency.restore(reply);
  parts.clock.restore(clock);
}

function offset(clock: Obj): number {
  const value = clock.offset_ms;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIME) {
    throw new InvalidData('clock.offset_ms', `expected a number from 0 to ${MAX_TIME}`);
  }
  return value;
}

function readCustomers(values: unknown[]) {
  const customers = new Map<string, CustomerRecord>();
  const memberships = new Map<string, string[]>();
  /** Where each customer is in the file, for errors found later. */
  const paths = new Map<string, string>();
  const alternativeIds = new Set<string>();
  const emails = new Set<string>();
  values.forEach((value, index) => {
    const path = `customers[${index}]`;
    const raw = object(value, path);
    const customer: CustomerRecord = {
      id: uuid(raw, 'id', path),
      alternativeId: nullableString(raw, 'alternative_id', path),
      name: string(raw, 'name', path),
      email: string(raw, 'email', path),
      metadata: metadata(raw, 'metadata', path),
      createdAt: time(raw, 'created_at', path),
      deletedAt: nullableTime(raw, 'deleted_at', path),
    };
    if (customers.has(customer.id)) throw new InvalidData(`${path}.id`, `duplicate id "${customer.id}"`);
    // The lookups hold one live customer per alternative id and per email (any case).
    if (customer.deletedAt === null) {
      if (customer.alternativeId !== null) {
        if (alternativeIds.has(customer.alternativeId)) throw new InvalidData(`${path}.alternative_id`, `duplicate alternative_id "${customer.alternativeId}"`);
        alternativeIds.add(customer.alternativeId);
      }
      const email = customer.email.toLowerCase();
      if (email !== '') {
        if (emails.has(email)) throw new InvalidData(`${path}.email`, `duplicate email "${customer.email}"`);
        emails.add(email);
      }
    }
    customers.set(customer.id, customer);
    paths.set(customer.id, path);
    const ids = array(raw.subscriptions, `${path}.subscriptions`).map((id, at) => {
      if (typeof id !== 'string') throw new InvalidData(`${path}.subscriptions[${at}]`, 'expected a string');
      return id;
    });
    if (ids.length) memberships.set(customer.id, ids);
  });
  return { customers, memberships, paths };
}

function readSubscriptions(values: unknown[], { store }: StateParts, customers: Map<string, CustomerRecord>): Map<string, SubscriptionRecord> {
  const subscriptions = new Map<string, SubscriptionRecord>();
  values.forEach((value, index) => {
    const path = `subscriptions[${index}]`;
    const raw = object(value, path);
    const id = uuid(raw, 'id', path);
    if (subscriptions.has(id)) throw new InvalidData(`${path}.id`, `duplicate id "${id}"`);
    const productSlug = string(raw, 'product', path);
    const product = store.products.get(productSlug);
    if (!product) throw new InvalidData(`${path}.product`, `the catalog has no product "${productSlug}"`);
    const plan = (key: string) => {
      const slug = string(raw, key, path);
      if (!product.plans.has(slug)) {
        throw new InvalidData(`${path}.${key}`, `the catalog has no plan "${slug}" in product "${productSlug}" (removed or renamed?); put it back in the catalog`);
      }
      return slug;
    };
    const members = new Map<string, MembershipRecord>();
    array(raw.members, `${path}.members`).forEach((memberValue, at) => {
      const memberPath = `${path}.members[${at}]`;
      const member = object(memberValue, memberPath);
      const customerId = uuid(member, 'customer_id', memberPath);
      // Deleted customers leave their subscriptions.
      if (customers.get(customerId)?.deletedAt !== null) throw new InvalidData(`${memberPath}.customer_id`, `no live customer "${customerId}"`);
      if (members.has(customerId)) throw new InvalidData(`${memberPath}.customer_id`, `customer "${customerId}" twice`);
      members.set(customerId, {
        customerId,
        isAdministrator: boolean(member, 'is_administrator', memberPath),
        isSubscriber: boolean(member, 'is_subscriber', memberPath),
        metadata: metadata(member, 'metadata', memberPath),
      });
    });
    subscriptions.set(id, {
      id,
      productSlug,
      planSlug: plan('plan'),
      renewPlanSlug: plan('renew_plan'),
      maxSubscribers: integer(raw, 'max_subscribers', path, 1, Number.MAX_SAFE_INTEGER),
      autoRenew: boolean(raw, 'auto_renew', path),
      isActive: boolean(raw, 'is_active', path),
      startAt: time(raw, 'start_at', path),
      renewAt: time(raw, 'renew_at', path),
      lastRenewedAt: time(raw, 'last_renewed_at', path),
      metadata: metadata(raw, 'metadata', path),
      members,
    });
  });
  return subscriptions;
}

/** Each customer lists exactly the subscriptions it is a member of (in the order it joined them). */
function checkMemberships(memberships: Map<string, string[]>, subscriptions: Map<string, SubscriptionRecord>, paths: Map<string, string>): void {
  const listed = new Map<string, Set<string>>();
  for (const [customerId, ids] of memberships) {
    const seen = new Set<string>();
    ids.forEach((id, at) => {
      const path = `${paths.get(customerId)}.subscriptions[${at}]`;
      if (!subscriptions.get(id)?.members.has(customerId)) throw new InvalidData(path, `not a member of subscription "${id}"`);
      if (seen.has(id)) throw new InvalidData(path, `subscription "${id}" twice`);
      seen.add(id);
    });
    listed.set(customerId, seen);
  }
  let index = 0;
  for (const subscription of subscriptions.values()) {
    [...subscription.members.keys()].forEach((customerId, at) => {
      if (!listed.get(customerId)?.has(subscription.id)) {
        throw new InvalidData(`subscriptions[${index}].members[${at}]`, `customer "${customerId}" does not list this subscription`);
      }
    });
    index += 1;
  }
}

function readUsage(values: unknown[], subscriptions: Map<string, SubscriptionRecord>): UsageLedger {
  const ledger = new UsageLedger();
  values.forEach((value, index) => {
    const path = `usage[${index}]`;
    const raw = object(value, path);
    const subscriptionId = uuid(raw, 'subscription_id', path);
    if (!subscriptions.has(subscriptionId)) throw new InvalidData(`${path}.subscription_id`, `no subscription "${subscriptionId}"`);
    const trimmedTo = nullableTime(raw, 'trimmed_to', path);
    const state: MeteredUsageState = {
      subscriptionId,
      meteringId: string(raw, 'metering_id', path),
      trimmedTo: trimmedTo ?? Number.NEGATIVE_INFINITY,
      buckets: array(raw.buckets, `${path}.buckets`).map((bucketValue, at) => {
        const bucketPath = `${path}.buckets[${at}]`;
        const bucket = object(bucketValue, bucketPath);
        const days = array(bucket.days, `${bucketPath}.days`).map((day, dayIndex) => {
          const pair = array(day, `${bucketPath}.days[${dayIndex}]`);
          if (pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') {
            throw new InvalidData(`${bucketPath}.days[${dayIndex}]`, 'expected [day, amount]');
          }
          return pair as [number, number];
        });
        return { bucket: nullableString(bucket, 'bucket', bucketPath), days };
      }),
    };
    const problem = ledger.restore(state);
    if (problem) throw new InvalidData(path, problem);
  });
  return ledger;
}

function readReply(value: unknown, path: string): IdempotencyState {
  const raw = object(value, path);
  return {
    key: string(raw, 'key', path),
    caller: string(raw, 'caller', path),
    digest: string(raw, 'digest', path),
    reply: { status: integer(raw, 'status', path, 200, 299), text: string(raw, 'text', path) },
    expiresAt: time(raw, 'expires_at', path),
  };
}
