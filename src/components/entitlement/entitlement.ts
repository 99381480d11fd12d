import { css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Resource } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { PlanshipElement } from '../shared/planship-element.ts';

/**
 * Whether an entitlement value grants access: boolean as is; numbers (numeric limits and
 * metered remaining amounts) at least `min`, or above zero; lists include `includes`, or are
 * non-empty; null is unlimited.
 */
export function isAllowed(value: unknown, min?: number, includes?: string): boolean {
  if (value === null) return true;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return min === undefined ? value > 0 : value >= min;
  if (Array.isArray(value)) return includes ? value.map(String).includes(includes) : value.length > 0;
  return false;
}

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
 * @cssprop --planship-color-danger - Color of the error state (and the other --planship-color-* tokens).
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

  /** The lever's current value; undefined while unknown. */
  @state() private value?: { current: unknown };
  @state() private error?: unknown;
  private readId = 0;

  protected override planshipChanged(resources: ReadonlySet<Resource>): void {
    if (resources.has('entitlements') || resources.has('subscriptions')) void this.read();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (changed.has('client')) {
      this.value = undefined;
      this.error = undefined;
      void this.read();
    }
    if (changed.has('lever') && this.value) this.value = this.pick(this.latest);
    this.allowed = this.value !== undefined && isAllowed(this.value.current, this.min, this.includes);
  }

  private latest?: Record<string, unknown>;

  private pick(entitlements: Record<string, unknown> | undefined) {
    return entitlements ? { current: entitlements[this.lever] } : undefined;
  }

  /** Reads the entitlements: synchronously from the client's last known value when it has one. */
  private async read(): Promise<void> {
    const client = this.client;
    const id = ++this.readId;
    if (!client) return;
    const known = client.entitlements as Record<string, unknown> | undefined;
    if (known) {
      this.latest = known;
      this.value = this.pick(known);
    }
    try {
      const entitlements = (await client.getEntitlements()) as Record<string, unknown>;
      if (id !== this.readId) return;
      this.latest = entitlements;
      this.value = this.pick(entitlements);
      this.error = undefined;
    } catch (error) {
      if (id !== this.readId) return;
      if (!this.value) this.error = error;
      this.fail(error, 'load');
    }
  }

  override render() {
    if (this.error && !this.value) {
      return this.renderError(this.error, () => {
        this.error = undefined;
        void this.read();
      });
    }
    if (!this.client || !this.value) return html`<slot name="loading"></slot>`;
    return this.allowed ? html`<slot></slot>` : html`<slot name="denied"></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-entitlement': PlanshipEntitlement;
  }
}
