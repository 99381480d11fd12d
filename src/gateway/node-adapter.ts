// The gateway on Node: `nodeHandler` (node:http, Express/Connect middleware) turns the request
// into a Fetch `Request`, runs the Fetch handler and writes its `Response` back (streamed, with
// backpressure, for Server-Sent Events); `handleUpgrade` takes the live entitlements WebSocket.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { WebSocketServer } from 'ws';
import { jsonDepthIssue } from '../policy/index.ts';
import { GatewayError } from './errors.ts';
import { admit, errorResponse, jsonResponse, stillSignedIn, withinBasePath, type HandlerParts } from './fetch-handler.ts';
import { WebSocketPage } from './page-sinks.ts';
import { checkOrigin, HOST_HEADER } from './request-guard.ts';

type Next = (error?: unknown) => void;
/** Express and Connect keep the full path in `originalUrl` when a middleware is mounted on a path. */
type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

/** Methods node:http hands over but the Fetch `Request` constructor throws on: answered 405 before one is built. */
const UNFETCHABLE_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const methodNotAllowed = () => jsonResponse(405, { detail: 'Method Not Allowed' }, { allow: 'GET, POST, PATCH, DELETE, OPTIONS' });

/**
 * The request's URL, built from the Host header and an origin-form path only, or undefined when
 * the request target is anything else. `new URL(target, base)` would take `//evil.example/...`
 * (a network-path reference) or `http://evil.example/...` (absolute form) as naming another
 * host, and the origin check would then compare an attacker's origin with itself.
 */
export function requestUrl(request: NodeRequest): URL | undefined {
  const target = request.originalUrl ?? request.url ?? '/';
  if (!isOriginForm(target)) return undefined;
  const host = request.headers.host ?? 'localhost';
  if (!HOST_HEADER.test(host)) return undefined;
  const secure = (request.socket as TLSSocket | undefined)?.encrypted === true;
  try {
    return new URL(target, `${secure ? 'https' : 'http'}://${host}`);
  } catch {
    return undefined;
  }
}

/** `/path?query`: one leading slash, no backslash (URL parsers read it as a slash), no control characters. */
export function isOriginForm(target: string): boolean {
  return target.startsWith('/') && !target.startsWith('//') && !/[\\\x00-\x20\x7f]/.test(target);
}

/**
 * Whether a request the gateway cannot place is aimed at it: a bad target that names the base
 * path anywhere is refused (400) rather than passed on to the app's own routes.
 */
export function namesBasePath(request: NodeRequest, basePath: string): boolean {
  const target = request.originalUrl ?? request.url ?? '';
  return target.toLowerCase().replaceAll('\\', '/').includes(basePath.toLowerCase());
}

const badTarget = () => jsonResponse(400, { detail: 'Bad Request' }, { connection: 'close' });

export function fetchHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const one of [value].flat()) headers.append(name, one);
  }
  return headers;
}

/** A Fetch Request for a Node request: its body streamed, or the body a parser (express.json()) already read. */
export function toFetchRequest(request: NodeRequest, url: URL, signal?: AbortSignal): Request {
  const method = request.method ?? 'GET';
  const headers = fetchHeaders(request);
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    if (request.body !== undefined && request.readableEnded) {
      // The stream is drained: forward what the parser made of it. Text or bytes (express.text(),
      // express.raw()) go on as they came, read like a raw body; a parsed value as JSON, bounded
      // like a raw body first (JSON.stringify recurses: a value nested a few thousand levels deep throws RangeError).
      const raw = typeof request.body === 'string' || request.body instanceof Uint8Array ? (request.body as string | Uint8Array<ArrayBuffer>) : undefined;
      const tooDeep = raw === undefined ? jsonDepthIssue(request.body) : undefined;
      if (tooDeep) throw new GatewayError(422, [tooDeep]);
      const body = raw ?? JSON.stringify(request.body);
      init.body = body;
      headers.set('content-length', String(Buffer.byteLength(body)));
      headers.delete('transfer-encoding');
    } else {
      init.body = Readable.toWeb(request) as ReadableStream;
      init.duplex = 'half';
    }
  }
  return new Request(url, init);
}

async function writeResponse(response: Response, out: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  out.writeHead(response.status, headers);
  if (!response.body) return void out.end();
  const reader = response.body.getReader();
  out.on('close', () => void reader.cancel().catch(() => {}));
  // Server-Sent Events stream for as long as the page stays.
  if (headers['content-type']?.startsWith('text/event-stream')) out.flushHeaders();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!out.write(value)) await new Promise((resume) => out.once('drain', resume));
    }
    out.end();
  } catch {
    out.destroy();
  }
}

