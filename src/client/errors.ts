// Typed errors. Messages are built from the method, path, status and the server's `detail` only,
// so a token or secret can never end up in an error, a log line or a UI.

export type PlanshipErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'bad_request'
  /** The change costs more: pay at `checkoutUrl` (the portal gateway's 402), or it cannot be bought here. */
  | 'payment_required'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'auth'
  /** The operation needs the planship-portal server (hosted Planship has no route for it). */
  | 'unsupported'
  /** The portal gateway is not set up for this product (its answer says `type: "misconfigured"`): the site's to fix, a retry does not help. */
  | 'misconfigured';

export interface PlanshipErrorInit {
  status?: number;
  detail?: unknown;
  method?: string;
  path?: string;
  cause?: unknown;
  /** With `payment_required`: the host's checkout page for the change. */
  checkoutUrl?: string;
}

const KIND_BY_STATUS: Record<number, PlanshipErrorKind> = {
  400: 'validation',
  401: 'unauthorized',
  402: 'payment_required',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'validation',
  429: 'rate_limited',
};

export function kindForStatus(status: number): PlanshipErrorKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? 'server' : 'bad_request');
}

/** The server's `detail` as one line: a string, or the `msg`s of a FastAPI 422 list. */
export function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const messages = detail.map((item) => item?.msg).filter((msg) => typeof msg === 'string');
    if (messages.length) return messages.join('; ');
  }
  return undefined;
}

export class PlanshipApiError extends Error {
  declare readonly kind: PlanshipErrorKind;
  /** HTTP status, absent for network, timeout and abort errors. */
  declare readonly status?: number;
  /** The server's `detail` (a string, or FastAPI's list of `{loc, msg, type}`). */
  declare readonly detail?: unknown;
  declare readonly method?: string;
  declare readonly path?: string;
  /** With `payment_required`: where to pay for the change (the host's checkout), when there is one. */
  declare readonly checkoutUrl?: string;

  constructor(kind: PlanshipErrorKind, message: string, init: PlanshipErrorInit = {}) {
    super(message, init);
    // status, detail, method and path as given (and `cause`, which Error already set).
    Object.assign(this, init, { name: 'PlanshipApiError', kind });
  }
}

/** The token getter or the client-credentials exchange failed: no request was sent. */
export class PlanshipAuthError extends PlanshipApiError {
  constructor(message: string, init: PlanshipErrorInit = {}) {
    super('auth', message, init);
    this.name = 'PlanshipAuthError';
  }
}

export function abortError(method: string, path: string): PlanshipApiError {
  return new PlanshipApiError('aborted', `${method} ${path} aborted`, { method, path });
}

/** Rejects with an `aborted` error as soon as `signal` fires; otherwise settles like `promise`. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, method: string, path: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(method, path));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(method, path));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
