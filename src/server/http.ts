// HTTP plumbing: routing, body reading (1 MiB limit), JSON (nested at most 32 deep) and form
// parsing, CORS, idempotent POSTs and FastAPI-shaped errors. An unexpected exception is logged
// (method and path only, never headers or tokens) and answered with 500
// {"detail": "Internal Server Error"}; a client that hung up mid-upload is one short line.
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { principalKey, type Auth, type Principal } from './auth.ts';
import { jsonTextDepthIssue, pathSegments } from '../policy/index.ts';
import { badRequest, HttpError, invalid, invalidField } from './errors.ts';
import type { IdempotencyCache } from './idempotency.ts';
import { parseRequestTarget } from './request-target.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export interface Context {
  method: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON (or form fields as an object); undefined for an empty body. */
  body: unknown;
  /** Set on routes with `auth: true`. */
  principal: Principal;
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Instead of JSON: a streamed text body (written with backpressure, chunk by chunk). */
  stream?: { contentType: string; headers?: Record<string, string>; chunks: Iterable<string> | AsyncIterable<string> };
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Like `/api/v1/products/:slug/plans`. */
  path: string;
  /** false: no credentials needed (health, public plans, token endpoints check their own). */
  auth: boolean;
  /** The answer holds a credential: an idempotent replay of it stays in memory, never in the data file. */
  credentialAnswer?: boolean;
  /** Changes nothing a data file keeps (it mints a token or drops sockets): no write follows. */
  dataUnchanged?: boolean;
  handler: (context: Context) => Reply | Promise<Reply>;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export interface HttpOptions {
  routes: Route[];
  auth: Auth;
  idempotency: IdempotencyCache;
  corsOrigins: '*' | string[];
  log: (message: string) => void;
  /** Sees every routed API request once its body is parsed (never its headers, so no tokens). */
  onRequest?: (record: RequestRecord) => void;
  /**
   * Runs right before a handler, in the same synchronous step: may refuse (throw) or hand the
   * handler another body. The customer policy for customer tokens.
   */
  authorize?: (request: { method: string; segments: readonly string[]; context: Context }) => unknown;
  /**
   * A request that may have changed state has been handled: any method but GET, HEAD and OPTIONS
   * whose answer is not a 4xx (a refusal changes nothing), on a route not marked `dataUnchanged`.
   * The data file's cue to write.
   */
  afterChange?: () => void;
}

export interface RequestRecord {
  method: string;
  /** The path as sent (percent-encoded), without the query. */
  path: string;
  /** Each query parameter; a repeated one as an array, in order. */
  query: Record<string, string | string[]>;
  /** The parsed body (undefined when empty). */
  body: unknown;
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const EXPOSED_HEADERS = 'Idempotent-Replayed, Retry-After, WWW-Authenticate';

export function createRequestHandler(options: HttpOptions) {
  const routes: CompiledRoute[] = options.routes.map((route) => ({ ...route, segments: split(route.path) }));
  /** Requests to `dataUnchanged` routes. */
  const unchanging = new WeakSet<IncomingMessage>();

  function corsHeaders(request: IncomingMessage): Record<string, string> {
    if (options.corsOrigins === '*') return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS };
    const origin = request.headers.origin;
    if (origin && options.corsOrigins.includes(origin)) {
      return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': EXPOSED_HEADERS };
    }
    return { vary: 'Origin' };
  }

  function send(request: IncomingMessage, response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    sendJson(request, response, status, body === undefined ? '' : JSON.stringify(body), headers);
  }

  function sendJson(request: IncomingMessage, response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
    if (response.headersSent) return;
    response.writeHead(status, {
      ...corsHeaders(request),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      ...headers,
    });
    response.end(text);
  }

