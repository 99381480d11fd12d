import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PlanshipCustomer, TokenGetter } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import type { Price } from '../shared/format.ts';
import '../provider/provider.ts';
import '../plan-picker/plan-picker.ts';
import '../subscription-manager/subscription-manager.ts';
import './usage-meters.ts';

/**
 * @summary The whole self-service portal in one tag: plans, subscription and usage.
 *
 * Inside a <planship-provider> it uses that provider's client. Given `product-slug` and
 * `customer-id` (plus `token-url` or `getAccessToken`, or a `client`), it makes its own.
 *
 * @csspart base - The wrapper.
 * @csspart section - Each of the three sections.
 * @csspart heading - Each section heading.
 * @csspart plan-picker - The <planship-plan-picker>.
 * @csspart subscription-manager - The <planship-subscription-manager>.
 * @csspart usage - The <planship-usage-meters> list.
 *
 * @cssprop --planship-space - Spacing between sections (and the other --planship-* tokens).
 *
 * @fires planship-plan-change - Before a plan change (cancelable), from the plan picker.
 * @fires planship-subscription-change - After a subscription change, from the picker or manager.
 * @fires planship-error - A read or action failed in one of the parts.
 */
@customElement('planship-customer-portal')
export class PlanshipCustomerPortal extends LitElement {
  static override styles = [
    baseStyles,
    css`
      [part~=base] {
        gap: calc(var(--_space) * 2);
      }
      h2 {
        font-size: 1.25em;
      }
    `,
  ];

  /** Product slug for the portal's own provider. */
  @property({ type: String, attribute: 'product-slug' }) productSlug?: string;
  /** Customer for the portal's own provider. */
  @property({ type: String, attribute: 'customer-id' }) customerId?: string;
  /** API base URL for the portal's own provider. */
  @property({ type: String, attribute: 'api-url' }) apiUrl?: string;
  /** WebSocket base URL for the portal's own provider. */
  @property({ type: String, attribute: 'ws-url' }) wsUrl?: string;
  /** The host backend's token route for the portal's own provider. */
  @property({ type: String, attribute: 'token-url' }) tokenUrl?: string;
  /** Token getter for the portal's own provider. */
  @property({ attribute: false }) getAccessToken?: TokenGetter;
  /** A ready client for the portal's own provider. */
  @property({ attribute: false }) client?: PlanshipCustomer;
  /** Prices per plan slug, passed to the plan picker. */
  @property({ attribute: false }) prices?: Record<string, Price>;
  /** When a plan change from the picker takes effect: now, or at renewal. */
  @property({ type: String, attribute: 'change-at' }) changeAt: 'now' | 'renewal' = 'now';
  /** Forces the light or dark palette on every part; absent follows `prefers-color-scheme`. */
  @property({ type: String, reflect: true }) theme?: 'light' | 'dark';

  /** Makes its own provider when configured; otherwise uses the one around it. */
  private get ownsProvider(): boolean {
    return Boolean(this.client || this.customerId || this.productSlug);
  }

  override render() {
    const theme = this.theme ?? nothing;
    const section = (id: string, heading: string, content: TemplateResult) =>
      html`<section part="section" class="stack" aria-labelledby=${id}><h2 part="heading" id=${id}>${heading}</h2>${content}</section>`;
    const content = html`<div part="base" class="stack">
      ${section(
        'plans-heading',
        'Plans',
        html`<planship-plan-picker part="plan-picker" theme=${theme} change-at=${this.changeAt} .prices=${this.prices}></planship-plan-picker>`,
      )}
      ${section(
        'subscription-heading',
        'Subscription',
        html`<planship-subscription-manager part="subscription-manager" theme=${theme}></planship-subscription-manager>`,
      )}
      ${section('usage-heading', 'Usage', html`<planship-usage-meters part="usage" theme=${theme}></planship-usage-meters>`)}
    </div>`;
    if (!this.ownsProvider) return content;
    return html`<planship-provider
      product-slug=${this.productSlug ?? nothing}
      customer-id=${this.customerId ?? nothing}
      api-url=${this.apiUrl ?? nothing}
      ws-url=${this.wsUrl ?? nothing}
      token-url=${this.tokenUrl ?? nothing}
      .getAccessToken=${this.getAccessToken}
      .client=${this.client}
      >${content}</planship-provider
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-customer-portal': PlanshipCustomerPortal;
  }
}
