// The bench page's script: the portal's elements plus probes the bench reads through Playwright.
// Times are wall-clock epoch milliseconds (timeOrigin + now), the same scale Node records.
import '../../src/index.ts';
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

/**
 * Portal elements still loading (or not rendered yet) and elements showing an error. An element's
 * own content counts; what an element inside it loads afterwards (the manager's members list, a
 * second-level read) does not hold back its first content.
 */
function pending(): { loading: string[]; errors: string[] } {
  const loading: string[] = [];
  const errors: string[] = [];
  for (const element of document.querySelectorAll('*')) {
    if (!element.localName.startsWith('planship-') || element.localName === 'planship-provider') continue;
    const root = element.shadowRoot;
    if (!root || root.childElementCount === 0) loading.push(element.localName);
    else if (root.querySelector('[aria-busy="true"], [part~="loading"]')) loading.push(element.localName);
    if (root && deepQueryAll('[role="alert"]', root).length) errors.push(element.localName);
  }
  return { loading, errors };
}

const bench = {
  meterValue,
  recordMeterChanges,
  takeMeterRecords,
  pending,
  /** performance.now() (ms since navigation start) when every element first showed content. */
  completeAt: undefined as number | undefined,
};

function watchCompletion() {
  const state = pending();
  const hasElements = document.querySelector('planship-provider *') !== null;
  if (hasElements && state.loading.length === 0 && meterValue() !== undefined) {
    bench.completeAt = performance.now();
    return;
  }
  setTimeout(watchCompletion, 1);
}

declare global {
  interface Window {
    __bench: typeof bench;
  }
}
window.__bench = bench;
watchCompletion();
