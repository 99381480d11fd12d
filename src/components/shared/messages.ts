// Every word the elements show, read out or put in an attribute, by message id. English is built
// in; other languages are modules in src/locales/ (loaded on demand); hosts override any message
// through the provider (`provider.messages`, `provider.locales`).
import { plural } from './plural.ts';

/**
 * The message table. A message is a string, or a function for text with values in it: numbers,
 * dates and prices arrive already formatted in the element's language (strings), and a message
 * that depends on a count also gets the `count` itself for its plural form (use `Intl.PluralRules`,
 * or `plural(lang)` from this package). Names of plans and levers come from the API as they are.
 */
export interface PlanshipMessages {
  // Shared states
  /** An element outside any <planship-provider>. */
  notConnected: string;
  /** The visible hint on each element while the live connection is down. */
  reconnecting: string;
  /** The same, short, next to a gate's content; also what the provider's status announces. */
  reconnectingShort: string;
  retry: string;
  /** A confirmation dialog's "no" button when the question names none. */
  cancel: string;

  // Errors: chosen by what the element was doing and the answer's status, never the API's own text
  errorAborted: string;
  errorTimeout: string;
  errorAuth: string;
  errorNetwork: string;
  errorUnauthorized: string;
  /** Any refusal (403): the policy, or rights that changed. */
  errorForbidden: string;
  errorPaymentRefused: string;
  errorNotFound: string;
  /** 409 when nothing more particular applies. */
  errorConflict: string;
  /** 400 or 422 when nothing more particular applies. */
  errorInvalid: string;
  errorRateLimited: string;
  errorServer: string;
  errorUnknown: string;
  /** The site's portal is set up for a product the billing service does not have: the site's to fix (no retry). */
  errorMisconfigured: string;
  /** Subscribing while already subscribed (409). */
  errorAlreadySubscribed: string;
  /** Resuming an ended subscription while another is active (409). */
  errorWouldBillTwice: string;
  /** Fewer seats than members (409), next to the seats field. */
  errorSeatsBelowMembers: string;
  /** More seats than the plan allows (422), next to the seats field. */
  errorSeatsAbovePlan: string;
  /**
   * More seats than the plan the subscription renews on allows (422, although the plan now
   * allows them), next to the seats field: that plan, the renewal date and its limit.
   */
  errorSeatsAboveRenewalPlan: (plan: string, date: string, max: string, count: number) => string;
  /** Inviting an email address nobody signed up with (404), next to the email field. */
  errorInvitationNotYours: string;
  errorInvitationTeamFull: string;
  errorTooManyInvitations: string;
  /** Inviting while every seat is taken (409). */
  /** An email address that is not one (422), next to the email field. */
  errorEmailInvalid: string;
  /** Removing someone who already left (404). */
  errorMemberGone: string;
  errorCatalogNotFound: string;
  /**
   * In place of an element's content when its read failed for the same reason as another
   * element's of the provider, which shows the error (with Retry) earlier in the page.
   */
  errorShownAbove: string;
  /** Follows a message about a failure worth retrying. */
  tryAgain: (message: string) => string;
  /** The provider could not build a client; `reason` is the technical cause. */
  misconfigured: (reason: string) => string;

  // <planship-customer-portal> section headings
  plansHeading: string;
  subscriptionHeading: string;
  usageHeading: string;

  // <planship-plan-picker>
  loadingPlans: string;
  noPlans: string;
  /** The plan radio group's name. */
  plansLabel: string;
  choosePlan: (plan: string) => string;
  getStartedWith: (plan: string) => string;
  currentPlanNamed: (plan: string) => string;
  keepPlan: (plan: string) => string;
  startsAtRenewal: (plan: string) => string;
  switchAtRenewal: (plan: string) => string;
  switchTo: (plan: string) => string;
  adminOnlyPlan: string;
  planChangeFailed: (error: string) => string;
  /** The badge on the current plan. */
  currentPlan: string;
  /** The badge on a plan that starts at renewal. */
  fromDate: (date: string) => string;
  fromRenewal: string;
  /** The name of a plan's list of entitlements. */
  planIncludes: (plan: string) => string;
  contactUs: (plan: string) => string;
  switchQuestion: (plan: string) => string;
  subscribeQuestion: (plan: string) => string;
  /** Calling off a scheduled change or a cancellation from the picker. */
  keepQuestion: (plan: string) => string;
  youWillGet: string;
  youWillGetAtRenewal: string;
  youWillLose: string;
  youWillLoseAtRenewal: string;
  effectiveNow: string;
  effectiveOn: (date: string) => string;
  /** Prices as `pricePer` words them; `difference` is signed ("+$150.00 / month"), or '' when the intervals differ. */
  priceChange: (from: string, to: string, difference: string) => string;
  priceIs: (price: string) => string;
  /** The "no" of a confirmation to subscribe. */
  notNow: string;
  /** The Monthly/Yearly switch's name. */
  billingPeriod: string;
  monthly: string;
  yearly: string;
  /** The badge on the plan the host recommends. */
  recommended: string;
  /** A subscription on a plan that is not self-serve (picker and manager). */
  contractPlan: string;
  /**
   * A price with its billing interval (`interval` from `intervalNames`). The element finds
   * `amount` in the result and sets it apart, so any word order works.
   */
  pricePer: (amount: string, interval: string) => string;
  perSeat: (price: string) => string;
  continueToPayment: string;
  paymentNext: string;
  checkoutOpening: string;
  changePending: (plan: string) => string;
  changePendingSlow: string;
  /** Names of the billing intervals used in `prices` (`day`, `week`, `month`, `year`; add yours). */
  intervalNames: Record<string, string>;

