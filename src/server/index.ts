// startServer(): the local Planship-compatible API (node:http + ws), state in memory, seeded
// from a catalog and, with `dataFile`, kept across restarts. See docs/CONTRACTS.md (Server) for
// the options and the test hooks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Auth, PLANSHIP_SCOPES } from './auth.ts';
import { loadCatalog } from './catalog.ts';
import { Clock } from './clock.ts';
import { gateCustomerRequest } from './customer-gate.ts';
import { refusalAsHttpError } from './errors.ts';
import { createRequestHandler, endWithError, type RequestRecord } from './http.ts';
import { IdempotencyCache } from './idempotency.ts';
import { nextUtcMidnight } from './periods.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import type { Services } from './routes/common.ts';
import { customerAdminRoutes } from './routes/customer-admin.ts';
import { customerRoutes } from './routes/customers.ts';
import { DataFileWriter, loadDataFile } from './data-file.ts';
import { emulatorRoutes } from './routes/emulator.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { usageRoutes } from './routes/usage.ts';
import { serializeState } from './snapshot.ts';
import { asHosted } from './hosted-wire.ts';
import { Store } from './store.ts';
import { loadWs } from './load-ws.ts';
import { WsHub } from './ws-hub.ts';

export { CatalogError, CatalogFileError } from './catalog.ts';
export { DataFileError } from './data-file.ts';

/**
 * `extended` (default): Planship's routes plus customer-scoped tokens and customer management.
 * `hosted`: only the routes hosted Planship has (no customer tokens, no customer management,
 * Planship's scopes only) answering only the fields of its models, to prove that something (the
 * gateway) needs nothing Planship lacks.
 */
export type ServerProfile = 'extended' | 'hosted';

export interface StartServerOptions {
  profile?: ServerProfile;
  port?: number;
  host?: string;
  /** A catalog object or the path of a catalog JSON file; default: the demo catalog. */
  catalog?: object | string;
  /**
   * A JSON file that keeps the state (customers, subscriptions, usage, idempotent answers, the
   * clock) across restarts: read at start (created when missing), rewritten atomically after
   * every change, flushed by close(). Without it the state lives in memory only.
   */
  dataFile?: string;
  tokenTtlSeconds?: number;
  heartbeatMs?: number;
  /** A request's headers must arrive within this (default 10 000 ms), else 408 and close. */
  headersTimeoutMs?: number;
  /** A whole request (headers and body) must arrive within this (default 30 000 ms). */
  requestTimeoutMs?: number;
  /** '*' (default) or the allowed origins (an array or a comma-separated string). */
  corsOrigins?: '*' | string | string[];
  /** Where unexpected errors are logged (never with tokens); default console.error. */
  log?: (message: string) => void;
  /** Test hook: sees every routed API request (method, path, query, parsed body; never headers). */
  onRequest?: (record: RequestRecord) => void;
}

export type { RequestRecord } from './http.ts';

/** A startServer option with a value it cannot use (the CLI prints the message). */
export class ServerOptionsError extends Error {
  override name = 'ServerOptionsError';
}

function positiveNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ServerOptionsError(`${name} must be a positive finite number, got ${String(value)}`);
  }
  return value;
}

export interface RunningServer {
  /** Like http://127.0.0.1:8787 (no trailing slash). */
  url: string;
  /** Like ws://127.0.0.1:8787. */
  wsUrl: string;
  port: number;
  /** Terminates sockets and connections; resolves once fully closed. */
  close(): Promise<void>;
}

