import { css, html, nothing, type PropertyValues, type PropertyDeclarations } from 'lit';
import { TaskStatus } from '@lit/task';
import { grants } from '../shared/wording.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { define } from '../shared/define.ts';
import { PlanshipElement } from '../shared/planship-element.ts';

/**
 * @summary Shows its content only when the customer is entitled to a lever; flips live when the
 * plan changes or usage runs out. Never shows denied content while it is still loading.
 *
 * A `lever` the product does not have (a typo, or another product's lever) is not silently
 * denied: the element gets the `missing` attribute, shows the `missing` slot (by default the
 * `denied` content) and warns once in the console.
 *
 * While the live connection is reconnecting, the `stale` attribute is set and a small
 * "Reconnecting…" note (`part="stale"`) follows the content; hide it with
 * `planship-entitlement::part(stale) { display: none }` if your own UI says so. (Screen readers
 * hear it once, from the provider's status region.)
 *
 * @tagname planship-entitlement
 * @slot - Shown when the customer is entitled.
 * @slot denied - Shown when the customer is not entitled (e.g. an upgrade hint).
 * @slot loading - Shown until the entitlements are known.
 * @slot missing - Shown when the product has no such lever (default: the `denied` content).
 *
 * @csspart error - The error message with its retry button (nothing at all when an element earlier in the page shows the same failure).
 * @csspart retry-button - The retry button.
 * @csspart stale - The small "reconnecting" note.
 *
 *
 * @fires planship-error - Reading the entitlements failed.
 */
export class PlanshipEntitlement extends PlanshipElement {
  static override properties: PropertyDeclarations = {
    lever: { type: String },
    min: { type: Number },
    includes: { type: String },
    allowed: { type: Boolean, reflect: true },
    missing: { type: Boolean, reflect: true },
    stale: { type: Boolean, reflect: true },
  };

  static override styles = [
    baseStyles,
    css`
      /* The content is the host's: the gate neither paints behind it nor colours it. */
      :host {
        display: contents;
        color: inherit;
      }
      .stale {
        font-size: 0.75em;
        margin-inline: var(--_gap);
        /* The gate paints nothing itself (display: contents): a theme paints behind its note. */
        background: var(--_planship-paint, none);
      }
    `,
  ];

  /** The lever's slug, e.g. `sso`. */
  lever = '';

  /** For numeric and metered levers: the least value that counts as entitled. */
  min?: number;

  /** For list levers: the item that must be in the list, e.g. `csv`. */
  includes?: string;

  /** Present when the customer is entitled (absent while loading or denied). */
  allowed = false;

  /** Present when the product has no lever called `lever`. */
  missing = false;

  /** Present while the connection is reconnecting: the answer may be out of date. */
  stale = false;

  /** Re-read after a plan change or a live push (the client answers from its cache when it can). */
  private task = this.load(['entitlements', 'subscriptions'], (client, signal) => client.getEntitlements({ signal }));

  /** The customer's entitlements; undefined while unknown. */
  private known?: Record<string, unknown>;

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // While a read runs, the client's last known value is at least as fresh as the task's, and
    // after a switch of client the task's value is still the previous customer's answer.
    const settled = this.task.status !== TaskStatus.PENDING && !changed.has('client');
    const known = (this.known = (settled ? this.task.value : undefined) ?? this.client?.entitlements);
    this.allowed = !!known && grants(known[this.lever], this.min, this.includes);
    this.stale = this.connectionState === 'reconnecting';
    const missing = !!known && !(this.lever in known);
    if (missing && !this.missing) console.warn(`planship-entitlement: no lever "${this.lever}"`);
    this.missing = missing;
  }

  override render() {
    // A gate whose failure another element of the provider shows says nothing itself.
    if (this.task.status === TaskStatus.ERROR && !this.known) return this.renderLoadError(this.task.error, () => void this.task.run(), 'load', nothing);
    if (!this.client || !this.known) return html`<slot name="loading"></slot>`;
    return html`${this.missing
      ? html`<slot name=${this.querySelector(':scope > [slot=missing]') ? 'missing' : 'denied'}></slot>`
      : this.allowed
        ? html`<slot></slot>`
        : html`<slot name="denied"></slot>`}${this.stale
      ? html`<span part="stale" class="stale">${this.m.reconnectingShort}</span>`
      : nothing}`;
  }
}

define('planship-entitlement', PlanshipEntitlement);

declare global {
  interface HTMLElementTagNameMap {
    'planship-entitlement': PlanshipEntitlement;
  }
}
