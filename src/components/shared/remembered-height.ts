// The height an element's content took the last time in this browser tab, so its loading
// placeholder takes the same room and nothing jumps when the content arrives. A first visit has
// only the placeholder's own shape to go by.

/** What a height is remembered under (element, product, width); undefined: not now. */
export type HeightKey = () => string | undefined;

const PREFIX = 'planship-portal:height:';
const keys = new WeakMap<Element, HeightKey>();
let observer: ResizeObserver | undefined;

/** sessionStorage, when the page may use it (not in some sandboxed frames). */
function storage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}

/** Keeps the height of `base` (an element's part="base") whenever it shows content. */
export function rememberHeight(base: Element, key: HeightKey): void {
  if (keys.has(base)) return;
  keys.set(base, key);
  observer ??= new ResizeObserver((entries) => {
    for (const { target, borderBoxSize } of entries) {
      const height = Math.round(borderBoxSize[0]?.blockSize ?? 0);
      const name = keys.get(target)?.();
      if (name && height > 0 && !target.querySelector('[part~=loading], [part~=error], [part~=error-note]')) storage()?.setItem(PREFIX + name, String(height));
    }
  });
  observer.observe(base);
}

/** The content's last height under `key`, if known. */
export function rememberedHeight(key: HeightKey): number | undefined {
  const name = key();
  const height = name ? Number(storage()?.getItem(PREFIX + name)) : 0;
  return height > 0 ? height : undefined;
}

const widths = new WeakMap<Element, number>();
const widthChanged = new WeakMap<Element, () => void>();
let widthObserver: ResizeObserver | undefined;

/** Follows `element`'s width (after layout, never forcing one); `changed` runs when a first or new width is seen. */
export function observeWidth(element: Element, changed: () => void): void {
  if (widthChanged.has(element)) return;
  widthChanged.set(element, changed);
  widthObserver ??= new ResizeObserver((entries) => {
    for (const { target, borderBoxSize } of entries) {
      const width = Math.round(borderBoxSize[0]?.inlineSize ?? 0);
      if (widths.get(target) === width) continue;
      widths.set(target, width);
      widthChanged.get(target)?.();
    }
  });
  widthObserver.observe(element);
}

/** `element`'s width as last observed; undefined before the first layout. */
export const observedWidth = (element: Element): number | undefined => widths.get(element);
