// The size bench measures what the build ships: dist/planship-portal.js is, byte for byte, the
// bundle the bench's pipeline makes from src/elements.ts, and it is minified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { measurePortal } from '../../bench/size.ts';
import { bundleForBrowsers } from '../../scripts/browser-bundle.mjs';

test('dist/planship-portal.js is the bundle the size bench measures', async () => {
  const shipped = readFileSync('dist/planship-portal.js', 'utf8');
  const { code } = await bundleForBrowsers('src/elements.ts');
  assert.equal(shipped, code);
  assert.equal((await measurePortal()).minifiedBytes, Buffer.byteLength(shipped));
});

test('the bundle is minified: no indented lines, no comments, no line breaks between tags or CSS rules', () => {
  const shipped = readFileSync('dist/planship-portal.js', 'utf8');
  assert.doesNotMatch(shipped, /\n[ \t]/);
  assert.doesNotMatch(shipped, /\/\*/);
  assert.doesNotMatch(shipped, />\s*\n|\n\s*</);
  assert.doesNotMatch(shipped, /[{;}]\s*\n/);
});
