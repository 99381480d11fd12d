// The build's template minifier: it may only change the static text of css`` and html``.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minifyTemplates } from '../../scripts/minify-templates.mjs';

test('css templates lose comments and whitespace, keeping values and expressions', () => {
  const source = 'const s = css`\n  /* why */\n  :host {\n    color: var(--x, red);\n    margin: 0 ${gap};\n  }\n`;';
  assert.equal(minifyTemplates(source), 'const s = css` :host{color:var(--x,red);margin:0 ${gap}}`;');
});

test('html templates collapse line breaks to one space and keep bindings', () => {
  const source = 'html`<p\n    class="a">\n      ${name}\n    </p>`';
  assert.equal(minifyTemplates(source), 'html`<p class="a"> ${name} </p>`');
});

test('strings and comments that mention a template are left alone', () => {
  const source = "const a = 'html`  keep  `'; // css`  keep  `\nconst b = `plain\n   text`;";
  assert.equal(minifyTemplates(source), source);
});
