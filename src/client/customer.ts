// PlanshipCustomer: the seed's customer API, plus live entitlements that never go stale.
import type { PortalAnswer as GatewayPortalAnswer } from '../gateway/bootstrap.ts';
import type { TokenGetter } from './auth.ts';
import { DEDUPE, UNTIL_INVALIDATED, type Resource } from './cache.ts';
import type { PlanshipApiError } from './errors.ts';
import { PlanshipChangeEvent, PlanshipConnectionEvent, PlanshipEntitlementsEvent, type ConnectionState } from './events.ts';
import { path } from './http.ts';
import { gatewayTransport, type EventSourceConstructor } from './event-stream.ts';
import { LiveSocket, type WebSocketConstructor } from './live.ts';
import {
  leverUsagesFromWire,
  toWire,
  type CreateSubscriptionOptions,
  type CustomerSubscriptionWithPlan,
  type Entitlements,
  type Invitation,
  type InvitationOffer,
  type EntitlementsCallback,
  type LeverUsage,
  type Metadata,
  type MeteringRecord,
  type ModifySubscriptionParameters,
  type SubscriptionCustomer,
  type SubscriptionCustomerInDbBase,
  type SubscriptionWithPlan,
} from './models.ts';
import {
  PlanshipProduct,
  normalizeArguments,
  webSocketBase,
  type PlanshipAuth,
  type PlanshipOptions,
  type RequestOptions,
} from './product.ts';

/** Silence that makes the live socket check itself (see LiveSocket); a dead one is noticed in well under 45 s. */
const DEFAULT_HEARTBEAT_MS = 15_000;
const SUBSCRIPTION_CHANGE: Resource[] = ['subscriptions', 'entitlements', 'usage'];
const MEMBER_CHANGE: Resource[] = ['subscriptions', 'entitlements'];
const USAGE_CHANGE: Resource[] = ['usage', 'entitlements'];

/** The gateway's first-render answer (`GET {basePath}/portal`), in wire format; any part may be missing. */
export type PortalAnswer = Partial<Omit<GatewayPortalAnswer, 'entitlements'> & { entitlements: Entitlements }>;

export interface ListSubscriptionsOptions extends RequestOptions {
  /** Only subscriptions to this product (the API's `product_slug` filter). */
  productSlug?: string;
}

/** Planship Customer API client. */
export class PlanshipCustomer extends PlanshipProduct {
  readonly customerId: string;
  readonly webSocketUrl: string;
  readonly #listeners = new Set<EntitlementsCallback>();
  /** Callbacks given to getEntitlements: they listen for the client's lifetime, as in the seed. */
  readonly #permanent = new Set<EntitlementsCallback>();
  #socket?: LiveSocket;
  #state: ConnectionState = 'idle';
  #last?: Entitlements;
  /** `#last` serialised, so each push is compared without serialising it again. */
  #lastJson?: string;
  #disposed = false;
  /** Gateway mode: the first-render answer, asked for once. */
  #primed?: Promise<void>;
  /** Gateway mode: false once the gateway said the page's visitor is not signed in. */
  #signedIn?: boolean;

  /** Uses tokens from an external flow (browser safe). */
  constructor(productSlug: string, customerId: string, url: string, getAccessToken: TokenGetter, webSocketUrl?: string);
  /** Exchanges a client id/secret pair for tokens (servers only). */
  constructor(productSlug: string, customerId: string, url: string, clientId: string, clientSecret: string, webSocketUrl?: string);
  constructor(productSlug: string, customerId: string, auth: PlanshipAuth, options?: PlanshipOptions);
  constructor(productSlug: string, customerId: string, ...args: unknown[]) {
    const [auth, options] = normalizeArguments(args);
    super(productSlug, auth, options);
    this.customerId = customerId;
    this.webSocketUrl = webSocketBase(this.baseUrl, options.webSocketUrl);
  }

