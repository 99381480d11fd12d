#!/usr/bin/env node
// `npm run build`:
//   dist/planship-portal.js  one self-contained ES module (lit included) for a <script> tag;
//                            it registers the elements and exports nothing (src/elements.ts)
//   dist/locales/<lang>.js   each shipped language on its own, loaded by the bundle on demand
//                            (both from Vite's library mode: scripts/browser-bundle.mjs, which
//                            the size bench measures too)
//   dist/custom-elements.json the manifest, read from each element's JSDoc (@summary, @slot, ...)
//   dist/lib/                the library for bundlers (lit, @lit/* external), code-split; each
//                            module the manifest names (every element's) is an entry of its own;
//                            dist/lib/locales/<lang>.js for `import 'planship-portal/locales/de'`
//   dist/lib/server.js, gateway.js, session.js  Node only
//                            (all of dist/lib from Vite's library mode too, unminified)
//   dist/types/              .d.ts for both, and the framework typings generated from the manifest
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build as buildWithVite } from 'vite';
import { bundleForBrowsers } from './browser-bundle.mjs';
import { writeFrameworkTypes } from './framework-types.mjs';

rmSync('dist', { recursive: true, force: true });

const analyzed = spawnSync('npm', ['run', '--silent', 'analyze'], { stdio: 'inherit' });
if (analyzed.status !== 0) process.exit(analyzed.status ?? 1);
const manifest = JSON.parse(readFileSync('dist/custom-elements.json', 'utf8'));
/** `dist/lib/components/a/b.js` -> entry `components/a/b` built from `src/components/a/b.ts`. */
const manifestEntries = Object.fromEntries(
  manifest.modules.map(({ path }) => [path.replace(/^dist\/lib\/(.+)\.js$/, '$1'), path.replace(/^dist\/lib\/(.+)\.js$/, 'src/$1.ts')]),
);

/** { 'locales/de': 'src/locales/de.ts', ... } */
const locales = Object.fromEntries(
  readdirSync('src/locales')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`locales/${file.slice(0, -3)}`, `src/locales/${file}`]),
);

/** One minified ES module, everything inlined, written as UTF-8 (module scripts are read as UTF-8). */
async function writeForBrowsers(entry, file, options) {
  const { code } = await bundleForBrowsers(entry, options);
  writeFileSync(file, code);
}

await writeForBrowsers('src/elements.ts', 'dist/planship-portal.js');
// For pages a server rendered (planship-portal/ssr): the same, with Lit's hydration support first
// and the templates' text as the server renders it.
await writeForBrowsers('src/elements-ssr.ts', 'dist/planship-portal-ssr.js', { hydrating: true });

// Beside the bundle, each a standalone module (its few helpers inlined), so English-only pages
// never download them and the bundle does not grow per language.
mkdirSync('dist/locales', { recursive: true });
for (const [name, entry] of Object.entries(locales)) await writeForBrowsers(entry, `dist/${name}.js`);

/**
 * Vite's library mode, unminified (the user's bundler minifies): ES modules for `entries`
 * ({ name: source }) in `outDir`, shared code in chunks/, the `external` imports left as they are.
 */
function buildLibrary(entries, { external, ssr = false, target = 'es2022' }) {
  return buildWithVite({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr,
      target,
      minify: false,
      outDir: 'dist/lib',
      emptyOutDir: false,
      reportCompressedSize: false,
      lib: { entry: entries, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: { external, checks: { pluginTimings: false }, output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    },
  });
}

await buildLibrary(
  { index: 'src/index.ts', client: 'src/client/index.ts', admin: 'src/client/admin.ts', ...manifestEntries, ...locales },
  { external: [/^lit(\/|$)/, /^@lit\//] },
);

// Node only: the local API server, the portal gateway, its session cookie and the server render
// (the host's backend); never in a page.
// Packages stay imports (dependencies of the package, ws an optional peer).
await buildLibrary(
  { server: 'src/server/index.ts', gateway: 'src/gateway/index.ts', session: 'src/gateway/session.ts', ssr: 'src/ssr/index.ts' },
  { ssr: true, target: 'node20', external: (id) => !/^[./]|^[A-Za-z]:|^\0/.test(id) },
);

const types = spawnSync(
  'npx',
  ['tsc', '-p', 'tsconfig.build.json'],
  { stdio: 'inherit' },
);
if (types.status !== 0) process.exit(types.status ?? 1);

// Where tsc inferred a type it names lit's inner packages (`import("lit-html").TemplateResult`).
// This package depends on `lit` alone, which re-exports them; strict installs (pnpm) have no
// lit-html beside us, so the declarations name `lit`.
for (const file of readdirSync('dist/types', { recursive: true })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = `dist/types/${file}`;
  const text = readFileSync(path, 'utf8');
  const fixed = text.replace(/import\("(lit-html|lit-element|@lit\/reactive-element)"\)/g, 'import("lit")');
  if (fixed !== text) writeFileSync(path, fixed);
}

const missing = manifest.modules.map(({ path }) => path).filter((path) => !existsSync(path));
if (missing.length) throw new Error(`The manifest names modules the build did not write: ${missing.join(', ')}`);

// planship-portal/react, /vue and /svelte: typings only; importing one at run time does nothing.
writeFrameworkTypes(manifest, 'dist/types');
writeFileSync('dist/lib/types-only.js', '// planship-portal/react, /vue and /svelte hold type declarations only.\nexport {};\n');

for (const file of ['planship-portal.js', 'planship-portal-ssr.js', ...Object.keys(locales).map((name) => `${name}.js`)]) {
  const code = readFileSync(`dist/${file}`);
  console.log(
    `dist/${file}: ${(code.length / 1024).toFixed(1)} kB minified, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} kB gzipped`,
  );
}