  function match(method: string, path: string[]): { route?: CompiledRoute; params: Record<string, string>; pathKnown: boolean } {
    let pathKnown = false;
    for (const route of routes) {
      if (route.segments.length !== path.length) continue;
      const params: Record<string, string> = {};
      const fits = route.segments.every((segment, index) => {
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = path[index];
          return path[index].length > 0;
        }
        return segment === path[index];
      });
      if (!fits) continue;
      pathKnown = true;
      if (route.method === method) return { route, params, pathKnown };
    }
    return { params: {}, pathKnown };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = parseRequestTarget(request.url);
    if (!url) {
      request.resume();
      return send(request, response, 404, { detail: 'Not Found' });
    }
    if (method === 'OPTIONS') {
      request.resume();
      response.writeHead(204, {
        ...corsHeaders(request),
        'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    const path = pathSegments(url.pathname);
    const { route, params, pathKnown } = path ? match(method, path) : { params: {}, pathKnown: false };
    if (!route) {
      request.resume();
      if (pathKnown) return send(request, response, 405, { detail: 'Method Not Allowed' });
      return send(request, response, 404, { detail: 'Not Found' });
    }
    if (route.dataUnchanged) unchanging.add(request);

    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return tooLarge(request, response);
    const raw = await readBody(request);
    if (raw === undefined) return tooLarge(request, response);

    // Parsed before authenticating so the request hook sees it, but a 401 still wins over a 400.
    let body: unknown;
    let malformed: unknown;
    try {
      body = parseBody(request, raw);
    } catch (error) {
      malformed = error;
    }
    options.onRequest?.({ method, path: url.pathname, query: queryRecord(url.query), body: withoutSecrets(body) });
    const principal = route.auth ? options.auth.authenticate(request.headers.authorization) : (undefined as unknown as Principal);
    if (malformed) throw malformed;
    const context: Context = { method, params, query: url.query, headers: request.headers, body, principal };
    const runHandler = () => {
      if (route.auth && options.authorize) context.body = options.authorize({ method, segments: path!, context });
      return route.handler(context);
    };

    const idempotencyKey = request.headers['idempotency-key'];
    if (method === 'POST' && route.auth && typeof idempotencyKey === 'string' && idempotencyKey !== '') {
      if (idempotencyKey.length > 255) throw invalidField(['header', 'idempotency-key'], 'String should have at most 255 characters', 'string_too_long');
      const caller = principalKey(principal);
      const key = `${caller}\u0000POST\u0000${url.pathname}\u0000${idempotencyKey}`;
      const { reply, replayed } = await options.idempotency.run(
        caller,
        key,
        raw,
        async () => {
          const result = await runHandler();
          return { status: result.status ?? 200, text: JSON.stringify(result.body) };
        },
        { durable: !route.credentialAnswer },
      );
      return sendJson(request, response, reply.status, reply.text, replayed ? { 'idempotent-replayed': 'true' } : {});
    }
    const reply = await runHandler();
    if (reply.stream) return stream(request, response, reply.status ?? 200, reply.stream);
    send(request, response, reply.status ?? 200, reply.body);
  }

  async function stream(request: IncomingMessage, response: ServerResponse, status: number, body: NonNullable<Reply['stream']>) {
    response.writeHead(status, {
      ...corsHeaders(request),
      'content-type': body.contentType,
      'cache-control': 'no-store',
      ...body.headers,
    });
    // A client that goes away mid-stream just ends it; the headers are sent, so no error answer.
    await pipeline(Readable.from(body.chunks), response).catch(() => response.destroy());
  }

  function tooLarge(request: IncomingMessage, response: ServerResponse) {
    // Let the client finish sending (so it can read the answer), then close the connection.
    request.resume();
    send(request, response, 413, { detail: `Request body larger than ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
  }

  const reads = new Set(['GET', 'HEAD', 'OPTIONS']);
  const changed = (request: IncomingMessage, response: ServerResponse) => {
    if (reads.has(request.method ?? 'GET') || unchanging.has(request)) return;
    if (response.statusCode < 400 || response.statusCode >= 500) options.afterChange?.();
  };

  return (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) {
        send(request, response, error.status, { detail: error.detail }, error.headers);
        return;
      }
      const path = (request.url ?? '').split('?')[0];
      if (error instanceof ClientGoneError) {
        // Normal on the internet, and cheap for anyone to cause: one short line, no stack.
        options.log(`planship server: client closed the connection during ${request.method} ${path}`);
        return;
      }
      options.log(`planship server: unexpected error on ${request.method} ${path}: ${(error as Error)?.stack ?? String(error)}`);
      send(request, response, 500, { detail: 'Internal Server Error' });
    }).finally(() => changed(request, response));
  };
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  // fromEntries defines own properties, so a "__proto__" parameter stays a plain key.
  return Object.fromEntries(
    [...new Set(query.keys())].map((key) => {
      const values = query.getAll(key);
      return [key, values.length === 1 ? values[0] : values];
    }),
  );
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** The client hung up before its request body was complete: nobody is left to answer. */
class ClientGoneError extends Error {}

/** The body as text, or undefined when it exceeds the limit. */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    let ended = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      ended = true;
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    const gone = () => !ended && reject(new ClientGoneError());
    request.on('error', gone);
    request.on('close', gone);
  });
}

function parseBody(request: IncomingMessage, raw: string): unknown {
  if (raw.trim() === '') return undefined;
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  // Before parsing: a value nested thousands deep parses, but every later serialisation fails.
  const deep = jsonTextDepthIssue(raw);
  if (deep) throw invalid([deep]);
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('Malformed JSON in the request body');
  }
}

/**
 * A FastAPI-shaped error answer written raw to a socket node:http no longer handles (a refused
 * WebSocket upgrade, an unparseable request), then the connection ends.
 */
export function endWithError(socket: Duplex, status: number, detail: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ detail });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

/** What the onRequest hook may see of a body: a client secret sent in a form never leaves. */
function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || !('client_secret' in body)) return body;
  return { ...body, client_secret: '[redacted]' };
}
