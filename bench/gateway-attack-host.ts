// A host backend for bench/gateway-attacks.ts in a process of its own (its memory measured alone):
// `<root>/src/server` in the hosted profile and `<root>/src/gateway` mounted on node:http at
// /planship, sessions as a cookie the driver hands out over IPC. Messages (answers carry their id):
// {signIn: user} -> {session}; {endSession, signOut?} (the session store forgets it, then
// `gateway.signOut` when the tree has one, unless signOut is false); {identifyDelayMs};
// {identifyThrows}; {memory} (after a full GC); {counts} (customers created upstream, log lines);
// {close}. Options for both trees are passed: each ignores the other's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostedPlanOptions, PRODUCT_CLIENT, testCatalog } from '../test/fixtures/test-catalog.ts';

const root = process.argv[2];
const { startServer } = await import(`${root}/src/server/index.ts`);
const { createPlanshipGateway } = await import(`${root}/src/gateway/index.ts`);

let customersCreated = 0;
const api = await startServer({
  profile: 'hosted',
  catalog: testCatalog(),
  onRequest: (record: { method: string; path: string }) => record.method === 'POST' && record.path === '/api/v1/customers' && (customersCreated += 1),
});
const sessions = new Map<string, { id: string; email?: string; name?: string }>();
const logs: string[] = [];
let identifyDelayMs = 0;
let identifyThrows = false;
const SECRET = 'postgres://app:s3cr3t-password@db.internal/app';

const gateway = createPlanshipGateway({
  productSlug: 'acme-analytics',
  ...PRODUCT_CLIENT,
  baseUrl: api.url,
  // What a host on hosted Planship says of its plans (the hosted profile's list does not).
  ...hostedPlanOptions(),
  log: (line: string) => logs.push(line),
  identify: async (request: Request) => {
    if (identifyThrows) throw new Error(`cannot reach ${SECRET}`);
    if (identifyDelayMs) await new Promise((resolve) => setTimeout(resolve, identifyDelayMs));
    const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
    return (session && sessions.get(session)) || null;
  },
  // The tree before: the host names the invited user. The tree after: an offer, mailed.
  resolveMember: (email: string) => [...sessions.values()].find((user) => user.email === email) ?? null,
  invitations: { acceptUrl: 'https://app.example/billing', send: () => {} },
});
const server = createServer((request, response) => gateway.nodeHandler(request, response));
server.on('upgrade', (request, socket, head) => {
  if (!gateway.handleUpgrade(request, socket, head)) socket.destroy();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

process.send!({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, api: api.url });
process.on('message', async (message: any) => {
  const reply = (answer: object) => process.send!({ ...answer, id: message.id });
  if (message?.signIn) {
    const session = `s${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    sessions.set(session, message.signIn);
    reply({ session });
  } else if (message?.endSession) {
    const user = sessions.get(message.endSession);
    sessions.delete(message.endSession);
    if (user && message.signOut !== false && typeof gateway.signOut === 'function') gateway.signOut(user.id);
    reply({ ended: true });
  } else if (message?.identifyDelayMs !== undefined) {
    identifyDelayMs = message.identifyDelayMs;
    reply({ set: true });
  } else if (message?.identifyThrows !== undefined) {
    identifyThrows = message.identifyThrows;
    reply({ set: true });
  } else if (message.memory) {
    gc();
    gc();
    reply({ memory: process.memoryUsage() });
  } else if (message.counts) {
    reply({ counts: { customersCreated, logs, secretLogged: logs.some((line) => line.includes('s3cr3t')) } });
  } else if (message.close) {
    await gateway.close();
    server.closeAllConnections();
    server.close();
    await api.close();
    process.exit(0);
  }
});
