// Team invitations with the invitee's consent. An administrator's invitation is an offer kept in
// the invitation store and mailed by the host (`send`) as a link to its own portal page; nobody
// becomes a member until they accept it there, signed in as the address it was sent to. The
// inviter gets the same answer whatever the address (no account lookup happens at all), sees the
// address they typed until it is accepted, and may send only so many.
import { randomBytes } from 'node:crypto';
import { checkMemberInvite, requireAdministrator, type Caller, type SubscriptionFacts } from '../policy/index.ts';
import type { Customers, PortalUser } from './customers.ts';
import { GatewayError, refuse } from './errors.ts';
import { emailKey, memoryInvitationStore, type InvitationRecord, type InvitationStore } from './invitation-store.ts';
import type { Upstream, UpstreamAnswer } from './upstream.ts';

/** What the host mails: the link goes to its own portal page, where the invitee accepts or declines. */
export interface InvitationMail {
  /** The address the inviter typed. */
  to: string;
  /** The page to open: `acceptUrl` with `planship-invitation=<id>`. */
  url: string;
  /** Who invites (as `identify` named them). */
  inviter: PortalUser;
  /** The plan of the team they are invited to. */
  planName: string;
  /** Whether accepting makes them an administrator. */
  isAdministrator: boolean;
  expiresAt: Date;
}

export interface InvitationOptions {
  /** Mails the invitation with your email service. A throw (or rejection) withdraws it and tells the inviter to try again. */
  send: (invitation: InvitationMail) => Promise<void> | void;
  /** Your page with the portal, where the invitee accepts (absolute URL); the link adds `planship-invitation=<id>`. */
  acceptUrl: string;
  /** Where pending invitations live; default in this process's memory (use the Redis or PostgreSQL store with several processes). */
  store?: InvitationStore;
  /** How long an invitation can be accepted; default 7 days. */
  ttlMs?: number;
  /** Invitations waiting for an answer per subscription; default 20. */
  maxPending?: number;
  /** Invitations sent per subscription in 24 hours (withdrawn ones count); default 50. */
  maxPerDay?: number;
}

/** What the invitations need of the rest of the gateway. */
export interface InvitationParts {
  upstream: Upstream;
  customers: Customers;
  /** Runs a write holding the customer's and the subscription's write locks. */
  serially: <T>(customerId: string, subscriptionId: string, work: (held: AbortSignal) => Promise<T>) => Promise<T>;
  /** A customer's name and email, as Planship has them. */
  customerDetails: (customerId: string) => Promise<{ name?: string; email?: string }>;
}

interface SubscriptionWire {
  subscription_id: string;
  plan: { slug: string; name?: string };
  max_subscribers?: number;
  is_active: boolean;
  is_administrator?: boolean;
}

const INVITATION_PARAM = 'planship-invitation';
const NOT_YOURS =
  'This invitation is not for the account you are signed in with, or it has ended: sign in with the address it was sent to, or ask for a new invitation.';

export class Invitations {
  readonly #parts: InvitationParts;
  readonly #options: Required<Omit<InvitationOptions, 'store'>> & { store: InvitationStore };

  constructor(parts: InvitationParts, options: InvitationOptions) {
    this.#parts = parts;
    this.#options = { ttlMs: 7 * 86_400_000, maxPending: 20, maxPerDay: 50, store: memoryInvitationStore(), ...options };
  }

  /** POST .../subscriptions/{s}/invites: an administrator's offer, mailed; the same answer whoever the address is. */
  async invite(subscription: SubscriptionFacts, planName: string, inviter: { user: PortalUser; caller: Caller }, body: unknown): Promise<UpstreamAnswer> {
    const { email, isAdministrator } = checkMemberInvite({ subscription, body });
    if (!subscription.isActive) throw refuse(409, 'This subscription has ended: resume it before inviting anyone.');
    const { store, ttlMs, maxPending, maxPerDay, acceptUrl, send } = this.#options;
    const now = Date.now();
    const record: InvitationRecord = {
      id: randomBytes(18).toString('base64url'),
      subscriptionId: subscription.id,
      inviterCustomerId: inviter.caller.id,
      email,
      isAdministrator,
      createdAt: now,
      expiresAt: now + ttlMs,
    };
    const added = await store.add(record, { maxPending, maxPerDay, now });
    if (added.outcome === 'too-many-pending') {
      throw refuse(429, `${maxPending} invitations are waiting for an answer: withdraw one, or wait until they are accepted or expire, then invite again.`);
    }
    if (added.outcome === 'too-many-today') throw refuse(429, `This team sent ${maxPerDay} invitations today: please invite again tomorrow.`);
    // One waiting for this address already: it was mailed, and mailing it again on demand would let anyone flood an inbox.
    if (added.outcome === 'existing') return { status: 202, body: invitationWire(added.record) };
    const url = new URL(acceptUrl);
    url.searchParams.set(INVITATION_PARAM, record.id);
    try {
      await send({ to: email, url: url.href, inviter: inviter.user, planName, isAdministrator, expiresAt: new Date(record.expiresAt) });
    } catch (error) {
      await store.take(record.id, now).catch(() => undefined);
      throw new GatewayError(502, 'The invitation could not be sent. Please try again in a moment.', `planship gateway: invitations.send threw ${errorType(error)}`);
    }
    return { status: 202, body: invitationWire(record) };
  }

