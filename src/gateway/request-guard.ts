// What a request must look like before the gateway even asks who sent it: writes come from the
// page's own origin (or an allowed one) as JSON, bodies are bounded, and CORS headers go only to
// the origins the host listed. Cookies make the gateway a CSRF target; this is the guard.
import { jsonTextDepthIssue } from '../policy/index.ts';
import { GatewayError } from './errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The page that sent the request is the gateway's own origin, an allowed one, or not a browser. */
export function checkOrigin(request: Request, allowedOrigins: readonly string[]): void {
  // Computed by the browser, not forgeable by a page: same-origin is the common case.
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin') return;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (allowedOrigins.includes(origin) || sameHost(origin, request.url)) return;
    throw new GatewayError(403, 'Cross-site request refused.');
  }
  // No Origin: a non-browser client (no ambient cookies to abuse), unless the browser says cross-site.
  if (site === 'cross-site' || site === 'same-site') throw new GatewayError(403, 'Cross-site request refused.');
}

function sameHost(origin: string, url: string): boolean {
  try {
    // The scheme may differ behind a TLS-terminating proxy; the host may not.
    return new URL(origin).host === new URL(url).host;
  } catch {
    return false;
  }
}

/** Writes must come from the page's origin and, with a body, as JSON (no form or text/plain CSRF). */
export function checkWrite(request: Request, allowedOrigins: readonly string[]): void {
  if (READS.has(request.method)) return;
  checkOrigin(request, allowedOrigins);
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

/** The JSON body, at most MAX_BODY_BYTES; undefined when empty. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
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