export function createNodeHandler(parts: HandlerParts, handleRequest: (request: Request, native?: IncomingMessage) => Promise<Response>) {
  /** Whatever went wrong, the host process goes on: a FastAPI-shaped answer (a 500 logged once, no stack), or a dropped connection. */
  const fail = (response: ServerResponse, error: unknown, what: string) => {
    if (response.headersSent) return void response.destroy();
    writeResponse(errorResponse(parts, error, what), response).catch(() => response.destroy());
  };
  return function nodeHandler(request: IncomingMessage, response: ServerResponse, next?: Next): void {
    const url = requestUrl(request as NodeRequest);
    if (!url) {
      if (next && !namesBasePath(request as NodeRequest, parts.basePath)) return next();
      return void writeResponse(badTarget(), response).catch(() => response.destroy());
    }
    if (!withinBasePath(url.pathname, parts.basePath)) {
      if (next) return next();
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
      return;
    }
    const what = `${request.method} ${url.pathname}`;
    const send = (answer: Response) => {
      // Answered before its body arrived (refused, or too slow): the connection ends with the
      // answer, so no one keeps it open by trickling in the rest.
      if (!request.complete) answer.headers.set('connection', 'close');
      return writeResponse(answer, response);
    };
    try {
      // node:http hands methods over as sent, upper case (its parser takes no other).
      if (UNFETCHABLE_METHODS.has(String(request.method))) return void send(methodNotAllowed()).catch(() => response.destroy());
      const aborted = new AbortController();
      response.on('close', () => aborted.abort());
      handleRequest(toFetchRequest(request as NodeRequest, url, aborted.signal), request)
        .then(send)
        .catch((error: unknown) => fail(response, error, what));
    } catch (error) {
      fail(response, error, what);
    }
  };
}

/** A FastAPI-shaped refusal written to a socket that node:http no longer handles (a refused upgrade). */
function refuseUpgrade(socket: Duplex, status: number, detail: unknown): void {
  const body = JSON.stringify({ detail });
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

export function createUpgradeHandler(parts: HandlerParts, server: () => WebSocketServer | undefined) {
  return function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = requestUrl(request);
    if (!url) {
      if (!namesBasePath(request, parts.basePath)) return false;
      socket.on('error', () => socket.destroy());
      refuseUpgrade(socket, 400, 'Bad Request');
      return true;
    }
    if (!withinBasePath(url.pathname, parts.basePath)) return false;
    socket.on('error', () => socket.destroy());
    // Only a GET upgrades to a WebSocket (and TRACE or CONNECT cannot even become a Fetch Request).
    if (request.method !== 'GET') {
      refuseUpgrade(socket, 405, 'Method Not Allowed');
      return true;
    }
    void (async () => {
      try {
        const fetchRequest = toFetchRequest(request, url);
        // Cookies ride along on a socket too: only the page's own origin (or an allowed one) may open it.
        checkOrigin(fetchRequest, parts.allowedOrigins);
        const admitted = await admit(parts, fetchRequest, request, url.pathname);
        if (admitted.match.action !== 'entitlements.live') return refuseUpgrade(socket, 404, 'Not Found');
        // Live entitlements are a customer's: never a visitor's (admit lets visitors read the catalog only).
        if (!admitted.user) return refuseUpgrade(socket, 401, 'Sign in to see your billing.');
        const { user, caller } = admitted;
        const wss = server();
        if (!wss) {
          parts.log('planship gateway: WebSocket upgrades need the `ws` package (npm install ws)');
          return refuseUpgrade(socket, 501, 'Live updates over WebSocket are not available here.');
        }
        parts.relay.reserve();
        wss.handleUpgrade(request, socket, head, (websocket) => {
          const detach = parts.relay.attach(caller, user.id, new WebSocketPage(websocket), () => stillSignedIn(parts, fetchRequest, request, user.id));
          websocket.on('close', detach);
          websocket.on('error', () => websocket.terminate());
        });
      } catch (error) {
        const answer = errorResponse(parts, error, `upgrade ${url.pathname}`);
        refuseUpgrade(socket, answer.status, (await answer.json()).detail);
      }
    })().catch(() => socket.destroy());
    return true;
  };
}
