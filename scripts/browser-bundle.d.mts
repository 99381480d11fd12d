export type Minifier = 'oxc' | 'terser' | 'terser+oxc';
export const MINIFIERS: Record<Minifier, unknown>;
export const SHIPPED_MINIFIER: Minifier;
export function bundleForBrowsers(
  entry: string | { source: string },
  options?: { minifier?: Minifier; root?: string },
): Promise<{ code: string; modules: Record<string, { code: string | null; renderedLength: number }> }>;
