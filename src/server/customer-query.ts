// GET /api/v1/customers: Polar's list semantics over live customers.
//   page (from 1), limit (default 10, over 100 clamped to 100), query (case-insensitive substring
//   of email or name, or prefix of alternative_id), email (exact, case-insensitive), active (a
//   member of at least one active subscription, or not), metadata[key]=value (the same key
//   repeated = OR, different keys = AND, compared as text), sorting (created_at, email, name,
//   "-" for descending, repeatable; default -created_at). Bad values answer one 422.
import { invalid, type ValidationIssue } from './errors.ts';
import type { CustomerRecord, Store } from './store.ts';
import { queryBoolean, queryOrder } from './validate.ts';

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;
const SORT_FIELDS = ['created_at', 'email', 'name'] as const;
const METADATA_PARAM = /^metadata\[(.+)\]$/;

export interface CustomerQuery {
  page: number;
  limit: number;
  query?: string;
  email?: string;
  active?: boolean;
  /** key -> accepted values (as text). */
  metadata: Map<string, string[]>;
  sorting: { field: string; descending: boolean }[];
}

export interface CustomerPage {
  items: CustomerRecord[];
  totalCount: number;
  maxPage: number;
}

export function parseCustomerQuery(params: URLSearchParams): CustomerQuery {
  const issues: ValidationIssue[] = [];
  const positive = (name: string, fallback: number): number => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value)) {
      issues.push({ loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', type: 'int_parsing' });
    } else if (value < 1) {
      issues.push({ loc: ['query', name], msg: 'Input should be greater than 0', type: 'greater_than' });
    }
    return value;
  };
  const page = positive('page', 1);
  const limit = Math.min(positive('limit', DEFAULT_LIMIT), MAX_LIMIT);
  const active = queryBoolean(params, 'active', undefined, issues);
  const sorting = queryOrder(params, 'sorting', SORT_FIELDS, issues);
  if (issues.length) throw invalid(issues);
  const metadata = new Map<string, string[]>();
  for (const [name, value] of params) {
    const key = METADATA_PARAM.exec(name)?.[1];
    if (key !== undefined) metadata.set(key, [...(metadata.get(key) ?? []), value]);
  }
  const text = (name: string) => {
    const value = params.get(name);
    return value === null || value === '' ? undefined : value;
  };
  return {
    page,
    limit,
    query: text('query'),
    email: text('email'),
    active,
    metadata,
    sorting: sorting.length ? sorting : [{ field: 'created_at', descending: true }],
  };
}

/** Whether the customer belongs to at least one active subscription. */
function hasActiveSubscription(store: Store, customer: CustomerRecord): boolean {
  return store.activeSubscriptionsOf(customer.id).length > 0;
}

function matches(store: Store, customer: CustomerRecord, query: CustomerQuery): boolean {
  if (query.email !== undefined && customer.email.toLowerCase() !== query.email.toLowerCase()) return false;
  if (query.query !== undefined) {
    const needle = query.query.toLowerCase();
    const found =
      customer.email.toLowerCase().includes(needle) ||
      customer.name.toLowerCase().includes(needle) ||
      (customer.alternativeId ?? '').toLowerCase().startsWith(needle);
    if (!found) return false;
  }
  for (const [key, accepted] of query.metadata) {
    if (!Object.prototype.hasOwnProperty.call(customer.metadata, key)) return false;
    if (!accepted.includes(String(customer.metadata[key]))) return false;
  }
  if (query.active !== undefined && hasActiveSubscription(store, customer) !== query.active) return false;
  return true;
}

/** Case-insensitive; an empty value sorts like SQL's NULL: last ascending, first descending. */
function sortValue(customer: CustomerRecord, field: string): number | string {
  if (field === 'created_at') return customer.createdAt;
  const value = (field === 'email' ? customer.email : customer.name).toLowerCase();
  return value === '' ? '\uffff' : value;
}

/** Filters, sorts and cuts one page. Ties keep creation order (reversed for -created_at). */
export function queryCustomers(store: Store, query: CustomerQuery): CustomerPage {
  const rows = [...store.customers.live()]
    .map((customer, position) => ({ customer, position }))
    .filter(({ customer }) => matches(store, customer, query));
  rows.sort((a, b) => {
    for (const { field, descending } of query.sorting) {
      const left = sortValue(a.customer, field);
      const right = sortValue(b.customer, field);
      if (left !== right) return (left < right ? -1 : 1) * (descending ? -1 : 1);
      // Same creation time: insertion order is the finer creation order.
      if (field === 'created_at' && a.position !== b.position) return (a.position - b.position) * (descending ? -1 : 1);
    }
    return a.position - b.position;
  });
  const offset = query.limit * (query.page - 1);
  return {
    items: rows.slice(offset, offset + query.limit).map(({ customer }) => customer),
    totalCount: rows.length,
    maxPage: Math.ceil(rows.length / query.limit),
  };
}