  /** GET .../subscriptions/{s}/invites: what waits for an answer (administrators only). */
  async list(subscription: SubscriptionFacts): Promise<UpstreamAnswer> {
    requireAdministrator(subscription);
    const pending = await this.#options.store.list(subscription.id, Date.now());
    return { status: 200, body: pending.map(invitationWire) };
  }

  /** DELETE .../subscriptions/{s}/invites/{id}: an administrator withdraws one. */
  async cancel(subscription: SubscriptionFacts, invitationId: string): Promise<UpstreamAnswer> {
    requireAdministrator(subscription);
    const { store } = this.#options;
    const now = Date.now();
    const record = await store.get(invitationId, now);
    if (!record || record.subscriptionId !== subscription.id || !(await store.take(invitationId, now))) throw refuse(404, 'Invitation not found');
    return { status: 200, body: invitationWire(record) };
  }

  /** GET /invitations/{id}: the offer, for the signed-in invitee only. */
  async read(invitationId: string, user: PortalUser): Promise<UpstreamAnswer> {
    const record = await this.#addressedTo(invitationId, user);
    const subscription = await this.#subscription(record);
    if (!subscription) throw refuse(404, NOT_YOURS);
    const inviter = await this.#parts.customerDetails(record.inviterCustomerId);
    return { status: 200, body: offerWire(record, subscription, inviter.name ?? '') };
  }

  /** POST /invitations/{id}/accept: the invitee joins, with the rights the offer said. */
  accept(invitationId: string, user: PortalUser): Promise<UpstreamAnswer> {
    return this.#addressedTo(invitationId, user).then((found) =>
      this.#parts.serially(found.inviterCustomerId, found.subscriptionId, async (held) => {
        const { store } = this.#options;
        const record = await this.#addressedTo(invitationId, user);
        const subscription = await this.#subscription(record);
        if (!subscription) {
          await store.take(record.id, Date.now());
          throw refuse(404, 'This invitation has ended: ask for a new one.');
        }
        const invitee = await this.#parts.customers.ensure(user);
        const membersPath = `/api/v1/customers/${encodeURIComponent(record.inviterCustomerId)}/subscriptions/${encodeURIComponent(record.subscriptionId)}/customers`;
        const members = await this.#parts.upstream.read<{ customer_id: string; is_subscriber?: boolean }[]>(membersPath);
        const already = members.find((member) => member.customer_id === invitee.id);
        if (!already) {
          const seats = Number.isSafeInteger(subscription.max_subscribers) ? subscription.max_subscribers! : 1;
          if (members.filter((member) => member.is_subscriber !== false).length >= seats) {
            throw refuse(409, 'Every seat on this team is taken: ask the person who invited you to add a seat, then accept again.');
          }
          const added = await this.#parts.upstream.call('POST', membersPath, { customer_id: invitee.id, is_administrator: record.isAdministrator }, undefined, held);
          if (added.status !== 200) return added;
        }
        await store.take(record.id, Date.now());
        return { status: 200, body: offerWire(record, subscription, '') };
      }),
    );
  }

  /** POST /invitations/{id}/decline: the offer ends; the inviter sees it no more. */
  async decline(invitationId: string, user: PortalUser): Promise<UpstreamAnswer> {
    const record = await this.#addressedTo(invitationId, user);
    await this.#options.store.take(record.id, Date.now());
    return { status: 200, body: { id: record.id, status: 'declined' } };
  }

  /** The pending invitation, when it was sent to the signed-in user's address; one answer for every other case. */
  async #addressedTo(invitationId: string, user: PortalUser): Promise<InvitationRecord> {
    const record = await this.#options.store.get(invitationId, Date.now());
    const address = typeof user.email === 'string' ? emailKey(user.email) : '';
    if (!record || address === '' || emailKey(record.email) !== address) throw refuse(404, NOT_YOURS);
    return record;
  }

  /** The subscription invited to, while it is active and its inviter still administers it. */
  async #subscription(record: InvitationRecord): Promise<SubscriptionWire | undefined> {
    const answer = await this.#parts.upstream.call<SubscriptionWire>(
      'GET',
      `/api/v1/customers/${encodeURIComponent(record.inviterCustomerId)}/subscriptions/${encodeURIComponent(record.subscriptionId)}`,
    );
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw GatewayError.unavailable(`GET /api/v1/customers/{inviter}/subscriptions/{id} answered ${answer.status}`);
    return answer.body.is_active && answer.body.is_administrator === true ? answer.body : undefined;
  }
}

function invitationWire(record: InvitationRecord) {
  return { id: record.id, email: record.email, is_administrator: record.isAdministrator, expires_at: new Date(record.expiresAt).toISOString(), status: 'pending' };
}

function offerWire(record: InvitationRecord, subscription: SubscriptionWire, inviterName: string) {
  return {
    id: record.id,
    email: record.email,
    inviter_name: inviterName,
    plan_name: subscription.plan.name ?? subscription.plan.slug,
    is_administrator: record.isAdministrator,
    expires_at: new Date(record.expiresAt).toISOString(),
  };
}

/** A host exception, named by its type only: its text may hold a secret (a connection string). */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return error === null ? 'null' : typeof error;
}
