// Recipe: the pricing page rendered into the HTML, in an Express 5 app. The gateway's snapshot of
// the request (the public catalog for a visitor, the customer's portal when signed in) is rendered
// with Lit SSR into the page: plans, entitlements and prices are in the HTML (no JavaScript
// needed to read them, search engines included), and the page's elements hydrate from the same
// snapshot with no request before first content, then go live.
import express from 'express';
import { createServer } from 'node:http';
import { createRecipeGateway, listen, stop, type RecipeOptions, type RunningHost } from './common.ts';
import { PRICING_HEADERS, pricingPage } from './pricing-page.ts';

export interface SsrHostOptions extends RecipeOptions {
  /** Where the built bundle is (node_modules/planship-portal/dist in an app). */
  distFolder: string;
}

export async function startSsrExpressHost(options: SsrHostOptions): Promise<RunningHost> {
  const gateway = createRecipeGateway(options);
  const app = express();
  app.use('/planship', gateway.nodeHandler);
  app.use('/assets', express.static(options.distFolder));
  app.get('/pricing', async (request, response) => {
    response.set(PRICING_HEADERS).send(await pricingPage(gateway, request, '/assets/planship-portal-ssr.js'));
  });

  const server = createServer(app);
  server.on('upgrade', (request, socket, head) => {
    if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return { url: await listen(server), close: () => stop(server, gateway) };
}
