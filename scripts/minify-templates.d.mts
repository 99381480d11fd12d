export function minifyTemplates(source: string): string;
export const minifyTemplatesPlugin: import('esbuild').Plugin;
