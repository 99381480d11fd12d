import { LitElement, css, html, isServer, nothing, type CSSResultGroup, type PropertyValues, type PropertyDeclarations } from 'lit';
import { PlanshipCustomer, type ConnectionState, type TokenGetter } from '../../client/index.ts';
import { AlertGroups } from '../shared/alert-groups.ts';
import { themeStyles } from '../shared/base.styles.ts';
import { ContextProvider, consume, ensureContextRoot, planshipClientContext, planshipServicesContext, type ProviderServices } from '../shared/context.ts';
import { define } from '../shared/define.ts';
import { PlanshipErrorEvent } from '../shared/events.ts';
import { Localize, nearestLang } from '../shared/localize.ts';
import { warmFormatters } from '../shared/format.ts';
import type { PlanshipMessages } from '../shared/messages.ts';
import { mergeCatalogText, type CatalogText } from '../shared/catalog-text.ts';
import type { Theme } from '../shared/planship-element.ts';
import { tokenUrlGetter } from './token-url.ts';
import { SNAPSHOT_ATTRIBUTE, serverScope } from '../shared/server-scope.ts';

/** The snapshot a server render left in the page for this product (used once), if any. */
function takeSnapshot(productSlug: string): Parameters<PlanshipCustomer['prime']>[0] | undefined {
  const script = globalThis.document?.querySelector<HTMLScriptElement>(`script[type="application/json"][${SNAPSHOT_ATTRIBUTE}="${CSS.escape(productSlug)}"]`);
  if (!script) return undefined;
  script.remove();
  try {
    const snapshot: unknown = JSON.parse(script.textContent ?? '');
    // Not a snapshot (nothing a server render writes): the elements ask as usual.
    return typeof snapshot === 'object' && snapshot !== null && !Array.isArray(snapshot) ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @summary Creates one Planship client for a customer and shares it with every portal element
 * inside it; keeps the live entitlements socket open while it is in the page.
 *
 * Behind the portal gateway (planship-portal/gateway, mounted by your backend at, say,
 * `/planship`), give it `api-url="/planship"` and nothing else: no token and no customer id reach
 * the page; your session cookie identifies the customer. With our server's customer tokens, give
 * it `customer-id` and a token source: the `token-url` attribute (your backend's token route) or
 * the `getAccessToken` property. Or hand it a ready `client`.
 *
 * It renders nothing visible of its own (`display: contents`), but the `--planship-*` theme
 * tokens and the `theme` set on it reach every element inside. It holds the one polite status
 * region (`role="status"`, visually hidden) of the elements inside: "reconnecting" while the
 * live connection is down, and what a change did once it succeeded.
 *
 * Words: every element speaks the language of the nearest `lang` (its own, an ancestor's, the
 * document's). Override any message with `messages` (every language) or `locales` (per
 * language, e.g. `{ de: {...}, 'pt-BR': {...} }`; also adds a language that is not shipped).
 * Plan and lever names and descriptions come from the catalog in its one language: give them per
 * language with `catalogText` (`{ de: { plans: { pro: { name, description } }, levers: {...} } }`).
 *
 * A configuration it cannot build a client from (e.g. an `api-url` that is not a URL) shows an
 * error (`role="alert"`) above its content and fires `planship-error`; it never throws.
 *
 * @tagname planship-provider
 * @slot - The portal elements (and any other content).
 * @csspart error - The configuration error.
 * @csspart retry-button - Tries to build the client again.
 * @csspart status - The visually hidden status region (reconnecting, successful changes).
 * @fires planship-error - The client could not be built from the attributes.
 */
export class PlanshipProvider extends LitElement implements ProviderServices {
  static override properties: PropertyDeclarations = {
    productSlug: { type: String, attribute: 'product-slug' },
    customerId: { type: String, attribute: 'customer-id' },
    apiUrl: { type: String, attribute: 'api-url' },
    wsUrl: { type: String, attribute: 'ws-url' },
    tokenUrl: { type: String, attribute: 'token-url' },
    organizationSlug: { type: String, attribute: 'organization-slug' },
    signupUrl: { type: String, attribute: 'signup-url' },
    getAccessToken: { attribute: false },
    connection: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    messages: { attribute: false },
    locales: { attribute: false },
    catalogText: { attribute: false },
    announcement: { state: true },
    configError: { state: true },
    hostClient: { state: true },
    client: { attribute: false },
  };

  static override styles: CSSResultGroup = [
    themeStyles,
    css`
      :host {
        display: contents;
      }
    `,
  ];

  /** The Planship product slug. */
  productSlug?: string;

  /** The customer: Planship id or the host's own id (alternative id). */
  customerId?: string;

  /** Base URL of the Planship API. */
  apiUrl?: string;

  /** WebSocket base URL, when it differs from the one derived from `api-url`. */
  wsUrl?: string;

  /** The host backend's route that answers a customer-scoped token (GET; `?refresh=1` forces a new one). */
  tokenUrl?: string;

  /** Token getter set from script; wins over `token-url`. */
  getAccessToken?: TokenGetter;

  /** The live connection state of the client: idle, connecting, live, reconnecting or closed. */
  connection: ConnectionState = 'idle';

  /** `light`, `dark` or `auto` (the system's) for every element inside; absent: the page's `color-scheme`. */
  theme?: Theme;

  /** Your wording for any message, in every language: `{ retry: 'Try again' }`. */
  messages?: Partial<PlanshipMessages>;

  /**
   * Your wording per language (`{ de: { retry: 'Nochmal' }, 'pt-BR': {...} }`), over `messages`;
   * a region (`de-CH`) over its language (`de`). A language the portal does not ship gets
   * English for what you leave out.
   */
  locales?: Record<string, Partial<PlanshipMessages>>;

  /**
   * Your catalog's wording per language, for plans and levers by slug:
   * `{ de: { plans: { pro: { name: 'Profi', description: '...' } }, levers: { 'api-calls': { name: 'API-Aufrufe' } } } }`.
   * Chosen like `locales` (a region over its language, over an outer provider's); what you leave
   * out stays the catalog's own words. Rendered as text.
   */
  catalogText?: Record<string, CatalogText>;

  /**
   * Your Planship organization: with `api-url` and no token source nor gateway, the elements read
   * Planship's public catalog route (a static pricing page with no backend): plans for visitors.
   */
  organizationSlug?: string;

  /**
   * Where a visitor who is not signed in goes to get started (your sign-up page): the plan
   * picker's calls to action add `plan` and `interval` to it.
   */
  signupUrl?: string;

  /** The provider's own words (status, configuration error). */
  protected readonly localize = new Localize(this);

  /** What the status region says last, besides "reconnecting". */
  private announcement = '';

  /** The services of a provider around this one: its overrides come under this one's. */
  protected outerServices?: ProviderServices;
  private readonly ownAlerts = new AlertGroups();
  private readonly servicesProvider = new ContextProvider<ProviderServices | undefined>(this, planshipServicesContext, this);
  private overridesByLang = new Map<string, Partial<PlanshipMessages> | undefined>();
  private catalogByLang = new Map<string, CatalogText | undefined>();

  /** Why no client could be built from the attributes, if so. */
  protected configError?: string;

  /** A client the host made itself (never disposed by the provider). */
  private hostClient?: PlanshipCustomer;

  /** Hands the client to every element inside (late-upgrading ones included). */
  private readonly clientProvider = new ContextProvider(this, planshipClientContext, undefined);
  private provided?: PlanshipCustomer;

  /** Whether the provided client was made here (and so is disposed here). */
  private ownsClient = false;
  private builtFrom: readonly unknown[] = [];
  private stopLive?: () => void;

  /** The client the elements use. Set it to bring your own `PlanshipCustomer`. */
  get client(): PlanshipCustomer | undefined {
    return this.provided ?? this.hostClient;
  }
  set client(value: PlanshipCustomer | undefined) {
    this.hostClient = value;
  }

  /** Asks whichever token source is set now: the getter, else the token URL. */
  private currentToken: TokenGetter = (forceRefresh) => {
    if (this.getAccessToken) return this.getAccessToken(forceRefresh);
    if (this.tokenUrl) return tokenUrlGetter(this.tokenUrl)(forceRefresh);
    return Promise.reject(new Error('planship-provider has no token source'));
  };

  private onConnection = (event: Event) => {
    const state = (event as Event & { state?: ConnectionState }).state;
    if (state) this.connection = state;
    this.announcement = '';
  };

  constructor() {
    super();
    consume(this, planshipServicesContext, (outer) => {
      this.outerServices = outer;
      this.overridesChanged();
    });
  }

  /** The host's messages for `lang`: the outer provider's, then `messages`, then `locales`. */
  readonly messageOverrides = (lang: string): Partial<PlanshipMessages> | undefined => {
    // One object per language while nothing changes, so elements rebuild their table only then.
    if (!this.overridesByLang.has(lang)) {
      const byLang = Object.fromEntries(Object.entries(this.locales ?? {}).map(([tag, table]) => [tag.toLowerCase(), table]));
      const lower = lang.toLowerCase();
      const parts = [this.outerServices?.messageOverrides(lang), this.messages, byLang[lower.split('-')[0]], byLang[lower]];
      this.overridesByLang.set(lang, parts.some(Boolean) ? Object.assign({}, ...parts) : undefined);
    }
    return this.overridesByLang.get(lang);
  };

  /** The host's catalog wording for `lang`: the outer provider's, then `catalogText` of the language, then of the region. */
  readonly catalogTextFor = (lang: string): CatalogText | undefined => {
    // One object per language while nothing changes, so elements keep what they worded with it.
    if (!this.catalogByLang.has(lang)) {
      const byLang = Object.fromEntries(Object.entries(this.catalogText ?? {}).map(([tag, table]) => [tag.toLowerCase(), table]));
      const lower = lang.toLowerCase();
      this.catalogByLang.set(lang, mergeCatalogText([this.outerServices?.catalogTextFor?.(lang), byLang[lower.split('-')[0]], byLang[lower]]));
    }
    return this.catalogByLang.get(lang);
  };

  /** Whether this provider hands on an outer provider's client (and so its status and alerts). */
  protected passesOn(): boolean {
    return false;
  }

  get alerts(): AlertGroups {
    return this.passesOn() && this.outerServices ? this.outerServices.alerts : this.ownAlerts;
  }

  /** Where visitors get started: this provider's `signup-url`, else an outer provider's. */
  get signupLink(): string | undefined {
    return this.signupUrl || this.outerServices?.signupLink;
  }

  announce(message: string): void {
    if (this.passesOn() && this.outerServices) this.outerServices.announce(message);
    else this.announcement = message;
  }

  private overridesChanged() {
    this.overridesByLang.clear();
    this.catalogByLang.clear();
    this.localize.overrides = this.messageOverrides;
    // The same services object: force, so every element inside rebuilds its messages.
    this.servicesProvider.setValue(this, true);
  }

  override connectedCallback(): void {
    ensureContextRoot();
    super.connectedCallback();
    // Synchronously, so children already in the page get the client on their first render.
    this.syncClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.use(undefined);
    this.builtFrom = [];
    this.connection = 'closed';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('messages') || changed.has('locales') || changed.has('catalogText')) this.overridesChanged();
    if (this.isConnected) this.syncClient();
  }

  /** Waits for the messages of a language still loading, so it never shows English first. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    return this.localize.whenReady(() => super.scheduleUpdate());
  }

  /** (Re)builds the client when what it is made from changed. */
  private syncClient(): void {
    // A new token getter alone (e.g. a fresh arrow function on every host render) does not
    // rebuild the client: the client calls through `currentToken`, which reads the latest one.
    const given = this.givenClient();
    const hasTokenSource = Boolean(this.getAccessToken || this.tokenUrl);
    const config = [given, this.productSlug, this.customerId, this.apiUrl, this.wsUrl, hasTokenSource, this.organizationSlug];
    if ((this.provided || this.configError) && config.every((value, i) => Object.is(value, this.builtFrom[i]))) return;
    this.builtFrom = config;
    const built = given ? undefined : this.build();
    this.use(given ?? built, built !== undefined);
  }

  /** A ready client to share as it is (never disposed here): the one the host set, or a server render's. */
  protected givenClient(): PlanshipCustomer | undefined {
    return this.hostClient ?? (isServer ? serverScope()?.client : undefined);
  }

  private build(): PlanshipCustomer | undefined {
    this.configError = undefined;
    const hasTokenSource = Boolean(this.getAccessToken || this.tokenUrl);
    // No token source but an api-url: the portal gateway on the host's backend, whose session
    // authenticates the page (customer `me` unless one is named).
    const gateway = !hasTokenSource && Boolean(this.apiUrl);
    if (!this.productSlug || (!gateway && !(this.customerId && hasTokenSource))) return undefined;
    try {
      const client = new PlanshipCustomer(this.productSlug, this.customerId || 'me', gateway ? null : this.currentToken, {
        baseUrl: this.apiUrl,
        webSocketUrl: this.wsUrl,
        // No backend at all: Planship's public catalog route, for visitors.
        organizationSlug: gateway ? this.organizationSlug || undefined : undefined,
      });
      // A page the server rendered carries the snapshot it rendered from: the first reads are
      // served from it (no request before first content, and hydration changes nothing).
      const snapshot = gateway ? takeSnapshot(this.productSlug) : undefined;
      if (snapshot) client.prime(snapshot);
      // Once the elements' first reads have gone out (after this task), while they are answered.
      else if (!isServer) setTimeout(() => warmFormatters(nearestLang(this)));
      return client;
    } catch (error) {
      // A bad api-url or ws-url: say so in the page rather than break the host's script.
      this.configError = (error as Error).message;
      this.dispatchEvent(new PlanshipErrorEvent(error, 'configure'));
      return undefined;
    }
  }

  /**
   * The configuration error with a retry that rebuilds the client, and the status region (unless
   * an outer provider's serves).
   */
  protected renderOwn() {
    const { m, rtl } = this.localize;
    return html`${this.configError
      ? html`<div part="error" role="alert" dir=${rtl ? 'rtl' : nothing}>${m.misconfigured(this.configError)} <button part="retry-button" type="button" @click=${() => {
          this.builtFrom = [];
          this.syncClient();
        }}>${m.retry}</button></div>`
      : nothing}${this.passesOn()
      ? nothing
      : html`<div part="status" role="status" class="visually-hidden">${this.connection === 'reconnecting' ? m.reconnectingShort : this.announcement}</div>`}`;
  }

  /** Switches the provided client; the old one stops listening and, when ours, is disposed. */
  private use(client: PlanshipCustomer | undefined, owned = false): void {
    const old = this.provided;
    if (old === client) return;
    this.stopLive?.();
    this.stopLive = undefined;
    old?.removeEventListener('planship-connection', this.onConnection);
    if (old && this.ownsClient) old.dispose();
    this.ownsClient = owned;
    this.provided = client;
    this.clientProvider.setValue(client);
    if (!client) {
      this.connection = 'idle';
      return;
    }
    client.addEventListener('planship-connection', this.onConnection);
    // One listener keeps the entitlements socket open, so every element inside is live.
    this.stopLive = client.onEntitlements(() => {});
    this.connection = client.connectionState;
  }

  override render() {
    return html`${this.renderOwn()}<slot></slot>`;
  }
}

define('planship-provider', PlanshipProvider);

declare global {
  interface HTMLElementTagNameMap {
    'planship-provider': PlanshipProvider;
  }
}
