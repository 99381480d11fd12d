// The API's models in camelCase, named as in the seed (Planship's JS SDK), and the two
// conversions: snake_case wire JSON -> models (dates as Date), request params -> snake_case.

export type JSONValue = string | number | boolean | null | { [key: string]: JSONValue } | JSONValue[];

/** Entitlement values keyed by lever slug; `null` means unlimited. */
export type Entitlements = { [leverSlug: string]: JSONValue };
export type EntitlementsCallback = (entitlements: Entitlements) => void;
export type Metadata = { [key: string]: JSONValue };

export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

export interface IdNameSlugOrmBase {
  id: string;
  name: string;
  slug: string;
}

export interface Product {
  id: string;
  slug: string;
  name: string;
  description?: string;
  organizationId: string;
  alternativeId?: string | null;
}

/** A plan in a list (the API's PlanInList). */
export interface Plan {
  slug: string;
  name: string;
  description: string;
  order?: number;
  /** Extras of the local server (and of future API versions). */
  id?: string;
  isPublic?: boolean;
  isSelfServe?: boolean;
  maxSubscribers?: number;
  /** What the plan costs per billing period, when the portal gateway was given `prices`. */
  prices?: PlanPrice[];
}

/** A plan's price for one billing period (the portal gateway's `prices`). */
export interface PlanPrice {
  amount: number;
  currency: string;
  /** e.g. `month`, `year`; omitted for one-off prices. */
  interval?: string;
  /** The amount is per seat. */
  perSeat?: boolean;
}

export interface PlanEntitlement {
  formattedValue: string;
  value?: JSONValue;
  name: string;
  leverName: string;
  description: string;
  order?: number;
  configuration?: Metadata;
  leverSlug?: string;
  leverType?: string;
  meteringId?: string | null;
  reset?: string | null;
  [extra: string]: unknown;
}

/** A plan with its entitlements (the API's Plan). */
export interface PlanDetails extends Plan {
  entitlements: PlanEntitlement[];
  [extra: string]: unknown;
}

export interface LeverInList {
  slug: string;
  name: string;
  description: string;
  order?: number;
  defaultValue: string;
  type?: string;
  meteringId?: string | null;
  reset?: string | null;
  [extra: string]: unknown;
}

export type TimeUnits = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'perpetual';

export interface PlanInDbBase {
  id: string;
  slug: string;
  name: string;
  description?: string;
  productId: string;
  alternativeId?: string | null;
  displayOrder?: number;
  displayName?: string;
  displayDescription?: string;
  displayExtraAttributes?: { [key: string]: string };
  maxSubscribers?: number;
  isSelfServe?: boolean;
  isPublic?: boolean;
  autoRenew?: boolean;
  durationPeriod?: number;
  durationUnit?: TimeUnits;
}

export interface CustomerInDbBase {
  id: string;
  metadata?: Metadata;
  name?: string;
  email?: string;
  alternativeId?: string | null;
  organizationId: string;
  createdAt?: Date;
  [extra: string]: unknown;
}

export interface SubscriptionCustomerInDbBase {
  metadata?: Metadata;
  isAdministrator?: boolean;
  isSubscriber?: boolean;
  customerId: string;
  subscriptionId: string;
}

export interface SubscriptionCustomer extends SubscriptionCustomerInDbBase {
  plan: PlanInDbBase;
  /** The member, when the API says (this project's server does; visible to its team). */
  customer?: { id: string; name?: string; email?: string; alternativeId?: string | null };
}

export interface Customer extends CustomerInDbBase {
  subscriptions: SubscriptionCustomer[];
}

export interface SubscriptionWithPlan {
  id: string;
  autoRenew: boolean;
  isActive: boolean;
  planId: string;
  renewPlanId: string;
  renewAt: Date | null;
  lastRenewedAt: Date | null;
  maxSubscribers: number;
  startAt: Date;
  alternativeId?: string | null;
  plan: IdNameSlugOrmBase;
  renewPlan: IdNameSlugOrmBase;
}

/** A customer's view of a subscription: it has `subscriptionId`, no `id`. */
export interface CustomerSubscriptionWithPlan {
  metadata?: Metadata;
  isAdministrator?: boolean;
  isSubscriber?: boolean;
  customerId: string;
  subscriptionId: string;
  maxSubscribers?: number;
  autoRenew: boolean;
  isActive: boolean;
  renewAt: Date | null;
  lastRenewedAt: Date | null;
  plan: IdNameSlugOrmBase;
  renewPlan: IdNameSlugOrmBase;
  productSlug?: string;
  startAt?: Date;
  /** Current number of subscribers. */
  subscribers?: number;
  [extra: string]: unknown;
}

/** What the elements call a subscription. */
export type Subscription = CustomerSubscriptionWithPlan;

export interface BucketUsage {
  usage: number;
  bucket?: string | null;
}

export interface LeverUsage {
  total: number;
  byBucket: { [bucket: string]: number };
  bySubscription: { [subscriptionId: string]: BucketUsage[] };
}

export interface MeteringRecord {
  id: string;
  usage: number;
  meteringId: string;
  customerId: string;
  productId: string;
  isAllocated?: boolean;
  subscriptionId?: string | null;
  bucket?: string | null;
}

export interface CreateCustomerParameters {
  alternativeId?: string;
  name?: string;
  email?: string;
  metadata?: Metadata;
}

