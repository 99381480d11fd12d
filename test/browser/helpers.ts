// Helpers for browser tests: they act as the host's backend through the test runner's server
// commands, so the page only ever holds customer-scoped tokens.
import { fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import type { TokenGetter } from '../../src/client/index.ts';
import type { PlanshipProvider } from '../../src/components/provider/provider.ts';

export const PRODUCT = 'acme-analytics';

/** waitUntil with room for a busy machine (its default is one second). */
export const until = (predicate: () => unknown, message?: string) => waitUntil(predicate, message, { timeout: 8000 });

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

/**
 * A server of the test's own, so it may break it without disturbing other test files: e.g.
 * `stale(server)` refuses its live sockets, so a page goes on showing what it read first.
 */
export function ownServer(): Promise<ServerInfo> {
  return executeServerCommand<ServerInfo, object>('planship-own-server', {});
}

/** Calls the API with product credentials (from Node; the secret never reaches the page); `server`: an own server. */
export function admin<T = any>(method: string, path: string, body?: unknown, server?: ServerInfo): Promise<AdminAnswer<T>> {
  return executeServerCommand<AdminAnswer<T>, object>('planship-admin', { method, path, body, server: server?.url });
}

/** The server refuses live sockets for a while: pages do not hear of changes made elsewhere. */
export async function refuseSockets(server: ServerInfo, seconds = 600) {
  const answer = await admin('POST', '/__emulator/sockets/close', { refuse_seconds: seconds }, server);
  if (answer.status !== 200) throw new Error(`sockets/close answered ${answer.status}`);
}

export function customerToken(customerId: string, expiresIn?: number, server?: ServerInfo): Promise<string> {
  return executeServerCommand<string, object>('planship-customer-token', { customerId, expiresIn, server: server?.url });
}

/** A token getter as a host page would write one, counting its calls. */
export function tokenGetter(customerId: string, server?: ServerInfo) {
  const getter = async (_forceRefresh?: boolean) => {
    getter.calls += 1;
    return customerToken(customerId, undefined, server);
  };
  getter.calls = 0;
  return getter;
}

let counter = 0;

/** A fresh customer (so tests never share state), optionally subscribed to a plan. */
export async function createCustomer(
  options: { plan?: string; maxSubscribers?: number; product?: string; name?: string; server?: ServerInfo } = {},
): Promise<string> {
  const unique = `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const { server } = options;
  const created = await admin(
    'POST',
    '/api/v1/customers',
    { name: options.name ?? `Test ${unique}`, email: `test-${unique}@example.com`, alternative_id: `test-${unique}` },
    server,
  );
  if (created.status !== 200) throw new Error(`create customer answered ${created.status}`);
  const id: string = created.body.id;
  if (options.plan) {
    const product = options.product ?? PRODUCT;
    const body: Record<string, unknown> = { customer_id: id };
    if (options.maxSubscribers !== undefined) body.max_subscribers = options.maxSubscribers;
    const subscribed = await admin('POST', `/api/v1/products/${product}/plans/${options.plan}/subscriptions`, body, server);
    if (subscribed.status !== 200) throw new Error(`subscribe answered ${subscribed.status}`);
  }
  return id;
}

/**
 * A fresh customer subscribed to `plan`, whose subscription the host's backend then changed
 * (e.g. `{ auto_renew: false }`: cancelled at the end of the period; `{ is_active: false }`: ended).
 */
export async function subscribedCustomer(plan: string, change?: Record<string, unknown>, server?: ServerInfo) {
  const id = await createCustomer({ plan, server });
  const [subscription] = (await admin('GET', `/api/v1/customers/${id}/subscriptions`, undefined, server)).body;
  const subscriptionId: string = subscription.subscription_id;
  if (change) {
    const changed = await admin('PATCH', `/api/v1/customers/${id}/subscriptions/${subscriptionId}`, change, server);
    if (changed.status !== 200) throw new Error(`PATCH answered ${changed.status}`);
  }
  return { id, subscriptionId };
}

export function reportUsage(customerId: string, meteringId: string, usage: number, product = PRODUCT, server?: ServerInfo) {
  return admin('POST', `/api/v1/customers/${customerId}/products/${product}/usage/${meteringId}`, { usage }, server);
}

/** A provider for the customer around the elements under test, as a host page writes it. */
export async function mountProvider(
  customerId: string,
  children: TemplateResult,
  getter?: TokenGetter,
  product = PRODUCT,
  server?: ServerInfo,
): Promise<PlanshipProvider> {
  const { url, wsUrl } = server ?? (await serverInfo());
  getter ??= tokenGetter(customerId, server);
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

type RequestMatch = (url: string, init?: RequestInit) => boolean;

/** Puts `around` in front of the page's fetch (it calls `send` to let the request go); returns the restore. */
function aroundFetch(around: (url: string, init: RequestInit | undefined, send: () => Promise<Response>) => Promise<Response>): () => void {
  const realFetch = window.fetch;
  window.fetch = (input, init) => around(String(input instanceof Request ? input.url : input), init, () => realFetch(input, init));
  return () => {
    window.fetch = realFetch;
  };
}

/** Test fetch that holds every request whose URL matches until `release()`; `restore()` puts fetch back. */
export function holdRequests(matches: RequestMatch) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const restore = aroundFetch(async (url, init, send) => {
    if (matches(url, init)) await held;
    return send();
  });
  return { release, restore };
}

/** Counts the page's requests that match (e.g. writes), so a test can say that none was sent; `restore()` puts fetch back. */
export function countRequests(matches: RequestMatch) {
  const counter = { count: 0, restore: () => {} };
  counter.restore = aroundFetch((url, init, send) => {
    if (matches(url, init)) counter.count += 1;
    return send();
  });
  return counter;
}

/** The page's writes to the API (anything but GET), counted. */
export const countWrites = () => countRequests((_url, init) => (init?.method ?? 'GET') !== 'GET');

/**
 * Lets everything a click or a dialog answer sets off without the network run (its promises, the
 * element's update, a frame): a sentinel to check that nothing happened, instead of a fixed wait.
 */
export async function settled(element: Element & { updateComplete?: Promise<unknown> }): Promise<void> {
  await new Promise(requestAnimationFrame);
  await element.updateComplete;
}

/** The confirmation <dialog> in `host`'s shadow root, once it is open. */
export async function openDialog(host: Element): Promise<HTMLDialogElement> {
  const dialog = () => host.shadowRoot!.querySelector('dialog');
  await waitUntil(() => dialog()?.open, `no confirmation dialog in <${host.localName}>`, { timeout: 5000 });
  return dialog()!;
}

/** Answers the confirmation in `host` (yes, or no with `answer` false), once it is open; returns its text. */
export async function answerDialog(host: Element, answer = true): Promise<string> {
  const dialog = await openDialog(host);
  const text = dialog.textContent!.replace(/\s+/g, ' ').trim();
  dialog.querySelector<HTMLButtonElement>(answer ? '[part~="dialog-confirm"]' : '[part~="dialog-cancel"]')!.click();
  return text;
}

/** Waits for running CSS transitions (a theme switch fades colours) so axe sees the final colours. */
export async function transitionsDone(): Promise<void> {
  // Transitions start on the next style update: let a frame pass first.
  await new Promise(requestAnimationFrame);
  // document.getAnimations() leaves out shadow trees: ask every element.
  const transitions = deepElements(document.body).flatMap((element) => element.getAnimations().filter((animation) => animation instanceof CSSTransition));
  await Promise.all(transitions.map((animation) => animation.finished));
}
