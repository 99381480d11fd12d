// `npm run analyze` (run by `npm run build`): dist/custom-elements.json from the elements' JSDoc.
import { internalState, publishedModules, typedEvents } from './scripts/manifest-plugins.mjs';

export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/components/**/*.styles.ts'],
  outdir: 'dist',
  litelement: true,
  // package.json already names the manifest; the analyzer would rewrite the file otherwise.
  packagejson: false,
  plugins: [internalState(), typedEvents(), publishedModules()],
};