  // Entitlements in words (plan cards, the plan change confirmation)
  unlimited: string;
  unlimitedLever: (lever: string) => string;
  amountOfLever: (amount: string, lever: string) => string;
  leverList: (lever: string, items: string) => string;
  /** A limit that goes down, e.g. "API calls: 100,000 → 10,000". */
  limitChange: (lever: string, from: string, to: string) => string;

  // <planship-subscription-manager>
  loadingSubscriptions: string;
  noSubscription: string;
  signInToSee: string;
  subscriptionEnded: string;
  endsOn: (date: string) => string;
  /** The element sets `plan` in bold where it finds it in the result. */
  changesOn: (plan: string, date: string) => string;
  renewsOn: (date: string) => string;
  statusActive: string;
  /** Active until the end of the period, then it ends. */
  statusCancelled: string;
  statusEnded: string;
  managedByAdmin: string;
  cancelSubscription: string;
  resumeSubscription: string;
  cancelQuestion: (plan: string) => string;
  /** Cancelling at the end of the period (the default). */
  cancelAtEndWarning: (plan: string, date: string) => string;
  /** Cancelling with `cancel-at="now"`. */
  cancelNowWarning: string;
  keepSubscription: string;
  /** With `cancel-reasons`: the name of the optional choice of reason in the cancel dialog. */
  cancelReasonLegend: string;
  /** The default choice: no reason given. */
  cancelReasonNone: string;
  /** The built-in reasons (value `too_expensive`, `missing_features`, `not_using`, `switching`, `technical`, `other`). */
  cancelReasonTooExpensive: string;
  cancelReasonMissingFeatures: string;
  cancelReasonNotUsing: string;
  cancelReasonSwitching: string;
  cancelReasonTechnical: string;
  cancelReasonOther: string;
  /** The optional comment's label (it takes text once a reason is chosen). */
  cancelCommentLabel: string;
  /** Under the comment: its length limit. */
  cancelCommentHint: (max: string, count: number) => string;

  // Seats and members
  loadingMembers: string;
  seatsUsed: (used: string, seats: string, count: number) => string;
  seatsLabel: string;
  saveSeats: string;
  membersHeading: string;
  /** After the customer's own name in the members list. */
  you: string;
  /** A member the API gives neither a name nor an email for. */
  teammate: string;
  administrator: string;
  remove: string;
  removeNamed: (name: string) => string;
  emailLabel: string;
  invite: string;
  alreadyMember: string;
  leaveTeam: string;
  leaveQuestion: string;
  leaveMessage: (plan: string) => string;
  seatsRequired: string;
  seatsWhole: string;
  seatsMin: string;
  seatsBelowUsed: (used: string, count: number) => string;
  reduceSeatsQuestion: string;
  reduceSeatsMessage: (from: string, to: string, count: number) => string;
  reduceSeats: string;
  removeMemberQuestion: string;
  removeMemberMessage: (name: string) => string;
  removeMember: string;
  paymentAndInvoices: string;
  invitationsHeading: string;
  withdrawInvitation: string;
  withdrawInvitationNamed: (email: string) => string;

  // <planship-invitation>
  loadingInvitation: string;
  invitationHeading: string;
  invitationMessage: (inviter: string, plan: string) => string;
  invitationAsAdministrator: string;
  invitationOpenUntil: (date: string) => string;
  acceptInvitation: string;
  declineInvitation: string;
  invitationAccepted: (plan: string) => string;
  invitationDeclined: string;

