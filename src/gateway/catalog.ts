// The product's public catalog (product, plans, levers, plan details), read with the product
// token and shared by every customer for a short while: one upstream read per resource per
// `catalogTtlMs`, however many pages ask. Customer data is never cached here. What hosted
// Planship's models leave out and the elements need (a lever's type, the lever of a plan's
// entitlement) is filled in from what it does answer.
import { planVisible, type PlanFacts } from '../policy/index.ts';
import { GatewayError } from './errors.ts';
import type { Upstream } from './upstream.ts';

/** Hosted Planship's PlanInList is slug, name, description, order: the two facts below are our server's extras. */
interface PlanInListWire {
  slug: string;
  is_self_serve?: unknown;
  max_subscribers?: unknown;
  [field: string]: unknown;
}

export interface Plans {
  /** Every plan, as Planship lists them (in its order). */
  all: PlanInListWire[];
  /** What the customer policy needs to know of each plan. */
  facts: Map<string, PlanFacts>;
}

/**
 * The plans a customer may see, each with the gateway's own verdict on it: `is_self_serve` as the
 * policy applies it (hosted Planship's list does not say), so the elements show a contract plan
 * read-only instead of offering a choice the gateway would refuse.
 */
export function visiblePlans(plans: Plans, ownPlanSlugs: ReadonlySet<string>, pricing?: PlanPrices): PlanInListWire[] {
  return plans.all
    .filter((plan) => planVisible(plans.facts.get(plan.slug), ownPlanSlugs))
    .map((plan) => withPrices({ ...plan, is_self_serve: plans.facts.get(plan.slug)!.isSelfServe }, plan.slug, pricing) as PlanInListWire);
}

/** Where plans' prices come from (the gateway's `prices`). */
export interface PlanPrices {
  wirePrices(slug: string): unknown[] | undefined;
}

/** A plan as Planship answered it, with its `prices` when the gateway knows them (so a page shows prices with no script). */
export function withPrices(plan: unknown, slug: string, pricing?: PlanPrices): unknown {
  const prices = pricing?.wirePrices(slug);
  return prices && typeof plan === 'object' && plan !== null ? { ...plan, prices } : plan;
}

export interface CatalogOptions {
  productSlug: string;
  ttlMs: number;
  /** Plans customers may choose on their own; needed where the plan list has no `is_self_serve`. */
  selfServePlans?: readonly string[];
  /** Seats per plan, for plans whose list entry has no `max_subscribers`. */
  seatLimits?: ReadonlyMap<string, number>;
}

interface Entry {
  value: Promise<unknown>;
  until: number;
}

export class Catalog {
  readonly #upstream: Upstream;
  readonly #options: CatalogOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #base: string;

  constructor(upstream: Upstream, options: CatalogOptions) {
    this.#upstream = upstream;
    this.#options = options;
    this.#base = `/api/v1/products/${encodeURIComponent(options.productSlug)}`;
  }

