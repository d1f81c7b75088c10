/** Checks strict JSON parsing: values, duplicate keys and Go-worded syntax errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonSyntaxError, parseJsonStrict, strictDecodingMessage } from './index.js';

describe('parseJsonStrict', () => {
  it('parses like JSON.parse and reports no duplicates for clean input', () => {
    const text = '{"a":[1,2,{"b":null}],"c":"x\\"y","d":{"e":true}}';
    assert.deepEqual(parseJsonStrict(text), { duplicates: [], value: JSON.parse(text) });
    assert.deepEqual(parseJsonStrict(' [] ').value, []);
    assert.deepEqual(parseJsonStrict('"s"').value, 's');
  });

  it('finds duplicate keys by path, the last value winning', () => {
    const text = JSON.stringify({ kind: 'Pod', metadata: { name: 'a' } }).replace(
      '"name":"a"',
      '"name":"a","name":"b"',
    );
    const r = parseJsonStrict(text);
    assert.deepEqual(r.duplicates, ['metadata.name']);
    assert.deepEqual(r.value, { kind: 'Pod', metadata: { name: 'b' } });
    const nested =
      '{"spec":{"containers":[{"name":"a"},{"name":"b","image":"x","image":"y"}]},"kind":"P","kind":"Q"}';
    assert.deepEqual(parseJsonStrict(nested).duplicates, ['spec.containers[1].image', 'kind']);
    assert.deepEqual(parseJsonStrict('[{"a":1,"a":2}]').duplicates, ['[0].a']);
    assert.deepEqual(
      parseJsonStrict('{"a":1,"\\u0061":2,"a":3}').duplicates,
      ['a'],
      'escaped keys compare decoded, once',
    );
    assert.deepEqual(
      parseJsonStrict('{"x":"\\\\","y":"\\"","x":1}').duplicates,
      ['x'],
      'backslashes before quotes',
    );
    assert.deepEqual(
      parseJsonStrict('{"a":{"b":1},"c":{"b":2}}').duplicates,
      [],
      'same key in sibling objects',
    );
  });

  it('finds duplicates among many keys', () => {
    const keys = Array.from({ length: 50 }, (_, i) => `"k${i}":${i}`);
    assert.deepEqual(parseJsonStrict(`{${keys.join(',')},"k7":0}`).duplicates, ['k7']);
  });

  it('rejects malformed input with Go wording', () => {
    const cases: [string, string][] = [
      ['{"a":}', "invalid character '}' looking for beginning of value"],
      ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
      ['[1 2]', "invalid character '2' after array element"],
      ['{} x', "invalid character 'x' after top-level value"],
      ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
      ['"\\q"', "invalid character 'q' in string escape code"],
      ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
      ['{"a":', 'unexpected end of JSON input'],
      ['', 'unexpected end of JSON input'],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseJsonStrict(text),
        (err: unknown) => err instanceof JsonSyntaxError && err.message === message,
        `${text} -> ${message}`,
      );
    }
    try {
      parseJsonStrict('{"a":}');
    } catch (err) {
      assert.ok(err instanceof JsonSyntaxError);
      assert.equal(err.offset, 5);
    }
  });
});

describe('strictDecodingMessage', () => {
  it('words unknown and duplicate fields as the API server does', () => {
    assert.equal(
      strictDecodingMessage(['spec.foo'], ['metadata.name']),
      'strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"',
    );
    assert.equal(
      strictDecodingMessage(['a', 'b["x"]'], []),
      'strict decoding error: unknown field "a", unknown field "b[\\"x\\"]"',
    );
  });
});
