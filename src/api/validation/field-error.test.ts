/** Tests of field-error messages, value rendering and the Invalid status summary. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregateMessages,
  duplicate,
  type FieldError,
  forbidden,
  formatFieldError,
  formatFieldErrorBody,
  formatInvalidMessage,
  internalError,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
  toStatusCauses,
} from './field-error.js';
import { formatGoValue, goQuote, goTimeString, UnquotedValue, utf8Length } from './go-format.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('formatFieldError', () => {
  it('prints Required without a value', () => {
    assert.equal(
      formatFieldError(required('metadata.name', 'name or generateName is required')),
      'metadata.name: Required value: name or generateName is required',
    );
    assert.equal(formatFieldError(required('metadata.namespace')), 'metadata.namespace: Required value');
  });

  it('prints Invalid with the quoted value', () => {
    assert.equal(
      formatFieldError(invalid('metadata.name', 'Foo_bar', SUBDOMAIN_MSG)),
      `metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`,
    );
  });

  it('prints NotSupported with the quoted list', () => {
    assert.equal(
      formatFieldError(notSupported('spec.x', 'y', ['a', 'b'])),
      'spec.x: Unsupported value: "y": supported values: "a", "b"',
    );
    assert.equal(formatFieldError(notSupported('spec.x', 'y', [])), 'spec.x: Unsupported value: "y"');
  });

  it('prints Forbidden, TooLong, TooMany, Duplicate, NotFound and InternalError', () => {
    assert.equal(
      formatFieldError(forbidden('metadata.namespace', 'not allowed on this type')),
      'metadata.namespace: Forbidden: not allowed on this type',
    );
    assert.equal(
      formatFieldError(tooLong('metadata.annotations', 262144)),
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    );
    assert.equal(formatFieldError(tooLong('x', -1)), 'x: Too long: value is too long');
    assert.equal(
      formatFieldError(tooMany('spec.items', 5, 3)),
      'spec.items: Too many: 5: must have at most 3 items',
    );
    assert.equal(
      formatFieldError(tooMany('spec.items', -1, 3)),
      'spec.items: Too many: must have at most 3 items',
    );
    assert.equal(
      formatFieldError(duplicate('spec.ports[1].name', 'http')),
      'spec.ports[1].name: Duplicate value: "http"',
    );
    assert.equal(formatFieldError(notFound('spec.ref', 'x')), 'spec.ref: Not found: "x"');
    assert.equal(formatFieldError(internalError('spec', 'boom')), 'spec: Internal error: boom');
  });

  it('renders values as upstream does', () => {
    const body = (value: unknown) =>
      formatFieldErrorBody({ type: 'FieldValueInvalid', field: 'f', value, detail: '' });
    assert.equal(body(-1), 'Invalid value: -1');
    assert.equal(body(true), 'Invalid value: true');
    assert.equal(body(null), 'Invalid value: "null"');
    assert.equal(
      body(['orphan', 'foregroundDeletion']),
      'Invalid value: []string{"orphan", "foregroundDeletion"}',
    );
    assert.equal(body([]), 'Invalid value: []string{}');
    assert.equal(body({ a: 1 }), 'Invalid value: {"a":1}');
    assert.equal(body(undefined), 'Invalid value');
    assert.equal(
      body(new UnquotedValue('2024-01-02 03:04:05 +0000 UTC')),
      'Invalid value: 2024-01-02 03:04:05 +0000 UTC',
    );
  });

  it('uses the type names of upstream causes', () => {
    const errs: FieldError[] = [required('a'), invalid('b', 'x', 'bad')];
    assert.deepEqual(toStatusCauses(errs), [
      { type: 'FieldValueRequired', field: 'a', message: 'Required value' },
      { type: 'FieldValueInvalid', field: 'b', message: 'Invalid value: "x": bad' },
    ]);
  });
});

describe('goQuote', () => {
  it('escapes like strconv.Quote', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\n\t\x07\x00'), '"\\n\\t\\a\\x00"');
    assert.equal(goQuote('héllo ✓'), '"héllo ✓"');
    assert.equal(goQuote('\u200b'), '"\\u200b"');
  });

  it('renders numbers, times and byte lengths', () => {
    assert.equal(formatGoValue(3), '3');
    assert.equal(goTimeString('2024-01-02T03:04:05Z').text, '2024-01-02 03:04:05 +0000 UTC');
    assert.equal(goTimeString(undefined).text, '0001-01-01 00:00:00 +0000 UTC');
    assert.equal(utf8Length('aé✓😀'), 1 + 2 + 3 + 4);
  });
});

describe('formatInvalidMessage', () => {
  const nameErr = invalid('metadata.name', 'Foo_bar', SUBDOMAIN_MSG);
  const labelErr = invalid('metadata.labels', 'x y', 'bad');

  it('prints one error bare', () => {
    assert.equal(
      formatInvalidMessage('ConfigMap', 'Foo_bar', [nameErr]),
      `ConfigMap "Foo_bar" is invalid: metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`,
    );
  });

  it('brackets several errors, joined with ", "', () => {
    assert.equal(
      formatInvalidMessage('Deployment', 'web', [required('spec.selector'), labelErr], 'apps'),
      'Deployment.apps "web" is invalid: [spec.selector: Required value, metadata.labels: Invalid value: "x y": bad]',
    );
  });

  it('drops duplicate messages, and prints no colon without errors', () => {
    assert.equal(
      formatInvalidMessage('Pod', 'p', [labelErr, labelErr]),
      'Pod "p" is invalid: metadata.labels: Invalid value: "x y": bad',
    );
    assert.equal(formatInvalidMessage('Pod', 'p', []), 'Pod "p" is invalid');
    assert.equal(aggregateMessages(['a', 'b', 'a']), '[a, b]');
  });
});
