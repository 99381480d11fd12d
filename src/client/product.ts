// PlanshipProduct: product-level calls (product, plans, levers, customers, tokens), the shared
// plumbing (auth, HTTP, cache, change events) that PlanshipCustomer builds on.
import {
  basicAuthorization,
  fromGetter,
  inBrowser,
  isClientCredentials,
  tokenSource,
  type ClientCredentials,
  type ObtainedToken,
  type TokenGetter,
  type TokenSource,
} from './auth.ts';
import { Cache, DEDUPE, STALE_WHILE_REVALIDATE, type Policy, type Resource } from './cache.ts';
import { PlanshipAuthError } from './errors.ts';
import { PlanshipChangeEvent, type PlanshipEventMap } from './events.ts';
import { Http, path, type Call, type FetchLike } from './http.ts';
import type { EventSourceConstructor } from './event-stream.ts';
import type { WebSocketConstructor } from './live.ts';
import {
  fromWire,
  toWire,
  type CreateCustomerParameters,
  type Customer,
  type CustomerInDbBase,
  type LeverInList,
  type Plan,
  type PlanDetails,
  type Product,
  type TokenResponse,
} from './models.ts';

export interface PlanshipOptions {
  /** The API's URL; default `https://api.planship.io`. */
  baseUrl?: string;
  /** The entitlements socket's base URL; default derived from `baseUrl` (http->ws, https->wss). */
  webSocketUrl?: string;
  fetch?: FetchLike;
  /** A WebSocket class, e.g. the `ws` package on Node 20; default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Gateway mode only: an EventSource class for hosts without WebSocket upgrades; default `globalThis.EventSource`. */
  EventSource?: EventSourceConstructor;
  /** Per-request timeout (also bounds the token getter); default 15 000 ms. */
  timeoutMs?: number;
  /** The live socket's heartbeat period: a silence this long makes it check itself; default 15 000 ms. */
  heartbeatMs?: number;
  /** Allows client credentials in a browser. Don't: the secret would ship to every visitor. */
  dangerouslyAllowBrowser?: boolean;
  /**
   * With no token (`null` auth): read Planship's public catalog route
   * (`/api/v1/public/{organization}/{product}/plans`) of this organization, as a visitor of a
   * static pricing page with no backend: plans and their entitlements, nothing of any customer.
   */
  organizationSlug?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/**
 * A token getter, client credentials (servers only), or null: no token at all, for a page behind
 * the portal gateway (planship-portal/gateway) on its own origin, whose session authenticates it.
 */
export type PlanshipAuth = TokenGetter | ClientCredentials | null;

const DEFAULT_BASE_URL = 'https://api.planship.io';

/** Reads the seed's positional forms `(url, getter | clientId, clientSecret?, webSocketUrl?)` or `(auth, options?)`. */
export function normalizeArguments(args: unknown[]): [PlanshipAuth, PlanshipOptions] {
  const [a, b, c, d] = args;
  if (typeof a !== 'string') return [a as PlanshipAuth, (b ?? {}) as PlanshipOptions];
  if (typeof b === 'function') return [b as TokenGetter, { baseUrl: a, webSocketUrl: c as string | undefined }];
  return [{ clientId: b as string, clientSecret: c as string }, { baseUrl: a, webSocketUrl: d as string | undefined }];
}

/**
 * `url` made absolute: a relative one (e.g. `/planship` behind a same-origin proxy) is resolved
 * against the page. Throws a TypeError for a URL that is not valid (or relative outside a page).
 */
function absoluteUrl(url: string): string {
  const page = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  let resolved: URL;
  try {
    resolved = new URL(url, page.document?.baseURI ?? page.location?.href);
  } catch {
    throw new TypeError(`Not a valid URL: "${url}"`);
  }
  // An absolute URL stays as written (the seed's clients compare it); a relative one resolves.
  return (resolved.href.startsWith(url) ? url : resolved.href).replace(/\/+$/, '');
}

export function webSocketBase(baseUrl: string, explicit?: string): string {
  if (explicit) return absoluteUrl(explicit).replace(/^http/, 'ws');
  // Planship's own service keeps its sockets on a separate host.
  if (new URL(baseUrl).host === 'api.planship.io') return 'wss://websockets-api.planship.io';
  return baseUrl.replace(/^http/, 'ws');
}

export interface PlanshipProduct {
  addEventListener<K extends keyof PlanshipEventMap>(
    type: K,
    listener: (event: PlanshipEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PlanshipEventMap>(
    type: K,
    listener: (event: PlanshipEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** Planship Product API client: the product, its plans and levers, and customer management. */
export class PlanshipProduct extends EventTarget {
  readonly productSlug: string;
  readonly baseUrl: string;
  protected readonly _options: PlanshipOptions;
  protected readonly _http: Http;
  /** Undefined in gateway mode (no token: the page's own session authenticates it). */
  protected readonly _tokens?: TokenSource;
  protected readonly _cache: Cache;
  readonly #exchange?: (signal?: AbortSignal) => Promise<unknown>;

  constructor(productSlug: string, auth: PlanshipAuth, options?: PlanshipOptions);
  constructor(productSlug: string, url: string, getAccessToken: TokenGetter);
  constructor(productSlug: string, url: string, clientId: string, clientSecret: string);
  constructor(productSlug: string, ...args: unknown[]) {
    super();
    const [auth, options] = normalizeArguments(args);
    this.productSlug = productSlug;
    this._options = options;
    this.baseUrl = absoluteUrl(options.baseUrl || DEFAULT_BASE_URL);
    const timeoutMs = options.timeoutMs ?? 15_000;
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this._http = new Http(this.baseUrl, fetchImpl, timeoutMs);

    let obtain: ((force: boolean) => Promise<ObtainedToken>) | undefined;
    if (auth === null) {
      obtain = undefined;
    } else if (isClientCredentials(auth)) {
      if (inBrowser() && !options.dangerouslyAllowBrowser) {
        // A product secret in a page ships to every visitor.
        throw new PlanshipAuthError('Client credentials in a browser expose the secret: use a token getter (or dangerouslyAllowBrowser)');
      }
      const authorization = basicAuthorization(auth);
      const exchange = (signal?: AbortSignal) =>
        this._http.send({ method: 'POST', path: '/api/v1/auth/token', authorization, signal });
      this.#exchange = exchange;
      obtain = () =>
        exchange().then((raw) => {
          const answer = raw as { access_token?: unknown; expires_in?: number } | undefined;
          return { token: answer?.access_token, expiresIn: answer?.expires_in };
        });
    } else if (typeof auth === 'function') {
      obtain = (force) => auth(force).then(fromGetter);
    } else {
      throw new PlanshipAuthError('Pass a token getter, { clientId, clientSecret }, or null behind the portal gateway');
    }
    this._tokens = this._http.tokens = obtain && tokenSource(obtain, timeoutMs);
    // Planship's public route needs no credentials: the visitor's cookies for the API host stay home.
    if (this._publicRoute) this._http.anonymous = true;
    this._cache = new Cache(
      () => this._live(),
      (resource) => this.dispatchEvent(new PlanshipChangeEvent([resource])),
      (path, raw) => this._stored(path, raw),
    );
  }

  /** What the portal gateway offers beyond Planship's routes, as its answers said (e.g. `invites`). */
  get features(): ReadonlySet<string> {
    return this._http.features;
  }

  /** Whether cached customer answers can be trusted (the live socket would tell of changes). */
  protected _live(): boolean {
    return false;
  }

  /** A GET through the shared cache; `convert` turns the raw JSON into models. */
  protected _read<T>(path: string, resource: Resource, policy: Policy, options?: RequestOptions, convert: (raw: unknown) => T = fromWire): Promise<T> {
    const load = (signal: AbortSignal) => this._http.send({ method: 'GET', path, signal });
    const read = () => {
      const local = this._visitorAnswer(path);
      return local !== undefined ? Promise.resolve(local).then(convert) : this._cache.read(path, resource, policy, load, options?.signal).then(convert);
    };
    const priming = this._priming();
    return priming ? priming.then(read) : read();
  }

  /** What the cache (or a visitor's empty answer) holds for `path`, converted; undefined when nothing is known yet. */
  protected _peek<T>(path: string, convert: (raw: unknown) => T = fromWire): T | undefined {
    const raw = this._visitorAnswer(path) ?? this._cache.peek(path);
    return raw === undefined ? undefined : convert(raw);
  }

  /** The plans, when already known (a first-render answer or a read): for a render that cannot wait. */
  peekPlans(): Plan[] | undefined {
    return this._peek(this.#plansPath());
  }

  /** A plan with its entitlements, when already known. */
  peekPlan(planSlug: string): PlanDetails | undefined {
    return this._peek(this.#planPath(planSlug));
  }

  /** The levers, when already known ([] on the public route, which has none). */
  peekLevers(): LeverInList[] | undefined {
    return this._publicRoute ? [] : this._peek(this.#leversPath());
  }

  /** Planship's public catalog route of the product (no token, an `organizationSlug`); undefined otherwise. */
  protected get _publicRoute(): string | undefined {
    const organization = this._options.organizationSlug;
    return organization && !this._tokens ? path`/api/v1/public/${organization}/${this.productSlug}` : undefined;
  }

  /** What a visitor who is not signed in has at `path` (nothing of any customer), answered without a request; undefined: ask. */
  protected _visitorAnswer(_path: string): unknown {
    return undefined;
  }

  /** A first-render answer on its way that primes the cache (reads wait for it); none here. */
  protected _priming(): Promise<void> | undefined {
    return undefined;
  }

  /**
   * A fresh answer for `path` was kept in the cache. A plan list that carries each plan's
   * entitlements (our server's `include=entitlements`) also answers every plan's own read.
   */
  protected _stored(path: string, raw: unknown): void {
    if (path !== this.#plansPath() || !Array.isArray(raw)) return;
    for (const plan of raw as { slug?: string; entitlements?: unknown }[]) {
      if (typeof plan?.slug === 'string' && Array.isArray(plan.entitlements)) this._cache.put(this.#planPath(plan.slug), 'plans', plan);
    }
  }

  /** Puts a catalog answer for the product, its plans (and each plan's entitlements) and levers in the cache. */
  protected _primeCatalog(answer: { product?: unknown; plans?: unknown; plan_details?: Record<string, unknown>; levers?: unknown }): void {
    if (answer.product) this._cache.put(path`/api/v1/products/${this.productSlug}`, 'product', answer.product);
    if (answer.plans) this._cache.put(this.#plansPath(), 'plans', answer.plans);
    for (const [slug, plan] of Object.entries(answer.plan_details ?? {})) this._cache.put(this.#planPath(slug), 'plans', plan);
    if (answer.levers) this._cache.put(this.#leversPath(), 'product', answer.levers);
  }

  #plansPath(): string {
    return (this._publicRoute ?? path`/api/v1/products/${this.productSlug}`) + '/plans?include=entitlements';
  }

  #planPath(planSlug: string): string {
    return (this._publicRoute ?? path`/api/v1/products/${this.productSlug}`) + path`/plans/${planSlug}`;
  }

  /** A mutation: on success the named resources are stale and listeners hear about it. */
  protected async _write<T>(call: Call, resources: Resource[], options?: RequestOptions): Promise<T> {
    const raw = await this._http.send({ ...call, signal: options?.signal });
    this._changed(resources);
    return fromWire<T>(raw);
  }

  protected _changed(resources: Resource[]): void {
    this._cache.invalidate(resources);
    this.dispatchEvent(new PlanshipChangeEvent(resources));
  }

  /** Obtains an access token with the client id/secret pair this instance holds. */
  async getAccessToken(options?: RequestOptions): Promise<TokenResponse> {
    if (!this.#exchange) throw new PlanshipAuthError('getAccessToken needs client credentials');
    const token = fromWire<TokenResponse>(await this.#exchange(options?.signal));
    this._tokens?.remember(token.accessToken, token.expiresIn);
    return token;
  }

  getProduct(options?: RequestOptions): Promise<Product> {
    // The public route has plans only: the product is known by its slug.
    if (this._publicRoute) return Promise.resolve({ slug: this.productSlug, name: this.productSlug, description: '' } as Product);
    return this._read(path`/api/v1/products/${this.productSlug}`, 'product', STALE_WHILE_REVALIDATE, options);
  }

  /** Plans in a list; where the API adds each plan's entitlements, `getPlan` needs no request of its own. */
  listPlans(options?: RequestOptions): Promise<Plan[]> {
    return this._read(this.#plansPath(), 'plans', STALE_WHILE_REVALIDATE, options);
  }

  getPlan(planSlug: string, options?: RequestOptions): Promise<PlanDetails> {
    return this._read(this.#planPath(planSlug), 'plans', STALE_WHILE_REVALIDATE, options);
  }

  /** The product's levers; on the public route (which has none) an empty list: the plans' entitlements name them. */
  /** The product's levers: the key `/portal`'s answer primes and `peekLevers` reads. */
  #leversPath(): string {
    return path`/api/v1/products/${this.productSlug}/levers`;
  }

  listLevers(options?: RequestOptions): Promise<LeverInList[]> {
    if (this._publicRoute) return Promise.resolve([]);
    return this._read(this.#leversPath(), 'product', STALE_WHILE_REVALIDATE, options);
  }

  createCustomer(params?: CreateCustomerParameters, options?: RequestOptions): Promise<Customer> {
    return this._write({ method: 'POST', path: '/api/v1/customers', body: toWire(params) }, ['customer'], options);
  }

  getCustomer(customerId: string, options?: RequestOptions): Promise<CustomerInDbBase> {
    return this._read(path`/api/v1/customers/${customerId}`, 'customer', DEDUPE, options);
  }

  deleteCustomer(customerId: string, options?: RequestOptions): Promise<CustomerInDbBase> {
    return this._write({ method: 'DELETE', path: path`/api/v1/customers/${customerId}` }, ['customer'], options);
  }
}
