// The pure bounds of src/policy/limits.ts, shared by the server and the gateway: the text scan
// and the parsed-value walk agree, strings and escapes never count as nesting, UTF-8 sizes are exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jsonDepthIssue, jsonTextDepthIssue, MAX_JSON_DEPTH, metadataIssue, utf8ByteLength } from '../../src/policy/limits.ts';

describe('policy/limits', () => {
  it('the text scan ignores brackets and quotes inside strings', () => {
    const text = JSON.stringify({ 'k"[{': '[[[[{{{{\\"', list: [[['ok']]] });
    assert.equal(jsonTextDepthIssue(text, 4), undefined);
    assert.deepEqual(jsonTextDepthIssue(text, 3)?.loc, ['body', 'list']);
  });

  it('names the top-level key (decoded) that holds the deep value, or the body for a top-level array', () => {
    assert.deepEqual(jsonTextDepthIssue('{"a\\u0062": [[1]]}', 2)?.loc, ['body', 'ab']);
    assert.deepEqual(jsonTextDepthIssue('[[[1]]]', 2)?.loc, ['body']);
    assert.equal(jsonTextDepthIssue('[[[1]]]', 3), undefined);
  });

  it('the text scan and the parsed walk agree on every JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 8 }), (value, maxDepth) => {
        const fromText = jsonTextDepthIssue(JSON.stringify(value), maxDepth);
        const fromValue = jsonDepthIssue(value, maxDepth);
        assert.equal(fromText === undefined, fromValue === undefined);
      }),
      { seed: 12, numRuns: 2000 },
    );
  });

  it('the parsed walk handles 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    assert.equal(jsonDepthIssue(deep)?.type, 'too_deep');
    assert.equal(metadataIssue({ deep })?.type, 'too_deep');
  });

  it('utf8ByteLength equals the encoded length (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => utf8ByteLength(text) === Buffer.byteLength(text, 'utf8')), { seed: 12, numRuns: 2000 });
  });

  it('metadata: the size limit counts UTF-8 bytes of its JSON', () => {
    assert.equal(metadataIssue({ a: 'x'.repeat(100) }, ['body', 'metadata'], 200), undefined);
    const issue = metadataIssue({ a: 'é'.repeat(100) }, ['body', 'metadata'], 200);
    assert.deepEqual(issue, { loc: ['body', 'metadata'], msg: 'Metadata should have at most 200 bytes as JSON, not 208', type: 'too_long' });
    assert.equal(MAX_JSON_DEPTH, 32);
  });
});
