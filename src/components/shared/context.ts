// How elements find their provider: the community context protocol (the one @lit/context speaks),
// in the few lines the portal needs. A consumer dispatches `context-request` (bubbling, composed)
// with a callback; the nearest provider of that context answers, and again whenever its value
// changes. A provider that connects dispatches `context-provider`, so requests that nobody
// answered yet (kept by the root on document.body) or that a provider further out answered are
// asked again, and the nearest provider takes them over. Consumers and providers made with
// @lit/context interoperate with these.
import type { ReactiveController, ReactiveElement } from 'lit';
import type { PlanshipCustomer } from '../../client/index.ts';
import type { AlertGroups } from './alert-groups.ts';
import type { MessageOverrides } from './localize.ts';
import type { CatalogTextFor } from './catalog-text.ts';

/** A context key, typed with its value (the same shape as @lit/context's `Context`). */
export type Context<K, V> = K & { __context__: V };

/** Called with the value, and again on every change; `unsubscribe` stops that. */
export type ContextCallback<V> = (value: V, unsubscribe?: () => void) => void;

const REQUEST = 'context-request';
const PROVIDER = 'context-provider';

/** `context-request` (with a callback) or `context-provider`, as the protocol defines them. */
class ContextEvent<V> extends Event {
  constructor(
    type: string,
    readonly context: unknown,
    readonly contextTarget: Element,
    readonly callback?: ContextCallback<V>,
    readonly subscribe?: boolean,
  ) {
    super(type, { bubbles: true, composed: true });
  }
}

/** The element that asked (or the provider that appeared). */
const origin = (event: Event) => ((event as ContextEvent<unknown>).contextTarget ?? event.composedPath()[0]) as Element;

const listen = <V>(target: EventTarget, type: string, context: unknown, handle: (event: ContextEvent<V>) => void) =>
  target.addEventListener(type, (event) => {
    if ((event as ContextEvent<V>).context === context) handle(event as ContextEvent<V>);
  });

const ask = <V>(element: Element, context: unknown, callback: ContextCallback<V>) =>
  element.dispatchEvent(new ContextEvent(REQUEST, context, element, callback, true));

/** Provides `value` under `context` to the elements inside its host (not to the host itself). */
export class ContextProvider<V> implements ReactiveController {
  /** Each subscribed consumer's callback: its element, and the one `unsubscribe` it always gets. */
  readonly #consumers = new Map<ContextCallback<V>, [Element, () => void]>();

  constructor(
    private readonly host: ReactiveElement,
    private readonly context: Context<unknown, V>,
    public value: V,
  ) {
    host.addController(this);
    listen<V>(host, REQUEST, context, (event) => {
      const consumer = origin(event);
      // The host's own requests go on to a provider around it.
      if (consumer === host) return;
      event.stopPropagation();
      const callback = event.callback!;
      if (!event.subscribe) return callback(this.value);
      if (!this.#consumers.has(callback)) this.#consumers.set(callback, [consumer, () => this.#consumers.delete(callback)]);
      callback(this.value, this.#consumers.get(callback)![1]);
    });
    // A provider appeared inside: its consumers are asked again and it answers those inside it.
    listen(host, PROVIDER, context, (event) => {
      if (origin(event) === host) return;
      event.stopPropagation();
      for (const [callback, [consumer]] of [...this.#consumers]) ask(consumer, context, callback);
    });
  }

  hostConnected(): void {
    this.host.dispatchEvent(new ContextEvent(PROVIDER, this.context, this.host));
  }

  /** Hands a new value to every consumer (`force`: the same one again, e.g. changed inside). */
  setValue(value: V, force = false): void {
    const changed = force || !Object.is(value, this.value);
    this.value = value;
    if (changed) for (const [callback, [, unsubscribe]] of this.#consumers) callback(value, unsubscribe);
  }
}

/**
 * Asks for `context` whenever `host` connects (leaving its provider when it disconnects), and
 * calls `receive` with the value, then with every change.
 */
export function consume<V>(host: ReactiveElement, context: Context<unknown, V>, receive: (value: V) => void): void {
  let unsubscribe: (() => void) | undefined;
  const callback: ContextCallback<V> = (value, dispose) => {
    // Answered by another provider now (a nearer one appeared): leave the previous one.
    if (unsubscribe !== dispose) unsubscribe?.();
    unsubscribe = dispose;
    receive(value);
  };
  host.addController({
    hostConnected: () => ask(host, context, callback),
    hostDisconnected: () => {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  });
}

/**
 * The one API client every element reads through. A global symbol so that two copies of the
 * bundle on one page still find each other's provider.
 */
export const planshipClientContext = Symbol.for('planship-portal/client') as Context<symbol, PlanshipCustomer | undefined>;

/** What a provider shares with the elements inside it besides the client. */
export interface ProviderServices {
  /** The host's messages for a language (`provider.messages`, `provider.locales`). */
  readonly messageOverrides: MessageOverrides;
  /** The host's catalog wording for a language (`provider.catalogText`); absent in older providers. */
  readonly catalogTextFor?: CatalogTextFor;
  /** Where a visitor who is not signed in gets started (`signup-url`); absent in older providers. */
  readonly signupLink?: string;
  /** Says `message` politely in the provider's one status region (success after a change). */
  announce(message: string): void;
  readonly alerts: AlertGroups;
}

/**
 * The provider itself, as its elements see it. An element that gets no answer to this request
 * is outside any provider ("not connected"); one that gets it but no client yet is loading.
 */
export const planshipServicesContext = Symbol.for('planship-portal/services') as Context<symbol, ProviderServices | undefined>;

const ROOT_MARK = Symbol.for('planship-portal/context-root');

/**
 * Keeps, on document.body, the requests no provider answered yet (elements upgraded before
 * their provider, or outside any), and asks them again when a provider of their context
 * appears. Once per page, shared by every copy of the bundle.
 */
export function ensureContextRoot(): void {
  const body = globalThis.document?.body as (HTMLElement & { [ROOT_MARK]?: true }) | null | undefined;
  if (!body || body[ROOT_MARK]) return;
  body[ROOT_MARK] = true;
  const unanswered = new Map<unknown, [WeakRef<Element>, WeakRef<ContextCallback<unknown>>][]>();
  body.addEventListener(REQUEST, (event) => {
    const { context, callback, subscribe } = event as ContextEvent<unknown>;
    if (!subscribe || !callback) return;
    const consumer = origin(event);
    // Elements that are gone need no answer any more.
    const kept = (unanswered.get(context) ?? []).filter(([element, held]) => element.deref() && held.deref());
    if (!kept.some(([element, held]) => element.deref() === consumer && held.deref() === callback)) kept.push([new WeakRef(consumer), new WeakRef(callback)]);
    unanswered.set(context, kept);
  });
  body.addEventListener(PROVIDER, (event) => {
    const { context } = event as ContextEvent<unknown>;
    const waiting = unanswered.get(context) ?? [];
    unanswered.delete(context);
    for (const [element, held] of waiting) {
      const consumer = element.deref();
      const callback = held.deref();
      if (consumer && callback) ask(consumer, context, callback);
    }
  });
}
