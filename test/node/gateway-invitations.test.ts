// Team invitations with consent, through the gateway on the hosted profile: an administrator's
// invitation is an offer the host mails; nobody is a member until they accept it, signed in as the
// address it was sent to. The inviter's answer never says whether the address has an account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InvitationMail } from '../../src/gateway/index.ts';
import { newUserId, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

const PAGE = 'https://app.example/billing';
let host: GatewayHost;
const outbox: InvitationMail[] = [];
before(async () => {
  host = await startGatewayHost({
    invitations: {
      acceptUrl: PAGE,
      maxPending: 3,
      maxPerDay: 5,
      send: (mail) => void outbox.push(mail),
    },
  });
});
after(() => host.close());

const invitesPath = (subscription: string) => `/api/v1/customers/me/subscriptions/${subscription}/invites`;
const membersOf = async (customerId: string, subscription: string) =>
  (await host.admin('GET', `/api/v1/customers/${customerId}/subscriptions/${subscription}/customers`)).body as { customer_id: string; is_administrator: boolean }[];
const idFromMail = (mail: InvitationMail) => new URL(mail.url).searchParams.get('planship-invitation')!;
const mailTo = (address: string) => outbox.filter((mail) => mail.to === address).at(-1)!;

/** A user who signed up on the host (signed in; no Planship customer until their first write). */
function newUser(email = `${newUserId()}`) {
  const id = newUserId();
  return { id, email, session: host.signIn({ id, email, name: `Name ${email}` }) };
}

describe('an invitation is an offer', () => {
  it('the same answer whether or not the address has an account; nobody joins before accepting', async () => {
    const owner = await signedInPerson(host, 'pro');
    const known = await signedInPerson(host); // has a Planship customer
    const before = host.upstream.length;
    const answers = [];
    for (const email of [known.userId, `nobody-${Date.now()}@example.com`]) {
      const answer = await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email, is_administrator: true } });
      answers.push(answer);
      assert.equal(answer.status, 202, answer.text);
      assert.deepEqual(Object.keys(answer.body).sort(), ['email', 'expires_at', 'id', 'is_administrator', 'status']);
      assert.equal(answer.body.email, email);
      assert.equal(answer.body.status, 'pending');
    }
    const invited = answers.map((answer) => encodeURIComponent(answer.body.email));
    const lookups = host.upstream.slice(before).filter((record) => invited.some((email) => record.path.includes(email)) || record.method === 'POST' && record.path === '/api/v1/customers');
    assert.deepEqual(lookups, [], 'no account was looked up or created for an invitation');
    assert.deepEqual((await membersOf(owner.customerId, owner.subscriptionId!)).map((member) => member.customer_id), [owner.customerId], 'nobody joined');

    const mail = mailTo(known.userId);
    assert.equal(mail.planName, 'Pro');
    assert.equal(mail.isAdministrator, true);
    assert.equal(new URL(mail.url).origin + new URL(mail.url).pathname, PAGE);
    assert.equal(idFromMail(mail), answers[0].body.id);

    // The inviter sees the addresses they typed, until accepted.
    const pending = await host.call('GET', invitesPath(owner.subscriptionId!), { session: owner.session });
    assert.deepEqual(pending.body.map((invitation: { email: string }) => invitation.email), [known.userId, answers[1].body.email]);
    // The member list shows no invitee's name.
    const members = await host.call('GET', `/api/v1/customers/me/subscriptions/${owner.subscriptionId}/customers`, { session: owner.session });
    assert.equal(members.body.length, 1);
  });

  it('accepted by the invitee signed in as the address: they join, with the rights the offer said, once', async () => {
    const owner = await signedInPerson(host, 'pro');
    const invitee = newUser(`invitee-${Date.now()}@example.com`);
    await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: invitee.email.toUpperCase(), is_administrator: true } });
    const id = idFromMail(mailTo(invitee.email.toUpperCase()));

    const offer = await host.call('GET', `/api/v1/invitations/${id}`, { session: invitee.session });
    assert.equal(offer.status, 200, offer.text);
    assert.equal(offer.body.plan_name, 'Pro');
    assert.equal(offer.body.inviter_name, `Name of ${owner.userId}`);
    assert.equal(offer.body.is_administrator, true);
    assert.equal((await host.admin('GET', `/api/v1/customers/${encodeURIComponent(invitee.id)}`)).status, 404, 'reading the offer created nothing');

    const accepted = await host.call('POST', `/api/v1/invitations/${id}/accept`, { session: invitee.session });
    assert.equal(accepted.status, 200, accepted.text);
    const inviteeCustomer = (await host.admin('GET', `/api/v1/customers/${encodeURIComponent(invitee.id)}`)).body.id;
    const members = await membersOf(owner.customerId, owner.subscriptionId!);
    assert.deepEqual(members.find((member) => member.customer_id === inviteeCustomer)?.is_administrator, true);
    const theirs = await host.call('GET', '/api/v1/customers/me/subscriptions', { session: invitee.session });
    assert.deepEqual(theirs.body.map((subscription: { subscription_id: string }) => subscription.subscription_id), [owner.subscriptionId]);

    const again = await host.call('POST', `/api/v1/invitations/${id}/accept`, { session: invitee.session });
    assert.equal(again.status, 404, 'an accepted invitation is gone');
    assert.equal((await membersOf(owner.customerId, owner.subscriptionId!)).length, 2);
    assert.deepEqual((await host.call('GET', invitesPath(owner.subscriptionId!), { session: owner.session })).body, []);
  });

  it('nobody else can read, accept or decline it: one answer for a wrong account, an unknown id, no email', async () => {
    const owner = await signedInPerson(host, 'pro');
    const invitee = newUser(`target-${Date.now()}@example.com`);
    await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: invitee.email } });
    const id = idFromMail(mailTo(invitee.email));
    const stranger = newUser(`stranger-${Date.now()}@example.com`);
    const noEmail = host.signIn({ id: newUserId() });
    const answers = [];
    for (const [session, invitation] of [[stranger.session, id], [noEmail, id], [invitee.session, 'x'.repeat(24)]]) {
      for (const [method, suffix] of [['GET', ''], ['POST', '/accept'], ['POST', '/decline']]) {
        const answer = await host.call(method, `/api/v1/invitations/${invitation}${suffix}`, { session });
        answers.push(`${answer.status} ${answer.body.detail}`);
      }
    }
    assert.equal(new Set(answers).size, 1, answers.join('\n'));
    assert.match(answers[0], /^404 This invitation is not for the account you are signed in with/);
    assert.equal((await host.call('GET', `/api/v1/invitations/${id}`)).status, 401, 'no session');
    assert.equal((await membersOf(owner.customerId, owner.subscriptionId!)).length, 1);
    assert.equal((await host.call('GET', `/api/v1/invitations/${id}`, { session: invitee.session })).status, 200, 'still open for its invitee');
  });

  it('declined or withdrawn: gone for both sides', async () => {
    const owner = await signedInPerson(host, 'pro');
    const first = newUser(`decliner-${Date.now()}@example.com`);
    const second = newUser(`withdrawn-${Date.now()}@example.com`);
    for (const user of [first, second]) await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: user.email } });
    const declined = await host.call('POST', `/api/v1/invitations/${idFromMail(mailTo(first.email))}/decline`, { session: first.session });
    assert.equal(declined.status, 200);
    const secondId = idFromMail(mailTo(second.email));
    const plain = await signedInPerson(host);
    assert.equal((await host.call('DELETE', `${invitesPath(owner.subscriptionId!)}/${secondId}`, { session: plain.session })).status, 404, "another customer's subscription");
    assert.equal((await host.call('DELETE', `${invitesPath(owner.subscriptionId!)}/${secondId}`, { session: owner.session })).status, 200);
    assert.equal((await host.call('POST', `/api/v1/invitations/${secondId}/accept`, { session: second.session })).status, 404);
    assert.deepEqual((await host.call('GET', invitesPath(owner.subscriptionId!), { session: owner.session })).body, []);
    assert.equal((await membersOf(owner.customerId, owner.subscriptionId!)).length, 1);
  });

  it('administrator rights only from an offer that said so; only administrators invite, list and withdraw', async () => {
    const owner = await signedInPerson(host, 'business');
    const member = newUser(`plain-${Date.now()}@example.com`);
    await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: member.email } });
    await host.call('POST', `/api/v1/invitations/${idFromMail(mailTo(member.email))}/accept`, { session: member.session });
    const memberCustomer = (await host.admin('GET', `/api/v1/customers/${encodeURIComponent(member.id)}`)).body.id;
    assert.equal((await membersOf(owner.customerId, owner.subscriptionId!)).find((entry) => entry.customer_id === memberCustomer)?.is_administrator, false);
    for (const [method, path] of [['POST', invitesPath(owner.subscriptionId!)], ['GET', invitesPath(owner.subscriptionId!)], ['DELETE', `${invitesPath(owner.subscriptionId!)}/anything`]]) {
      const answer = await host.call(method, path, { session: member.session, body: method === 'POST' ? { email: 'x@y.example' } : undefined });
      assert.equal(answer.status, 403, `${method} ${path}`);
    }
    const bad = await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: 'not an email' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail[0].loc, ['body', 'email']);
  });

  it('a team with every seat taken: the invitee is told to ask for a seat, and the offer stays open', async () => {
    const owner = await signedInPerson(host, 'pro', { max_subscribers: 1 });
    const invitee = newUser(`full-${Date.now()}@example.com`);
    await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: invitee.email } });
    const id = idFromMail(mailTo(invitee.email));
    const full = await host.call('POST', `/api/v1/invitations/${id}/accept`, { session: invitee.session });
    assert.equal(full.status, 409);
    assert.match(full.body.detail, /ask the person who invited you to add a seat/);
    assert.equal((await host.call('GET', `/api/v1/invitations/${id}`, { session: invitee.session })).status, 200);
  });

  it('an invitation to a subscription that ended, or whose inviter is no longer its administrator, has ended', async () => {
    const owner = await signedInPerson(host, 'pro');
    const invitee = newUser(`late-${Date.now()}@example.com`);
    await host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: invitee.email } });
    await host.admin('PATCH', `/api/v1/customers/${owner.customerId}/subscriptions/${owner.subscriptionId}`, { is_active: false });
    const late = await host.call('POST', `/api/v1/invitations/${idFromMail(mailTo(invitee.email))}/accept`, { session: invitee.session });
    assert.equal(late.status, 404);
    assert.equal((await membersOf(owner.customerId, owner.subscriptionId!)).length, 1);
  });
});

