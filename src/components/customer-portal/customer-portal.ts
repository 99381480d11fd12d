import { css, html, nothing, type TemplateResult, type PropertyDeclarations } from 'lit';
import type { PlanshipCustomer } from '../../client/index.ts';
import { baseStyles } from '../shared/base.styles.ts';
import { consume, planshipClientContext } from '../shared/context.ts';
import { define } from '../shared/define.ts';
import type { Prices } from '../shared/format.ts';
import { headingLevel } from '../shared/planship-element.ts';
import { PlanshipProvider } from '../provider/provider.ts';
import { pickerParts } from '../plan-picker/plan-picker.ts';
import { managerParts, type CancelReasonOption } from '../subscription-manager/subscription-manager.ts';
import { metersParts } from './usage-meters.ts';
import '../invitation/invitation.ts';

/** The invitation's parts, exported under their own names. */
const invitationParts = 'offer,message,actions,accept-button,decline-button,answer';

/** The portal's slots that go to a part under another name (picker and manager both have these). */
const RENAMED: Record<string, [part: 'picker' | 'manager', slot: string]> = {
  'plans-contact': ['picker', 'contact'],
  'plans-empty': ['picker', 'empty'],
  'subscription-contact': ['manager', 'contact'],
  'subscription-empty': ['manager', 'empty'],
};

/** Where a slot the page filled goes: renamed, a plan's price or contact slot, or the manager's own. */
function slotTarget(name: string): [part: 'picker' | 'manager', slot: string] | undefined {
  if (Object.hasOwn(RENAMED, name)) return RENAMED[name];
  if (/^(price|contact)-./.test(name)) return ['picker', name];
  return name === 'payment-method' || name === 'invoices' ? ['manager', name] : undefined;
}

/**
 * @summary The whole self-service portal in one tag: plans, subscription and usage.
 *
 * It is a <planship-provider> for its parts. Given `product-slug` and `customer-id` (plus
 * `token-url` or `getAccessToken`), or a `client`, it makes or shares its own client, and
 * reflects its `connection`; without them, it passes on the client of the <planship-provider>
 * around it (and uses that provider's status region). Like a provider it takes `theme`,
 * `messages`, `locales` and `catalogText` for everything inside (over an outer provider's).
 *
 * Everything of its parts is reachable from outside: their parts are exported under their own
 * names (`planship-customer-portal::part(dialog)` styles every confirmation), and their slots
 * are the portal's, under the same names except `contact` and `empty`, which the picker and the
 * manager both have (`plans-contact`, `subscription-contact`, ...).
 *
 * @tagname planship-customer-portal
 * @slot price-{slug} - A name template: one slot per plan, named after the plan's slug (e.g. `price-pro`), the plan picker's price slot.
 * @slot contact-{slug} - A name template: one slot per plan that is not self-serve (e.g. `contact-enterprise`), the plan picker's contact slot.
 * @slot plans-contact - The plan picker's `contact` slot (plans that are not self-serve).
 * @slot plans-empty - The plan picker's `empty` slot.
 * @slot subscription-contact - The subscription manager's `contact` slot (a subscription on a contract plan).
 * @slot subscription-empty - The subscription manager's `empty` slot.
 * @slot payment-method - Your own content under the subscription, e.g. the card on file.
 * @slot invoices - Your own content under the payment method, e.g. a list of invoices.
 * @csspart base - The wrapper.
 * @csspart section - Each of the three sections.
 * @csspart heading - Each section heading.
 * @csspart plan-picker - The <planship-plan-picker>.
 * @csspart subscription-manager - The <planship-subscription-manager>.
 * @csspart usage - The <planship-usage-meters> list.
 * @csspart invitation - The <planship-invitation> (shown when the page address carries one).
 * (Every part of the picker, the manager, its members area and the meters is exported too: see those elements.)
 *
 * @csspart status - The visually hidden status region (when the portal is its own provider).
 *
 * @cssprop [--planship-space=0.75rem] - Spacing: sections are four times this apart (and the other --planship-* tokens).
 *
 * @fires planship-plan-change - A confirmed plan change, before it is sent (cancelable), from the plan picker.
 * @fires planship-checkout - A confirmed change needs payment at the host's checkout `url` (cancelable: by default the page goes there).
 * @fires planship-billing-portal - "Payment method and invoices" was pressed (cancelable: by default the page goes to `url`).
 * @fires planship-member-invite - An administrator submitted the invite form (cancelable), from the manager.
 * @fires planship-invitation-answer - The invitee accepted or declined the invitation the page address carried.
 * @fires planship-upgrade-request - "Upgrade" pressed on a meter near or over its limit (cancelable).
 * @fires planship-subscription-change - After a subscription change, from the picker or manager.
 * @fires planship-error - A read or action failed in one of the parts.
 */
