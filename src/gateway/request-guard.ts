// What a request must look like before the gateway even asks who sent it: writes come from the
// page's own origin (or an allowed one) as JSON, bodies are bounded, and CORS headers go only to
// the origins the host listed. Cookies make the gateway a CSRF target; this is the guard.
import { jsonTextDepthIssue } from '../policy/index.ts';
import { GatewayError } from './errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A Host header as browsers send it: a host name or address, and an optional port. */
export const HOST_HEADER = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The origin the request was sent to: scheme, host and port. The host is the Host header, which
 * the browser sets to the server it connected to, rather than the request's URL, which a
 * framework may have built from a request target that names another host (`http://evil.example/...`).
 * Behind a TLS-terminating proxy the scheme comes from `X-Forwarded-Proto` (no page can set that
 * header: a cross-site request with it needs a preflight the gateway never grants, and a
 * WebSocket handshake carries no custom headers).
 */
export function requestOrigin(request: Request): string | undefined {
  try {
    const url = new URL(request.url);
    const header = request.headers.get('host');
    const host = header !== null && HOST_HEADER.test(header) ? header : url.host;
    const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0].trim().toLowerCase();
    const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : url.protocol.slice(0, -1);
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * The page that sent the request is the gateway's own origin, an allowed one, or not a browser.
 * Reads are checked too: cookies ride along on a cross-site GET, a socket and a stream, and a
 * foreign page must not start work for the signed-in user, read their billing or evict their tab.
 */
export function checkOrigin(request: Request, allowedOrigins: readonly string[]): void {
  // Computed by the browser, not forgeable by a page: same-origin is the common case.
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin') return;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (allowedOrigins.includes(origin) || origin === requestOrigin(request)) return;
    throw new GatewayError(403, 'Cross-site request refused.');
  }
  // No Origin: a non-browser client (no ambient cookies to abuse), unless the browser says cross-site.
  if (site === 'cross-site' || site === 'same-site') throw new GatewayError(403, 'Cross-site request refused.');
}

/** A write with a body sends it as JSON (no form or text/plain CSRF, which needs no preflight). */
export function checkWriteType(request: Request): void {
  if (READS.has(request.method)) return;
  const length = request.headers.get('content-length');
  const hasBody = (length !== null && length !== '0') || request.headers.has('transfer-encoding');
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (hasBody && !/^application\/json\s*(;|$)/.test(type)) {
    throw new GatewayError(415, 'Send the request body as JSON (Content-Type: application/json).');
  }
}

/** CORS headers for an allowed cross-origin page (none for same-origin pages or unknown origins). */
export function corsHeaders(request: Request, allowedOrigins: readonly string[]): Record<string, string> {
  const origin = request.headers.get('origin');
  if (origin === null || !allowedOrigins.includes(origin)) return allowedOrigins.length ? { vary: 'Origin' } : {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'Idempotent-Replayed, Retry-After, Planship-Portal-Features',
    vary: 'Origin',
  };
}

export function preflightHeaders(request: Request, allowedOrigins: readonly string[]): Record<string, string> {
  const cors = corsHeaders(request, allowedOrigins);
  if (!cors['access-control-allow-origin']) return cors;
  return {
    ...cors,
    'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
    'access-control-allow-headers': 'Content-Type, Idempotency-Key',
    'access-control-max-age': '600',
  };
}

/**
 * The JSON body, at most MAX_BODY_BYTES counted while it streams in, and whole within `timeoutMs`
 * (a body that trickles in would hold the connection and its buffers); undefined when empty.
 * Read only once the request was admitted: nobody unknown makes the gateway buffer anything.
 */
export async function readJsonBody(request: Request, timeoutMs: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GatewayError(408, 'The request body took too long to arrive. Please try again.')), timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) throw tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  // Nesting is bounded before parsing, as on the server: a deep value would break every later read.
  const tooDeep = jsonTextDepthIssue(text);
  if (tooDeep) throw new GatewayError(422, [tooDeep]);
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(400, 'Malformed JSON in the request body');
  }
}

const tooLarge = () => new GatewayError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
