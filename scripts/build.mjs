#!/usr/bin/env node
// `npm run build`:
//   dist/planship-portal.js  one self-contained ES module (lit included) for a <script> tag;
//                            it registers the elements and exports nothing (src/elements.ts)
//   dist/lib/                the library for bundlers (lit, @lit/*, ws external), code-split
//   dist/types/              .d.ts for both
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minifyTemplatesPlugin } from './minify-templates.mjs';

const tsconfig = 'tsconfig.json';
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: ['src/elements.ts'],
  outfile: 'dist/planship-portal.js',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  tsconfig,
  legalComments: 'none',
  // css`` and html`` literals keep their whitespace under --minify; this collapses it.
  plugins: [minifyTemplatesPlugin],
  logLevel: 'warning',
});

await build({
  entryPoints: { index: 'src/index.ts', client: 'src/client/index.ts', admin: 'src/client/admin.ts' },
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

const bundle = readFileSync('dist/planship-portal.js');
console.log(
  `dist/planship-portal.js: ${(bundle.length / 1024).toFixed(1)} kB minified, ` +
    `${(gzipSync(bundle, { level: 9 }).length / 1024).toFixed(1)} kB gzipped`,
);
