// Bundle sizes as a user pays for them: esbuild --bundle --minify, then gzip -9. The portal is
// bundled from src/elements.ts with the same options as `npm run build` (= dist/planship-portal.js).
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minifyTemplatesPlugin } from '../scripts/minify-templates.mjs';
import { ROOT, fromRoot } from './root.ts';

export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
  /** Minified bytes per package or source folder, largest first (where the bytes go). */
  breakdown: Record<string, number>;
}

export interface SizeResult {
  portal: BundleSize;
  client: BundleSize;
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

async function bundle(entry: { file: string } | { source: string }): Promise<BundleSize> {
  const result = await build({
    ...('file' in entry
      ? { entryPoints: [fromRoot(entry.file)] }
      : { stdin: { contents: entry.source, resolveDir: ROOT, loader: 'ts' } }),
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    tsconfig: fromRoot('tsconfig.json'),
    legalComments: 'none',
    plugins: [minifyTemplatesPlugin],
    logLevel: 'silent',
    metafile: true,
  });
  const code = result.outputFiles[0].contents;
  const breakdown: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const group = groupOf(input);
      breakdown[group] = (breakdown[group] ?? 0) + bytesInOutput;
    }
  }
  const sorted = Object.fromEntries(Object.entries(breakdown).sort((a, b) => b[1] - a[1]));
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, breakdown: sorted };
}

/** "node_modules/@lit/reactive-element/x.js" -> "@lit/reactive-element"; "src/client/http.ts" -> "src/client". */
function groupOf(input: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inPackage) return inPackage[1];
  const parts = input.split('/');
  return parts.length > 2 ? parts.slice(0, -1).join('/') : input;
}

export function measurePortal(): Promise<BundleSize> {
  return bundle({ file: 'src/elements.ts' });
}

export function measureClient(): Promise<BundleSize> {
  return bundle({ file: 'src/client/index.ts' });
}

export async function measureSizes(): Promise<SizeResult> {
  return {
    portal: await measurePortal(),
    client: await measureClient(),
    official: await bundle({ source: "export * from '@planship/fetch';" }),
    officialCustomerOnly: await bundle({ source: "export { PlanshipCustomer } from '@planship/fetch';" }),
    distGzipBytes: existsSync(DIST_BUNDLE) ? gzipSync(readFileSync(DIST_BUNDLE), { level: 9 }).length : undefined,
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