export class PlanshipCustomerPortal extends PlanshipProvider {
  static override properties: PropertyDeclarations = {
    prices: { attribute: false },
    changeAt: { type: String, attribute: 'change-at' },
    recommended: { type: String },
    cancelAt: { type: String, attribute: 'cancel-at' },
    cancelReasons: { attribute: 'cancel-reasons', converter: { fromAttribute: (value: string | null) => value !== null } },
    invites: { type: Boolean },
    headingLevel: { type: Number, attribute: 'heading-level' },
    outerClient: { state: true },
  };

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

  /** Prices per plan slug (one, or one per interval), passed to the plan picker. */
  prices?: Prices;
  /** When a plan change from the picker takes effect: `auto` (costs more: now; less: at renewal), now, or at renewal. */
  changeAt: 'auto' | 'now' | 'renewal' = 'auto';
  /** The plan the picker recommends (a slug). */
  recommended?: string;
  /** What the manager's Cancel does: `period-end` (default) or `now`. */
  cancelAt: 'period-end' | 'now' = 'period-end';
  /** The manager's optional reason for cancelling: `cancel-reasons` for the built-in reasons, or your own `{ value, label }` list. */
  cancelReasons?: boolean | readonly CancelReasonOption[];
  /** The manager shows the invite form although the gateway offers no invitations (you handle `planship-member-invite`). */
  invites = false;
  /** The level of the section headings (default 2); the plans and subscriptions inside are one below. */
  headingLevel?: number;

  /** The client of the provider around the portal. */
  private outerClient?: PlanshipCustomer;

  /** Re-renders when the page's content for the slots changes (slots are forwarded only when filled). */
  private readonly slotWatcher = new MutationObserver(() => this.requestUpdate());

  constructor() {
    super();
    // The portal's own context provider skips requests from its host, so this one reaches the
    // provider around the portal.
    consume(this, planshipClientContext, (client) => (this.outerClient = client));
  }

  /** Whether it makes or holds its own client (else it passes on the outer provider's). */
  private get standalone(): boolean {
    return Boolean(super.givenClient() || this.customerId || this.productSlug);
  }

  /** Its own client when configured; otherwise the one of the provider around it. */
  protected override givenClient(): PlanshipCustomer | undefined {
    return this.standalone ? super.givenClient() : this.outerClient;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.slotWatcher.observe(this, { childList: true, subtree: true, attributeFilter: ['slot'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.slotWatcher.disconnect();
  }

  /**
   * Slot elements for the slots the page filled, to put inside `part`. An empty forwarded slot
   * would hide the inner slot's default content, so only filled ones are forwarded.
   */
  private forwarded(part: 'picker' | 'manager') {
    const names = new Set([...this.children].map((child) => child.slot));
    return [...names].map((name) => {
      const target = slotTarget(name);
      return target?.[0] === part ? html`<slot name=${name} slot=${target[1]}></slot>` : nothing;
    });
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
      <planship-invitation part="invitation" exportparts=${invitationParts} heading-level=${level}></planship-invitation>
      ${section(
        'plans-heading',
        m.plansHeading,
        html`<planship-plan-picker
          part="plan-picker"
          exportparts=${pickerParts}
          heading-level=${Math.min(level + 1, 6)}
          change-at=${this.changeAt}
          recommended=${this.recommended ?? nothing}
          .prices=${this.prices}
        >${this.forwarded('picker')}</planship-plan-picker>`,
      )}
      ${section(
        'subscription-heading',
        m.subscriptionHeading,
        html`<planship-subscription-manager
          part="subscription-manager"
          exportparts=${managerParts}
          heading-level=${Math.min(level + 1, 6)}
          cancel-at=${this.cancelAt}
          .cancelReasons=${this.cancelReasons}
          ?invites=${this.invites}
        >${this.forwarded('manager')}</planship-subscription-manager>`,
      )}
      ${section('usage-heading', m.usageHeading, html`<planship-usage-meters part="usage" exportparts=${metersParts}></planship-usage-meters>`)}
    </div>`;
  }
}

define('planship-customer-portal', PlanshipCustomerPortal);

declare global {
  interface HTMLElementTagNameMap {
    'planship-customer-portal': PlanshipCustomerPortal;
  }
}