describe('invitations are bounded', () => {
  it('waiting ones per subscription, then sent per day (withdrawn ones count): 429 in words, and nothing mailed', async () => {
    const owner = await signedInPerson(host, 'business');
    const invite = (email: string) => host.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email } });
    const stamp = Date.now();
    for (let index = 0; index < 3; index += 1) assert.equal((await invite(`w${index}-${stamp}@example.com`)).status, 202);
    const mailed = outbox.length;
    const waiting = await invite(`w3-${stamp}@example.com`);
    assert.equal(waiting.status, 429);
    assert.match(waiting.body.detail, /3 invitations are waiting for an answer: withdraw one/);
    assert.equal(outbox.length, mailed, 'nothing mailed');
    const again = await invite(`W0-${stamp}@example.com`);
    assert.equal(again.status, 202, 'the same address again: the waiting invitation, not a new mail');
    assert.equal(outbox.length, mailed);

    const pending = (await host.call('GET', invitesPath(owner.subscriptionId!), { session: owner.session })).body;
    for (const invitation of pending) await host.call('DELETE', `${invitesPath(owner.subscriptionId!)}/${invitation.id}`, { session: owner.session });
    assert.equal((await invite(`x1-${stamp}@example.com`)).status, 202);
    assert.equal((await invite(`x2-${stamp}@example.com`)).status, 202);
    const today = await invite(`x3-${stamp}@example.com`);
    assert.equal(today.status, 429);
    assert.match(today.body.detail, /5 invitations today: please invite again tomorrow/);
  });

  it('a mail that cannot be sent withdraws the invitation: 502 in words, the reason logged by type only', async () => {
    const logged: string[] = [];
    const failing = await startGatewayHost({
      log: (line) => logged.push(line),
      invitations: { acceptUrl: PAGE, send: () => Promise.reject(new Error('SMTP password=hunter2 refused')) },
    });
    try {
      const owner = await signedInPerson(failing, 'pro');
      const answer = await failing.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: 'a@b.example' } });
      assert.equal(answer.status, 502);
      assert.match(answer.body.detail, /could not be sent/);
      assert.deepEqual((await failing.call('GET', invitesPath(owner.subscriptionId!), { session: owner.session })).body, []);
      assert.deepEqual(logged, ['planship gateway: invitations.send threw Error']);
    } finally {
      await failing.close();
    }
  });

  it('without `invitations`: no invites feature, and the routes say it is not set up', async () => {
    const plain = await startGatewayHost();
    try {
      const owner = await signedInPerson(plain, 'pro');
      const answer = await plain.call('POST', invitesPath(owner.subscriptionId!), { session: owner.session, body: { email: 'a@b.example' } });
      assert.equal(answer.status, 403);
      assert.match(answer.body.detail, /not set up/);
      assert.equal(answer.headers.get('planship-portal-features'), null);
      assert.equal((await plain.call('POST', '/api/v1/invitations/abc/accept', { session: owner.session })).status, 403);
    } finally {
      await plain.close();
    }
  });
});
