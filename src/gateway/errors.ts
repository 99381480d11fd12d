// What the gateway answers when it refuses or cannot serve a request: a FastAPI-shaped
// `{"detail": ...}` for the page, in words a customer can act on, and (for the host's log) what
// happened upstream. Neither ever carries a token, a secret or a cookie.
import { PolicyRefusal } from '../policy/index.ts';

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    /** What the page is told. */
    readonly detail: string | unknown[],
    /** What the host's log is told (no secrets), when it should hear about it. */
    readonly logMessage?: string,
    options?: { cause?: unknown },
  ) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`, options);
    this.name = 'GatewayError';
  }

  /** Planship refused the gateway's own credentials: a configuration problem, not the page's. */
  static credentials(what: string): GatewayError {
    return new GatewayError(502, 'The billing service is not available right now. Please try again later.', `planship gateway: Planship refused the product credentials (${what}); check clientId and clientSecret`);
  }

  /** Planship did not answer, or answered 5xx. */
  static unavailable(what: string, cause?: unknown): GatewayError {
    return new GatewayError(502, 'The billing service did not answer. Please try again in a moment.', `planship gateway: ${what}`, { cause });
  }

  static from(error: unknown): GatewayError | undefined {
    if (error instanceof GatewayError) return error;
    if (error instanceof PolicyRefusal) return new GatewayError(error.status, error.detail);
    return undefined;
  }
}

export const refuse = (status: number, detail: string) => new GatewayError(status, detail);
