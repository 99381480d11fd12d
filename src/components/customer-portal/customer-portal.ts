import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import type { PlanshipCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { planshipClientContext } from '../shared/context.ts';
import type { Price } from '../shared/format.ts';
import { PlanshipProvider } from '../provider/provider.ts';
import '../plan-picker/plan-picker.ts';
import '../subscription-manager/subscription-manager.ts';
import './usage-meters.ts';

/**
 * @summary The whole self-service portal in one tag: plans, subscription and usage.
 *
 * It is a <planship-provider> for its parts. Given `product-slug` and `customer-id` (plus
 * `token-url` or `getAccessToken`), or a `client`, it makes or shares its own client, and
 * reflects its `connection`; without them, it passes on the client of the <planship-provider>
 * around it.
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
export class PlanshipCustomerPortal extends PlanshipProvider {
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

  /** Prices per plan slug, passed to the plan picker. */
  @property({ attribute: false }) prices?: Record<string, Price>;
  /** When a plan change from the picker takes effect: now, or at renewal. */
  @property({ type: String, attribute: 'change-at' }) changeAt: 'now' | 'renewal' = 'now';
  /** Forces the light or dark palette on every part; absent follows `prefers-color-scheme`. */
  @property({ type: String, reflect: true }) theme?: 'light' | 'dark';

  /** The client of the provider around the portal. */
  @state() private outerClient?: PlanshipCustomer;

  constructor() {
    super();
    // The portal's own context provider skips requests from its host, so this one reaches the
    // provider around the portal.
    new ContextConsumer(this, { context: planshipClientContext, subscribe: true, callback: (client) => (this.outerClient = client) });
  }

  /** Its own client when configured; otherwise the one of the provider around it. */
  protected override givenClient(): PlanshipCustomer | undefined {
    const own = super.givenClient();
    return own || this.customerId || this.productSlug ? own : this.outerClient;
  }

  override render() {
    const theme = this.theme ?? nothing;
    const section = (id: string, heading: string, content: TemplateResult) =>
      html`<section part="section" class="stack" aria-labelledby=${id}><h2 part="heading" id=${id}>${heading}</h2>${content}</section>`;
    return html`${this.renderConfigError()}<div part="base" class="stack">
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
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'planship-customer-portal': PlanshipCustomerPortal;
  }
}
