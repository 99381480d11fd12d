import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { ConnectionState, PlanshipCustomer, Resource } from '../../client/index.ts';
import { planshipClientContext, ensureContextRoot } from './context.ts';
import { PlanshipErrorEvent } from './events.ts';
import { describeError } from './format.ts';

/**
 * What every portal element shares: the client from the nearest <planship-provider>, the live
 * connection state, re-reads on `planship-change`, and the loading / error / reconnecting
 * templates. Not registered itself.
 */
export class PlanshipElement extends LitElement {
  /** The API client, provided by the nearest <planship-provider>. */
  @consume({ context: planshipClientContext, subscribe: true })
  @state()
  protected client?: PlanshipCustomer;

  /** Forces the light or dark palette; absent follows `prefers-color-scheme`. */
  @property({ type: String, reflect: true }) theme?: 'light' | 'dark';

  /** The client's live connection state, for the reconnecting hint. */
  @state() protected connectionState: ConnectionState = 'idle';

  private listenedClient?: PlanshipCustomer;

  private readonly onChange = (event: Event) => {
    const resources = (event as Event & { resources?: ReadonlySet<Resource> }).resources;
    this.planshipChanged(resources ?? new Set<Resource>());
  };

  private readonly onConnection = (event: Event) => {
    const next = (event as Event & { state?: ConnectionState }).state;
    if (next) this.connectionState = next;
  };

  constructor() {
    super();
    // A controller rather than a willUpdate override, so subclasses cannot forget to call super.
    this.addController({ hostUpdate: () => this.listenTo(this.isConnected ? this.client : undefined) });
  }

  override connectedCallback(): void {
    // Before the consumer asks for the client: unanswered requests are kept and replayed.
    ensureContextRoot();
    super.connectedCallback();
    this.listenTo(this.client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listenTo(undefined);
  }

  private listenTo(client: PlanshipCustomer | undefined): void {
    if (client === this.listenedClient) return;
    this.listenedClient?.removeEventListener('planship-change', this.onChange);
    this.listenedClient?.removeEventListener('planship-connection', this.onConnection);
    this.listenedClient = client;
    if (!client) return;
    client.addEventListener('planship-change', this.onChange);
    client.addEventListener('planship-connection', this.onConnection);
    this.connectionState = client.connectionState;
  }

  /** Called after a mutation or live push; re-run the reads that show one of `resources`. */
  protected planshipChanged(_resources: ReadonlySet<Resource>): void {}

  /** Tells the host page something failed (the element shows the error too). */
  protected fail(error: unknown, action = 'load'): void {
    this.dispatchEvent(new PlanshipErrorEvent(error, action));
  }

  protected renderReconnectingHint(): TemplateResult | typeof nothing {
    if (this.connectionState !== 'reconnecting') return nothing;
    return html`<p part="stale" class="stale" role="status">Reconnecting... numbers may be out of date</p>`;
  }

  protected renderLoading(label: string): TemplateResult {
    return html`<div part="loading" class="loading" role="progressbar" aria-busy="true" aria-label=${label}>
      <span class="spinner" aria-hidden="true"></span><span aria-hidden="true">${label}</span>
    </div>`;
  }

  protected renderError(error: unknown, retry: () => void): TemplateResult {
    return html`<div part="error" class="alert" role="alert">
      <span part="error-message">${describeError(error)}</span>
      <button part="retry-button" type="button" @click=${retry}>Retry</button>
    </div>`;
  }

  protected renderNoClient(): TemplateResult {
    return html`<p part="empty" class="muted">Not connected: place this element inside a &lt;planship-provider&gt;.</p>`;
  }
}
