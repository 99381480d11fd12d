// Next.js runs the gateway the way a serverless deployment does: with REDIS_URL, writes take the
// write lock in Redis (shared by every instance), shown here by holding a customer's lock from
// outside: the app's write for that customer then waits and answers 503 "try again". Its
// /pricing route handler renders the portal into the HTML (planship-portal/ssr) for a visitor
// and for a signed-in customer, never cached.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startNextHost } from '../../examples/gateway/nextjs/start.ts';
import { redisClient, testRedisUrl } from '../node/store-helpers.ts';
import { adaCookie, recipeSuite } from './recipe-checks.ts';

recipeSuite(
  'Next.js 16 (app router)',
  async (options) => startNextHost({ ...options, redisUrl: await testRedisUrl() }),
  ['server-sent events'],
  ({ host, page, adaSubscription }) => {
    it('/pricing: the plans in the HTML for a visitor, their own plan for a signed-in customer, no-store', async () => {
      const visitor = await fetch(`${host().url}/pricing`);
      assert.equal(visitor.status, 200);
      assert.equal(visitor.headers.get('cache-control'), 'no-store');
      const html = await visitor.text();
      assert.match(html, /<template shadowroot(mode)?="open"/);
      for (const text of ['Get started with Pro', 'Sign in to see your subscription', 'data-planship-snapshot="acme-analytics"']) assert.ok(html.includes(text), text);
      const subscription = await adaSubscription();
      const own = await fetch(`${host().url}/pricing`, { headers: { cookie: adaCookie() } });
      const ownHtml = await own.text();
      assert.ok(ownHtml.includes(subscription.subscription_id) && !ownHtml.includes('Sign in to see'), 'the customer\'s portal');
      assert.ok(!html.includes(subscription.subscription_id), 'the visitor\'s page has nothing of theirs');
    });

    it('takes the write lock in Redis: a write waits while another instance holds it, then 503', async () => {
      const subscription = await adaSubscription();
      const customerId = (subscription as unknown as { customer_id: string }).customer_id;
      const redis = await redisClient();
      const key = `planship:lock:${customerId}`;
      await redis.set(key, 'another-instance', { expiration: { type: 'PX', value: 30_000 }, condition: 'NX' });
      try {
        const held = await page('PATCH', `/customers/me/subscriptions/${subscription.subscription_id}`, { body: { auto_renew: subscription.auto_renew } });
        assert.equal(held.status, 503, JSON.stringify(held.body));
        assert.match(held.body.detail, /under way/);
      } finally {
        await redis.del(key);
      }
      const free = await page('PATCH', `/customers/me/subscriptions/${subscription.subscription_id}`, { body: { auto_renew: subscription.auto_renew } });
      assert.equal(free.status, 200);
    });
  },
);