export interface CreateSubscriptionOptions {
  maxSubscribers?: number;
  isSubscriber?: boolean;
  autoRenew?: boolean;
  renewAt?: Date;
  metadata?: Metadata;
  /** The billing interval chosen (`month`, `year`): the portal gateway prices the change with it. Planship ignores it. */
  interval?: string;
}

/** An invitation to a subscription's team, waiting for the invitee's answer (the portal gateway's). */
export interface Invitation {
  id: string;
  /** The address as the inviter typed it. */
  email: string;
  isAdministrator: boolean;
  expiresAt: Date;
  status: 'pending';
}

/** An invitation as its invitee sees it, before accepting or declining. */
export interface InvitationOffer {
  id: string;
  email: string;
  /** Who invited them (may be empty). */
  inviterName: string;
  planName: string;
  isAdministrator: boolean;
  expiresAt: Date;
}

export interface ModifySubscriptionParameters {
  planSlug?: string;
  /** `null` cancels a scheduled plan change. */
  renewPlanSlug?: string | null;
  maxSubscribers?: number;
  autoRenew?: boolean;
  isActive?: boolean;
  renewAt?: Date;
  /**
   * Sent as the subscription's `metadata` (e.g. a cancellation's reason). Planship's own PATCH
   * does not define it: whether a server or gateway keeps it is theirs to say.
   */
  metadata?: Metadata;
  /** The billing interval chosen (`month`, `year`): the portal gateway prices the change with it. Planship ignores it. */
  interval?: string;
}

/** Values passed through untouched: free-form maps whose keys are data, not field names. */
const VERBATIM = new Set([
  'metadata_',
  'metadata',
  'by_bucket',
  'by_subscription',
  'configuration',
  'display_extra_attributes',
  'entitlement_schema_json',
  'value',
]);

/** snake_case wire JSON -> camelCase model; `metadata_` -> `metadata`; `*_at` -> Date. */
export function fromWire<T = any>(raw: unknown): T {
  if (Array.isArray(raw)) return raw.map(fromWire) as T;
  if (!raw || typeof raw !== 'object') return raw as T;
  const model: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key === 'metadata_' ? 'metadata' : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    model[name] = VERBATIM.has(key)
      ? structuredClone(value)
      : key.endsWith('_at') && typeof value === 'string'
        ? new Date(value)
        : fromWire(value);
  }
  return model as T;
}

/** Request params -> snake_case body: leaves out `undefined`, sends dates as ISO strings. */
/** `{ [leverSlug]: LeverUsage }`: lever slugs are data and keep their spelling; the usages convert. */
export function leverUsagesFromWire(raw: unknown): { [leverSlug: string]: LeverUsage } {
  return Object.fromEntries(Object.entries(raw as object).map(([lever, usage]) => [lever, fromWire<LeverUsage>(usage)]));
}

export function toWire(params: object | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined) {
      body[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value instanceof Date ? value.toISOString() : value;
    }
  }
  return body;
}

// --- customer management (PlanshipAdmin; Polar's Customers API over Planship) ---------------

export type CustomerSortField = 'created_at' | 'email' | 'name';
/** A field, ascending, or with "-" descending. */
export type CustomerSorting = CustomerSortField | `-${CustomerSortField}`;
export type MetadataFilterValue = string | number | boolean;

export interface ListCustomersParameters {
  /** From 1. */
  page?: number;
  /** Default 10; the server clamps it to 100. */
  limit?: number;
  /** Case-insensitive substring of email or name, or prefix of the alternative id. */
  query?: string;
  /** Exact, case-insensitive. */
  email?: string;
  /** Customers with (true) or without (false) an active subscription. */
  active?: boolean;
  /** Several values of one key: any of them; several keys: all of them. */
  metadata?: { [key: string]: MetadataFilterValue | MetadataFilterValue[] };
  /** Default `-created_at`; several apply in order. */
  sorting?: CustomerSorting | CustomerSorting[];
}

export interface Pagination {
  totalCount: number;
  /** 0 when nothing matched. */
  maxPage: number;
}

export interface CustomerList {
  items: CustomerInDbBase[];
  pagination: Pagination;
}

/** Only the fields given change. `metadata` replaces the whole object. */
export interface UpdateCustomerParameters {
  name?: string | null;
  email?: string | null;
  metadata?: { [key: string]: string | number | boolean };
  /** Can be set once, while the customer has none. */
  alternativeId?: string;
}

/** The answer of a delete: the customer as it was left, with its released alternative id. */
export interface DeletedCustomer extends CustomerInDbBase {
  deletedAt?: Date | null;
}

export interface CustomerStateSubscription extends CustomerSubscriptionWithPlan {
  planDetails: PlanDetails;
}

/** A customer's whole state in one read. Keys of `entitlements` and `usage` are product slugs. */
export interface CustomerState extends CustomerInDbBase {
  activeSubscriptions: CustomerStateSubscription[];
  entitlements: { [productSlug: string]: Entitlements };
  /** Current-period usage of every metered lever, by product slug, then lever slug. */
  usage: { [productSlug: string]: { [leverSlug: string]: LeverUsage } };
}

/** A token for one customer, for that customer's browser. */
export interface CustomerToken extends TokenResponse {
  customerId: string;
}
