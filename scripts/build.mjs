#!/usr/bin/env node
// `npm run build`:
//   dist/planship-portal.js  one self-contained ES module (lit included) for a <script> tag;
//                            it registers the elements and exports nothing (src/elements.ts)
//   dist/locales/<lang>.js   each shipped language on its own, loaded by the bundle on demand
//   dist/lib/                the library for bundlers (lit, @lit/*, ws external), code-split;
//                            dist/lib/locales/<lang>.js for `import 'planship-portal/locales/de'`
//   dist/types/              .d.ts for both
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minifyTemplatesPlugin } from './minify-templates.mjs';

const tsconfig = 'tsconfig.json';
rmSync('dist', { recursive: true, force: true });

/** { 'locales/de': 'src/locales/de.ts', ... } */
const locales = Object.fromEntries(
  readdirSync('src/locales')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`locales/${file.slice(0, -3)}`, `src/locales/${file}`]),
);

/**
 * What a browser loads as it is: one minified ES module per entry, everything inlined. Module
 * scripts are always read as UTF-8, so text stays as it is rather than \u-escaped.
 */
const forBrowsers = { bundle: true, minify: true, format: 'esm', target: 'es2022', charset: 'utf8', tsconfig, legalComments: 'none', logLevel: 'warning' };

await build({
  ...forBrowsers,
  entryPoints: ['src/elements.ts'],
  outfile: 'dist/planship-portal.js',
  // css`` and html`` literals keep their whitespace under --minify; this collapses it.
  plugins: [minifyTemplatesPlugin],
});

// Beside the bundle, each a standalone module (its few helpers inlined), so English-only pages
// never download them and the bundle does not grow per language.
await build({ ...forBrowsers, entryPoints: locales, outdir: 'dist' });

await build({
  entryPoints: { index: 'src/index.ts', client: 'src/client/index.ts', admin: 'src/client/admin.ts', ...locales },
  outdir: 'dist/lib',
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  tsconfig,
  external: ['lit', 'lit/*', '@lit/*'],
  logLevel: 'warning',
});

await build({
  entryPoints: { server: 'src/server/index.ts' },
  outdir: 'dist/lib',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig,
  packages: 'external',
  logLevel: 'warning',
});

const types = spawnSync(
  'npx',
  ['tsc', '-p', 'tsconfig.build.json'],
  { stdio: 'inherit' },
);
if (types.status !== 0) process.exit(types.status ?? 1);

// The custom-elements manifest, read from each element's JSDoc (@summary, @slot, @csspart, ...).
const manifest = spawnSync('npm', ['run', '--silent', 'analyze'], { stdio: 'inherit' });
if (manifest.status !== 0) process.exit(manifest.status ?? 1);

for (const file of ['planship-portal.js', ...Object.keys(locales).map((name) => `${name}.js`)]) {
  const code = readFileSync(`dist/${file}`);
  console.log(
    `dist/${file}: ${(code.length / 1024).toFixed(1)} kB minified, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} kB gzipped`,
  );
}
