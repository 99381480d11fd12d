// PlanshipAdmin: the host backend's client. Everything PlanshipProduct does, plus customer
// management (list / iterate, get / update / delete by id or external id, state, CSV export) and
// customer-scoped tokens for the browser. Node-side: it needs product credentials. This module is
// its own entry (the whole client plus PlanshipAdmin) so that neither the drop-in bundle nor the
// browser client carries ~0.6 kB gzipped of code no page may use.
import { DEDUPE } from './cache.ts';
import {
  fromWire,
  leverUsagesFromWire,
  toWire,
  type CustomerInDbBase,
  type CustomerList,
  type CustomerState,
  type CustomerToken,
  type DeletedCustomer,
  type ListCustomersParameters,
  type UpdateCustomerParameters,
} from './models.ts';
import { composedState, customerByExternalId, unsupported, type AdminApi, type HostedReads } from './admin-hosted.ts';
import { PlanshipApiError } from './errors.ts';
import type { TokenGetter } from './auth.ts';
import { PlanshipProduct, type PlanshipAuth, type PlanshipOptions, type RequestOptions } from './product.ts';

export interface DeleteCustomerOptions extends RequestOptions {
  /** Also replace email and name with hashes (GDPR). Idempotent. */
  anonymize?: boolean;
}

export interface CustomerTokenOptions extends RequestOptions {
  /** Seconds, 1..86400; default the server's (an hour). */
  expiresIn?: number;
}

export type IterateCustomersParameters = Omit<ListCustomersParameters, 'page'> & RequestOptions;

export * from './index.ts';
export type { AdminApi } from './admin-hosted.ts';

const CUSTOMERS = '/api/v1/customers';

/** `?page=2&metadata[tier]=gold&sorting=-email...`, or '' with no parameters. */
export function customerListQuery({ metadata = {}, sorting = [], ...plain }: ListCustomersParameters = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(plain)) if (value !== undefined) query.append(key, String(value));
  for (const [key, value] of Object.entries(metadata)) for (const one of [value].flat()) query.append(`metadata[${key}]`, String(one));
  for (const field of [sorting].flat()) query.append('sorting', field);
  return query.size ? `?${query}` : '';
}

/**
 * Product and lever slugs are data: they keep their spelling (no camelCase). The raw answer is
 * shared by deduplicated callers, so nothing of it is handed out or changed: copies only.
 */
function stateFromWire({ entitlements, usage, ...customer }: any): CustomerState {
  const state = fromWire<CustomerState>(customer);
  state.entitlements = structuredClone(entitlements);
  state.usage = {};
  for (const product in usage) state.usage[product] = leverUsagesFromWire(usage[product]);
  return state;
}

export interface PlanshipAdminOptions extends PlanshipOptions {
  /**
   * Which API this is: `planship` (hosted Planship: customer management is composed from its few
   * customer routes where it can be, and fails with kind `unsupported` where it cannot) or
   * `planship-portal` (this project's server: every operation). Default: `planship` for
   * api.planship.io, else `planship-portal`.
   */
  api?: AdminApi;
}

/** A route the server does not have at all (FastAPI's own 404/405), as opposed to a missing customer. */
const routeMissing = (error: unknown) =>
  error instanceof PlanshipApiError && ((error.status === 404 && error.detail === 'Not Found') || error.status === 405);

/** Planship client for the host's backend: product calls plus customer management. */
export class PlanshipAdmin extends PlanshipProduct {
  declare protected readonly _options: PlanshipAdminOptions;

  constructor(productSlug: string, auth: PlanshipAuth, options?: PlanshipAdminOptions);
  constructor(productSlug: string, url: string, getAccessToken: TokenGetter);
  constructor(productSlug: string, url: string, clientId: string, clientSecret: string);
  constructor(productSlug: string, ...args: unknown[]) {
    super(productSlug, ...(args as [PlanshipAuth, PlanshipAdminOptions?]));
  }

  /** Whether this talks to hosted Planship (see PlanshipAdminOptions.api). */
  get hosted(): boolean {
    return (this._options.api ?? (new URL(this.baseUrl).host === 'api.planship.io' ? 'planship' : 'planship-portal')) === 'planship';
  }

