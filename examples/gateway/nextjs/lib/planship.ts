// The app's one gateway, configured from the environment. Route handlers cannot take WebSocket
// upgrades, so pages get live updates as Server-Sent Events (the client falls back by itself).
// On a serverless platform (or several servers), writes of one customer must run one at a time
// across every instance: with REDIS_URL set, the gateway takes a write lock in Redis (an app with
// invitations keeps them there too: `invitations.store: redisInvitationStore(redis)`). Kept on
// globalThis so a dev-mode reload does not open a second one.
import { createClient } from 'redis';
import { redisWriteLock, type PlanshipGateway } from '../../../../src/gateway/index.ts';
import { createRecipeGateway } from '../../common.ts';

const globals = globalThis as typeof globalThis & { planshipGateway?: Promise<PlanshipGateway> };

function fromEnvironment(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function createGateway(): Promise<PlanshipGateway> {
  const redisUrl = process.env.REDIS_URL;
  const redis = redisUrl ? createClient({ url: redisUrl }) : undefined;
  // A Redis that drops the connection reconnects by itself; meanwhile writes answer 503 "try again".
  redis?.on('error', () => {});
  await redis?.connect();
  return createRecipeGateway({
    apiUrl: fromEnvironment('PLANSHIP_API_URL'),
    clientId: fromEnvironment('PLANSHIP_CLIENT_ID'),
    clientSecret: fromEnvironment('PLANSHIP_CLIENT_SECRET'),
    sessionSecret: fromEnvironment('SESSION_SECRET'),
    gateway: redis ? { writeLock: redisWriteLock(redis) } : {},
  });
}

export function planshipGateway(): Promise<PlanshipGateway> {
  globals.planshipGateway ??= createGateway().catch((error: unknown) => {
    globals.planshipGateway = undefined; // the next request tries again
    throw error;
  });
  return globals.planshipGateway;
}
