// Bounds on what a caller sends, shared by the local server and the portal gateway: how deeply a
// JSON body may nest and how large a `metadata` object may be. Pure functions, no I/O, so both
// can apply the very same rule (the server while it parses, the gateway on a parsed body).
// Why: V8 stringifies and clones recursively, so a value nested a few thousand levels deep parses
// fine but breaks every later read that serialises it.

import type { ValidationIssue } from './rules.ts';

/** Levels of objects and arrays a request body may nest (`{}` is 1, `{"a": []}` is 2). */
export const MAX_JSON_DEPTH = 32;
/** UTF-8 bytes of a `metadata` object written as JSON (fits Polar's 50 keys of 40 + 500 chars). */
export const MAX_METADATA_BYTES = 32_768;

/** A FastAPI-shaped validation problem. */
export type LimitIssue = ValidationIssue;

function tooDeep(loc: (string | number)[], maxDepth: number): LimitIssue {
  return { loc, msg: `Input should be nested at most ${maxDepth} levels deep`, type: 'too_deep' };
}

/**
 * Scans JSON text, without parsing it, for nesting deeper than `maxDepth`. The problem names the
 * top-level field that holds the deep value (`["body", "metadata"]`), or just `base` when the
 * body itself is an array. Text that is not valid JSON is left to JSON.parse to refuse.
 */
export function jsonTextDepthIssue(text: string, maxDepth = MAX_JSON_DEPTH, base: (string | number)[] = ['body']): LimitIssue | undefined {
  let depth = 0;
  let topIsObject = false;
  let stringStart = -1;
  /** The last string read at depth 1 of an object: the key when a ':' follows. */
  let lastString: string | undefined;
  let key: string | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (stringStart >= 0) {
      if (char === 0x5c) index += 1; // backslash: skip the escaped character
      else if (char === 0x22) {
        if (depth === 1 && topIsObject) lastString = text.slice(stringStart, index + 1);
        stringStart = -1;
      }
      continue;
    }
    if (char === 0x22) stringStart = index;
    else if (char === 0x3a && depth === 1 && lastString !== undefined) key = lastString;
    else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth === 1) topIsObject = char === 0x7b;
      if (depth > maxDepth) return tooDeep(topIsObject && key !== undefined ? [...base, decodeKey(key)] : base, maxDepth);
    } else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return undefined;
}

function decodeKey(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

/**
 * The same rule for a value already parsed (e.g. by a framework's body parser): the first place
 * nested deeper than `maxDepth`, walked without recursion so no value can overflow the stack.
 */
export function jsonDepthIssue(value: unknown, maxDepth = MAX_JSON_DEPTH, base: (string | number)[] = ['body']): LimitIssue | undefined {
  const pending: { value: unknown; depth: number; field?: string }[] = [{ value, depth: 0 }];
  while (pending.length) {
    const { value: current, depth, field } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return tooDeep(field === undefined ? base : [...base, field], maxDepth);
    const topObject = depth === 0 && !Array.isArray(current);
    for (const [childKey, child] of Object.entries(current)) {
      pending.push({ value: child, depth: depth + 1, field: topObject ? childKey : field });
    }
  }
  return undefined;
}

/** Bytes of `text` in UTF-8, counted without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * A metadata object that is too deep or too large to keep, as a problem at `loc`
 * (default `["body", "metadata"]`); undefined when it may be stored.
 */
export function metadataIssue(
  metadata: unknown,
  loc: (string | number)[] = ['body', 'metadata'],
  maxBytes = MAX_METADATA_BYTES,
): LimitIssue | undefined {
  const deep = jsonDepthIssue(metadata, MAX_JSON_DEPTH, loc);
  if (deep) return { ...deep, loc };
  const bytes = utf8ByteLength(JSON.stringify(metadata) ?? '');
  if (bytes > maxBytes) return { loc, msg: `Metadata should have at most ${maxBytes} bytes as JSON, not ${bytes}`, type: 'too_long' };
  return undefined;
}