  /** One shared read per key and period; a failed read, or one `keep` rejects, is not kept. */
  #cached<T>(key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry && entry.until > Date.now()) return entry.value as Promise<T>;
    const value = load();
    this.#entries.set(key, { value, until: Date.now() + this.#options.ttlMs });
    const drop = () => this.#entries.get(key)?.value === value && this.#entries.delete(key);
    value.then((result) => keep(result) || drop(), drop);
    return value;
  }

  /**
   * A catalog read below the product's path as Planship answers it (levers with their type, plan
   * entitlements with their lever's slug); kept when it is a 200. The product or its lever list
   * answering 404 means Planship has no such product: the gateway is misconfigured.
   */
  answer(suffix: string): Promise<{ status: number; body: unknown }> {
    return this.#cached(suffix, () => this.#read(suffix), (answer) => answer.status === 200);
  }

  async #read(suffix: string): Promise<{ status: number; body: unknown }> {
    const answer = await this.#upstream.call('GET', this.#base + suffix);
    if (answer.status === 404 && (suffix === '' || suffix === '/levers')) throw this.#noSuchProduct(suffix);
    if (answer.status !== 200) return answer;
    if (suffix === '/levers' && Array.isArray(answer.body)) return { ...answer, body: await this.#typedLevers(answer.body) };
    if (PLAN_ENTITLEMENTS.test(suffix)) return { ...answer, body: await this.#withLeverSlugs(answer.body) };
    return answer;
  }

  /** Planship has no product of this slug (for these credentials): the host's to fix, in words it can act on. */
  #noSuchProduct(suffix: string): GatewayError {
    const read = `GET ${this.#upstream.baseUrl}${this.#base}${suffix}`;
    return GatewayError.misconfigured(
      `Planship has no product "${this.#options.productSlug}" (${read} answered 404): check the gateway's productSlug and baseUrl, and that clientId is a client of the organization that has this product`,
    );
  }

  /** `read()` of a path below the product, with a 404 as a missing product. */
  async #productRead<T>(suffix: string): Promise<T> {
    try {
      return await this.#upstream.read<T>(this.#base + suffix);
    } catch (error) {
      throw error instanceof GatewayError && error.upstreamStatus === 404 ? this.#noSuchProduct(suffix) : error;
    }
  }

  /**
   * Levers with their `type` where the list does not say it (hosted Planship's LeverInList):
   * metered when the lever has metering ids, else by its default value (boolean, numeric, list).
   * An entry that names no lever (no slug) is left out: nothing could show or read it.
   */
  async #typedLevers(levers: unknown[]): Promise<LeverWire[]> {
    const named = levers.filter((lever): lever is LeverWire => typeof (lever as LeverWire | null)?.slug === 'string');
    return Promise.all(
      named.map(async (lever) => {
        if (lever.type !== undefined) return lever;
        // A lever that cannot be read now stays untyped (its gate or meter says it is missing), not the whole list.
        const details = await this.answer(`/levers/${encodeURIComponent(lever.slug)}`).catch(() => undefined);
        const meteringIds = (details?.body as { metering_ids?: unknown } | undefined)?.metering_ids;
        if (details?.status !== 200 || !Array.isArray(meteringIds)) return lever;
        const type = meteringIds.length > 0 ? 'metered' : TYPE_OF_DEFAULT[jsonType(leverDefault(lever))];
        return type ? { ...lever, type } : lever;
      }),
    );
  }

  /**
   * A plan's entitlements with `lever_slug` where they do not say it (hosted Planship's
   * PlanEntitlement names its lever only): the lever of that name, when exactly one has it.
   */
  async #withLeverSlugs(body: unknown): Promise<unknown> {
    const plan = body as { entitlements?: unknown } | unknown[] | undefined;
    const entitlements = Array.isArray(plan) ? plan : plan?.entitlements;
    if (!Array.isArray(entitlements) || entitlements.every((entry) => entry?.lever_slug !== undefined)) return body;
    const levers = await this.answer('/levers').catch(() => undefined);
    if (!Array.isArray(levers?.body)) return body;
    const slugsByName = new Map<unknown, string[]>();
    for (const lever of levers.body as LeverWire[]) slugsByName.set(lever.name, [...(slugsByName.get(lever.name) ?? []), lever.slug]);
    const named = entitlements.map((entry) => {
      const slugs = entry?.lever_slug === undefined ? slugsByName.get(entry?.lever_name) : undefined;
      return slugs?.length === 1 ? { ...entry, lever_slug: slugs[0] } : entry;
    });
    return Array.isArray(plan) ? named : { ...(plan as object), entitlements: named };
  }

  /**
   * What a customer with no subscription is entitled to: each lever's default value (the lever
   * list's `default_value`, JSON text; our server also says the lever's `type`).
   */
  defaultEntitlements(): Promise<Record<string, unknown>> {
    return this.#cached('levers:defaults', async () => {
      const levers = await this.#productRead<{ slug: string; type?: string; default_value?: unknown }[]>('/levers');
      return Object.fromEntries(levers.map((lever) => [lever.slug, leverDefault(lever)]));
    });
  }

  plans(): Promise<Plans> {
    return this.#cached('plans:facts', async () => {
      const [all, publicPlans] = await Promise.all([
        this.#productRead<PlanInListWire[]>('/plans'),
        this.#productRead<PlanInListWire[]>('/plans?public_only=true'),
      ]);
      const isPublic = new Set(publicPlans.map((plan) => plan.slug));
      const { selfServePlans, seatLimits } = this.#options;
      const facts = new Map<string, PlanFacts>();
      for (const plan of all) {
        const listed = selfServePlans?.includes(plan.slug);
        facts.set(plan.slug, {
          slug: plan.slug,
          isPublic: isPublic.has(plan.slug),
          // Fail closed: self-serve only when Planship says so or, without the flag, the host
          // lists it; the host's list narrows Planship's flag too. A contract plan sold by mistake costs money.
          isSelfServe: selfServePlans === undefined ? plan.is_self_serve === true : listed === true && plan.is_self_serve !== false,
          // Unknown (null): the policy refuses seats beyond what is known to fit.
          maxSubscribers: Number.isSafeInteger(plan.max_subscribers) ? (plan.max_subscribers as number) : (seatLimits?.get(plan.slug) ?? null),
        });
      }
      return { all, facts };
    });
  }
}

const TYPE_DEFAULTS: Record<string, unknown> = { boolean: false, numeric: 0, metered: 0, list: [] };
/** A lever's type by its default value's JSON type (metered levers are known by their metering ids). */
const TYPE_OF_DEFAULT: Record<string, string> = { boolean: 'boolean', number: 'numeric', array: 'list' };
/** `/plans/{slug}` and `/plans/{slug}/entitlements`. */
const PLAN_ENTITLEMENTS = /^\/plans\/[^/]+(\/entitlements)?$/;

const jsonType = (value: unknown) => (Array.isArray(value) ? 'array' : typeof value);

interface LeverWire {
  slug: string;
  name?: string;
  type?: string;
  default_value?: unknown;
  [field: string]: unknown;
}

function leverDefault(lever: { type?: string; default_value?: unknown }): unknown {
  if (typeof lever.default_value === 'string') {
    try {
      return JSON.parse(lever.default_value);
    } catch {
      return lever.default_value;
    }
  }
  return TYPE_DEFAULTS[lever.type ?? ''] ?? null;
}
