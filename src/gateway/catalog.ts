// The product's public catalog (product, plans, levers, plan details), read with the product
// token and shared by every customer for a short while: one upstream read per resource per
// `catalogTtlMs`, however many pages ask. Customer data is never cached here.
import type { PlanFacts } from '../policy/index.ts';
import type { Upstream } from './upstream.ts';

interface PlanInListWire {
  slug: string;
  is_self_serve?: boolean;
  max_subscribers?: number;
  [field: string]: unknown;
}

export interface Plans {
  /** Every plan, as Planship lists them (in its order). */
  all: PlanInListWire[];
  /** What the customer policy needs to know of each plan. */
  facts: Map<string, PlanFacts>;
}

export interface CatalogOptions {
  productSlug: string;
  ttlMs: number;
  /** Plans customers may choose on their own; undefined: every public one (or what Planship says). */
  selfServePlans?: readonly string[];
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

  /** A catalog read below the product's path as Planship answers it; kept when it is a 200. */
  answer(suffix: string): Promise<{ status: number; body: unknown }> {
    return this.#cached(suffix, () => this.#upstream.call('GET', this.#base + suffix), (answer) => answer.status === 200);
  }

  plans(): Promise<Plans> {
    return this.#cached('plans:facts', async () => {
      const [all, publicPlans] = await Promise.all([
        this.#upstream.read<PlanInListWire[]>(`${this.#base}/plans`),
        this.#upstream.read<PlanInListWire[]>(`${this.#base}/plans?public_only=true`),
      ]);
      const isPublic = new Set(publicPlans.map((plan) => plan.slug));
      const allowList = this.#options.selfServePlans;
      const facts = new Map<string, PlanFacts>();
      for (const plan of all) {
        facts.set(plan.slug, {
          slug: plan.slug,
          isPublic: isPublic.has(plan.slug),
          // Planship's own flag where the API carries it, narrowed by the host's list.
          isSelfServe: plan.is_self_serve !== false && (allowList === undefined || allowList.includes(plan.slug)),
          maxSubscribers: typeof plan.max_subscribers === 'number' ? plan.max_subscribers : null,
        });
      }
      return { all, facts };
    });
  }
}
