// An esbuild plugin that shrinks the static text of Lit's css`` and html`` templates in
// src/components (esbuild minifies the code around them but leaves template text alone).
// Only the literal parts change; `${...}` expressions are copied as they are.
//   css:  comments dropped, whitespace collapsed, no spaces around { } ; , or after :
//   html: every whitespace run that holds a line break becomes one space (rendering is the same:
//         HTML collapses such runs anyway; the elements use no <pre>)
import { readFile } from 'node:fs/promises';

const TAG = /\b(css|html)`/g;

/** Index just past the template literal that starts at `start` (just after its backtick). */
function templateEnd(source, start) {
  let i = start;
  while (i < source.length) {
    const char = source[i];
    if (char === '\\') i += 2;
    else if (char === '`') return i + 1;
    else if (char === '$' && source[i + 1] === '{') i = expressionEnd(source, i + 2);
    else i += 1;
  }
  throw new Error('unterminated template literal');
}

/** Index just past the `}` that closes an expression starting at `start`. */
function expressionEnd(source, start) {
  let depth = 1;
  let i = start;
  while (i < source.length) {
    const char = source[i];
    if (char === '`') i = templateEnd(source, i + 1);
    else if (char === '"' || char === "'") i = stringEnd(source, i);
    else if (char === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
    else if (char === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 2;
    else {
      if (char === '{') depth += 1;
      if (char === '}' && --depth === 0) return i + 1;
      i += 1;
    }
  }
  throw new Error('unterminated template expression');
}

function stringEnd(source, start) {
  const quote = source[start];
  let i = start + 1;
  while (source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

const minifyCss = (text) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}');

const minifyHtml = (text) => text.replace(/\s*\n\s*/g, ' ');

/** Rewrites the static parts of one template's body (between the backticks). */
function minifyBody(body, minify) {
  let out = '';
  let i = 0;
  let literalStart = 0;
  while (i < body.length) {
    if (body[i] === '\\') i += 2;
    else if (body[i] === '$' && body[i + 1] === '{') {
      out += minify(body.slice(literalStart, i));
      const end = expressionEnd(body, i + 2);
      out += '${' + minifyTemplates(body.slice(i + 2, end - 1)) + '}';
      i = literalStart = end;
    } else i += 1;
  }
  return out + minify(body.slice(literalStart));
}

export function minifyTemplates(source) {
  let out = '';
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const open = match.index + match[0].length;
    if (open <= last) continue; // inside a template already rewritten
    const end = templateEnd(source, open);
    const minify = match[1] === 'css' ? minifyCss : minifyHtml;
    out += source.slice(last, open) + minifyBody(source.slice(open, end - 1), minify) + '`';
    last = end;
  }
  return out + source.slice(last);
}

export const minifyTemplatesPlugin = {
  name: 'minify-lit-templates',
  setup(build) {
    build.onLoad({ filter: /src[\\/]components[\\/].*\.ts$/ }, async ({ path }) => ({
      contents: minifyTemplates(await readFile(path, 'utf8')),
      loader: 'ts',
    }));
  },
};