  /** An operation of this project's server: unsupported on hosted Planship, and on a server without the route. */
  async #extended<T>(operation: string, call: () => Promise<T>): Promise<T> {
    if (this.hosted) throw unsupported(operation);
    try {
      return await call();
    } catch (error) {
      throw routeMissing(error) ? unsupported(operation) : error;
    }
  }

  #reads(): HostedReads {
    return {
      product: this,
      getCustomer: (reference, options) => this.getCustomer(reference, options),
      get: <T>(path: string, options?: RequestOptions, verbatim?: boolean) => this._read<T>(path, 'customer', DEDUPE, options, verbatim ? (raw) => structuredClone(raw) as T : undefined),
    };
  }

  /** `/api/v1/customers/{id}` or `/api/v1/customers/external/{externalId}`, plus `suffix`. */
  #path(reference: string, external: boolean, suffix = ''): string {
    return `${CUSTOMERS}/${external ? 'external/' : ''}${encodeURIComponent(reference)}${suffix}`;
  }

  #update(operation: string, reference: string, external: boolean, params: UpdateCustomerParameters, options?: RequestOptions): Promise<CustomerInDbBase> {
    return this.#extended(operation, () => this._write({ method: 'PATCH', path: this.#path(reference, external), body: toWire(params) }, ['customer'], options));
  }

  async #delete(operation: string, reference: string, external: boolean, options?: DeleteCustomerOptions): Promise<DeletedCustomer> {
    const query = options?.anonymize === undefined ? '' : `?anonymize=${options.anonymize}`;
    if (!this.hosted) return this.#extended(operation, () => this._write({ method: 'DELETE', path: this.#path(reference, external, query) }, ['customer'], options));
    if (options?.anonymize) throw unsupported(`${operation} with anonymize`);
    const id = external ? (await customerByExternalId(this.#reads(), reference, options)).id : reference;
    return this._write({ method: 'DELETE', path: this.#path(id, false) }, ['customer'], options);
  }

  async #state(operation: string, reference: string, external: boolean, options?: RequestOptions): Promise<CustomerState> {
    if (!this.hosted) return this.#extended(operation, () => this._read(this.#path(reference, external, '/state'), 'customer', DEDUPE, options, stateFromWire));
    const customer = external ? await customerByExternalId(this.#reads(), reference, options) : await this.getCustomer(reference, options);
    return composedState(this.#reads(), customer, options);
  }

  /** One page of customers, with the total count and the number of pages. */
  listCustomers(params?: ListCustomersParameters, options?: RequestOptions): Promise<CustomerList> {
    return this.#extended('listCustomers', () => this._read(CUSTOMERS + customerListQuery(params), 'customer', DEDUPE, options));
  }

  /**
   * Every customer matching `params`, page after page (`limit` per request, default 100), e.g.
   * `for await (const customer of admin.iterateCustomers({ active: true })) ...`. A customer is
   * yielded once even when new customers shift the pages during the walk. Pages are offsets:
   * to delete while walking, collect the ids first.
   */
  async *iterateCustomers(params: IterateCustomersParameters = {}): AsyncGenerator<CustomerInDbBase, void, undefined> {
    const { signal, ...filters } = params;
    const seen = new Set<string>();
    for (let page = 1; ; page += 1) {
      const answer = await this.#extended('iterateCustomers', () => this.listCustomers({ limit: 100, ...filters, page }, { signal }));
      for (const customer of answer.items) {
        if (seen.has(customer.id)) continue;
        seen.add(customer.id);
        yield customer;
      }
      if (page >= answer.pagination.maxPage || answer.items.length === 0) return;
    }
  }

  /** The customer whose external id (Planship's alternative_id) this is; on hosted Planship, a checked GET by alternative id. */
  getCustomerByExternalId(externalId: string, options?: RequestOptions): Promise<CustomerInDbBase> {
    if (this.hosted) return customerByExternalId(this.#reads(), externalId, options);
    return this.#extended('getCustomerByExternalId', () => this._read(this.#path(externalId, true), 'customer', DEDUPE, options));
  }

  updateCustomer(customerId: string, params: UpdateCustomerParameters, options?: RequestOptions): Promise<CustomerInDbBase> {
    return this.#update('updateCustomer', customerId, false, params, options);
  }

  updateCustomerByExternalId(externalId: string, params: UpdateCustomerParameters, options?: RequestOptions): Promise<CustomerInDbBase> {
    return this.#update('updateCustomerByExternalId', externalId, true, params, options);
  }

  /**
   * Soft delete: ends the customer's subscriptions, revokes its entitlements (live), releases its
   * alternative id, stops its tokens. `anonymize: true` also scrubs email and name (not on hosted Planship).
   */
  override deleteCustomer(customerId: string, options?: DeleteCustomerOptions): Promise<DeletedCustomer> {
    return this.#delete('deleteCustomer', customerId, false, options);
  }

  deleteCustomerByExternalId(externalId: string, options?: DeleteCustomerOptions): Promise<DeletedCustomer> {
    return this.#delete('deleteCustomerByExternalId', externalId, true, options);
  }

  /** On hosted Planship: the customer, its active subscriptions, entitlements and usage in this client's product. */
  getCustomerState(customerId: string, options?: RequestOptions): Promise<CustomerState> {
    return this.#state('getCustomerState', customerId, false, options);
  }

  getCustomerStateByExternalId(externalId: string, options?: RequestOptions): Promise<CustomerState> {
    return this.#state('getCustomerStateByExternalId', externalId, true, options);
  }

  /** Every live customer as CSV text (ID, External ID, Created At, Email, Name, Active Plans, Metadata). */
  async exportCustomers(options?: RequestOptions): Promise<string> {
    return (await this.#export('exportCustomers', options)).text();
  }

  /** The same CSV as a byte stream, for exports too large to hold (e.g. `Readable.fromWeb(stream).pipe(file)`). */
  async exportCustomersStream(options?: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    return (await this.#export('exportCustomersStream', options)).body!;
  }

  #export(operation: string, options?: RequestOptions): Promise<Response> {
    return this.#extended(operation, () => this._http.send({ method: 'GET', path: `${CUSTOMERS}/export`, signal: options?.signal, raw: true }) as Promise<Response>);
  }

  /** A short-lived token that can touch only this customer: hand it to that customer's browser (this project's server only). */
  createCustomerToken(customerId: string, options?: CustomerTokenOptions): Promise<CustomerToken> {
    return this.#extended('createCustomerToken', async () => {
      const body = toWire({ customerId, expiresIn: options?.expiresIn });
      const raw = await this._http.send({ method: 'POST', path: '/api/v1/auth/customer-token', body, signal: options?.signal });
      return fromWire<CustomerToken>(raw);
    });
  }
}
