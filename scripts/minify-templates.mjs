// An esbuild plugin that shrinks the static text of Lit's css`` and html`` templates in
// src/components (esbuild minifies the code around them but leaves template text alone).
// Only the literal parts change; `${...}` expressions are copied as they are.
//   css:  comments dropped, whitespace collapsed, no spaces around { } ; , or after :
//   html: every whitespace run that holds a line break becomes one space (rendering is the same:
//         HTML collapses such runs anyway; the elements use no <pre>)
import { readFile } from 'node:fs/promises';

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

/**
 * Rewrites every css`` and html`` template in `source`. Comments and strings are skipped, so a
 * backtick inside them cannot start a template by mistake.
 */
export function minifyTemplates(source) {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    const next = source[i + 1];
    let end;
    if (char === '/' && next === '/') end = source.indexOf('\n', i) >>> 0;
    else if (char === '/' && next === '*') end = source.indexOf('*/', i + 2) + 2;
    else if (char === '"' || char === "'") end = stringEnd(source, i);
    else if (char === '`') {
      end = templateEnd(source, i + 1);
      const tag = /\b(css|html)$/.exec(source.slice(Math.max(0, i - 4), i))?.[1];
      if (tag) {
        out += '`' + minifyBody(source.slice(i + 1, end - 1), tag === 'css' ? minifyCss : minifyHtml) + '`';
        i = end;
        continue;
      }
    } else end = i + 1;
    end = Math.min(end, source.length);
    out += source.slice(i, end);
    i = end;
  }
  return out;
}

export const minifyTemplatesPlugin = {
  name: 'minify-lit-templates',
  setup(build) {
    build.onLoad({ filter: /src[\\/]components[\\/].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      try {
        return { contents: minifyTemplates(source), loader: 'ts' };
      } catch (error) {
        // Never break the build over a size optimisation: ship that file as written.
        return { contents: source, loader: 'ts', warnings: [{ text: `templates left as written: ${error.message}` }] };
      }
    });
  },
};
