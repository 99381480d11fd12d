// Accepting and reading invitations at their edges: an invitee who is already on the team, seats
// held by members who are not subscribers, an inviter Planship no longer has, and answers
// Planship should not give (simulated: the real server gives none of them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InvitationMail } from '../../src/gateway/index.ts';
import { newUserId, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

let host: GatewayHost;
const outbox: InvitationMail[] = [];
const logs: string[] = [];
/** Simulated faults, by upstream path: a status to answer instead of Planship, or a customer answered without its name. */
const faults = new Map<string, number | 'no-name'>();

before(async () => {
  host = await startGatewayHost({
    invitations: { acceptUrl: 'https://app.example/billing', send: (mail) => void outbox.push(mail) },
    log: (line) => logs.push(line),
    fetch: async (input, init) => {
      const fault = faults.get(new URL(String(input)).pathname);
      if (typeof fault === 'number') return new Response(JSON.stringify({ detail: 'Too Many Requests' }), { status: fault, headers: { 'content-type': 'application/json' } });
      const response = await fetch(input, init);
      if (fault !== 'no-name') return response;
      const { name: _name, ...rest } = await response.json();
      return new Response(JSON.stringify(rest), { status: response.status, headers: { 'content-type': 'application/json' } });
    },
  });
});
after(() => host.close());

const invitesPath = (subscription: string) => `/api/v1/customers/me/subscriptions/${subscription}/invites`;
const membersPath = (customerId: string, subscription: string) => `/api/v1/customers/${customerId}/subscriptions/${subscription}/customers`;
const membersOf = async (customerId: string, subscription: string) =>
  (await host.admin('GET', membersPath(customerId, subscription))).body as { customer_id: string; is_subscriber: boolean }[];

/** An invitation from a new team owner (on `plan`, with `seats`) to a new user; its id and both people. */
async function invitation(plan = 'pro', seats?: number) {
  const owner = await signedInPerson(host, plan, seats === undefined ? {} : { max_subscribers: seats });
  const email = `invitee-${newUserId()}`;
  const invitee = { id: newUserId(), email };
  const session = host.signIn({ ...invitee, name: 'Invitee' });
  const sent = await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email } });
  assert.equal(sent.status, 202, sent.text);
  const mail = outbox.filter((one) => one.to === email).at(-1)!;
  return { owner, invitee, session, id: new URL(mail.url).searchParams.get('planship-invitation')! };
}

describe('accepting', () => {
  it('an invitee already on the team: 200, nothing added upstream, and the invitation is used up', async () => {
    const { owner, invitee, session, id } = await invitation();
    const customer = await host.admin('POST', '/api/v1/customers', { alternative_id: invitee.id, email: invitee.email });
    assert.equal((await host.admin('POST', membersPath(owner.customerId, owner.subscriptionId!), { customer_id: customer.body.id })).status, 200);
    const adds = () => host.upstream.filter((record) => record.method === 'POST' && record.path === membersPath(owner.customerId, owner.subscriptionId!)).length;
    const before = adds();
    const accepted = await host.call('POST', `/api/v1/invitations/${id}/accept`, { session });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.body.id, id);
    assert.equal(adds(), before, 'no second membership asked for');
    assert.equal((await membersOf(owner.customerId, owner.subscriptionId!)).length, 2);
    assert.equal((await host.call('GET', `/api/v1/invitations/${id}`, { session })).status, 404, 'used up');
  });

  it('members who are not subscribers hold no seat: a 2-seat team with one of them still takes the invitee', async () => {
    const { owner, session, id } = await invitation('pro', 2);
    const guest = await host.admin('POST', '/api/v1/customers', { alternative_id: newUserId() });
    const added = await host.admin('POST', membersPath(owner.customerId, owner.subscriptionId!), { customer_id: guest.body.id, is_subscriber: false });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const accepted = await host.call('POST', `/api/v1/invitations/${id}/accept`, { session });
    assert.equal(accepted.status, 200, accepted.text);
    const members = await membersOf(owner.customerId, owner.subscriptionId!);
    assert.deepEqual(members.map((member) => member.is_subscriber).sort(), [false, true, true]);
  });
});

describe('an invitation whose team Planship no longer has', () => {
  it('the inviter was deleted: reading and accepting answer 404 in words, not 502', async () => {
    const { owner, session, id } = await invitation();
    assert.equal((await host.admin('DELETE', `/api/v1/customers/${owner.customerId}`)).status, 200);
    const read = await host.call('GET', `/api/v1/invitations/${id}`, { session });
    assert.equal(read.status, 404);
    assert.match(read.body.detail, /^This invitation is not for the account you are signed in with, or it has ended/);
    const accepted = await host.call('POST', `/api/v1/invitations/${id}/accept`, { session });
    assert.deepEqual([accepted.status, accepted.body.detail], [404, 'This invitation has ended: ask for a new one.']);
  });

  it('the inviter is no longer an administrator of the still active team: the offer has ended', async () => {
    const { owner, session, id } = await invitation();
    // Another administrator takes over; the inviter stays on the team as a plain member.
    const admin = await host.admin('POST', '/api/v1/customers', { alternative_id: newUserId() });
    assert.equal((await host.admin('POST', membersPath(owner.customerId, owner.subscriptionId!), { customer_id: admin.body.id, is_administrator: true })).status, 200);
    assert.equal((await host.admin('DELETE', `${membersPath(admin.body.id, owner.subscriptionId!)}/${owner.customerId}`)).status, 200);
    assert.equal((await host.admin('POST', membersPath(admin.body.id, owner.subscriptionId!), { customer_id: owner.customerId, is_administrator: false })).status, 200);
    assert.equal((await host.call('GET', `/api/v1/invitations/${id}`, { session })).status, 404);
  });

  it('simulated fault: Planship answers the team read with 429: 502 for the invitee, the status in the log', async () => {
    const { owner, session, id } = await invitation();
    faults.set(`/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscriptionId}`, 429);
    try {
      logs.length = 0;
      const read = await host.call('GET', `/api/v1/invitations/${id}`, { session });
      assert.deepEqual([read.status, read.body.detail], [502, 'The billing service did not answer. Please try again in a moment.']);
      assert.deepEqual(logs, ['planship gateway: GET /api/v1/customers/{inviter}/subscriptions/{id} answered 429']);
    } finally {
      faults.clear();
    }
  });

  it('simulated fault: an inviter Planship keeps no name for: the offer names nobody rather than something made up', async () => {
    const { owner, session, id } = await invitation();
    faults.set(`/api/v1/customers/${owner.customerId}`, 'no-name');
    try {
      const read = await host.call('GET', `/api/v1/invitations/${id}`, { session });
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.inviter_name, '');
    } finally {
      faults.clear();
    }
  });
});
