// What the server-rendered recipes share (ssr-express.ts, nextjs/app/pricing/route.ts): the
// pricing page's portal tags, rendered into the page from the gateway's snapshot of the request.
import type { PlanshipGateway } from '../../src/gateway/index.ts';
import { renderElements } from '../../src/ssr/index.ts';

/** The portal's tags as the page writes them: the same markup renders on the server and runs in the browser. */
export const PRICING_MARKUP = `<planship-provider product-slug="acme-analytics" api-url="/planship" signup-url="/signup">
  <planship-plan-picker heading-level="2"></planship-plan-picker>
  <planship-subscription-manager heading-level="2"></planship-subscription-manager>
</planship-provider>`;

/**
 * The whole pricing page for `request` (a visitor's: the public catalog; a signed-in customer's:
 * their portal), loading the bundle with hydration support from `scriptUrl`.
 */
export async function pricingPage(gateway: PlanshipGateway, request: Parameters<PlanshipGateway['snapshot']>[0], scriptUrl: string): Promise<string> {
  let portal = PRICING_MARKUP;
  try {
    portal = await renderElements(PRICING_MARKUP, { snapshot: await gateway.snapshot(request) });
  } catch {
    // Billing unreachable: the page still works, and the elements load and say so in words.
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pricing</title>
<script type="module" src="${scriptUrl}"></script>
</head><body><main><h1>Pricing</h1>
${portal}
</main></body></html>`;
}

/** The snapshot may be a signed-in customer's: no shared cache may keep the page. */
export const PRICING_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
