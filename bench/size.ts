// Bundle sizes as a user pays for them: esbuild --bundle --minify, then gzip -9. The portal is
// bundled from src/index.ts with the same options as `npm run build` (= dist/planship-portal.js).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ROOT, fromRoot } from './root.ts';

export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
}

export interface SizeResult {
  portal: BundleSize;
  client: BundleSize;
  /** The official client, whole entry (what `import ... from '@planship/fetch'` can pull in). */
  official: BundleSize;
  /** The official client when only PlanshipCustomer is imported (tree-shaken). */
  officialCustomerOnly: BundleSize;
}

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
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

export function measurePortal(): Promise<BundleSize> {
  return bundle({ file: 'src/index.ts' });
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
  };
}

export function readBudget(): SizeBudget {
  return JSON.parse(readFileSync(SIZE_BUDGET_FILE, 'utf8')) as SizeBudget;
}

/** The largest gzip size a bundle may reach before the size test fails. */
export function allowedBytes(budgetBytes: number): number {
  return Math.floor(budgetBytes * (1 + BUDGET_TOLERANCE));
}

export const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
