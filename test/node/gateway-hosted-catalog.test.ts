// What hosted Planship's models leave out and the elements need, filled in by the gateway from what
// it does answer: each lever's type (metered by its metering ids, else by its default value) and
// the lever of each plan entitlement (by the lever's name). Answers it cannot use leave a lever
// untyped or an entitlement without its lever, never a failed page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { backendCall } from '../fixtures/backend-call.ts';
import { testCatalog } from '../fixtures/test-catalog.ts';
import { PRODUCT, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

let host: GatewayHost;
/** Our extended server: what the API says of levers and entitlements when it says everything. */
let extended: RunningServer;

before(async () => {
  [host, extended] = await Promise.all([startGatewayHost(), startServer({ catalog: testCatalog() })]);
});
after(() => Promise.all([host.close(), extended.close()]));

const product = `/api/v1/products/${PRODUCT}`;
const typesOf = (levers: { slug: string; type?: string }[]) => Object.fromEntries(levers.map((lever) => [lever.slug, lever.type]));
const leversOf = (entitlements: { lever_name: string; lever_slug?: string }[]) => entitlements.map((entry) => [entry.lever_name, entry.lever_slug]);

describe("hosted Planship's models, completed by the gateway", () => {
  it('the first-render answer, the lever list and plan reads say each lever\'s type and each entitlement\'s lever', async () => {
    const truth = {
      types: typesOf((await backendCall(extended.url, 'GET', `${product}/levers`)).body),
      entitlements: leversOf((await backendCall(extended.url, 'GET', `${product}/plans/pro`)).body.entitlements),
    };
    // The hosted profile says neither.
    const hosted = (await host.admin('GET', `${product}/levers`)).body;
    assert.ok(hosted.every((lever: object) => !('type' in lever)));
    assert.ok((await host.admin('GET', `${product}/plans/pro`)).body.entitlements.every((entry: object) => !('lever_slug' in entry)));

    const { session } = await signedInPerson(host, 'pro');
    const portal = await host.call('GET', '/portal', { session });
    assert.equal(portal.status, 200, portal.text);
    assert.deepEqual(typesOf(portal.body.levers), truth.types);
    assert.deepEqual(leversOf(portal.body.plan_details.pro.entitlements), truth.entitlements);
    assert.deepEqual(typesOf((await host.call('GET', `${product}/levers`, { session })).body), truth.types);
    assert.deepEqual(leversOf((await host.call('GET', `${product}/plans/pro`, { session })).body.entitlements), truth.entitlements);
    assert.deepEqual(leversOf((await host.call('GET', `${product}/plans/pro/entitlements`, { session })).body), truth.entitlements);
  });

  it('answers it cannot use leave a lever untyped or an entitlement without its lever; the page still gets everything else', async () => {
    /** Our hosted answers, bent the way a Planship (or a proxy) might bend them. */
    const bend: Record<string, (body: any) => unknown> = {
      [`${product}/levers`]: (levers) => [
        ...levers, null, { name: 'No slug' }, { slug: 'ghost', name: 'Ghost', default_value: 'true' },
        { slug: 'twin-a', name: 'Twin', default_value: '0' }, { slug: 'twin-b', name: 'Twin', default_value: '0' },
      ],
      // No metering ids at all: not known to be metered, nor typed by a guess.
      [`${product}/levers/dashboards`]: ({ metering_ids: _ids, ...lever }) => lever,
      // Two levers named alike: the entitlement cannot say which is its lever.
      [`${product}/plans/pro`]: (plan) => ({ ...plan, entitlements: [...plan.entitlements, null, { lever_name: 'Ghost', value: true }, { lever_name: 'Twin', value: 1 }] }),
      [`${product}/plans/starter`]: (plan) => ({ ...plan, entitlements: 'none' }),
    };
    const bent = await startGatewayHost({ fetch: bentFetch(bend) });
    try {
      const { session } = await signedInPerson(bent, 'pro');
      const portal = await bent.call('GET', '/portal', { session });
      assert.equal(portal.status, 200, portal.text);
      // Entries that name no lever are left out; the others keep their place, typed where it is known.
      assert.deepEqual(portal.body.levers.map((lever: { slug: string; type?: string }) => [lever.slug, lever.type]), [
        ['api-calls', 'metered'], ['api-burst', 'metered'], ['ai-insights', 'metered'], ['dashboards', undefined], ['data-retention-days', 'numeric'],
        ['export-formats', 'list'], ['sso', 'boolean'], ['priority-support', 'boolean'], ['ghost', undefined], ['twin-a', undefined], ['twin-b', undefined],
      ]);
      const pro = portal.body.plan_details.pro.entitlements;
      assert.equal(pro[0].lever_slug, 'api-calls');
      assert.deepEqual(pro.slice(-3), [null, { lever_name: 'Ghost', value: true, lever_slug: 'ghost' }, { lever_name: 'Twin', value: 1 }]);
      assert.equal(portal.body.plan_details.starter.entitlements, 'none');
    } finally {
      await bent.close();
    }
  });

  it('a lever Planship fails to answer for stays untyped; without a lever list the entitlements stay as they are', async () => {
    const failing = await startGatewayHost({ fetch: bentFetch({}, { [`${product}/levers/sso`]: 500 }) });
    const unlisted = await startGatewayHost({ fetch: bentFetch({ [`${product}/levers`]: () => ({ levers: 'later' }) }) });
    const unanswered = await startGatewayHost({ fetch: bentFetch({}, { [`${product}/levers`]: 503 }) });
    try {
      const levers = await failing.call('GET', `${product}/levers`, { session: (await signedInPerson(failing)).session });
      assert.equal(levers.status, 200, levers.text);
      assert.deepEqual(typesOf(levers.body).sso, undefined);
      assert.equal(typesOf(levers.body)['priority-support'], 'boolean');
      const plan = await unlisted.call('GET', `${product}/plans/pro`, { session: (await signedInPerson(unlisted)).session });
      assert.equal(plan.status, 200, plan.text);
      assert.ok(plan.body.entitlements.length > 0 && plan.body.entitlements.every((entry: object) => !('lever_slug' in entry)));
      const withoutLevers = await unanswered.call('GET', `${product}/plans/pro/entitlements`, { session: (await signedInPerson(unanswered)).session });
      assert.equal(withoutLevers.status, 200, withoutLevers.text);
      assert.ok(withoutLevers.body.every((entry: object) => !('lever_slug' in entry)));
    } finally {
      await Promise.all([failing.close(), unlisted.close(), unanswered.close()]);
    }
  });
});

/** A fetch to our server whose answers (by path, without a query) are bent, or replaced by an error status. */
function bentFetch(bend: Record<string, (body: any) => unknown>, fail: Record<string, number> = {}): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    if (fail[url.pathname]) return Response.json({ detail: 'boom' }, { status: fail[url.pathname] });
    const response = await fetch(input, init);
    return url.pathname in bend && !url.search && response.ok ? Response.json(bend[url.pathname](await response.json())) : response;
  };
}
