// The client's one cache, shared by every element on a page. Identical concurrent reads share
// one request; catalog answers (product, plans, levers) are served stale-while-revalidate;
// customer answers (subscriptions, entitlements, usage) are kept until a mutation or a live push
// marks them stale. Answers are stored as raw JSON and converted per read, so no caller can
// change another caller's copy.
import { abortError } from './errors.ts';

/** How long catalog answers are served before a background refresh. */
const MAX_AGE_MS = 60_000;

export type Resource = 'product' | 'plans' | 'subscriptions' | 'entitlements' | 'usage' | 'customer';

/** Only share in-flight requests. */
export const DEDUPE = 0;
/** Serve the cached answer at once; refresh it in the background when older than `maxAgeMs`. */
export const STALE_WHILE_REVALIDATE = 1;
/** Serve the cached answer until `invalidate` names its resource (while `trusted()` holds). */
export const UNTIL_INVALIDATED = 2;
export type Policy = typeof DEDUPE | typeof STALE_WHILE_REVALIDATE | typeof UNTIL_INVALIDATED;

interface Flight {
  promise: Promise<unknown>;
  controller: AbortController;
  /** Callers still waiting; when every one of them aborts, the request is aborted too. */
  waiters: number;
}

interface Entry {
  resource: Resource;
  value?: unknown;
  has: boolean;
  stale: boolean;
  at: number;
  generation: number;
  flight?: Flight;
  /** Served without a live socket until then: a first-render answer, fresh as it arrives. */
  primedUntil?: number;
}

/** How long a primed customer answer is served while the socket is still opening. */
const PRIMED_MS = 10_000;

export class Cache {
  readonly #entries = new Map<string, Entry>();

  /** Whether invalidations can currently arrive (the live socket is up). */
  readonly #trusted: () => boolean;
  /** Called when a background revalidation brought a different answer. */
  readonly #changed: (resource: Resource) => void;
  /** Called when an answer from the network is kept (not one overtaken by an invalidation or a push). */
  readonly #stored: (key: string, value: unknown) => void;

  constructor(trusted: () => boolean, changed: (resource: Resource) => void, stored: (key: string, value: unknown) => void) {
    this.#trusted = trusted;
    this.#changed = changed;
    this.#stored = stored;
  }

  read(
    key: string,
    resource: Resource,
    policy: Policy,
    load: (signal: AbortSignal) => Promise<unknown>,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(abortError('GET', key));
    let entry = this.#entries.get(key);
    if (!entry) this.#entries.set(key, (entry = { resource, has: false, stale: true, at: 0, generation: 0 }));
    if (entry.has && policy === STALE_WHILE_REVALIDATE) {
      if (entry.stale || Date.now() - entry.at > MAX_AGE_MS) {
        const before = JSON.stringify(entry.value);
        this.#start(key, entry, load).promise.then(
          (value) => JSON.stringify(value) !== before && this.#changed(resource),
          () => {},
        );
      }
      return Promise.resolve(entry.value);
    }
    if (entry.has && !entry.stale && policy === UNTIL_INVALIDATED && (this.#trusted() || (entry.primedUntil ?? 0) > Date.now())) {
      return Promise.resolve(entry.value);
    }
    return this.#join(this.#start(key, entry, load), entry, signal, key);
  }

  /** The answer kept for `key` (fresh or not), without asking anyone: a server render's, or a first render's. */
  peek(key: string): unknown {
    const entry = this.#entries.get(key);
    return entry?.has ? entry.value : undefined;
  }

  /**
   * Stores an answer that arrived another way: a live push, or (`primed`) the first-render
   * answer, which customer reads may use before the socket is live.
   */
  put(key: string, resource: Resource, value: unknown, primed = false): void {
    const primedUntil = primed ? Date.now() + PRIMED_MS : undefined;
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#entries.set(key, { resource, value, has: true, stale: false, at: Date.now(), generation: 0, primedUntil });
      return;
    }
    // In place, like invalidate: a request still in flight holds this entry and must see that
    // it was overtaken, or its older answer would be stored over the push.
    Object.assign(entry, { value, has: true, stale: false, at: Date.now(), flight: undefined, primedUntil });
    entry.generation++;
  }

  /** Marks every answer of these resources stale; requests already in flight no longer count. */
  invalidate(resources: Iterable<Resource>): void {
    const names = new Set(resources);
    for (const entry of this.#entries.values()) {
      if (!names.has(entry.resource)) continue;
      entry.stale = true;
      entry.generation++;
      entry.flight = undefined;
    }
  }

  #start(key: string, entry: Entry, load: (signal: AbortSignal) => Promise<unknown>): Flight {
    if (entry.flight) return entry.flight;
    const generation = entry.generation;
    const controller = new AbortController();
    const flight: Flight = {
      controller,
      waiters: 0,
      promise: load(controller.signal).then((value) => {
        if (entry.generation === generation) {
          Object.assign(entry, { value, has: true, stale: false, at: Date.now() });
          this.#stored(key, value);
        }
        return value;
      }),
    };
    const settle = () => entry.flight === flight && (entry.flight = undefined);
    flight.promise.then(settle, settle);
    entry.flight = flight;
    return flight;
  }

  #join(flight: Flight, entry: Entry, signal: AbortSignal | undefined, key: string): Promise<unknown> {
    flight.waiters++;
    if (!signal) {
      flight.waiters = Infinity;
      return flight.promise;
    }
    return new Promise((resolve, reject) => {
      const leave = () => {
        reject(abortError('GET', key));
        if (--flight.waiters === 0) {
          if (entry.flight === flight) entry.flight = undefined;
          flight.controller.abort();
        }
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
    });
  }
}
