// The seed catalog: organization, API clients, products (levers, plans) and customers.
// Validated once at start; every error names the path of the bad value, e.g.
// `products[0].plans[2].entitlements.seats`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metadataIssue } from '../policy/limits.ts';
import { SCOPES } from './auth.ts';
import { UUID_PATTERN } from './ids.ts';

export type LeverType = 'boolean' | 'numeric' | 'list' | 'metered';
export type ResetPeriod = 'day' | 'week' | 'month' | 'year' | 'never';
export type EntitlementValue = boolean | number | null | string[];

const LEVER_TYPES: readonly LeverType[] = ['boolean', 'numeric', 'list', 'metered'];
const RESET_PERIODS: readonly ResetPeriod[] = ['day', 'week', 'month', 'year', 'never'];

export interface CatalogLever {
  slug: string;
  name: string;
  description: string;
  type: LeverType;
  /** Metered levers only: the id usage is reported under (defaults to the lever slug). */
  meteringId: string | null;
  /** Metered levers only (defaults to 'never'). */
  reset: ResetPeriod | null;
  order: number;
}

export interface CatalogPlan {
  slug: string;
  name: string;
  description: string;
  order: number;
  isPublic: boolean;
  isSelfServe: boolean;
  maxSubscribers: number;
  entitlements: Record<string, EntitlementValue>;
}

export interface CatalogProduct {
  slug: string;
  name: string;
  description: string;
  levers: CatalogLever[];
  plans: CatalogPlan[];
}

export interface CatalogClient {
  clientId: string;
  clientSecret: string;
  /** null: every scope. */
  scopes: string[] | null;
}

export interface CatalogSubscription {
  product: string;
  plan: string;
  maxSubscribers: number | null;
  autoRenew: boolean;
}

export interface CatalogCustomer {
  id: string | null;
  alternativeId: string | null;
  name: string;
  email: string;
  metadata: Record<string, unknown>;
  subscriptions: CatalogSubscription[];
}

export interface Catalog {
  organization: { slug: string; name: string };
  clients: CatalogClient[];
  products: CatalogProduct[];
  customers: CatalogCustomer[];
}

export class CatalogError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Invalid catalog at ${path || '(root)'}: ${problem}`);
    this.name = 'CatalogError';
  }
}

/**
 * The catalog file cannot be read or is not JSON. The message names the absolute path, since a
 * relative one resolves against the working folder, which is rarely where people look.
 */
export class CatalogFileError extends CatalogError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super('', problem);
    this.name = 'CatalogFileError';
    this.message = problem;
  }
}

const DEFAULT_CATALOG_URL = new URL('../../demo/catalog.json', import.meta.url);

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
};

/** Reads (when given a path) and validates a catalog; throws CatalogError naming the bad path. */
export function loadCatalog(source?: object | string): Catalog {
  let raw: unknown = source;
  if (source === undefined || typeof source === 'string') {
    const file = source === undefined ? fileURLToPath(DEFAULT_CATALOG_URL) : resolve(source);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new CatalogFileError(
        file,
        `Cannot read the catalog file ${file}: ${READ_PROBLEMS[code] ?? 'it cannot be read'} (${code}). ` +
          'Leave out the catalog option (CLI: --catalog) to use the built-in demo catalog.',
      );
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CatalogFileError(file, `The catalog file ${file} is not valid JSON (${(error as Error).message}).`);
    }
  }
  return validateCatalog(raw);
}

// --- small typed readers: each returns the value or throws with the path -------------------

type Obj = Record<string, unknown>;

function at(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CatalogError(path, 'expected an object');
  return value as Obj;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new CatalogError(path, 'expected an array');
  return value;
}

function string(parent: Obj, key: string, path: string, fallback?: string): string {
  const value = parent[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string') throw new CatalogError(at(path, key), 'expected a string');
  return value;
}

function slug(parent: Obj, key: string, path: string): string {
  const value = string(parent, key, path);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) {
    throw new CatalogError(at(path, key), 'expected a slug (letters, digits, "-", "_", ".")');
  }
  return value;
}

function boolean(parent: Obj, key: string, path: string, fallback?: boolean): boolean {
  const value = parent[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') throw new CatalogError(at(path, key), 'expected true or false');
  return value;
}

function integer(parent: Obj, key: string, path: string, min: number, fallback?: number): number {
  const value = parent[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new CatalogError(at(path, key), `expected an integer >= ${min}`);
  }
  return value;
}

function oneOf<T extends string>(parent: Obj, key: string, path: string, allowed: readonly T[]): T {
  const value = parent[key];
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new CatalogError(at(path, key), `expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Throws at the first repeated value; nulls (an optional field left out) never clash. */
function unique(values: (string | null)[], path: (index: number) => string, what: string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (value === null) return;
    if (seen.has(value)) throw new CatalogError(path(index), `duplicate ${what} "${value}"`);
    seen.add(value);
  });
}

