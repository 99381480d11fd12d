// Credentials: client credentials (HTTP Basic) with optional scopes, product tokens minted from
// them, and customer-scoped tokens that can touch one customer only. Expiry follows the server
// clock. Tokens are opaque random strings kept in memory.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Catalog, CatalogClient } from './catalog.ts';
import type { Clock } from './clock.ts';
import { forbidden, unauthorized } from './errors.ts';
import { newToken } from './ids.ts';

export type Principal =
  | { kind: 'product'; clientId: string; scopes: ReadonlySet<string> | null }
  | { kind: 'customer'; customerId: string };

interface TokenRecord {
  principal: Principal;
  expiresAt: number;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

/** Scopes from Planship's OpenAPI spec, plus customers:read. A write scope implies its read. */
export const SCOPES = [
  'customers:read',
  'customers:write',
  'subscriptions:read',
  'subscriptions:write',
  'entitlements:read',
  'usage:read',
  'usage:write',
] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes hosted Planship knows (its OpenAPI spec, without our customers:read); the `hosted` profile honours only these. */
export const PLANSHIP_SCOPES: readonly Scope[] = SCOPES.filter((scope) => scope !== 'customers:read');

const MAX_TOKENS = 200_000;

export class Auth {
  private readonly clients: Map<string, CatalogClient>;
  /** One principal per client, built once: the catalog's clients never change. */
  private readonly productPrincipals: Map<string, Principal>;
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    catalog: Catalog,
    private readonly clock: Clock,
    private readonly tokenTtlSeconds: number,
    private readonly isLiveCustomer: (id: string) => boolean,
    /** When given, scopes outside it grant nothing (the hosted profile). */
    knownScopes?: readonly string[],
  ) {
    const granted = (scopes: string[]) => new Set(knownScopes ? scopes.filter((scope) => knownScopes.includes(scope)) : scopes);
    this.clients = new Map(catalog.clients.map((client) => [client.clientId, client]));
    this.productPrincipals = new Map(
      catalog.clients.map((client) => [
        client.clientId,
        { kind: 'product', clientId: client.clientId, scopes: client.scopes ? granted(client.scopes) : null },
      ]),
    );
  }

  /** The client for an `Authorization: Basic ...` header, or undefined. */
  clientFromBasic(header: string | undefined): CatalogClient | undefined {
    const match = /^Basic\s+([A-Za-z0-9+/=._-]+)\s*$/i.exec(header ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return this.clientFromCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  clientFromCredentials(clientId: string, clientSecret: string): CatalogClient | undefined {
    const client = this.clients.get(clientId);
    // Compared even for an unknown client id, so the time taken tells nothing either way.
    const matches = secretsMatch(client?.clientSecret ?? '', clientSecret);
    return client && matches ? client : undefined;
  }

  private productPrincipal(client: CatalogClient): Principal {
    return this.productPrincipals.get(client.clientId)!;
  }

  issueProductToken(client: CatalogClient): IssuedToken {
    return this.issue('pt', this.productPrincipal(client), this.tokenTtlSeconds);
  }

  issueCustomerToken(customerId: string, ttlSeconds: number): IssuedToken {
    return this.issue('ct', { kind: 'customer', customerId }, ttlSeconds);
  }

  private issue(prefix: string, principal: Principal, ttlSeconds: number): IssuedToken {
    if (this.tokens.size >= MAX_TOKENS) this.sweep();
    const token = newToken(prefix);
    this.tokens.set(token, { principal, expiresAt: this.clock.now() + ttlSeconds * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: ttlSeconds };
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [token, record] of this.tokens) if (record.expiresAt <= now) this.tokens.delete(token);
    // Still full: forget the oldest tokens rather than grow without bound.
    for (const token of this.tokens.keys()) {
      if (this.tokens.size < MAX_TOKENS) break;
      this.tokens.delete(token);
    }
  }

  /** The principal of a bearer token; undefined when unknown, expired or its customer is gone. */
  fromToken(token: string): Principal | undefined {
    const record = this.tokens.get(token);
    if (!record) return undefined;
    if (record.expiresAt <= this.clock.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    if (record.principal.kind === 'customer' && !this.isLiveCustomer(record.principal.customerId)) return undefined;
    return record.principal;
  }

  /** When a live token expires (server clock, ms); undefined for unknown tokens. */
  expiresAt(token: string): number | undefined {
    return this.tokens.get(token)?.expiresAt;
  }

  /** Authenticates an Authorization header (Bearer token or Basic client credentials). */
  authenticate(header: string | undefined): Principal {
    if (!header) throw unauthorized('Not authenticated');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer) {
      const principal = this.fromToken(bearer[1]);
      if (!principal) throw unauthorized('Invalid or expired token');
      return principal;
    }
    if (/^Basic\s/i.test(header)) {
      const client = this.clientFromBasic(header);
      if (!client) throw unauthorized('Invalid client credentials');
      return this.productPrincipal(client);
    }
    throw unauthorized('Unsupported authorization scheme');
  }
}

/**
 * Constant-time secret comparison: SHA-256 digests have equal lengths, which timingSafeEqual
 * needs, and it takes the same time wherever the secrets differ.
 */
export function secretsMatch(expected: string, given: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(given)) && expected !== '';
}

/** Product credentials with the scope (or its write form) only; customer tokens get 403. */
export function requireProduct(principal: Principal, scope?: Scope): void {
  if (principal.kind !== 'product') throw forbidden('This operation needs product credentials');
  if (scope) requireScope(principal, scope);
}

/** Product credentials of a client with every scope (the emulator hooks reset and move everything). */
export function requireEveryScope(principal: Principal): void {
  requireProduct(principal);
  if (!SCOPES.every((scope) => hasScope(principal, scope))) throw forbidden('The emulator hooks need a client with every scope');
}

function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.kind !== 'product' || principal.scopes === null) return true;
  return principal.scopes.has(scope) || principal.scopes.has(scope.replace(':read', ':write'));
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal, scope)) throw forbidden(`Missing scope ${scope}`);
}

/** A stable key for the caller (not the token, which changes on refresh). */
export function principalKey(principal: Principal): string {
  return principal.kind === 'product' ? `client:${principal.clientId}` : `customer:${principal.customerId}`;
}