  // <planship-usage-meter>, <planship-usage-meters>
  loadingUsage: string;
  noSuchLever: (lever: string) => string;
  noActiveSubscription: string;
  usedUnlimited: (used: string) => string;
  usedOf: (used: string, limit: string) => string;
  /** What a screen reader says for the meter; `note` is `usageNearLimit`, `usageAtLimit`, `usageOverBy` or ''. */
  usageValueText: (used: string, limit: string, lever: string, note: string) => string;
  usageNearLimit: string;
  usageAtLimit: string;
  usageOverBy: (amount: string) => string;
  /** The next start of a lever's usage period (a UTC calendar day). */
  resetsOn: (date: string) => string;
  /** At 80% of a limit or more: shows the plans. */
  upgrade: string;
  usageByBucket: string;
  unassignedBucket: string;
  noMeteredUsage: string;

  // Announced politely after a change succeeded
  announcePlanChanged: (plan: string) => string;
  announcePlanScheduled: (plan: string) => string;
  announcePlanKept: (plan: string) => string;
  announceSubscribed: (plan: string) => string;
  /** Cancelled with `cancel-at="now"`. */
  announceCancelled: (plan: string) => string;
  /** Cancelled at the end of the period. */
  announceEnds: (plan: string, date: string) => string;
  announceResumed: (plan: string) => string;
  announceSeats: (seats: string, count: number) => string;
  announceInvitationSent: (email: string) => string;
  announceInvitationWithdrawn: (email: string) => string;
  announceMemberRemoved: (member: string) => string;
  announceLeft: (plan: string) => string;
}

/** A message picked now and worded at render time, so a change of language re-words it. */
export type Message = (m: PlanshipMessages) => string;

const one = plural('en');
/** "seat" or "seats", for `count` of them. */
const seat = (count: number) => one(count, { one: 'seat', other: 'seats' });

