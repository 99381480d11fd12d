// The gateway's side of the Planship API: calls made with the product token, which only the
// gateway holds. The token is exchanged one at a time, kept until shortly before `expires_in`,
// refreshed once and the call retried on a 401. Nothing of the page's request (cookies,
// Authorization) is ever sent here, and nothing of the answer but status and JSON goes back.
import { GatewayError } from './errors.ts';

export interface UpstreamOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  timeoutMs: number;
}

export interface UpstreamAnswer<T = unknown> {
  status: number;
  body: T;
}

/** Refresh this long before expiry: a tenth of the lifetime, at most a minute. */
const refreshMargin = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 10);

export class Upstream {
  readonly #options: UpstreamOptions;
  readonly #basic: string;
  #token?: string;
  #expiresAt = 0;
  #pending?: Promise<string>;

  /** Planship's API, for log lines that say which Planship answered. */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.#basic = 'Basic ' + Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
  }

  /** The product token; `force` replaces `stale` (unless another caller already did). */
  token(force = false, stale?: string): Promise<string> {
    if (this.#pending) return this.#pending;
    if (this.#token && (force ? stale !== undefined && stale !== this.#token : Date.now() < this.#expiresAt)) return Promise.resolve(this.#token);
    this.#pending = this.#exchange().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #exchange(): Promise<string> {
    const answer = await this.#send('POST', '/api/v1/auth/token', this.#basic);
    const body = answer.body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (answer.status === 401 || answer.status === 403) throw GatewayError.credentials(`the token exchange answered ${answer.status}`);
    if (answer.status !== 200 || typeof body?.access_token !== 'string') throw GatewayError.unavailable(`POST ${this.#options.baseUrl}/api/v1/auth/token answered ${answer.status}`);
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 3_600_000;
    this.#token = body.access_token;
    this.#expiresAt = Date.now() + lifetime - refreshMargin(lifetime);
    return body.access_token;
  }

  /**
   * A call with the product token. 2xx and client errors (404, 409, 422...) come back as they
   * are; a 401 is retried once with a fresh token; a 401/403 after that means the gateway's own
   * credentials are wrong (GatewayError 502), a 5xx or no answer that Planship is unavailable.
   */
  async call<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>, held?: AbortSignal): Promise<UpstreamAnswer<T>> {
    // A write made under a write lock that was lost meanwhile must not happen at all.
    held?.throwIfAborted();
    let token = await this.token();
    let answer = await this.#send(method, path, `Bearer ${token}`, body, headers);
    if (answer.status === 401) {
      token = await this.token(true, token);
      held?.throwIfAborted();
      answer = await this.#send(method, path, `Bearer ${token}`, body, headers);
    }
    if (answer.status === 401 || answer.status === 403) throw GatewayError.credentials(`${method} ${path} answered ${answer.status}`);
    if (answer.status >= 500) throw GatewayError.unavailable(`${method} ${this.#options.baseUrl}${path} answered ${answer.status}`);
    return answer as UpstreamAnswer<T>;
  }

  /** Like `call`, but anything other than 200 is an error: for lookups the gateway needs to go on. */
  async read<T>(path: string): Promise<T> {
    const answer = await this.call<T>('GET', path);
    if (answer.status !== 200) throw GatewayError.unavailable(`GET ${this.#options.baseUrl}${path} answered ${answer.status}`, undefined, answer.status);
    return answer.body;
  }

  async #send(method: string, path: string, authorization: string, body?: unknown, extra?: Record<string, string>): Promise<UpstreamAnswer> {
    const headers: Record<string, string> = { ...extra, accept: 'application/json', authorization };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.#options.fetch(this.#options.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
    } catch (cause) {
      throw GatewayError.unavailable(`${method} ${this.#options.baseUrl}${path} failed`, cause);
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw GatewayError.unavailable(`${method} ${this.#options.baseUrl}${path} answered ${response.status} with no JSON`);
    }
    return { status: response.status, body: parsed };
  }
}
