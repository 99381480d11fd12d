// What the gateway answers when it refuses or cannot serve a request: a FastAPI-shaped
// `{"detail": ...}` for the page, in words a customer can act on, and (for the host's log) what
// happened upstream. Neither ever carries a token, a secret or a cookie.
import { PolicyRefusal } from '../policy/index.ts';
import { StoreTimeoutError } from './time-limit.ts';
import { WriteLockBusyError, WriteLockLostError } from './write-lock.ts';

const BUSY = 'Another change to your billing is under way. Please try again in a moment.';

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

  /** What Planship answered when that is why (a 404 for a customer it no longer has). */
  upstreamStatus?: number;

  /** More of the page's answer beside `detail` (machine-readable, never secret). */
  fields?: Record<string, unknown>;

  /**
   * The gateway is set up for something Planship does not have (a product slug it does not know):
   * the host's to fix, so the page is told it is not set up (500, `type: "misconfigured"`, which
   * the client and the elements know: no retry) and the log says what to fix.
   */
  static misconfigured(what: string): GatewayError {
    const error = new GatewayError(500, 'The billing portal is not set up correctly.', `planship gateway: ${what}`);
    error.fields = { type: 'misconfigured' };
    return error;
  }

  /** Planship did not answer, answered 5xx, or answered what the gateway cannot go on with. */
  static unavailable(what: string, cause?: unknown, upstreamStatus?: number): GatewayError {
    const error = new GatewayError(502, 'The billing service did not answer. Please try again in a moment.', `planship gateway: ${what}${cause ? ` (${causeOf(cause)})` : ''}`, { cause });
    error.upstreamStatus = upstreamStatus;
    return error;
  }

  static from(error: unknown): GatewayError | undefined {
    if (error instanceof GatewayError) return error;
    if (error instanceof PolicyRefusal) return new GatewayError(error.status, error.detail);
    if (error instanceof WriteLockBusyError) return new GatewayError(503, BUSY);
    if (error instanceof WriteLockLostError || error instanceof StoreTimeoutError) {
      return new GatewayError(503, BUSY, `planship gateway: the write lock's store stopped answering or the lease ran out (${error.name}); nothing more was written`);
    }
    return undefined;
  }
}

export const refuse = (status: number, detail: string) => new GatewayError(status, detail);

/** A network failure in words a host can act on: its type and system code, never a message that could hold a secret. */
function causeOf(cause: unknown): string {
  const inner = (cause as { cause?: unknown })?.cause ?? cause;
  const { name, code } = (inner ?? {}) as { name?: string; code?: string };
  return [code, name].filter((part) => typeof part === 'string' && part).join(' ') || typeof inner;
}
