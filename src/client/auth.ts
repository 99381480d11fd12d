// Access tokens: one cached token per client, refreshed shortly before `expires_in` runs out,
// with every concurrent caller sharing one getter call or exchange (single flight). State lives
// in a closure so neither the token nor the secret shows up when a client object is logged.
import { PlanshipAuthError } from './errors.ts';

/** A token with its lifetime in seconds, when the source knows it (e.g. a backend's `expires_in`). */
export interface AccessToken {
  accessToken: string;
  expiresIn?: number;
}

/**
 * Resolves with a bare Planship access token (the seed's contract) or an `AccessToken`, whose
 * `expiresIn` lets the client refresh shortly before expiry; `forceRefresh` asks for a new one.
 */
export type TokenGetter = (forceRefresh?: boolean) => Promise<string | AccessToken>;

/** What a getter answered, as the token source takes it. */
export function fromGetter(answer: string | AccessToken | undefined): ObtainedToken {
  return typeof answer === 'object' && answer ? { token: answer.accessToken, expiresIn: answer.expiresIn } : { token: answer };
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface ObtainedToken {
  token: unknown;
  /** Seconds the token stays valid, when the source says so. */
  expiresIn?: number;
}

export interface TokenSource {
  /**
   * A usable token. With `force`, a new one, unless `stale` (the token a 401 came back for) was
   * already replaced by another caller: then the replacement is returned without a new call.
   */
  token(force?: boolean, stale?: string): Promise<string>;
  /** Adopts a token obtained elsewhere (an explicit `getAccessToken()`). */
  remember(token: string, expiresIn?: number): void;
}

export function isClientCredentials(auth: unknown): auth is ClientCredentials {
  return typeof auth === 'object' && auth !== null && 'clientId' in auth && 'clientSecret' in auth;
}

export function inBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document === 'object';
}

export function basicAuthorization({ clientId, clientSecret }: ClientCredentials): string {
  return 'Basic ' + btoa(`${clientId}:${clientSecret}`);
}

/** Refresh this long before expiry: a tenth of the lifetime, at most a minute. */
function expiryTime(expiresIn: number | undefined): number {
  if (typeof expiresIn !== 'number' || !(expiresIn > 0)) return Infinity;
  const lifetime = expiresIn * 1000;
  return Date.now() + lifetime - Math.min(60_000, lifetime / 10);
}

export function tokenSource(obtain: (force: boolean) => Promise<ObtainedToken>, timeoutMs: number): TokenSource {
  let current: string | undefined;
  let expiresAt = Infinity;
  let pending: Promise<string> | undefined;

  const remember = (token: string, expiresIn?: number) => {
    current = token;
    expiresAt = expiryTime(expiresIn);
  };

  const fetchToken = (force: boolean) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PlanshipAuthError('Token source timed out')),
        timeoutMs,
      );
      Promise.resolve()
        .then(() => obtain(force))
        .then(({ token, expiresIn }) => {
          if (typeof token !== 'string' || !token) {
            throw new PlanshipAuthError('No access token');
          }
          remember(token, expiresIn);
          resolve(token);
        })
        .catch((error: unknown) => {
          const status = (error as { status?: number })?.status;
          reject(
            error instanceof PlanshipAuthError
              ? error
              : new PlanshipAuthError('No access token', { cause: error, status }),
          );
        })
        .finally(() => clearTimeout(timer));
    });

  return {
    remember,
    token(force = false, stale) {
      if (pending) return pending;
      if (current && (force ? stale !== undefined && stale !== current : Date.now() < expiresAt)) {
        return Promise.resolve(current);
      }
      pending = fetchToken(force).finally(() => (pending = undefined));
      return pending;
    },
  };
}
