// What every bench page's script shares: probes the bench reads through Playwright (window.__bench)
// and the first-content watcher. Times are wall-clock epoch milliseconds (timeOrigin + now), the
// same scale Node records, except `completeAt` (ms since navigation start).
import { epochNow } from '../stats.ts';

export interface MeterRecord {
  value: number;
  at: number;
}

/** querySelectorAll that also looks inside every open shadow root. */
function deepQueryAll(selector: string, root: Document | ShadowRoot = document): Element[] {
  const found = [...root.querySelectorAll(selector)];
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot) found.push(...deepQueryAll(selector, element.shadowRoot));
  }
  return found;
}

function meterValue(): number | undefined {
  const raw = deepQueryAll('[role=meter][aria-valuenow]')[0]?.getAttribute('aria-valuenow');
  return raw === undefined || raw === null ? undefined : Number(raw);
}

const meterRecords: MeterRecord[] = [];
const observedRoots = new WeakSet<Node>();
let lastValue: number | undefined;

function onMutations() {
  observeShadowRoots(document);
  const value = meterValue();
  if (value === undefined || value === lastValue) return;
  lastValue = value;
  meterRecords.push({ value, at: epochNow() });
}

const observer = new MutationObserver(onMutations);

function observeShadowRoots(root: Document | ShadowRoot) {
  if (!observedRoots.has(root)) {
    observedRoots.add(root);
    observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  }
  for (const element of root.querySelectorAll('*')) if (element.shadowRoot) observeShadowRoots(element.shadowRoot);
}

/** Starts recording every new meter value with the time it reached the DOM. */
function recordMeterChanges(): void {
  lastValue = meterValue();
  observeShadowRoots(document);
}

/** Takes the records so far (so long runs do not hold them all). */
function takeMeterRecords(): MeterRecord[] {
  return meterRecords.splice(0, meterRecords.length);
}

/** The elements whose content the watcher waits for: every portal element but the provider, and the minimal page's. */
const watched = (element: Element) =>
  (element.localName.startsWith('planship-') && element.localName !== 'planship-provider') || element.localName.startsWith('bench-');

/**
 * Elements still loading (or not rendered yet) and elements showing an error. An element's own
 * content counts; what an element inside it loads afterwards (the manager's members list, a
 * second-level read) does not hold back its first content.
 */
function pending(): { loading: string[]; errors: string[] } {
  const loading: string[] = [];
  const errors: string[] = [];
  for (const element of document.querySelectorAll('*')) {
    if (!watched(element)) continue;
    const root = element.shadowRoot;
    if (!root || root.childElementCount === 0) loading.push(element.localName);
    else if (root.querySelector('[aria-busy="true"], [part~="loading"]')) loading.push(element.localName);
    if (root && deepQueryAll('[role="alert"]', root).length) errors.push(element.localName);
  }
  return { loading, errors };
}

/** Every watched element shows content (and a meter, where the page has one, its value). */
function contentShown(): boolean {
  const elements = [...document.querySelectorAll('*')].filter(watched);
  if (elements.length === 0 || pending().loading.length > 0) return false;
  return document.querySelector('planship-usage-meter') === null || meterValue() !== undefined;
}

/** The page's first contentful paint (ms since navigation start), once Chromium has reported it. */
function firstContentfulPaint(): Promise<number> {
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntries().find((paint) => paint.name === 'first-contentful-paint');
      if (!entry) return;
      observer.disconnect();
      resolve(entry.startTime);
    });
    observer.observe({ type: 'paint', buffered: true });
  });
}

const bench = {
  meterValue,
  recordMeterChanges,
  takeMeterRecords,
  pending,
  /**
   * ms after navigation start when every element first showed content: when that reached the
   * DOM, but never before the first contentful paint. A page whose elements came with the HTML
   * (server-rendered) shows them from when the HTML was parsed.
   */
  completeAt: undefined as number | undefined,
  /** When the content reached the DOM (before the paint), and whether it came with the HTML. */
  contentAt: undefined as number | undefined,
  fromHtml: false,
};

declare global {
  interface Window {
    __bench: typeof bench;
    /** Set by an inline script at the end of the bench page's body: the HTML is parsed. */
    __htmlParsedAt?: number;
  }
}

let firstCheck = true;

function watchCompletion() {
  if (!contentShown()) {
    firstCheck = false;
    setTimeout(watchCompletion, 1);
    return;
  }
  // Shown at the very first look: the content came in the HTML (the script ran later).
  bench.fromHtml = firstCheck && window.__htmlParsedAt !== undefined;
  const contentAt = bench.fromHtml ? window.__htmlParsedAt! : performance.now();
  bench.contentAt = contentAt;
  void firstContentfulPaint().then((paint) => (bench.completeAt = Math.max(contentAt, paint)));
}

/** Exposes the probes as window.__bench and starts watching for first content. */
export function installProbe(): void {
  window.__bench = bench;
  watchCompletion();
}
