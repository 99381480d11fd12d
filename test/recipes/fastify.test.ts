import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startFastifyHost } from '../../examples/gateway/fastify.ts';
import { recipeSuite } from './recipe-checks.ts';

recipeSuite('Fastify 5', startFastifyHost, ['websocket', 'server-sent events'], ({ host, page, adaSubscription }) => {
  it('hands /planship to the gateway before Fastify parses the body, and leaves other routes to Fastify', async () => {
    const { subscription_id } = await adaSubscription();
    // Fastify has no text/plain parser for PATCH bodies of its own routes; the gateway's answer is its JSON 415.
    const textBody = await page('PATCH', `/customers/me/subscriptions/${subscription_id}`, { rawBody: 'auto_renew=false', headers: { 'content-type': 'text/plain' } });
    assert.equal(textBody.status, 415);
    assert.match(textBody.body.detail, /JSON/);
    const own = await fetch(`${host().url}/`);
    assert.equal(own.status, 200);
    assert.equal(await own.text(), 'The app');
  });
});