/** The built-in English messages. */
export const en: PlanshipMessages = {
  notConnected: 'Not connected: place this element inside a <planship-provider>.',
  reconnecting: 'Reconnecting… numbers may be out of date.',
  reconnectingShort: 'Reconnecting…',
  retry: 'Retry',
  cancel: 'Cancel',

  errorAborted: 'The request was cancelled.',
  errorTimeout: 'The billing service took too long to answer.',
  errorAuth: 'Could not sign in to the billing service.',
  errorNetwork: 'Could not reach the billing service. Check your connection.',
  errorUnauthorized: 'Your session has expired. Please sign in again.',
  errorForbidden: 'You are not allowed to do this. Ask an administrator of this subscription, or contact us.',
  errorPaymentRefused: 'This change costs more and cannot be paid for here: contact us to make it.',
  errorNotFound: 'This is no longer there. Reload the page to see what changed.',
  errorConflict: 'This changed in the meantime. Reload the page to see what changed.',
  errorInvalid: 'This was not accepted. Check what you entered.',
  errorRateLimited: 'Too many requests. Please wait a moment.',
  errorServer: 'The billing service had a problem.',
  errorUnknown: 'Something went wrong.',
  errorMisconfigured: 'The billing portal is not set up correctly, so it cannot show your billing. Please contact us.',
  errorAlreadySubscribed: 'You already have a subscription to this product: change its plan instead of subscribing again.',
  errorWouldBillTwice: 'You already have another active subscription to this product: change its plan instead of resuming this one.',
  errorSeatsBelowMembers: 'More people are on the team than that: remove members first.',
  errorSeatsAbovePlan: 'This plan does not allow that many seats: choose fewer, or a bigger plan.',
  errorSeatsAboveRenewalPlan: (plan, date, max, count) =>
    `Your subscription renews on the ${plan} plan on ${date}, which allows at most ${max} ${seat(count)}: choose fewer, or keep your current plan.`,
  errorInvitationNotYours: 'This invitation is not for the account you are signed in with, or it has ended: sign in with the address it was sent to, or ask for a new invitation.',
  errorInvitationTeamFull: 'Every seat on this team is taken: ask the person who invited you to add a seat, then accept again.',
  errorTooManyInvitations: 'Too many invitations are waiting for an answer or were sent today: withdraw one, or try again tomorrow.',
  errorEmailInvalid: 'Enter an email address, like name@example.com.',
  errorMemberGone: 'This person is no longer on the team.',
  errorCatalogNotFound: 'These plans cannot be shown: the product or organization was not found. If you run this site, check product-slug and organization-slug.',
  errorShownAbove: 'Not available: see the message above.',
  tryAgain: (message) => `${message} Please try again.`,
  misconfigured: (reason) => `The billing portal is misconfigured: ${reason}`,

  plansHeading: 'Plans',
  subscriptionHeading: 'Subscription',
  usageHeading: 'Usage',

  loadingPlans: 'Loading plans',
  noPlans: 'No plans are available.',
  plansLabel: 'Plans',
  choosePlan: (plan) => `Choose ${plan}`,
  getStartedWith: (plan) => `Get started with ${plan}`,
  currentPlanNamed: (plan) => `Current plan: ${plan}`,
  keepPlan: (plan) => `Keep ${plan}`,
  startsAtRenewal: (plan) => `${plan} starts at renewal`,
  switchAtRenewal: (plan) => `Switch to ${plan} at renewal`,
  switchTo: (plan) => `Switch to ${plan}`,
  adminOnlyPlan: 'Only an administrator of this subscription can change its plan.',
  planChangeFailed: (error) => `Could not change the plan: ${error}`,
  currentPlan: 'Current plan',
  fromDate: (date) => `From ${date}`,
  fromRenewal: 'From renewal',
  planIncludes: (plan) => `${plan} includes`,
  contactUs: (plan) => `Contact us about ${plan}.`,
  switchQuestion: (plan) => `Switch to ${plan}?`,
  subscribeQuestion: (plan) => `Subscribe to ${plan}?`,
  keepQuestion: (plan) => `Keep ${plan}?`,
  youWillGet: 'You will get:',
  youWillGetAtRenewal: 'From your next renewal you will get:',
  youWillLose: 'You will lose:',
  youWillLoseAtRenewal: 'From your next renewal you will lose:',
  effectiveNow: 'This takes effect now.',
  effectiveOn: (date) => `This takes effect at your renewal, on ${date}.`,
  priceChange: (from, to, difference) => `Price: ${from} → ${to}${difference ? ` (${difference})` : ''}`,
  priceIs: (price) => `Price: ${price}`,
  notNow: 'Not now',
  billingPeriod: 'Billing period',
  monthly: 'Monthly',
  yearly: 'Yearly',
  recommended: 'Recommended',
  contractPlan: 'This plan is sold by contract: contact us to change it.',
  pricePer: (amount, interval) => `${amount} / ${interval}`,
  perSeat: (price) => `${price} per seat`,
  continueToPayment: 'Continue to payment',
  paymentNext: 'You pay on the next page; the change is made once the payment went through.',
  checkoutOpening: 'Opening the payment page…',
  changePending: (plan) => `Your change to ${plan} is being applied. This page updates by itself.`,
  changePendingSlow: 'This is taking longer than usual. Reload the page in a minute, or contact us if nothing changes.',
  intervalNames: { day: 'day', week: 'week', month: 'month', year: 'year' },

  unlimited: 'Unlimited',
  unlimitedLever: (lever) => `Unlimited ${lever}`,
  amountOfLever: (amount, lever) => `${amount} ${lever}`,
  leverList: (lever, items) => `${lever}: ${items}`,
  limitChange: (lever, from, to) => `${lever}: ${from} → ${to}`,

  loadingSubscriptions: 'Loading subscriptions',
  noSubscription: 'No subscription yet.',
  signInToSee: 'Sign in to see your subscription and usage.',
  subscriptionEnded: 'This subscription has ended.',
  endsOn: (date) => `Ends on ${date}; it will not renew.`,
  changesOn: (plan, date) => `Changes to ${plan} on ${date}.`,
  renewsOn: (date) => `Renews on ${date}.`,
  statusActive: 'Active',
  statusCancelled: 'Cancelled',
  statusEnded: 'Ended',
  managedByAdmin: "Managed by this subscription's administrator.",
  cancelSubscription: 'Cancel subscription',
  resumeSubscription: 'Resume subscription',
  cancelQuestion: (plan) => `Cancel ${plan}?`,
  cancelAtEndWarning: (plan, date) => `${plan} stays active until ${date}, then ends. Until then you can resume it.`,
  cancelNowWarning: 'It ends now: everyone on it loses what the plan includes at once.',
  keepSubscription: 'Keep subscription',
  cancelReasonLegend: 'Why are you cancelling? (optional)',
  cancelReasonNone: 'Prefer not to say',
  cancelReasonTooExpensive: 'It costs too much',
  cancelReasonMissingFeatures: 'It lacks something I need',
  cancelReasonNotUsing: 'I do not use it enough',
  cancelReasonSwitching: 'I am moving to another product',
  cancelReasonTechnical: 'It did not work well for me',
  cancelReasonOther: 'Another reason',
  cancelCommentLabel: 'Anything else you would like to tell us? (optional)',
  cancelCommentHint: (max, count) => `Up to ${max} ${one(count, { one: 'character', other: 'characters' })}.`,

  loadingMembers: 'Loading members',
  seatsUsed: (used, seats, count) => `${used} of ${seats} ${seat(count)} used`,
  seatsLabel: 'Seats',
  saveSeats: 'Save seats',
  membersHeading: 'Members',
  you: '(you)',
  teammate: 'Teammate',
  administrator: 'Administrator',
  remove: 'Remove',
  removeNamed: (name) => `Remove ${name}`,
  emailLabel: 'Email',
  invite: 'Invite',
  alreadyMember: 'This person is already on the team.',
  leaveTeam: 'Leave team',
  leaveQuestion: 'Leave the team?',
  leaveMessage: (plan) => `You will lose access to what ${plan} includes.`,
  seatsRequired: 'Enter a number of seats.',
  seatsWhole: 'Seats must be a whole number.',
  seatsMin: 'A subscription needs at least 1 seat.',
  seatsBelowUsed: (used, count) =>
    `${one(count, { one: `${used} person is`, other: `${used} people are` })} on this subscription: remove members before going below ${used} ${seat(count)}.`,
  reduceSeatsQuestion: 'Reduce seats?',
  reduceSeatsMessage: (from, to, count) =>
    `From ${from} to ${to} ${seat(count)}. Fewer people will be able to join this subscription.`,
  reduceSeats: 'Reduce seats',
  removeMemberQuestion: 'Remove member?',
  removeMemberMessage: (name) => `${name} will lose access to what this subscription includes.`,
  removeMember: 'Remove member',
  paymentAndInvoices: 'Payment method and invoices',
  invitationsHeading: 'Invitations waiting for an answer',
  withdrawInvitation: 'Withdraw',
  withdrawInvitationNamed: (email) => `Withdraw the invitation to ${email}`,

  // <planship-invitation>
  loadingInvitation: 'Loading the invitation',
  invitationHeading: 'You are invited to a team',
  invitationMessage: (inviter, plan) => (inviter ? `${inviter} invited you to join their ${plan} team.` : `You are invited to join a ${plan} team.`),
  invitationAsAdministrator: 'You would be an administrator of the team.',
  invitationOpenUntil: (date) => `Open until ${date}.`,
  acceptInvitation: 'Accept and join',
  declineInvitation: 'Decline',
  invitationAccepted: (plan) => `You joined the ${plan} team.`,
  invitationDeclined: 'You declined the invitation.',

  loadingUsage: 'Loading usage',
  noSuchLever: (lever) => `There is no usage lever called "${lever}".`,
  noActiveSubscription: 'No active subscription.',
  usedUnlimited: (used) => `${used} used`,
  usedOf: (used, limit) => `${used} of ${limit}`,
  usageValueText: (used, limit, lever, note) => `${used} of ${limit} ${lever} used${note ? `. ${note}` : ''}`,
  usageNearLimit: 'Nearly at the limit.',
  usageAtLimit: 'Limit reached.',
  usageOverBy: (amount) => `Over the limit by ${amount}.`,
  resetsOn: (date) => `Resets on ${date}.`,
  upgrade: 'Upgrade',
  usageByBucket: 'Usage by bucket',
  unassignedBucket: 'Unassigned',
  noMeteredUsage: 'This product has no metered usage.',

  announcePlanChanged: (plan) => `Your plan is now ${plan}.`,
  announcePlanScheduled: (plan) => `${plan} starts at your next renewal.`,
  announcePlanKept: (plan) => `You keep ${plan}: the scheduled change is called off.`,
  announceSubscribed: (plan) => `You are now subscribed to ${plan}.`,
  announceCancelled: (plan) => `${plan} has ended.`,
  announceEnds: (plan, date) => `${plan} ends on ${date}.`,
  announceResumed: (plan) => `${plan} will renew again.`,
  announceSeats: (seats, count) => `The subscription now has ${seats} ${seat(count)}.`,
  announceInvitationSent: (email) => `Invitation sent to ${email}.`,
  announceInvitationWithdrawn: (email) => `The invitation to ${email} was withdrawn.`,
  announceMemberRemoved: (member) => `${member} was removed.`,
  announceLeft: (plan) => `You left the ${plan} team.`,
};
