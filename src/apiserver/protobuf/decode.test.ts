import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, MAX_DEPTH } from './decode.js';
import { isProtobufDecodeError } from './errors.js';
import { Schema } from './schema.js';
import {
  bool,
  bytes,
  bytesMap,
  concat,
  double,
  envelope,
  int,
  intOrString,
  msg,
  quantity,
  str,
  strMap,
  tag,
  time,
  varint,
} from './testing/encode.js';

const schema = new Schema([
  {
    Thing: {
      1: 'name string',
      2: 'kept string!',
      3: 'count int32',
      4: 'replicas int32!',
      5: 'big int64',
      6: 'on bool',
      7: 'flag bool!',
      8: 'ratio double',
      9: 'raw bytes',
      10: 'tags []string',
      11: 'ports []int32',
      12: 'labels map<string,string>',
      13: 'data map<string,bytes>',
      14: 'limits map<string,Quantity>',
      15: 'child Child',
      16: 'children []Child',
      17: '... Embedded',
      18: 'size Quantity',
      19: 'created Time',
      20: 'renewed MicroTime',
      21: 'timeout Duration',
      22: 'port IntOrString',
      23: 'maxSurge IntOrString!',
      24: 'extension RawExtension',
      25: 'extra map<string,StringList>',
      26: 'self Thing',
    },
    Child: { 1: 'name string!', 2: 'value int32' },
    Embedded: { 1: 'secretName string', 2: 'optional bool!' },
  },
]);

const decode = (...fields: Uint8Array[]) => decodeMessage(schema, 'Thing', concat(...fields));
const isMalformed = (err: unknown) => isProtobufDecodeError(err) && err.problem === 'malformed';

