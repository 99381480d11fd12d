// The height an element's content took the last time in this browser tab, so its loading
// placeholder takes the same room and nothing jumps when the content arrives. A first visit has
// only the placeholder's own shape to go by.

/**
 * What a height is remembered under: a name (element and product) and the element's width as
 * last observed (undefined before its first layout); undefined: not now.
 */
export type HeightKey = () => { name: string; width: number | undefined } | undefined;

/** Widths are told apart in steps of this many pixels (a height remembered for 800 px fits 810 px). */
const WIDTH_STEP = 50;
const step = (width: number | undefined) => (width === undefined ? undefined : Math.round(width / WIDTH_STEP));

/**
 * The storage keys of a height: at this width and at any width. Before its first layout an
 * element knows no width (and reads none, which would force a layout): it takes the last height
 * remembered at any width, nearly always the page's one width.
 */
function storageKeys(key: ReturnType<HeightKey>): { atWidth?: string; any: string } | undefined {
  if (!key) return undefined;
  const width = step(key.width);
  return { atWidth: width === undefined ? undefined : `${PREFIX}${key.name}:${width}`, any: `${PREFIX}${key.name}:any` };
}

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
      const stored = storageKeys(keys.get(target)?.());
      if (!stored || height <= 0 || target.querySelector('[part~=loading], [part~=error], [part~=error-note]')) continue;
      for (const name of [stored.atWidth, stored.any]) if (name) storage()?.setItem(name, String(height));
    }
  });
  observer.observe(base);
}

/** The content's last height under `key`, if known. */
export function rememberedHeight(key: HeightKey): number | undefined {
  const stored = storageKeys(key());
  const read = (name: string | undefined) => Number((name && storage()?.getItem(name)) || 0);
  const height = stored ? read(stored.atWidth) || read(stored.any) : 0;
  return height > 0 ? height : undefined;
}

const widths = new WeakMap<Element, number>();
const widthChanged = new WeakMap<Element, () => void>();
let widthObserver: ResizeObserver | undefined;

/**
 * Follows `element`'s width (after layout, never forcing one); `changed` runs when a first width
 * or another step of it is seen, in the next frame: a change of layout made inside the observer's
 * callback would be a "ResizeObserver loop" error.
 */
export function observeWidth(element: Element, changed: () => void): void {
  if (widthChanged.has(element)) return;
  widthChanged.set(element, changed);
  widthObserver ??= new ResizeObserver((entries) => {
    for (const { target, borderBoxSize } of entries) {
      const width = Math.round(borderBoxSize[0]?.inlineSize ?? 0);
      const before = step(widths.get(target));
      widths.set(target, width);
      if (step(width) !== before) requestAnimationFrame(() => widthChanged.get(target)?.());
    }
  });
  widthObserver.observe(element);
}

/** `element`'s width as last observed; undefined before the first layout. */
export const observedWidth = (element: Element): number | undefined => widths.get(element);
