// The pricing page rendered into the HTML (plans, entitlements and prices readable with no
// JavaScript), its elements hydrating from the same snapshot. A route handler answers the whole
// document: the elements' declarative shadow DOM must be in the HTML the browser parses, which a
// React page's client-side navigation would not give. The bundle is copied into public/ at build
// (`cp node_modules/planship-portal/dist/planship-portal-ssr.js public/`).
import { planshipGateway } from '../../lib/planship.ts';
import { PRICING_HEADERS, pricingPage } from '../../../pricing-page.ts';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return new Response(await pricingPage(await planshipGateway(), request, '/planship-portal-ssr.js'), { headers: PRICING_HEADERS });
}
