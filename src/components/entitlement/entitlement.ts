import { css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Resource } from '../../client/index.ts';
import { grants } from '../shared/format.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';

/**
 * @summary Shows its content only when the customer is entitled to a lever; flips live when the
 * plan changes or usage runs out. Never shows denied content while it is still loading.
 *
 * @slot - Shown when the customer is entitled.
 * @slot denied - Shown when the customer is not entitled (e.g. an upgrade hint).
 * @slot loading - Shown until the entitlements are known.
 *
 * @csspart error - The error message with its retry button.
 * @csspart retry-button - The retry button.
 *
 *
 * @fires planship-error - Reading the entitlements failed.
 */
@customElement('planship-entitlement')
export class PlanshipEntitlement extends PlanshipElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: contents;
      }
    `,
  ];

  /** The lever's slug, e.g. `sso`. */
  @property({ type: String }) lever = '';

  /** For numeric and metered levers: the least value that counts as entitled. */
  @property({ type: Number }) min?: number;

  /** For list levers: the item that must be in the list, e.g. `csv`. */
  @property({ type: String }) includes?: string;

  /** Present when the customer is entitled (absent while loading or denied). */
  @property({ type: Boolean, reflect: true }) allowed = false;

  /** The customer's entitlements; undefined while unknown. */
  @state() private entitlements?: Record<string, unknown>;
  @state() private error?: unknown;
  /** Only the latest read may answer (a slow earlier one must not overwrite it). */
  private readId = 0;

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (resources.has('entitlements') || resources.has('subscriptions')) void this.read();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('client')) {
      this.entitlements = this.error = undefined;
      void this.read();
    }
    this.allowed = !!this.entitlements && grants(this.entitlements[this.lever], this.min, this.includes);
  }

  /** Reads the entitlements: at once from the client's last known value when it has one. */
  private async read(): Promise<void> {
    const client = this.client;
    const id = ++this.readId;
    if (!client) return;
    this.entitlements = client.entitlements ?? this.entitlements;
    try {
      const entitlements = await client.getEntitlements();
      if (id === this.readId) [this.entitlements, this.error] = [entitlements, undefined];
    } catch (error) {
      if (id !== this.readId) return;
      this.error = error;
      this.fail(error);
    }
  }

  override render() {
    if (this.error && !this.entitlements) {
      return this.renderError(this.error, () => {
        this.error = undefined;
        void this.read();
      });
    }
    if (!this.client || !this.entitlements) return html`<slot name="loading"></slot>`;
    return this.allowed ? html`<slot></slot>` : html`<slot name="denied"></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-entitlement': PlanshipEntitlement;
  }
}
