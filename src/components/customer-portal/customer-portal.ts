import { css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ContextConsumer } from '@lit/context';
import type { PlanshipCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { planshipClientContext } from '../shared/context.ts';
import { define } from '../shared/define.ts';
import type { Price } from '../shared/format.ts';
import { headingLevel } from '../shared/planship-element.ts';
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
 * around it (and uses that provider's status region). Like a provider it takes `theme`,
 * `messages` and `locales` for everything inside.
 *
 * @tagname planship-customer-portal
 * @csspart base - The wrapper.
 * @csspart section - Each of the three sections.
 * @csspart heading - Each section heading.
 * @csspart plan-picker - The <planship-plan-picker>.
 * @csspart subscription-manager - The <planship-subscription-manager>.
 * @csspart usage - The <planship-usage-meters> list.
 *
 * @csspart status - The visually hidden status region (when the portal is its own provider).
 *
 * @cssprop [--planship-space=0.75rem] - Spacing: sections are four times this apart (and the other --planship-* tokens).
 *
 * @fires planship-plan-change - Before a plan change (cancelable), from the plan picker.
 * @fires planship-subscription-change - After a subscription change, from the picker or manager.
 * @fires planship-error - A read or action failed in one of the parts.
 */
export class PlanshipCustomerPortal extends PlanshipProvider {
  static override styles = [
    baseStyles,
    css`
      [part~=base] {
        gap: calc(var(--_space) * 4);
      }
      [part~=heading] {
        font-size: 1.375em;
      }
    `,
  ];

  /** Prices per plan slug, passed to the plan picker. */
  @property({ attribute: false }) prices?: Record<string, Price>;
  /** When a plan change from the picker takes effect: now, or at renewal. */
  @property({ type: String, attribute: 'change-at' }) changeAt: 'now' | 'renewal' = 'now';
  /** The level of the section headings (default 2); the plans and subscriptions inside are one below. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel?: number;

  /** The client of the provider around the portal. */
  @state() private outerClient?: PlanshipCustomer;

  constructor() {
    super();
    // The portal's own context provider skips requests from its host, so this one reaches the
    // provider around the portal.
    new ContextConsumer(this, { context: planshipClientContext, subscribe: true, callback: (client) => (this.outerClient = client) });
  }

  /** Whether it makes or holds its own client (else it passes on the outer provider's). */
  private get standalone(): boolean {
    return Boolean(super.givenClient() || this.customerId || this.productSlug);
  }

  /** Its own client when configured; otherwise the one of the provider around it. */
  protected override givenClient(): PlanshipCustomer | undefined {
    return this.standalone ? super.givenClient() : this.outerClient;
  }

  protected override passesOn(): boolean {
    return !this.standalone && Boolean(this.outerServices);
  }

  override render() {
    const { m, rtl } = this.localize;
    const level = headingLevel(this.headingLevel, 2);
    const section = (id: string, heading: string, content: TemplateResult) =>
      html`<section part="section" class="stack" aria-labelledby=${id}>
        <div role="heading" aria-level=${level} part="heading" id=${id}>${heading}</div>
        ${content}
      </section>`;
    return html`${this.renderOwn()}<div part="base" class="stack" dir=${rtl ? 'rtl' : nothing}>
      ${section(
        'plans-heading',
        m.plansHeading,
        html`<planship-plan-picker part="plan-picker" heading-level=${Math.min(level + 1, 6)} change-at=${this.changeAt} .prices=${this.prices}></planship-plan-picker>`,
      )}
      ${section(
        'subscription-heading',
        m.subscriptionHeading,
        html`<planship-subscription-manager part="subscription-manager" heading-level=${Math.min(level + 1, 6)}></planship-subscription-manager>`,
      )}
      ${section('usage-heading', m.usageHeading, html`<planship-usage-meters part="usage"></planship-usage-meters>`)}
    </div>`;
  }
}

define('planship-customer-portal', PlanshipCustomerPortal);

declare global {
  interface HTMLElementTagNameMap {
    'planship-customer-portal': PlanshipCustomerPortal;
  }
}
