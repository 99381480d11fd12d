// The language of an element and its messages: the nearest `lang` (its own, an ancestor's across
// shadow roots, then the document's), followed at run time; English built in, shipped languages
// loaded on first use from `locales/<lang>.js` beside the bundle, host overrides on top.
import { isServer, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { serverScope } from './server-scope.ts';
import { en, type PlanshipMessages } from './messages.ts';
import { registeredLocales } from './locale-registry.ts';
import { formatDate, formatList, formatMoney, formatNumber } from './format.ts';
import { once, worded, type CatalogText, type CatalogTextFor } from './catalog-text.ts';
import type { Subscription } from '../../client/index.ts';

/** The host's messages for a language (from the provider's `messages` and `locales`). */
export type MessageOverrides = (lang: string) => Partial<PlanshipMessages> | undefined;

/** Languages shipped as modules beside the bundle; others are English unless registered. */
const SHIPPED = ['ar', 'de', 'es', 'fr', 'ja'];
const RTL = /^(ar|fa|he|ur)\b/;

let localeBase: string | undefined;

/** Where the shipped locale modules are (a URL ending in `/`); set by the entry module. */
export const setLocaleBase = (url: string) => void (localeBase = url);

const loads = new Map<string, Promise<void>>();
const failed = new Set<string>();

/** Starts loading a shipped language once; a promise while it is on its way. */
function load(lang: string): Promise<void> | undefined {
  const primary = lang.split('-')[0];
  const registry = registeredLocales();
  if (registry.has(lang) || registry.has(primary) || failed.has(primary) || !localeBase || !SHIPPED.includes(primary)) return undefined;
  let loading = loads.get(primary);
  if (!loading) {
    // Ignored by bundlers on purpose: the file is fetched beside the bundle, not bundled in.
    loading = import(/* @vite-ignore */ /* webpackIgnore: true */ `${localeBase}${primary}.js`).then(
      () => rerender((localize) => localize.lang.startsWith(primary)),
      (error: unknown) => {
        failed.add(primary);
        console.warn(`planship-portal: could not load the "${primary}" messages, showing English.`, error);
      },
    );
    loads.set(primary, loading);
  }
  return loading;
}

/** `tag` as a canonical language tag; 'en' when it is not one. */
export function canonicalLang(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** The nearest `lang` (own, ancestors across shadow roots, document) as a canonical tag; 'en' when none or invalid. */
export function nearestLang(element: Element): string {
  // A server render has no page to read it from: the render says.
  if (isServer) return serverScope()?.lang ?? 'en';
  for (let node: Element | undefined = element; node; node = (node.getRootNode() as ShadowRoot).host) {
    const holder = node.closest('[lang]');
    if (holder) return canonicalLang(holder.getAttribute('lang')!);
  }
  return 'en';
}

/**
 * The table with every value a message function puts in a sentence (plan and lever names,
 * numbers) isolated (U+2068 … U+2069), so Latin names and digits keep their order and their
 * punctuation in a right-to-left sentence.
 */
function isolateValues(m: PlanshipMessages): PlanshipMessages {
  const isolate = (value: unknown) => (typeof value === 'string' ? `\u2068${value}\u2069` : value);
  return Object.fromEntries(
    Object.entries(m).map(([id, message]) => [id, typeof message === 'function' ? (...values: unknown[]) => message(...values.map(isolate)) : message]),
  ) as unknown as PlanshipMessages;
}

const connected = new Set<Localize>();
let observer: MutationObserver | undefined;
const WATCH: MutationObserverInit = { subtree: true, attributeFilter: ['lang'] };

function rerender(which: (localize: Localize) => boolean) {
  for (const localize of connected) if (which(localize)) localize.host.requestUpdate();
}

/** One observer for every element: the document and each shadow root an element sits in. */
function watch(element: Element) {
  observer ??= new MutationObserver(() => rerender((localize) => nearestLang(localize.host) !== localize.lang));
  for (let root = element.getRootNode(); ; root = (root as ShadowRoot).host.getRootNode()) {
    observer.observe(root, WATCH);
    if (!(root instanceof ShadowRoot)) return;
  }
}

/**
 * An element's language, messages (`m`), the host's catalog wording (`plan`, `lever`) and
 * formatters. Refreshed before every render; the host schedules its updates through `whenReady`
 * so a shipped language never flashes English first.
 */
export class Localize implements ReactiveController {
  lang = 'en';
  m: PlanshipMessages = en;
  /** The host's catalog wording in this language, if any. */
  catalog?: CatalogText;
  private overridesFor?: MessageOverrides;
  private catalogFor?: CatalogTextFor;
  private builtFrom: unknown[] = [];
  /** Whether the host's `dir` was set here (and so is ours to take back). */
  private setDir = false;

  /** `setsDir`: give the host `dir="rtl"` in a right-to-left language unless the page set a `dir`. */
  constructor(readonly host: ReactiveControllerHost & HTMLElement, private readonly setsDir = false) {
    host.addController(this);
  }

  /** The provider's overrides; setting them re-renders. */
  set overrides(value: MessageOverrides | undefined) {
    this.overridesFor = value;
    this.host.requestUpdate();
  }

  /** The provider's catalog wording; setting it re-renders. */
  set catalogText(value: CatalogTextFor | undefined) {
    this.catalogFor = value;
    this.host.requestUpdate();
  }

  /** A plan (or a subscription's plan) with the host's name and description in this language. */
  plan<T extends { slug: string; name: string; description?: string | null }>(plan: T): T {
    return worded(plan, this.catalog?.plans);
  }

  /** A lever with the host's name and description in this language. */
  lever<T extends { slug: string; name: string; description?: string | null }>(lever: T): T {
    return worded(lever, this.catalog?.levers);
  }

  /** A subscription whose plan and renewal plan carry the host's names (itself when they have none). */
  subscription<T extends Subscription>(subscription: T): T {
    const plan = this.plan(subscription.plan);
    const renewPlan = subscription.renewPlan && this.plan(subscription.renewPlan);
    if (plan === subscription.plan && renewPlan === subscription.renewPlan) return subscription;
    return once(subscription, this.catalog, () => ({ ...subscription, plan, renewPlan }));
  }

  get rtl(): boolean {
    return RTL.test(this.lang);
  }

  hostConnected() {
    if (isServer) return;
    connected.add(this);
    watch(this.host);
  }

  hostDisconnected() {
    connected.delete(this);
  }

  hostUpdate() {
    const lang = (this.lang = nearestLang(this.host));
    this.catalog = this.catalogFor?.(lang);
    const lower = lang.toLowerCase();
    const registry = registeredLocales();
    const from = [registry.get(lower) ?? registry.get(lower.split('-')[0]), this.overridesFor?.(lang)];
    if (from.some((source, i) => source !== this.builtFrom[i]) || this.builtFrom[2] !== this.rtl) {
      this.builtFrom = [...from, this.rtl];
      const m: PlanshipMessages = Object.assign({}, en, ...from);
      this.m = this.rtl ? isolateValues(m) : m;
    }
    if (this.setsDir && this.rtl !== this.setDir && (this.setDir || !this.host.hasAttribute('dir'))) {
      this.setDir = this.rtl;
      if (this.rtl) this.host.setAttribute('dir', 'rtl');
      else this.host.removeAttribute('dir');
    }
  }

  /**
   * Runs `update` (the host's `scheduleUpdate`) once the messages of its language are there:
   * right away, or after a shipped language has loaded, so it never shows English first.
   */
  whenReady(update: () => void): void | Promise<unknown> {
    const loading = this.host.isConnected ? load(nearestLang(this.host).toLowerCase()) : undefined;
    return loading ? loading.then(update) : update();
  }

  number(n: number): string {
    return formatNumber(this.lang, n);
  }

  date(d: Date | string | number | null | undefined, timeZone?: string): string {
    return formatDate(this.lang, d, timeZone);
  }

  money(amount: number, currency: string, signed?: boolean): string {
    return formatMoney(this.lang, amount, currency, signed);
  }

  list(items: readonly string[]): string {
    return formatList(this.lang, items);
  }
}
