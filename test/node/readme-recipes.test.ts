// The README's framework recipes are the apps in examples/ that test/dist/recipes.test.ts builds
// and runs: each block marked `<!-- recipe: path -->` must be that file, word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/<!-- recipe: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map(([, path, code]) => ({ path, code }));

test('the README shows a recipe for plain HTML, React, Vue and Svelte', () => {
  for (const framework of ['html', 'react', 'vue', 'svelte']) {
    assert.ok(blocks.some(({ path }) => path.startsWith(`examples/${framework}/`)), `no ${framework} recipe in the README`);
  }
});

test('every recipe block in the README is the tested example file', () => {
  for (const { path, code } of blocks) assert.equal(code, readFileSync(path, 'utf8').trimEnd(), `${path} differs from the README`);
});
