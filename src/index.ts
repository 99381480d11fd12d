// The library entry for bundlers (`planship-portal`): importing it registers every <planship-*>
// element, like the drop-in bundle's entry (elements.ts), and exports the client, the element
// classes and the event classes.
import './elements.ts';

export * from './client/index.ts';

export { PlanshipProvider } from './components/provider/provider.ts';
export { PlanshipPlanPicker } from './components/plan-picker/plan-picker.ts';
export { PlanshipSubscriptionManager, type CancelReasonOption } from './components/subscription-manager/subscription-manager.ts';
export { PlanshipSubscriptionMembers } from './components/subscription-manager/members-list.ts';
export { PlanshipInvitation } from './components/invitation/invitation.ts';
export { PlanshipUsageMeter, type UsageStatus } from './components/usage-meter/usage-meter.ts';
export { PlanshipEntitlement } from './components/entitlement/entitlement.ts';
export { PlanshipUsageMeters } from './components/customer-portal/usage-meters.ts';
export { PlanshipCustomerPortal } from './components/customer-portal/customer-portal.ts';
export { PlanshipElement, type ConfirmOptions, type Theme } from './components/shared/planship-element.ts';
export { planshipClientContext, planshipServicesContext, type ProviderServices } from './components/shared/context.ts';
export { en, type PlanshipMessages } from './components/shared/messages.ts';
export type { CatalogText, CatalogEntryText } from './components/shared/catalog-text.ts';
export { defineLocale } from './components/shared/locale-registry.ts';
export { plural, type PluralForms } from './components/shared/plural.ts';
export {
  PlanshipPlanChangeEvent,
  PlanshipSubscriptionChangeEvent,
  PlanshipErrorEvent,
  PlanshipMemberInviteEvent,
  PlanshipInvitationAnswerEvent,
  PlanshipCheckoutEvent,
  PlanshipPlanSelectEvent,
  PlanshipBillingPortalEvent,
  PlanshipUpgradeRequestEvent,
  type CancellationReason,
  type PlanChangeAt,
  type PlanChangeDetail,
  type SubscriptionChangeKind,
} from './components/shared/events.ts';
export type { Price, Prices } from './components/shared/format.ts';
