import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startExpressHost } from '../../examples/gateway/express.ts';
import { recipeSuite } from './recipe-checks.ts';

recipeSuite('Express 5', startExpressHost, ['websocket', 'server-sent events'], ({ page, adaSubscription }) => {
  it('runs express.json() before the gateway: its refusals of a body answer as JSON and change nothing', async () => {
    const before = await adaSubscription();
    const path = `/customers/me/subscriptions/${before.subscription_id}`;
    const malformed = await page('PATCH', path, { rawBody: '{"auto_renew": ' });
    assert.equal(malformed.status, 400);
    assert.equal(typeof malformed.body.detail, 'string');
    // express.json()'s own limit (100 kB) comes before the gateway's (1 MiB).
    const large = await page('PATCH', path, { body: { auto_renew: !before.auto_renew, padding: 'x'.repeat(200_000) } });
    assert.equal(large.status, 413);
    assert.equal(typeof large.body.detail, 'string');
    assert.equal((await adaSubscription()).auto_renew, before.auto_renew);
  });
});
