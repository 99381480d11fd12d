// From the host's signed-in user to their Planship customer: the user's id is the customer's
// `alternative_id`. Found with GET /customers/{alternative_id} (and checked: that path also takes
// uuids). A visit creates nothing: a user with no customer reads as a customer with nothing, and
// the customer is created by the first write that needs one, with the user's email and name.
// Concurrent lookups (and creates) of one user share one request; a create that lost a race with
// another gateway process (409) finds the winner. Known customers are remembered briefly, and
// forgotten at once when Planship says they are gone or the user signs out.
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

export function checkUser(user: PortalUser): void {
  if (typeof user?.id !== 'string' || user.id === '' || user.id.length > MAX_ID_LENGTH) {
    throw GatewayError.misconfigured('identify() must answer { id: string (1..256 characters) } or null');
  }
}

export class Customers {
  readonly #upstream: Upstream;
  readonly #known = new Map<string, { caller: Caller; until: number }>();
  readonly #finding = new Map<string, Promise<Caller | null>>();
  readonly #creating = new Map<string, Promise<Caller>>();
  /** Told when this process created a user's customer (live pages waiting for it connect). */
  onCreated: (userId: string, caller: Caller) => void = () => {};

  constructor(upstream: Upstream) {
    this.#upstream = upstream;
  }

  /** The signed-in user's customer, or null when Planship has none for them yet. Creates nothing. */
  find(user: PortalUser): Promise<Caller | null> {
    checkUser(user);
    const known = this.#remembered(user.id);
    if (known) return Promise.resolve(known);
    return shared(this.#finding, user.id, async () => {
      const found = await this.#lookup(user.id);
      return found ? this.#remember(user.id, found) : null;
    });
  }

  /** The signed-in user's customer, created when there is none (for a write that needs one). */
  ensure(user: PortalUser): Promise<Caller> {
    checkUser(user);
    const known = this.#remembered(user.id);
    if (known) return Promise.resolve(known);
    return shared(this.#creating, user.id, async () => {
      const found = await this.#lookup(user.id);
      if (found) return this.#remember(user.id, found);
      const caller = this.#remember(user.id, await this.#create(user));
      this.onCreated(user.id, caller);
      return caller;
    });
  }

  /** Forget a user's customer (Planship said it no longer exists, or the user signed out). */
  forget(userId: string): void {
    this.#known.delete(userId);
  }

  #remembered(userId: string): Caller | undefined {
    const known = this.#known.get(userId);
    return known && known.until > Date.now() ? known.caller : undefined;
  }

  #remember(userId: string, found: CustomerWire): Caller {
    const caller = { id: found.id, alternativeId: userId };
    if (this.#known.size >= MAX_REMEMBERED) this.#known.delete(this.#known.keys().next().value!);
    this.#known.set(userId, { caller, until: Date.now() + REMEMBER_MS });
    return caller;
  }

  async #lookup(userId: string): Promise<CustomerWire | undefined> {
    const answer = await this.#upstream.call<CustomerWire>('GET', `/api/v1/customers/${encodeURIComponent(userId)}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw GatewayError.unavailable(`GET /api/v1/customers/{user} answered ${answer.status}`);
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
    const again = await this.#lookup(user.id);
    if (again) return again;
    if (answer.status === 422 && 'email' in body) {
      // An email another customer already has: the account still gets its billing, without it.
      delete body.email;
      answer = await this.#upstream.call<CustomerWire>('POST', '/api/v1/customers', body);
      if (answer.status === 200) return answer.body;
    }
    throw GatewayError.unavailable(`POST /api/v1/customers answered ${answer.status}`);
  }
}

/** One in-flight `work` per key: concurrent callers share its answer. */
function shared<T>(pending: Map<string, Promise<T>>, key: string, work: () => Promise<T>): Promise<T> {
  let running = pending.get(key);
  if (!running) {
    running = work().finally(() => pending.delete(key));
    pending.set(key, running);
  }
  return running;
}
