// planship-portal/ssr on the server: the gateway's snapshot of a request rendered into HTML.
// Text from the API is text (markup in names never becomes elements, nor escapes the snapshot's
// script), each render holds its own request's data only, nothing is asked of Planship while
// rendering, and the page's language is the render's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderElements, snapshotScript, type Snapshot } from '../../src/ssr/index.ts';
import { MARKUP, MARKUP_PRODUCT_SLUG } from '../fixtures/test-catalog.ts';
import { PRODUCT, signedInPerson, startGatewayHost, type GatewayHost } from './gateway-helpers.ts';

const portal = (slug: string, inner: string) => `<planship-provider product-slug="${slug}" api-url="/planship">${inner}</planship-provider>`;
const PICKER = '<planship-plan-picker></planship-plan-picker>';
const MANAGER = '<planship-subscription-manager></planship-subscription-manager>';

/** The snapshot a render put in its script element. */
function scriptedSnapshot(html: string): unknown {
  const match = /<script type="application\/json" data-planship-snapshot="[^"]*">([^]*?)<\/script>/.exec(html);
  assert.ok(match, 'a snapshot script');
  return JSON.parse(match[1]);
}

let host: GatewayHost;
let markupHost: GatewayHost;
before(async () => {
  [host, markupHost] = await Promise.all([
    startGatewayHost({ prices: { pro: { amount: 49, currency: 'USD', interval: 'month' } } }),
    startGatewayHost({ productSlug: MARKUP_PRODUCT_SLUG }),
  ]);
});
after(() => Promise.all([host.close(), markupHost.close()]));

const visitorSnapshot = (of: GatewayHost) => of.gateway.snapshot(new Request(`${of.origin}/pricing`));

describe('renderElements', () => {
  it('renders the public plans with their entitlements and prices into declarative shadow DOM', async () => {
    const html = await renderElements(portal(PRODUCT, PICKER), { snapshot: await visitorSnapshot(host) });
    assert.match(html, /<template shadowroot(mode)?="open"/);
    for (const text of ['Free', 'Starter', 'Pro', '$49.00', 'Get started with Pro']) assert.ok(html.includes(text), text);
    assert.ok(!html.includes('Legacy 2019'), 'a plan that is not public');
  });

  it('renders markup from the API as text: no element of it, in the content or out of the snapshot script', async () => {
    const snapshot = await visitorSnapshot(markupHost);
    const html = await renderElements(portal(MARKUP_PRODUCT_SLUG, PICKER), { snapshot });
    assert.ok(html.includes('Basic &lt;img'), 'the plan name, escaped');
    assert.ok(!/<img|<b>/i.test(html), 'no element from API text');
    assert.deepEqual(scriptedSnapshot(html), JSON.parse(JSON.stringify(snapshot)), 'the snapshot, whole');
  });

  it('snapshotScript: a name that closes the script or opens a comment stays inside it', () => {
    const hostile = `</script><script>window.__x=1</script><!--${MARKUP}\u2028`;
    const script = snapshotScript({ product: { slug: `"><x ${hostile}` }, plans: [{ name: hostile }] } as unknown as Snapshot);
    assert.equal(script.match(/<\/script/gi)?.length, 1);
    assert.ok(!script.includes('<!--') && !script.includes('<img'));
    assert.ok(script.startsWith('<script type="application/json" data-planship-snapshot="&#34;&#62;&#60;x '), script.slice(0, 80));
    assert.deepEqual((scriptedSnapshot(script) as { plans: { name: string }[] }).plans[0].name, hostile);
  });

  it("renders at once for a visitor and a customer: each page holds its own request's data alone", async () => {
    const person = await signedInPerson(host, 'pro');
    const own = await host.gateway.snapshot(new Request(`${host.origin}/account`, { headers: { cookie: `session=${person.session}` } }));
    const visitor = await visitorSnapshot(host);
    const [customerHtml, visitorHtml] = await Promise.all([
      renderElements(portal(PRODUCT, MANAGER), { snapshot: own }),
      renderElements(portal(PRODUCT, MANAGER), { snapshot: visitor }),
    ]);
    assert.ok(customerHtml.includes('Pro') && customerHtml.includes(person.subscriptionId!), 'the customer sees their plan');
    assert.ok(!visitorHtml.includes(person.subscriptionId!) && !visitorHtml.includes(person.customerId), 'nothing of the customer for the visitor');
    assert.ok(visitorHtml.includes('Sign in to see your subscription'));
  });

  it("a signed-in customer's meter and gate render from the snapshot: content, not loading", async () => {
    const person = await signedInPerson(host, 'pro');
    const snapshot = await host.gateway.snapshot(new Request(`${host.origin}/account`, { headers: { cookie: `session=${person.session}` } }));
    const html = await renderElements(
      portal(PRODUCT, '<planship-usage-meter lever="api-calls"></planship-usage-meter><planship-entitlement lever="sso"><button>Configure SSO</button></planship-entitlement>'),
      { snapshot },
    );
    assert.match(html, /role="meter"[^>]*aria-valuenow="0"/);
    assert.match(html, /<planship-entitlement[^>]* allowed/);
    assert.ok(!html.includes('aria-busy="true"'), 'nothing loading');
  });

  it('asks Planship nothing while rendering (the snapshot is all it reads)', async () => {
    const snapshot = await visitorSnapshot(host);
    const before = host.upstream.length;
    await renderElements(portal(PRODUCT, `${PICKER}${MANAGER}`), { snapshot });
    assert.equal(host.upstream.length, before);
  });

  it('speaks the language asked for; a tag that is not one is English', async () => {
    const snapshot = await visitorSnapshot(host);
    assert.ok((await renderElements(portal(PRODUCT, MANAGER), { snapshot, lang: 'de' })).includes('Melden Sie sich an'));
    assert.ok((await renderElements(portal(PRODUCT, MANAGER), { snapshot, lang: '__proto__' })).includes('Sign in to see'));
    // Right to left from the server already: nothing moves when the page's elements take over.
    assert.match(await renderElements(portal(PRODUCT, MANAGER), { snapshot, lang: 'ar' }), /<planship-subscription-manager[^>]* dir="rtl"/);
  });

  it('a snapshot that is not one (no product) is a TypeError, before anything renders', async () => {
    await assert.rejects(renderElements(portal(PRODUCT, PICKER), { snapshot: {} as Snapshot }), TypeError);
  });
});
