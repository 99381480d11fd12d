// From the host's signed-in user to their Planship customer: the user's id is the customer's
// `alternative_id`. Found with GET /customers/{alternative_id} (and checked: that path also takes
// uuids), created on the first visit with the user's email and name. Concurrent first requests of
// one user share one lookup, so 20 of them create one customer; a create that lost a race with
// another gateway process (409) finds the winner. Known customers are remembered briefly.
import type { Caller } from '../policy/index.ts';
import { GatewayError } from './errors.ts';
import type { Upstream } from './upstream.ts';

export interface PortalUser {
  /** The host's own user id: the Planship customer's alternative id. */
  id: string;
  email?: string;
  name?: string;
}

interface CustomerWire {
  id: string;
  alternative_id?: string | null;
  name?: string;
  email?: string;
}

const REMEMBER_MS = 60_000;
const MAX_REMEMBERED = 10_000;
const MAX_ID_LENGTH = 256;

export class Customers {
  readonly #upstream: Upstream;
  readonly #known = new Map<string, { caller: Caller; until: number }>();
  readonly #pending = new Map<string, Promise<Caller>>();

  constructor(upstream: Upstream) {
    this.#upstream = upstream;
  }

  /** The signed-in user's customer, found or created. */
  resolve(user: PortalUser): Promise<Caller> {
    if (typeof user?.id !== 'string' || user.id === '' || user.id.length > MAX_ID_LENGTH) {
      return Promise.reject(new GatewayError(500, 'The portal is misconfigured.', 'planship gateway: identify() must answer { id: string (1..256 characters) } or null'));
    }
    const known = this.#known.get(user.id);
    if (known && known.until > Date.now()) return Promise.resolve(known.caller);
    let pending = this.#pending.get(user.id);
    if (!pending) {
      pending = this.#lookup(user).finally(() => this.#pending.delete(user.id));
      this.#pending.set(user.id, pending);
    }
    return pending;
  }

  /** Forget a customer (e.g. Planship said it no longer exists). */
  forget(userId: string): void {
    this.#known.delete(userId);
  }

  async #lookup(user: PortalUser): Promise<Caller> {
    const found = (await this.#find(user.id)) ?? (await this.#create(user));
    const caller = { id: found.id, alternativeId: user.id };
    if (this.#known.size >= MAX_REMEMBERED) this.#known.delete(this.#known.keys().next().value!);
    this.#known.set(user.id, { caller, until: Date.now() + REMEMBER_MS });
    return caller;
  }

  async #find(userId: string): Promise<CustomerWire | undefined> {
    const answer = await this.#upstream.call<CustomerWire>('GET', `/api/v1/customers/${encodeURIComponent(userId)}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw GatewayError.unavailable(`customer lookup answered ${answer.status}`);
    // The path takes uuids too: a user id that happens to be another customer's uuid must not
    // open that customer's billing.
    if (answer.body.alternative_id !== userId) {
      throw new GatewayError(403, 'This account cannot be linked to billing. Please contact support.', 'planship gateway: a user id names a Planship customer with another alternative_id');
    }
    return answer.body;
  }

  async #create(user: PortalUser): Promise<CustomerWire> {
    const body: Record<string, string> = { alternative_id: user.id };
    if (typeof user.email === 'string') body.email = user.email.slice(0, 320);
    if (typeof user.name === 'string') body.name = user.name.slice(0, 256);
    let answer = await this.#upstream.call<CustomerWire>('POST', '/api/v1/customers', body);
    if (answer.status === 200) return answer.body;
    // Created meanwhile by another process (409): find the winner.
    const again = await this.#find(user.id);
    if (again) return again;
    if (answer.status === 422 && 'email' in body) {
      // An email another customer already has: the account still gets its billing, without it.
      delete body.email;
      answer = await this.#upstream.call<CustomerWire>('POST', '/api/v1/customers', body);
      if (answer.status === 200) return answer.body;
    }
    throw GatewayError.unavailable(`customer create answered ${answer.status}`);
  }
}
