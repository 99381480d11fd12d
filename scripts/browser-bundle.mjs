// What a browser loads as it is: one self-contained, minified ES module per entry (the drop-in
// bundle, each shipped language). One pipeline for `npm run build` and the size bench, so the
// bench measures exactly what ships:
//   Vite's library mode (Rolldown) -> Lit's own minifier for html`` and css`` text
//   -> terser, then Oxc, over the whole chunk (MINIFIERS: the ways measured; the bench reports
//   each, and the build ships the smallest).
import { resolve } from 'node:path';
import { build } from 'vite';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { minify } from 'terser';

/**
 * terser's options: the code is an ES module of its own (everything in it is local), and the
 * client's protected members (`_http`, `_read`, ...) get short names too: nothing outside a
 * bundle reaches them. (Measured: `unsafe` compress options win under 0.1 kB and `unsafe_arrows`
 * would break the socket class the gateway transport builds with `new`; `#private` names gzip
 * no smaller than the names they replace.)
 */
const TERSER = {
  module: true,
  ecma: 2022,
  compress: { passes: 2 },
  mangle: { properties: { regex: /^_[a-z]/ } },
  format: { comments: false },
};

/** A plugin that minifies each finished chunk with terser (after Rolldown has printed it). */
const terser = (options) => ({
  name: 'planship:terser',
  async renderChunk(code) {
    return { code: (await minify(code, options)).code, map: null };
  },
});

/**
 * The ways to minify a chunk, measured by the size bench. Vite's library mode on its own
 * (`oxc`) mangles and compresses but keeps every line break and indent of an ES library.
 */
export const MINIFIERS = {
  /** Rolldown's own minifier (Oxc) with whitespace removed too. */
  oxc: { minify: 'oxc', output: { minify: true } },
  /** terser alone, on Rolldown's unminified output. */
  terser: { minify: false, output: { minify: false }, plugins: [terser(TERSER)] },
  /** terser, then Oxc over its output. */
  'terser+oxc': { minify: 'oxc', output: { minify: true }, plugins: [terser(TERSER)] },
};

/** The one the build ships. */
export const SHIPPED_MINIFIER = 'terser+oxc';

/**
 * An entry module given as `{ source }`, for measuring code that is not a file of ours. Library
 * mode takes entries as paths under the root: this one exists only here.
 */
const virtualEntry = (file, source) => ({
  name: 'planship:virtual-entry',
  resolveId: (id) => (id === file ? id : undefined),
  load: (id) => (id === file ? source : undefined),
});

/**
 * Bundles `entry` (a file, or `{ source }`) into one ES module, nothing written. Resolves with
 * the code and what each module put in it before the final minification (`modules`: id ->
 * `{ code, renderedLength }`). `hydrating`: html`` text kept as written, because Lit hydrates
 * server-rendered HTML only where the page's templates are the very strings the server rendered
 * (it compares their digests), and the server renders the source.
 */
export async function bundleForBrowsers(entry, { minifier = SHIPPED_MINIFIER, root = process.cwd(), hydrating = false } = {}) {
  const { minify: viteMinify, output = {}, plugins = [] } = MINIFIERS[minifier];
  const isSource = typeof entry === 'object';
  const input = isSource ? resolve(root, 'planship-virtual-entry.ts') : entry;
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [
      ...(isSource ? [virtualEntry(input, entry.source)] : []),
      // Attribute values unquoted where HTML allows it (Lit binds unquoted attributes alike).
      minifyHtmlLiterals({
        options: { minifyOptions: { removeAttributeQuotes: true }, ...(hydrating && { shouldMinify: () => false }) },
        failOnError: true,
      }),
      ...plugins,
    ],
    build: {
      write: false,
      target: 'es2022',
      minify: viteMinify,
      reportCompressedSize: false,
      lib: { entry: input, formats: ['es'], fileName: 'bundle' },
      rolldownOptions: { checks: { pluginTimings: false }, output: { codeSplitting: false, comments: false, ...output } },
    },
  });
  const chunks = (Array.isArray(result) ? result : [result]).flatMap(({ output: files }) => files.filter((file) => file.type === 'chunk'));
  if (chunks.length !== 1) throw new Error(`expected one chunk, got ${chunks.map((chunk) => chunk.fileName).join(', ')}`);
  const [chunk] = chunks;
  return { code: chunk.code, modules: chunk.modules };
}
