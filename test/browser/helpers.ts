// Helpers for browser tests: they act as the host's backend through the test runner's server
// commands, so the page only ever holds customer-scoped tokens.
import { fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import type { TokenGetter } from '../../src/client/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';

export const PRODUCT = 'acme-analytics';

export interface ServerInfo {
  url: string;
  wsUrl: string;
}

let info: Promise<ServerInfo> | undefined;

export function serverInfo(): Promise<ServerInfo> {
  info ??= executeServerCommand<ServerInfo, undefined>('planship-server');
  return info;
}

export interface AdminAnswer<T = any> {
  status: number;
  body: T;
}

/** Calls the API with product credentials (from Node; the secret never reaches the page). */
export function admin<T = any>(method: string, path: string, body?: unknown): Promise<AdminAnswer<T>> {
  return executeServerCommand<AdminAnswer<T>, object>('planship-admin', { method, path, body });
}

export function customerToken(customerId: string, expiresIn?: number): Promise<string> {
  return executeServerCommand<string, object>('planship-customer-token', { customerId, expiresIn });
}

/** A token getter as a host page would write one, counting its calls. */
export function tokenGetter(customerId: string) {
  const getter = async (_forceRefresh?: boolean) => {
    getter.calls += 1;
    return customerToken(customerId);
  };
  getter.calls = 0;
  return getter;
}

let counter = 0;

/** A fresh customer (so tests never share state), optionally subscribed to a plan. */
export async function createCustomer(
  options: { plan?: string; maxSubscribers?: number; product?: string; name?: string } = {},
): Promise<string> {
  const unique = `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const created = await admin('POST', '/api/v1/customers', {
    name: options.name ?? `Test ${unique}`,
    email: `test-${unique}@example.com`,
    alternative_id: `test-${unique}`,
  });
  if (created.status !== 200) throw new Error(`create customer answered ${created.status}`);
  const id: string = created.body.id;
  if (options.plan) {
    const product = options.product ?? PRODUCT;
    const body: Record<string, unknown> = { customer_id: id };
    if (options.maxSubscribers !== undefined) body.max_subscribers = options.maxSubscribers;
    const subscribed = await admin('POST', `/api/v1/products/${product}/plans/${options.plan}/subscriptions`, body);
    if (subscribed.status !== 200) throw new Error(`subscribe answered ${subscribed.status}`);
  }
  return id;
}

export function reportUsage(customerId: string, meteringId: string, usage: number, product = PRODUCT) {
  return admin('POST', `/api/v1/customers/${customerId}/products/${product}/usage/${meteringId}`, { usage });
}

/** A provider for the customer around the elements under test, as a host page writes it. */
export async function mountProvider(
  customerId: string,
  children: TemplateResult,
  getter: TokenGetter = tokenGetter(customerId),
  product = PRODUCT,
): Promise<PlanshipProvider> {
  const { url, wsUrl } = await serverInfo();
  return fixture<PlanshipProvider>(html`<planship-provider
    product-slug=${product}
    customer-id=${customerId}
    api-url=${url}
    ws-url=${wsUrl}
    .getAccessToken=${getter}
  >${children}</planship-provider>`);
}

/** A token getter that holds its answer until released: the host's backend being slow. */
export function slowTokenGetter(customerId: string) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const getter = async () => {
    await held;
    return customerToken(customerId);
  };
  return { getter, release };
}

/** Simulated slow network: every PATCH waits until `release()`; `restore()` puts fetch back. */
export const holdPatches = () => holdRequests((_url, init) => init?.method === 'PATCH');

/** Every element below `root`, through shadow roots. */
export function deepElements(root: ParentNode): Element[] {
  return [...root.querySelectorAll('*')].flatMap((element) => [element, ...(element.shadowRoot ? deepElements(element.shadowRoot) : [])]);
}

/** The first element below `root` (through shadow roots) that matches `selector`. */
export function deepQuery<T extends Element = HTMLElement>(root: ParentNode, selector: string): T | null {
  return (deepElements(root).find((element) => element.matches(selector)) as T | undefined) ?? null;
}

/** What a user sees or hears below `root`, through shadow roots: text and the accessible attributes. */
export function deepText(root: Node): string[] {
  const found: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE && node.textContent!.trim()) found.push(node.textContent!.trim());
    if (node instanceof Element) {
      for (const name of ['aria-label', 'aria-valuetext', 'title', 'placeholder']) if (node.hasAttribute(name)) found.push(node.getAttribute(name)!);
      if (node.shadowRoot) walk(node.shadowRoot);
    }
    node.childNodes.forEach(walk);
  };
  walk(root);
  return found;
}

/** Test fetch that holds every request whose URL matches until `release()`; `restore()` puts fetch back. */
export function holdRequests(matches: (url: string, init?: RequestInit) => boolean) {
  const realFetch = window.fetch;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  window.fetch = async (input, init) => {
    if (matches(String(input instanceof Request ? input.url : input), init)) await held;
    return realFetch(input, init);
  };
  return { release, restore: () => (window.fetch = realFetch) };
}
