import { LitElement, css, html, nothing, type CSSResultGroup } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import { PlanshipCustomer, type ConnectionState, type TokenGetter } from '../../client/index.ts';
import { ensureContextRoot, planshipClientContext } from '../shared/context.ts';
import { PlanshipErrorEvent } from '../shared/events.ts';
import { tokenUrlGetter } from './token-url.ts';

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
 * It renders nothing of its own (`display: contents`), but the `--planship-*` theme tokens set
 * on it reach every element inside.
 *
 * A configuration it cannot build a client from (e.g. an `api-url` that is not a URL) shows an
 * error (`role="alert"`) above its content and fires `planship-error`; it never throws.
 *
 * @slot - The portal elements (and any other content).
 * @csspart error - The configuration error.
 * @csspart retry-button - Tries to build the client again.
 * @fires planship-error - The client could not be built from the attributes.
 */
@customElement('planship-provider')
export class PlanshipProvider extends LitElement {
  static override styles: CSSResultGroup = css`
    :host {
      display: contents;
    }
  `;

  /** The Planship product slug. */
  @property({ type: String, attribute: 'product-slug' }) productSlug?: string;

  /** The customer: Planship id or the host's own id (alternative id). */
  @property({ type: String, attribute: 'customer-id' }) customerId?: string;

  /** Base URL of the Planship API. */
  @property({ type: String, attribute: 'api-url' }) apiUrl?: string;

  /** WebSocket base URL, when it differs from the one derived from `api-url`. */
  @property({ type: String, attribute: 'ws-url' }) wsUrl?: string;

  /** The host backend's route that answers a customer-scoped token (GET; `?refresh=1` forces a new one). */
  @property({ type: String, attribute: 'token-url' }) tokenUrl?: string;

  /** Token getter set from script; wins over `token-url`. */
  @property({ attribute: false }) getAccessToken?: TokenGetter;

  /** The live connection state of the client: idle, connecting, live, reconnecting or closed. */
  @property({ type: String, reflect: true }) connection: ConnectionState = 'idle';

  /** Why no client could be built from the attributes, if so. */
  @state() protected configError?: string;

  /** A client the host made itself (never disposed by the provider). */
  @state() private hostClient?: PlanshipCustomer;

  /** Hands the client to every element inside (late-upgrading ones included). */
  private readonly clientProvider = new ContextProvider(this, { context: planshipClientContext });
  private provided?: PlanshipCustomer;

  /** Whether the provided client was made here (and so is disposed here). */
  private ownsClient = false;
  private builtFrom: readonly unknown[] = [];
  private stopLive?: () => void;

  /** The client the elements use. Set it to bring your own `PlanshipCustomer`. */
  @property({ attribute: false })
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
  };

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

  protected override willUpdate(): void {
    if (this.isConnected) this.syncClient();
  }

  /** (Re)builds the client when what it is made from changed. */
  private syncClient(): void {
    // A new token getter alone (e.g. a fresh arrow function on every host render) does not
    // rebuild the client: the client calls through `currentToken`, which reads the latest one.
    const given = this.givenClient();
    const hasTokenSource = Boolean(this.getAccessToken || this.tokenUrl);
    const config = [given, this.productSlug, this.customerId, this.apiUrl, this.wsUrl, hasTokenSource];
    if ((this.provided || this.configError) && config.every((value, i) => Object.is(value, this.builtFrom[i]))) return;
    this.builtFrom = config;
    const built = given ? undefined : this.build();
    this.use(given ?? built, built !== undefined);
  }

  /** A ready client to share as it is (never disposed here): the one the host set. */
  protected givenClient(): PlanshipCustomer | undefined {
    return this.hostClient;
  }

  private build(): PlanshipCustomer | undefined {
    this.configError = undefined;
    const hasTokenSource = Boolean(this.getAccessToken || this.tokenUrl);
    // No token source but an api-url: the portal gateway on the host's backend, whose session
    // authenticates the page (customer `me` unless one is named).
    const gateway = !hasTokenSource && Boolean(this.apiUrl);
    if (!this.productSlug || (!gateway && !(this.customerId && hasTokenSource))) return undefined;
    try {
      return new PlanshipCustomer(this.productSlug, this.customerId || 'me', gateway ? null : this.currentToken, {
        baseUrl: this.apiUrl,
        webSocketUrl: this.wsUrl,
      });
    } catch (error) {
      // A bad api-url or ws-url: say so in the page rather than break the host's script.
      this.configError = `The billing portal is misconfigured: ${(error as Error).message}`;
      this.dispatchEvent(new PlanshipErrorEvent(error, 'configure'));
      return undefined;
    }
  }

  /** The configuration error, with a retry that rebuilds the client. */
  protected renderConfigError() {
    return this.configError
      ? html`<div part="error" role="alert">${this.configError} <button part="retry-button" type="button" @click=${() => {
          this.builtFrom = [];
          this.syncClient();
        }}>Retry</button></div>`
      : nothing;
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
    return html`${this.renderConfigError()}<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-provider': PlanshipProvider;
  }
}
