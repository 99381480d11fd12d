// One HTTP call to the API: bearer token, JSON, a timeout, the caller's abort signal, one token
// refresh on a 401, bounded retries of idempotent calls, and typed errors.
import type { TokenSource } from './auth.ts';
import { PlanshipApiError, abortError, detailText, kindForStatus, raceAbort, type PlanshipErrorInit, type PlanshipErrorKind } from './errors.ts';

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Already encoded (build it with `path`), query included. */
  path: string;
  body?: unknown;
  signal?: AbortSignal;
  /** A fixed Authorization header (the Basic token exchange) instead of a bearer token. */
  authorization?: string;
  /** For non-JSON answers (CSV): `send` resolves with the 2xx Response, its body unread. */
  raw?: boolean;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const MAX_RETRIES = 2;
const RETRIED_STATUSES = [502, 503, 504];

/** Encodes each interpolated value as one path segment. */
export function path(strings: TemplateStringsArray, ...segments: string[]): string {
  return strings.reduce((out, text, i) => out + encodeURIComponent(segments[i - 1]) + text);
}

function idempotencyKey(): string {
  // randomUUID needs a secure context; plain-http pages get a random enough fallback.
  return globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2) + Date.now();
}

/** Waits before retry `retry` (0-based): 150 ms doubling each time, jittered down to half. */
export function backoffMs(retry: number): number {
  return 150 * 2 ** retry * (0.5 + Math.random() / 2);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class Http {
  /** Where bearer tokens come from; none in gateway mode (the page's own session authenticates). */
  tokens?: TokenSource;
  /** No token and no cookies: a public route read by a visitor (Planship's public catalog). */
  anonymous = false;
  /** What the portal gateway offers beyond Planship's routes (its `Planship-Portal-Features` header). */
  readonly features = new Set<string>();

  readonly #baseUrl: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, fetchImpl: FetchLike, timeoutMs: number) {
    this.#baseUrl = baseUrl;
    this.#fetch = fetchImpl;
    this.#timeoutMs = timeoutMs;
  }

  async send({ method, path, body, signal, authorization, raw }: Call): Promise<unknown> {
    const url = this.#baseUrl + path;
    // Reused across the retries of this one call, so the server applies it once.
    const key = method === 'POST' && !authorization ? idempotencyKey() : undefined;
    const retriable = method === 'GET' || !!authorization || !!key;
    const error = (kind: PlanshipErrorKind, message: string, init?: PlanshipErrorInit) =>
      new PlanshipApiError(kind, `${method} ${path} ${message}`, { method, path, ...init });
    const retry = (retries: number) => raceAbort(new Promise((wake) => setTimeout(wake, backoffMs(retries))), signal, method, path);
    let retries = 0;
    let reauthorized = false;

    for (;;) {
      if (signal?.aborted) throw abortError(method, path);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (key) headers['idempotency-key'] = key;
      const token = authorization || !this.tokens ? undefined : await raceAbort(this.tokens.token(), signal, method, path);
      const credential = authorization ?? (token && `Bearer ${token}`);
      if (credential) headers.authorization = credential;

      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
      const forwardAbort = () => controller.abort();
      signal?.addEventListener('abort', forwardAbort);
      let status: number;
      let text: string;
      let keepListening = false;
      try {
        const response = await this.#fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
          // Gateway mode (no token source): the host's session cookie is the credential (also for an allowed other origin).
          ...(this.tokens ? {} : { credentials: this.anonymous ? ('omit' as const) : ('include' as const) }),
        });
        status = response.status;
        for (const feature of response.headers?.get('planship-portal-features')?.split(',') ?? []) this.features.add(feature.trim());
        if (raw && status >= 200 && status < 300) {
          // The body streams after we return: the timeout no longer applies, the caller's signal does.
          keepListening = true;
          return response;
        }
        text = await response.text();
      } catch (cause) {
        if (signal?.aborted) throw abortError(method, path);
        if (timedOut) throw error('timeout', 'timed out');
        if (retriable && retries < MAX_RETRIES) {
          await retry(retries++);
          continue;
        }
        throw error('network', 'could not reach the server', { cause });
      } finally {
        clearTimeout(timer);
        if (!keepListening) signal?.removeEventListener('abort', forwardAbort);
      }

      if (status >= 200 && status < 300) {
        if (!text) return undefined;
        const parsed = parse(text);
        if (typeof parsed === 'string') throw error('server', 'answered non-JSON', { status });
        return parsed;
      }
      if (status === 401 && token && !reauthorized) {
        reauthorized = true;
        await raceAbort(this.tokens!.token(true, token), signal, method, path);
        continue;
      }
      if (retriable && RETRIED_STATUSES.includes(status) && retries < MAX_RETRIES) {
        await retry(retries++);
        continue;
      }
      const answer = parse(text) as { detail?: unknown; checkout_url?: unknown; type?: unknown } | undefined;
      const detail = answer?.detail;
      const summary = detailText(detail);
      // A change that needs payment (the portal gateway's 402): where the host takes it, when it is a web page.
      const checkoutUrl = status === 402 && typeof answer?.checkout_url === 'string' && /^https?:\/\//i.test(answer.checkout_url) ? answer.checkout_url : undefined;
      // The portal gateway set up for a product Planship does not have: no retry helps.
      const kind = status >= 500 && answer?.type === 'misconfigured' ? 'misconfigured' : kindForStatus(status);
      throw error(kind, `failed with ${status}${summary ? `: ${summary}` : ''}`, { status, detail, ...(checkoutUrl && { checkoutUrl }) });
    }
  }
}
