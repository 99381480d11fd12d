// What the recipes share: the gateway as an app creates it (product credentials from the app's
// configuration, identify from its session) and a Node server's start and stop on port 0.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlanshipGateway, type PlanshipGateway, type PlanshipGatewayOptions } from '../../src/gateway/index.ts';
import { sessionIdentify } from '../../src/gateway/session.ts';

export interface RecipeOptions {
  /** Planship's API: https://api.planship.io in production, our server in tests. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Signs the host's session cookie (at least 32 characters). */
  sessionSecret: string;
  /** Anything else the gateway takes (allowedOrigins, authorize, ...). */
  gateway?: Partial<PlanshipGatewayOptions>;
  /** A Redis for the write lock, where the recipe runs on several instances (Next.js on serverless). */
  redisUrl?: string;
}

export interface RunningHost {
  /** The host's origin, like http://127.0.0.1:40123. */
  url: string;
  close(): Promise<void>;
}

export const PRODUCT_SLUG = 'acme-analytics';

/** The gateway at /planship, for the signed-in user of the host's session cookie. */
export function createRecipeGateway(options: RecipeOptions): PlanshipGateway {
  return createPlanshipGateway({
    productSlug: PRODUCT_SLUG,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    baseUrl: options.apiUrl,
    basePath: '/planship',
    identify: sessionIdentify(options.sessionSecret),
    // Hosted Planship's plan list does not say which plans customers may buy on their own, nor
    // how many seats each allows: name them (contract plans stay out).
    selfServePlans: ['free', 'starter', 'pro', 'business'],
    seatLimits: { free: 1, starter: 3, pro: 10, business: 50 },
    ...options.gateway,
  });
}

/** Listens on a free port of the loopback interface; resolves with the origin. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops the gateway (its live pages and upstream sockets), then the server and its open connections. */
export async function stop(server: Server, gateway: PlanshipGateway): Promise<void> {
  await gateway.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
