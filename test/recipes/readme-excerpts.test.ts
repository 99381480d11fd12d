// The README's gateway recipes are excerpts of the files the recipe tests run: every line of a
// block marked `<!-- excerpt: path -->` is a line of that file, in the same order (indentation
// aside), so the README cannot drift from the tested code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const readme = readFileSync('README.md', 'utf8');
const excerpts = [...readme.matchAll(/<!-- excerpt: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map(([, path, code]) => ({ path, code }));

test('the README shows the gateway in node:http, Express, Fastify, Hono and Next.js', () => {
  for (const file of ['node-http.ts', 'express.ts', 'fastify.ts', 'hono.ts', 'nextjs/app/planship/[...path]/route.ts']) {
    assert.ok(excerpts.some(({ path }) => path === `examples/gateway/${file}`), `no excerpt of examples/gateway/${file}`);
  }
});

test('every excerpt in the README is the tested file\'s lines, in order', () => {
  for (const { path, code } of excerpts) {
    const lines = readFileSync(path, 'utf8').split('\n').map((line) => line.trim());
    let at = 0;
    for (const line of code.split('\n').map((one) => one.trim())) {
      const found = lines.indexOf(line, at);
      assert.ok(found >= 0, `${path} has no line "${line}" after line ${at}`);
      at = found + 1;
    }
  }
});