// --- the catalog -------------------------------------------------------------------------

export function validateCatalog(raw: unknown): Catalog {
  const root = object(raw, '');
  const organizationRaw = object(root.organization, 'organization');
  const organization = {
    slug: slug(organizationRaw, 'slug', 'organization'),
    name: string(organizationRaw, 'name', 'organization'),
  };

  const clients = array(root.clients, 'clients').map((value, index) => readClient(value, at('clients', index)));
  if (clients.length === 0) throw new CatalogError('clients', 'expected at least one API client');
  unique(clients.map((client) => client.clientId), (index) => `clients[${index}].client_id`, 'client_id');

  const products = array(root.products, 'products').map((value, index) => readProduct(value, at('products', index)));
  unique(products.map((product) => product.slug), (index) => `products[${index}].slug`, 'product slug');

  const customers = array(root.customers ?? [], 'customers').map((value, index) =>
    readCustomer(value, at('customers', index), products),
  );
  unique(customers.map((customer) => customer.alternativeId), (index) => `customers[${index}].alternative_id`, 'alternative_id');
  unique(customers.map((customer) => customer.id), (index) => `customers[${index}].id`, 'id');
  // As the API keeps them: unique among customers, whatever the case; empty ones never clash.
  unique(customers.map((customer) => customer.email.toLowerCase() || null), (index) => `customers[${index}].email`, 'email');
  return { organization, clients, products, customers };
}

function readClient(value: unknown, path: string): CatalogClient {
  const raw = object(value, path);
  let scopes: string[] | null = null;
  if (raw.scopes !== undefined) {
    scopes = array(raw.scopes, at(path, 'scopes')).map((scope, index) => {
      if (typeof scope !== 'string') throw new CatalogError(at(at(path, 'scopes'), index), 'expected a string');
      // A typo would start a server whose client is then refused everywhere.
      if (!(SCOPES as readonly string[]).includes(scope)) {
        throw new CatalogError(at(at(path, 'scopes'), index), `unknown scope "${scope}" (known: ${SCOPES.join(', ')})`);
      }
      return scope;
    });
  }
  const clientId = string(raw, 'client_id', path);
  const clientSecret = string(raw, 'client_secret', path);
  if (!clientId || clientId.includes(':')) throw new CatalogError(at(path, 'client_id'), 'expected a non-empty string without ":"');
  if (!clientSecret) throw new CatalogError(at(path, 'client_secret'), 'expected a non-empty string');
  return { clientId, clientSecret, scopes };
}

function readProduct(value: unknown, path: string): CatalogProduct {
  const raw = object(value, path);
  const levers = array(raw.levers, at(path, 'levers')).map((lever, index) => readLever(lever, at(at(path, 'levers'), index), index));
  unique(levers.map((lever) => lever.slug), (index) => `${path}.levers[${index}].slug`, 'lever slug');
  const plans = array(raw.plans, at(path, 'plans')).map((plan, index) => readPlan(plan, at(at(path, 'plans'), index), levers));
  unique(plans.map((plan) => plan.slug), (index) => `${path}.plans[${index}].slug`, 'plan slug');
  return {
    slug: slug(raw, 'slug', path),
    name: string(raw, 'name', path),
    description: string(raw, 'description', path, ''),
    levers,
    plans,
  };
}

function readLever(value: unknown, path: string, index: number): CatalogLever {
  const raw = object(value, path);
  const leverSlug = slug(raw, 'slug', path);
  const type = oneOf(raw, 'type', path, LEVER_TYPES);
  const metered = type === 'metered';
  if (!metered && raw.metering_id !== undefined) throw new CatalogError(at(path, 'metering_id'), 'only metered levers have a metering_id');
  if (!metered && raw.reset !== undefined) throw new CatalogError(at(path, 'reset'), 'only metered levers have a reset period');
  return {
    slug: leverSlug,
    name: string(raw, 'name', path),
    description: string(raw, 'description', path, ''),
    type,
    meteringId: metered ? (raw.metering_id === undefined ? leverSlug : slug(raw, 'metering_id', path)) : null,
    reset: metered ? (raw.reset === undefined ? 'never' : oneOf(raw, 'reset', path, RESET_PERIODS)) : null,
    order: index + 1,
  };
}