/** Renew dates change with every PATCH, so the timer also looks again at least once a minute. */
const MAX_TIMER_MS = 60_000;

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const tokenTtlSeconds = positiveNumber('tokenTtlSeconds', options.tokenTtlSeconds, 3600);
  const heartbeatMs = positiveNumber('heartbeatMs', options.heartbeatMs, 30_000);
  const profile = options.profile ?? 'extended';
  if (profile !== 'extended' && profile !== 'hosted') throw new ServerOptionsError(`profile must be "extended" or "hosted", got ${String(profile)}`);
  const extended = profile === 'extended';
  const headersTimeout = positiveNumber('headersTimeoutMs', options.headersTimeoutMs, 10_000);
  const requestTimeout = positiveNumber('requestTimeoutMs', options.requestTimeoutMs, 30_000);
  if (requestTimeout < headersTimeout) throw new ServerOptionsError('requestTimeoutMs must not be below headersTimeoutMs');
  if (options.dataFile !== undefined && (typeof options.dataFile !== 'string' || options.dataFile.trim() === '')) {
    throw new ServerOptionsError(`dataFile must be the path of a file, got ${JSON.stringify(options.dataFile)}`);
  }
  const dataFile = options.dataFile === undefined ? undefined : resolve(options.dataFile);
  const catalog = loadCatalog(options.catalog);
  const corsOrigins = normaliseOrigins(options.corsOrigins ?? '*');
  const log = options.log ?? ((message: string) => console.error(message));
  const { WebSocketServer } = await loadWs();

  const clock = new Clock();
  const store = new Store(catalog, clock);
  const auth = new Auth(catalog, clock, tokenTtlSeconds, (id) => store.isLiveCustomer(id), extended ? undefined : PLANSHIP_SCOPES);
  const hub = new WsHub({ store, auth, clock, heartbeatMs, corsOrigins, WebSocketServer });
  store.listener = hub;
  const idempotency = new IdempotencyCache(() => clock.now());
  const state = { store, idempotency, clock };
  if (dataFile) await loadDataFile(dataFile, state);
  const writer = dataFile ? new DataFileWriter(dataFile, () => serializeState(state), log) : undefined;

  // Time-driven work (renewals, period resets) runs at the next boundary (checked at least every
  // minute) and whenever the clock moves.
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    const now = clock.now();
    const next = Math.min(nextUtcMidnight(now), store.nextRenewalAt() ?? Number.POSITIVE_INFINITY);
    timer = setTimeout(tick, Math.min(Math.max(next - now + 1, 0), MAX_TIMER_MS));
    timer.unref();
  };
  const tick = () => {
    if (store.processRenewals()) writer?.changed();
    hub.refreshChanged();
    schedule();
  };

  const services: Services = { store, auth, clock, hub, idempotency, tokenTtlSeconds, tick, extended };
  const handler = createRequestHandler({
    routes: [
      ...authRoutes(services, { customerTokens: extended }),
      ...catalogRoutes(services),
      ...(extended ? customerAdminRoutes(services) : []),
      ...customerRoutes(services),
      ...subscriptionRoutes(services),
      ...usageRoutes(services),
      ...emulatorRoutes(services),
    ].map((route) => (extended ? route : asHosted(route))),
    auth,
    idempotency,
    corsOrigins,
    log,
    onRequest: options.onRequest,
    afterChange: writer && (() => writer.changed()),
    authorize: ({ method, segments, context }) =>
      context.principal.kind === 'customer'
        ? refusalAsHttpError(() => gateCustomerRequest(store, (context.principal as { customerId: string }).customerId, { method, segments, body: context.body }))
        : context.body,
  });

  // Idle and half-open requests are shed: slow headers or bodies time out (408) and idle
  // keep-alive connections close; Node checks those timeouts every second, not every 30 s.
  const server = createServer(
    { headersTimeout, requestTimeout, keepAliveTimeout: 5_000, connectionsCheckingInterval: Math.min(1_000, headersTimeout / 2) },
    handler,
  );
  server.on('upgrade', (request, socket, head) => hub.handleUpgrade(request, socket, head));
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Unparseable or too slow requests still get a FastAPI-shaped answer.
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') endWithError(socket, 408, 'Request Timeout');
    else endWithError(socket, 400, 'Bad Request');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Renewals that fell due while a data file's server was down happen before it answers.
  tick();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    wsUrl: `ws://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= (async () => {
        clearTimeout(timer);
        await hub.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        // Nothing changes any more: the last state is written before close() resolves.
        await writer?.flush();
      })();
      return closing;
    },
  };
}

function normaliseOrigins(origins: '*' | string | string[]): '*' | string[] {
  if (Array.isArray(origins)) return origins.includes('*') ? '*' : origins;
  if (origins.trim() === '*') return '*';
  return origins.split(',').map((origin) => origin.trim()).filter(Boolean);
}
