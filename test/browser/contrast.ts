// WCAG contrast as a user sees it: a color against what is actually painted behind it (the
// element's own background, then its ancestors' in the composed tree, blended until one is
// opaque). Any CSS color the browser computes (rgb(), color(srgb ...) from color-mix(), ...) is
// read back through a canvas, so no syntax needs parsing here.
import { deepElements } from './helpers.ts';

type Rgba = [r: number, g: number, b: number, a: number];

let context: CanvasRenderingContext2D | undefined;

/** A computed CSS color as 0-255 channels and 0-1 alpha. */
export function rgba(color: string): Rgba {
  context ??= Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true })!;
  context.clearRect(0, 0, 1, 1);
  context.fillStyle = '#000';
  context.fillStyle = color;
  context.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
  return [r, g, b, a / 255];
}

/** `top` painted over an opaque `bottom`. */
const over = ([r, g, b, a]: Rgba, [R, G, B]: Rgba): Rgba => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];

/** The element a box sits in, as it is painted: the slot it is assigned to, its parent, or its shadow root's host. */
function paintParent(element: Element): Element | undefined {
  return element.assignedSlot ?? element.parentElement ?? ((element.getRootNode() as ShadowRoot).host as Element | undefined);
}

/** What is painted behind `element`'s content: its own background over its ancestors', down to an opaque one (the page's white canvas last). */
export function paintedBackground(element: Element): Rgba {
  const layers: Rgba[] = [];
  for (let node: Element | undefined = element; node; node = paintParent(node)) {
    const style = getComputedStyle(node);
    if (style.display === 'contents') continue;
    const layer = rgba(style.backgroundColor);
    if (layer[3] > 0) layers.push(layer);
    if (layer[3] === 1) break;
  }
  return layers.reduceRight((below, layer) => over(layer, below), [255, 255, 255, 1] as Rgba);
}

/** The WCAG contrast ratio of two colors (a translucent `fg` is blended over `bg`). */
export function contrastRatio(fg: Rgba, bg: Rgba): number {
  const luminance = (color: Rgba) => {
    const [r, g, b] = color.slice(0, 3).map((channel) => {
      const c = channel / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [high, low] = [luminance(over(fg, bg)), luminance(bg)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

export interface ContrastCheck {
  /** e.g. `button "Keep Pro"` or `badge "Current plan" border`. */
  what: string;
  ratio: number;
  need: number;
}

const visible = (element: Element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';

/** An element's name in a failure message: its tag or part and its text. */
const describe = (element: Element) =>
  `${element.getAttribute('part') ?? element.localName} "${(element.textContent ?? '').replace(/\s+/g, ' ').trim() || (element as HTMLInputElement).value || ''}"`;

/**
 * The contrast of every visible badge, button and field below `root` (through shadow roots):
 * its text against its painted background (4.5:1), and for controls its boundary (border, or
 * its fill where that differs) against what is painted around it (3:1). Controls that are
 * disabled or aria-disabled (inactive, exempt in WCAG 1.4.3 and 1.4.11) are left out.
 */
export function contrastChecks(root: ParentNode, selector = '.badge, button, input:not([type=checkbox], [type=radio]), textarea'): ContrastCheck[] {
  const checks: ContrastCheck[] = [];
  for (const element of deepElements(root)) {
    if (!element.matches(selector) || !visible(element) || element.matches(':disabled, [aria-disabled=true]')) continue;
    const style = getComputedStyle(element);
    const own = paintedBackground(element);
    const what = describe(element);
    checks.push({ what, ratio: contrastRatio(rgba(style.color), own), need: 4.5 });
    if (element.matches('button, input, textarea')) {
      const around = paintedBackground(paintParent(element)!);
      const boundary = Math.max(contrastRatio(rgba(style.borderTopColor), around), contrastRatio(own, around));
      checks.push({ what: `${what} border`, ratio: boundary, need: 3 });
    }
  }
  return checks;
}

/** The checks that miss their ratio, worded for an assertion message. */
export const failures = (checks: readonly ContrastCheck[]) =>
  checks.filter(({ ratio, need }) => ratio < need).map(({ what, ratio, need }) => `${what}: ${ratio.toFixed(2)} < ${need}`);
