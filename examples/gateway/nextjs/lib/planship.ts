// The app's one gateway, configured from the environment. Route handlers cannot take WebSocket
// upgrades, so pages get live updates as Server-Sent Events (the client falls back by itself).
// Kept on globalThis so that a dev-mode reload of this module does not open a second one.
import type { PlanshipGateway } from '../../../../src/gateway/index.ts';
import { createRecipeGateway } from '../../common.ts';

const globals = globalThis as typeof globalThis & { planshipGateway?: PlanshipGateway };

function fromEnvironment(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export function planshipGateway(): PlanshipGateway {
  globals.planshipGateway ??= createRecipeGateway({
    apiUrl: fromEnvironment('PLANSHIP_API_URL'),
    clientId: fromEnvironment('PLANSHIP_CLIENT_ID'),
    clientSecret: fromEnvironment('PLANSHIP_CLIENT_SECRET'),
    sessionSecret: fromEnvironment('SESSION_SECRET'),
  });
  return globals.planshipGateway;
}