function readPlan(value: unknown, path: string, levers: CatalogLever[]): CatalogPlan {
  const raw = object(value, path);
  const entitlementsPath = at(path, 'entitlements');
  const entitlementsRaw = object(raw.entitlements ?? {}, entitlementsPath);
  const entitlements: Record<string, EntitlementValue> = {};
  for (const [leverSlug, entitlement] of Object.entries(entitlementsRaw)) {
    const lever = levers.find((candidate) => candidate.slug === leverSlug);
    const valuePath = at(entitlementsPath, leverSlug);
    if (!lever) throw new CatalogError(valuePath, `no lever "${leverSlug}" in this product`);
    entitlements[leverSlug] = readEntitlement(entitlement, lever.type, valuePath);
  }
  return {
    slug: slug(raw, 'slug', path),
    name: string(raw, 'name', path),
    description: string(raw, 'description', path, ''),
    order: integer(raw, 'order', path, Number.MIN_SAFE_INTEGER, 0),
    isPublic: boolean(raw, 'is_public', path, false),
    isSelfServe: boolean(raw, 'is_self_serve', path, true),
    maxSubscribers: integer(raw, 'max_subscribers', path, 1, 1),
    entitlements,
  };
}

function readEntitlement(value: unknown, type: LeverType, path: string): EntitlementValue {
  switch (type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new CatalogError(path, 'expected true or false (boolean lever)');
      return value;
    case 'numeric':
    case 'metered':
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new CatalogError(path, `expected a number or null for unlimited (${type} lever)`);
      }
      if (type === 'metered' && value < 0) throw new CatalogError(path, 'expected a limit >= 0 (metered lever)');
      return value;
    case 'list':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
        throw new CatalogError(path, 'expected an array of strings (list lever)');
      }
      return [...value] as string[];
  }
}

function readCustomer(value: unknown, path: string, products: CatalogProduct[]): CatalogCustomer {
  const raw = object(value, path);
  let id: string | null = null;
  if (raw.id !== undefined) {
    id = string(raw, 'id', path);
    if (!UUID_PATTERN.test(id)) throw new CatalogError(at(path, 'id'), 'expected a uuid');
    id = id.toLowerCase();
  }
  const alternativeId = raw.alternative_id === undefined || raw.alternative_id === null ? null : string(raw, 'alternative_id', path);
  if (alternativeId !== null && (alternativeId.length === 0 || alternativeId.length > 256)) {
    throw new CatalogError(at(path, 'alternative_id'), 'expected 1 to 256 characters');
  }
  const metadata = raw.metadata === undefined ? {} : object(raw.metadata, at(path, 'metadata'));
  const metadataProblem = metadataIssue(metadata);
  if (metadataProblem) throw new CatalogError(at(path, 'metadata'), metadataProblem.msg);
  const subscriptionsPath = at(path, 'subscriptions');
  const subscriptions = array(raw.subscriptions ?? [], subscriptionsPath).map((entry, index) => {
    const subscriptionPath = at(subscriptionsPath, index);
    const subscription = object(entry, subscriptionPath);
    const productSlug = string(subscription, 'product', subscriptionPath);
    const product = products.find((candidate) => candidate.slug === productSlug);
    if (!product) throw new CatalogError(at(subscriptionPath, 'product'), `no product "${productSlug}"`);
    const planSlug = string(subscription, 'plan', subscriptionPath);
    if (!product.plans.some((plan) => plan.slug === planSlug)) {
      throw new CatalogError(at(subscriptionPath, 'plan'), `no plan "${planSlug}" in product "${productSlug}"`);
    }
    return {
      product: productSlug,
      plan: planSlug,
      maxSubscribers: subscription.max_subscribers === undefined ? null : integer(subscription, 'max_subscribers', subscriptionPath, 1),
      autoRenew: boolean(subscription, 'auto_renew', subscriptionPath, true),
    };
  });
  return {
    id,
    alternativeId,
    name: string(raw, 'name', path, ''),
    email: string(raw, 'email', path, ''),
    metadata: { ...metadata },
    subscriptions,
  };
}