  /**
   * False when the portal gateway said nobody is signed in (a visitor, e.g. on a pricing page): the
   * catalog reads work, the customer's own read as nothing, and nothing goes live. True with a
   * token or a signed-in session; undefined until the gateway's first answer says which.
   */
  get signedIn(): boolean | undefined {
    if (this._tokens) return true;
    return this._publicRoute ? false : this.#signedIn;
  }

  /** `idle` until something listens; `reconnecting` means numbers may be stale. */
  get connectionState(): ConnectionState {
    return this.#state;
  }

  /** The last entitlements known (from a read or a push). */
  get entitlements(): Entitlements | undefined {
    return this.#last;
  }

  protected override _live(): boolean {
    return this.#state === 'live';
  }

  #customerPath(): string {
    return path`/api/v1/customers/${this.customerId}`;
  }

  #productPath(): string {
    return path`/api/v1/customers/${this.customerId}/products/${this.productSlug}`;
  }

  #entitlementsPath(): string {
    return `${this.#productPath()}/entitlements`;
  }

  /** This product's subscriptions: the key the first-render answer primes and `peekSubscriptions` reads. */
  #productSubscriptionsPath(): string {
    return `${this.#customerPath()}/subscriptions?product_slug=${encodeURIComponent(this.productSlug)}`;
  }

  #leverUsagePath(leverSlug: string): string {
    return this.#productPath() + path`/levers/${leverSlug}/usage`;
  }

  /**
   * Behind the portal gateway, the first read asks `GET {baseUrl}/portal` once: one answer with
   * everything the elements read first, put in the cache so each of their reads is served from
   * it. Where the host has no such route, reads go on as usual.
   */
  protected override _priming(): Promise<void> | undefined {
    if (this._tokens || this.#disposed) return undefined;
    // Planship's public route: a visitor, with no first-render answer to ask for.
    if (this._publicRoute) {
      this.#signedIn = false;
      return undefined;
    }
    this.#primed ??= this._http
      .send({ method: 'GET', path: '/portal' })
      .then((answer) => this.prime(answer as PortalAnswer))
      // No first-render answer (an older gateway, or none): reads and the socket go on as usual.
      .catch(() => void (this.#signedIn ??= true));
    return this.#primed;
  }

  /**
   * Puts a first-render answer in the cache (the gateway's `/portal`, or the snapshot a server
   * rendered the page from): the elements' first reads are served from it, with no request.
   */
  prime(answer: PortalAnswer): void {
    this.#primed ??= Promise.resolve();
    this.#signedIn = answer.signed_in !== false;
    this._primeCatalog(answer);
    if (answer.subscriptions) {
      this._cache.put(this.#productSubscriptionsPath(), 'subscriptions', answer.subscriptions, true);
    }
    for (const [lever, usage] of Object.entries(answer.usage ?? {})) this._cache.put(this.#leverUsagePath(lever), 'usage', usage, true);
    if (answer.entitlements) {
      this._cache.put(this.#entitlementsPath(), 'entitlements', answer.entitlements, true);
      this.#fresh(answer.entitlements);
    }
  }

  protected override _visitorAnswer(path: string): unknown {
    if (this.#signedIn !== false || !path.startsWith(this.#customerPath())) return undefined;
    // A visitor has no subscriptions, entitlements or usage: asked for, they read as nothing.
    if (path.includes('/subscriptions')) return [];
    if (path === this.#entitlementsPath()) return {};
    return { total: 0, by_bucket: {}, by_subscription: {} };
  }

  protected override _stored(path: string, raw: unknown): void {
    if (path === this.#entitlementsPath()) this.#fresh(raw as Entitlements);
    else super._stored(path, raw);
  }

  #subscriptionPath(subscriptionId: string): string {
    return this.#customerPath() + path`/subscriptions/${subscriptionId}`;
  }

  createSubscription(planSlug: string, options?: CreateSubscriptionOptions, request?: RequestOptions): Promise<SubscriptionWithPlan> {
    return this._write(
      {
        method: 'POST',
        path: path`/api/v1/products/${this.productSlug}/plans/${planSlug}/subscriptions`,
        body: { customer_id: this.customerId, ...toWire(options) },
      },
      SUBSCRIPTION_CHANGE,
      request,
    );
  }

  listSubscriptions(options?: ListSubscriptionsOptions): Promise<CustomerSubscriptionWithPlan[]> {
    const filter = options?.productSlug ? `?product_slug=${encodeURIComponent(options.productSlug)}` : '';
    return this._read(`${this.#customerPath()}/subscriptions${filter}`, 'subscriptions', UNTIL_INVALIDATED, options);
  }

  getSubscription(subscriptionId: string, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this._read(this.#subscriptionPath(subscriptionId), 'subscriptions', DEDUPE, options);
  }

  /** Sends only the given fields (a partial update), `isActive` included. */
  modifySubscription(subscriptionId: string, params: ModifySubscriptionParameters, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this._write(
      { method: 'PATCH', path: this.#subscriptionPath(subscriptionId), body: toWire(params) },
      SUBSCRIPTION_CHANGE,
      options,
    );
  }

  changeSubscriptionPlan(subscriptionId: string, planSlug: string, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this.modifySubscription(subscriptionId, { planSlug }, options);
  }

  changeSubscriptionRenewPlan(subscriptionId: string, renewPlanSlug: string, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this.modifySubscription(subscriptionId, { renewPlanSlug }, options);
  }

  changeSubscriptionMaxSubscribers(subscriptionId: string, maxSubscribers: number, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this.modifySubscription(subscriptionId, { maxSubscribers }, options);
  }

  setSubscriptionAutoRenew(subscriptionId: string, autoRenew: boolean, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this.modifySubscription(subscriptionId, { autoRenew }, options);
  }

  setSubscriptionIsActive(subscriptionId: string, isActive: boolean, options?: RequestOptions): Promise<CustomerSubscriptionWithPlan> {
    return this.modifySubscription(subscriptionId, { isActive }, options);
  }

  listSubscriptionCustomers(subscriptionId: string, options?: RequestOptions): Promise<SubscriptionCustomer[]> {
    return this._read(`${this.#subscriptionPath(subscriptionId)}/customers`, 'subscriptions', DEDUPE, options);
  }

  addSubscriptionCustomer(
    subscriptionId: string,
    customerIdToAdd: string,
    isAdministrator = false,
    isSubscriber = true,
    metadata?: Metadata,
    options?: RequestOptions,
  ): Promise<SubscriptionCustomer> {
    return this._write(
      {
        method: 'POST',
        path: `${this.#subscriptionPath(subscriptionId)}/customers`,
        body: toWire({ customerId: customerIdToAdd, isAdministrator, isSubscriber, metadata }),
      },
      MEMBER_CHANGE,
      options,
    );
  }

  /**
   * Invites someone by email to a subscription's team (the portal gateway's route, when the host
   * set up `invitations`; see `features.has('invites')`). The host mails them a link; they join
   * only by accepting it, signed in as that address. Our server and hosted Planship have no such route.
   */
  inviteSubscriptionCustomer(subscriptionId: string, email: string, isAdministrator = false, options?: RequestOptions): Promise<Invitation> {
    return this._write(
      { method: 'POST', path: `${this.#subscriptionPath(subscriptionId)}/invites`, body: { email, is_administrator: isAdministrator } },
      ['subscriptions'],
      options,
    );
  }

  /** Invitations to a subscription's team waiting for an answer (administrators; the gateway's route). */
  listInvitations(subscriptionId: string, options?: RequestOptions): Promise<Invitation[]> {
    return this._read(`${this.#subscriptionPath(subscriptionId)}/invites`, 'subscriptions', DEDUPE, options);
  }

  /** Withdraws an invitation that was not answered yet (administrators; the gateway's route). */
  cancelInvitation(subscriptionId: string, invitationId: string, options?: RequestOptions): Promise<Invitation> {
    return this._write({ method: 'DELETE', path: this.#subscriptionPath(subscriptionId) + path`/invites/${invitationId}` }, ['subscriptions'], options);
  }

  /** An invitation sent to the signed-in user's address, as its link names it (the gateway's route). */
  getInvitation(invitationId: string, options?: RequestOptions): Promise<InvitationOffer> {
    return this._read(path`/api/v1/invitations/${invitationId}`, 'subscriptions', DEDUPE, options);
  }

  /** The host's billing portal for this customer (payment method, invoices): its URL (the portal gateway's route, when the host set `billingPortal`). */
  async openBillingPortal(options?: RequestOptions): Promise<string> {
    const answer = await this._write<{ url: string }>({ method: 'POST', path: `${this.#customerPath()}/billing-portal` }, [], options);
    return answer.url;
  }

  /** Joins the team the invitation is for (the gateway's route). */
  acceptInvitation(invitationId: string, options?: RequestOptions): Promise<InvitationOffer> {
    return this._write({ method: 'POST', path: path`/api/v1/invitations/${invitationId}/accept` }, MEMBER_CHANGE, options);
  }

  /** Turns the invitation down; the inviter no longer sees it (the gateway's route). */
  declineInvitation(invitationId: string, options?: RequestOptions): Promise<{ id: string; status: 'declined' }> {
    return this._write({ method: 'POST', path: path`/api/v1/invitations/${invitationId}/decline` }, ['subscriptions'], options);
  }

  removeSubscriptionCustomer(subscriptionId: string, customerIdToRemove: string, options?: RequestOptions): Promise<SubscriptionCustomerInDbBase> {
    return this._write(
      { method: 'DELETE', path: this.#subscriptionPath(subscriptionId) + path`/customers/${customerIdToRemove}` },
      MEMBER_CHANGE,
      options,
    );
  }

  /**
   * All entitlements keyed by lever slug. With a callback, it also hears every later change
   * (live socket) for the client's lifetime; several callbacks may listen at once.
   */
  getEntitlements(callback?: EntitlementsCallback | RequestOptions, options?: RequestOptions): Promise<Entitlements> {
    if (typeof callback === 'object') [callback, options] = [undefined, callback];
    if (callback) {
      this.#permanent.add(callback);
      this.#listen();
    }
    return this._read(this.#entitlementsPath(), 'entitlements', UNTIL_INVALIDATED, options, (raw) => structuredClone(raw) as Entitlements);
  }

  /** Listens for entitlement changes (opens the socket); returns the unsubscribe function. */
  onEntitlements(callback: EntitlementsCallback): () => void {
    const listener: EntitlementsCallback = (entitlements) => callback(entitlements);
    this.#listeners.add(listener);
    this.#listen();
    return () => {
      this.#listeners.delete(listener);
      if (!this.#listeners.size && !this.#permanent.size && this.#socket) {
        this.#socket.stop();
        this.#socket = undefined;
        if (!this.#disposed) this.#setState('idle');
      }
    };
  }

  /** This product's subscriptions of the customer, when already known (a first-render answer or a read). */
  peekSubscriptions(): CustomerSubscriptionWithPlan[] | undefined {
    return this._peek(this.#productSubscriptionsPath());
  }

  /** A lever's usage, when already known. */
  peekLeverUsage(leverSlug: string): LeverUsage | undefined {
    return this._peek(this.#leverUsagePath(leverSlug));
  }

  getLeverUsage(leverSlug: string, options?: RequestOptions): Promise<LeverUsage> {
    return this._read(this.#leverUsagePath(leverSlug), 'usage', UNTIL_INVALIDATED, options);
  }

  getMeteringIdUsage(meteringId: string, options?: RequestOptions): Promise<{ [leverSlug: string]: LeverUsage }> {
    return this._read(this.#productPath() + path`/usage/${meteringId}`, 'usage', UNTIL_INVALIDATED, options, leverUsagesFromWire);
  }

  reportUsage(meteringId: string, usage: number, bucket?: string, options?: RequestOptions): Promise<MeteringRecord> {
    return this._write(
      { method: 'POST', path: this.#productPath() + path`/usage/${meteringId}`, body: toWire({ usage, bucket }) },
      USAGE_CHANGE,
      options,
    );
  }

  /** Closes the socket for good and drops every listener. */
  dispose(): void {
    this.#disposed = true;
    this.#socket?.stop();
    this.#socket = undefined;
    this.#listeners.clear();
    this.#permanent.clear();
    this.#setState('closed');
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.dispatchEvent(new PlanshipConnectionEvent(state));
  }

  /** Remembers a fresh answer and tells every listener when it differs from the last one. */
  #fresh(entitlements: Entitlements): boolean {
    const json = JSON.stringify(entitlements);
    if (json === this.#lastJson) return false;
    this.#last = entitlements;
    this.#lastJson = json;
    this.dispatchEvent(new PlanshipEntitlementsEvent(structuredClone(entitlements)));
    for (const listener of [...this.#permanent, ...this.#listeners]) {
      try {
        listener(structuredClone(entitlements));
      } catch (error) {
        // One faulty listener must not starve the others; the error still surfaces.
        ((globalThis as { reportError?: (error: unknown) => void }).reportError ?? console.error)(error);
      }
    }
    return true;
  }

  /**
   * Whether the silent socket still tells the truth: the entitlements read now (past the cache)
   * equal the last ones known. A network failure or timeout counts as no; another error cannot
   * tell, so it counts as yes.
   */
  #revalidate(): Promise<boolean> {
    return this._http.send({ method: 'GET', path: this.#entitlementsPath() }).then(
      (answer) => !this.#lastJson || JSON.stringify(answer) === this.#lastJson,
      (error: PlanshipApiError) => error.kind !== 'network' && error.kind !== 'timeout',
    );
  }

  #listen(): void {
    // Behind the gateway, wait for its first answer: a visitor who is not signed in goes live never.
    if (this._publicRoute) return;
    if (!this._tokens && this.#signedIn === undefined) {
      void this._priming()?.then(() => this.#signedIn !== undefined && this.#listen());
      return;
    }
    if (this.#signedIn === false) return;
    const runtime = globalThis as { WebSocket?: WebSocketConstructor; EventSource?: EventSourceConstructor };
    const tokens = this._tokens;
    const WebSocketClass = this._options.WebSocket ?? runtime.WebSocket;
    // Behind the gateway (no token), Server-Sent Events can stand in for a WebSocket.
    const Transport = tokens ? WebSocketClass : gatewayTransport(WebSocketClass, this._options.EventSource ?? runtime.EventSource);
    if (this.#socket || this.#disposed || !Transport) return;
    this.#socket = new LiveSocket({
      url: this.webSocketUrl + path`/api/v1/ws/customers/${this.customerId}/products/${this.productSlug}/entitlements`,
      WebSocket: Transport,
      heartbeatMs: this._options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      token: tokens && ((forceRefresh) => tokens.token(forceRefresh)),
      state: (state) => this.#setState(state),
      frame: (data, first) => {
        const known = this.#last !== undefined;
        const changed = this.#fresh(data as Entitlements);
        this._cache.put(this.#entitlementsPath(), 'entitlements', data);
        // A connection's greeting frame reports the present, not a change: readers that saw no
        // entitlements yet are still reading them (a reconnect re-reads everything in resync).
        // But a greeting that differs from what was read means something changed in between (a
        // usage report before the socket opened): then subscriptions and usage are stale too.
        if (first && !(changed && known)) return;
        this._cache.invalidate(['subscriptions', 'usage']);
        this.dispatchEvent(new PlanshipChangeEvent(['entitlements', 'subscriptions', 'usage']));
      },
      revalidate: () => this.#revalidate(),
      resync: () => {
        // A change made while disconnected must not be missed: re-read, then tell readers.
        this._cache.invalidate(SUBSCRIPTION_CHANGE);
        this.getEntitlements().catch(() => {});
        this.dispatchEvent(new PlanshipChangeEvent(SUBSCRIPTION_CHANGE));
      },
    });
  }
}
