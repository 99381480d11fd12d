// Bundle sizes as a user pays for them: the build's own pipeline (scripts/browser-bundle.mjs:
// Vite's library mode, Lit's template minifier, terser), then gzip -9. The portal is bundled
// from src/elements.ts exactly as `npm run build` writes dist/planship-portal.js.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { MINIFIERS, SHIPPED_MINIFIER, bundleForBrowsers, type Minifier } from '../scripts/browser-bundle.mjs';
import { ROOT, fromRoot } from './root.ts';

export interface Part {
  /** Bytes of the part's modules, each minified on its own (an estimate: the bundle is minified whole, its top-level names shorter). */
  minifiedBytes: number;
  /** What the part adds to the gzipped bundle: its size with the part minus its size without it. */
  gzipBytes: number;
}

export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
  /** Where the bytes go, by package or source folder, largest first (`--only size` with a breakdown). */
  breakdown?: Record<string, Part>;
}

export interface SizeResult {
  portal: BundleSize;
  client: BundleSize;
  /** The portal with each other way to minify it, gzipped (the build ships the smallest). */
  minifiers: Record<string, number>;
  /** The official client, whole entry (what `import ... from '@planship/fetch'` can pull in). */
  official: BundleSize;
  /** The official client when only PlanshipCustomer is imported (tree-shaken). */
  officialCustomerOnly: BundleSize;
  /** dist/planship-portal.js as built by `npm run build`, gzipped as is (absent before a build). */
  distGzipBytes?: number;
}

const DIST_BUNDLE = fromRoot('dist/planship-portal.js');
export const SIZE_BUDGET_FILE = fromRoot('bench/size-budget.json');
export const BUDGET_TOLERANCE = 0.05;

export interface SizeBudget {
  portalGzipBytes: number;
  clientGzipBytes: number;
}

const gzip = (code: string | Buffer) => gzipSync(code, { level: 9 }).length;

type Entry = string | { source: string };

async function bundle(entry: Entry, withBreakdown = false, minifier: Minifier = SHIPPED_MINIFIER): Promise<BundleSize> {
  const { code, modules } = await bundleForBrowsers(typeof entry === 'string' ? fromRoot(entry) : entry, { minifier, root: ROOT });
  const size: BundleSize = { minifiedBytes: Buffer.byteLength(code), gzipBytes: gzip(code) };
  if (withBreakdown) size.breakdown = await breakdown(modules);
  return size;
}

/**
 * Each module minified on its own, grouped; a group's gzip share is what leaving it out of the
 * (so concatenated) bundle saves, so the shares add up to a little less than the whole.
 */
async function breakdown(modules: Record<string, { code: string | null }>): Promise<Record<string, Part>> {
  const pieces: [group: string, code: string][] = [];
  for (const [id, { code }] of Object.entries(modules)) {
    if (!code) continue;
    // Scope-hoisted: a module's top-level names are the bundle's, so they stay as they are.
    const minified = (await minify(code, { ecma: 2022, compress: false, mangle: true, toplevel: false, format: { comments: false } })).code ?? '';
    pieces.push([groupOf(id), minified]);
  }
  const whole = gzip(pieces.map(([, code]) => code).join(''));
  const parts: Record<string, Part> = {};
  for (const group of new Set(pieces.map(([name]) => name))) {
    const mine = pieces.filter(([name]) => name === group);
    parts[group] = {
      minifiedBytes: mine.reduce((sum, [, code]) => sum + Buffer.byteLength(code), 0),
      gzipBytes: whole - gzip(pieces.filter(([name]) => name !== group).map(([, code]) => code).join('')),
    };
  }
  return Object.fromEntries(Object.entries(parts).sort((a, b) => b[1].gzipBytes - a[1].gzipBytes));
}

/**
 * ".../node_modules/@lit/reactive-element/x.js" -> "@lit/reactive-element"; ".../src/client/http.ts"
 * -> "src/client/http.ts"; a helper the compiler adds ("\0@oxc-project+runtime/...") -> "@oxc-project".
 */
export function groupOf(id: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id) ?? /^\0(@[^/+]+)/.exec(id);
  if (inPackage) return inPackage[1];
  const inSource = /\/(src\/.+)$/.exec(id.replaceAll('\\', '/'));
  return inSource ? inSource[1] : id;
}

export function measurePortal(withBreakdown = false): Promise<BundleSize> {
  return bundle('src/elements.ts', withBreakdown);
}

export function measureClient(withBreakdown = false): Promise<BundleSize> {
  return bundle('src/client/index.ts', withBreakdown);
}

export async function measureSizes(): Promise<SizeResult> {
  const minifiers: Record<string, number> = {};
  for (const minifier of Object.keys(MINIFIERS) as Minifier[]) {
    if (minifier !== SHIPPED_MINIFIER) minifiers[minifier] = (await bundle('src/elements.ts', false, minifier)).gzipBytes;
  }
  const portal = await measurePortal(true);
  minifiers[SHIPPED_MINIFIER] = portal.gzipBytes;
  return {
    portal,
    client: await measureClient(true),
    minifiers,
    official: await bundle({ source: "export * from '@planship/fetch';" }),
    officialCustomerOnly: await bundle({ source: "export { PlanshipCustomer } from '@planship/fetch';" }),
    distGzipBytes: existsSync(DIST_BUNDLE) ? gzip(readFileSync(DIST_BUNDLE)) : undefined,
  };
}

export function readBudget(): SizeBudget {
  return JSON.parse(readFileSync(SIZE_BUDGET_FILE, 'utf8')) as SizeBudget;
}

/** The largest gzip size a bundle may reach before the size test fails. */
export function allowedBytes(budgetBytes: number): number {
  return Math.floor(budgetBytes * (1 + BUDGET_TOLERANCE));
}

/** The size test's verdict: within the budget and its tolerance. */
export function withinBudget(gzipBytes: number, budgetBytes: number): boolean {
  return gzipBytes <= allowedBytes(budgetBytes);
}

/** 1 kB = 1,024 bytes here; the exact byte count follows, so nobody has to guess. */
export const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB (${bytes.toLocaleString("en-US")} B)`;