describe('generic message decoding', () => {
  it('maps field numbers to JSON names and scalars to JSON values', () => {
    const got = decode(
      str(1, 'x'),
      int(3, -7),
      int(5, 2 ** 40),
      bool(6, true),
      double(8, 0.25),
      bytes(9, Uint8Array.of(0, 1, 255)),
    );
    assert.deepEqual(got, { name: 'x', count: -7, big: 2 ** 40, on: true, ratio: 0.25, raw: 'AAH/' });
  });

  it('leaves out absent fields and zero values of omitempty fields, keeps zeros marked "!"', () => {
    assert.deepEqual(decode(), {});
    assert.deepEqual(decode(str(1, ''), int(3, 0), bool(6, false), bytes(9, new Uint8Array())), {});
    assert.deepEqual(decode(str(2, ''), int(4, 0), bool(7, false)), { kept: '', replicas: 0, flag: false });
  });

  it('lets the last value of a single field win', () => {
    assert.deepEqual(decode(str(1, 'a'), str(1, 'b')), { name: 'b' });
    assert.deepEqual(decode(str(1, 'a'), str(1, '')), {});
  });

  it('collects repeated fields, packed or not', () => {
    assert.deepEqual(decode(str(10, 'a'), str(10, ''), str(10, 'b')), { tags: ['a', '', 'b'] });
    assert.deepEqual(decode(int(11, 80), int(11, 0)), { ports: [80, 0] });
    assert.deepEqual(decode(bytes(11, concat(varint(80), varint(443)))), { ports: [80, 443] });
  });

  it('decodes maps of strings, bytes and quantities, zero values included', () => {
    const got = decode(
      strMap(12, { app: 'x', empty: '' }),
      bytesMap(13, { k: new TextEncoder().encode('v'), none: new Uint8Array() }),
      msg(14, str(1, 'cpu'), quantity(2, '500m')),
      msg(14, str(1, 'pods')),
    );
    assert.deepEqual(got, {
      labels: { app: 'x', empty: '' },
      data: { k: 'dg==', none: '' },
      limits: { cpu: '500m', pods: '0' },
    });
  });

  it('keeps a map key named __proto__ as data', () => {
    const got = decode(msg(12, str(1, '__proto__'), str(2, 'p')), strMap(12, { constructor: 'c' }));
    const labels = got.labels as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
    assert.deepEqual(Object.keys(labels).sort(), ['__proto__', 'constructor']);
    assert.equal(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value, 'p');
    assert.equal(JSON.stringify(labels), '{"__proto__":"p","constructor":"c"}');
  });

  it('decodes nested, repeated and inlined messages', () => {
    const got = decode(
      msg(15, str(1, ''), int(2, 3)),
      msg(16, str(1, 'a')),
      msg(16),
      msg(17, str(1, 's'), bool(2, false)),
    );
    assert.deepEqual(got, {
      child: { name: '', value: 3 },
      children: [{ name: 'a' }, {}],
      secretName: 's',
      optional: false,
    });
  });

  it('merges a single message field sent twice', () => {
    assert.deepEqual(decode(msg(15, str(1, 'a')), msg(15, int(2, 1))), { child: { name: 'a', value: 1 } });
  });

  it('writes Quantity, Time, MicroTime and Duration as their JSON strings', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
    const got = decode(
      quantity(18, '1Gi'),
      time(19, t, 5),
      time(20, t, 123_456_000),
      msg(21, int(1, 3600e9)),
    );
    assert.deepEqual(got, {
      size: '1Gi',
      created: '2026-01-02T03:04:05Z',
      renewed: '2026-01-02T03:04:05.123456Z',
      timeout: '1h0m0s',
    });
  });

  it('leaves out an empty Time (the zero time), not 1970', () => {
    assert.deepEqual(decode(msg(19), msg(20)), {});
    assert.deepEqual(decode(msg(19, int(1, 0))), { created: '1970-01-01T00:00:00Z' });
  });

  it('writes IntOrString as a number or a string', () => {
    assert.deepEqual(decode(intOrString(22, 8080)), { port: 8080 });
    assert.deepEqual(decode(intOrString(22, 'http')), { port: 'http' });
    assert.deepEqual(decode(intOrString(22, 0)), {});
    assert.deepEqual(decode(intOrString(23, 0)), { maxSurge: 0 });
    assert.deepEqual(decode(intOrString(23, '')), { maxSurge: '' });
    assert.throws(() => decode(msg(22, int(1, 2))), isMalformed);
  });

  it('writes RawExtension as JSON, as a nested object, or as base64', () => {
    const json = new TextEncoder().encode('{"f:spec":{}}');
    assert.deepEqual(decode(msg(24, bytes(1, json))), { extension: { 'f:spec': {} } });
    assert.deepEqual(decode(msg(24, bytes(1, Uint8Array.of(1, 2)))), { extension: 'AQI=' });
    assert.deepEqual(decode(msg(24)), {});
    const inner = envelope('v1', 'Thing', str(1, 'n'));
    const got = decodeMessage(schema, 'Thing', msg(24, bytes(1, inner)), {
      nested: (raw) => ({ length: raw.length }),
    });
    assert.deepEqual(got, { extension: { length: inner.length } });
  });

  it('writes a map of string lists', () => {
    assert.deepEqual(decode(msg(25, str(1, 'scopes'), msg(2, str(1, 'a'), str(1, 'b')))), {
      extra: { scopes: ['a', 'b'] },
    });
  });

  it('skips unknown fields of every wire type', () => {
    const unknown = concat(
      int(99, 1),
      str(100, 'x'),
      tag(101, 1),
      new Uint8Array(8),
      tag(102, 5),
      new Uint8Array(4),
    );
    assert.deepEqual(decode(unknown, str(1, 'kept')), { name: 'kept' });
  });

  it('rejects a known field with the wrong wire type', () => {
    assert.throws(() => decode(int(1, 5)), isMalformed);
    assert.throws(() => decode(str(3, 'x')), isMalformed);
    assert.throws(() => decode(int(15, 1)), isMalformed);
    assert.throws(() => decode(int(8, 1)), isMalformed);
  });

  it('rejects doubles JSON cannot hold', () => {
    assert.throws(() => decode(double(8, Number.NaN)), isMalformed);
  });

  it('stops at MAX_DEPTH levels of nesting', () => {
    let body: Uint8Array = str(1, 'leaf');
    for (let i = 0; i < MAX_DEPTH + 5; i++) body = msg(26, body);
    assert.throws(() => decodeMessage(schema, 'Thing', body), isMalformed);
  });
});
