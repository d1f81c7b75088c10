/** Tests of the name syntax checks: each rule, each upstream message, byte-counted lengths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
} from './names.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('regexError', () => {
  it('lists examples the way upstream does, with its double spaces', () => {
    assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
    assert.equal(regexError('m', 'f', 'a', 'b'), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
  });
});

describe('isDNS1123Subdomain', () => {
  it('accepts lower-case dotted names up to 253 characters', () => {
    assert.deepEqual(isDNS1123Subdomain('example.com'), []);
    assert.deepEqual(isDNS1123Subdomain('a'), []);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(253)), []);
  });

  it('rejects upper case, underscores, leading or trailing dashes and dots', () => {
    for (const bad of ['Foo', 'foo_bar', '-a', 'a-', '.a', 'a.', 'a..b', '']) {
      assert.deepEqual(isDNS1123Subdomain(bad), [SUBDOMAIN_MSG], bad);
    }
  });

  it('rejects 254 characters with the length message only', () => {
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  });

  it('counts bytes, not characters', () => {
    assert.equal(isDNS1123Subdomain('é'.repeat(127))[0], 'must be no more than 253 characters');
  });
});

describe('isDNS1123Label', () => {
  it('accepts labels up to 63 characters', () => {
    assert.deepEqual(isDNS1123Label('my-name'), []);
    assert.deepEqual(isDNS1123Label('123-abc'), []);
    assert.deepEqual(isDNS1123Label('a'.repeat(63)), []);
  });

  it('says "must not contain dots" for a valid subdomain', () => {
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  });

  it('gives the label regex otherwise, and the length first', () => {
    assert.deepEqual(isDNS1123Label('A'), [LABEL_MSG]);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isDNS1123Label(`${'A'.repeat(64)}`), ['must be no more than 63 characters', LABEL_MSG]);
  });
});

describe('isDNS1035Label', () => {
  it('requires a leading letter', () => {
    assert.deepEqual(isDNS1035Label('my-svc'), []);
    assert.deepEqual(isDNS1035Label('1svc'), [DNS1035_MSG]);
    assert.deepEqual(isDNS1035Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });
});

describe('isQualifiedName', () => {
  it('accepts plain and prefixed names', () => {
    for (const ok of ['app', 'app.kubernetes.io/name', 'example.com/My_Name-1', 'a', 'A.b']) {
      assert.deepEqual(isQualifiedName(ok), [], ok);
    }
  });

  it('checks the prefix as a subdomain', () => {
    assert.deepEqual(isQualifiedName('-bad/x'), [`prefix part ${SUBDOMAIN_MSG}`]);
    assert.deepEqual(isQualifiedName('Example.com/x'), [`prefix part ${SUBDOMAIN_MSG}`]);
    assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  });

  it('checks the name part', () => {
    assert.deepEqual(isQualifiedName('-x'), [`name part ${QNAME_MSG}`]);
    assert.deepEqual(isQualifiedName('a/'), ['name part must be non-empty', `name part ${QNAME_MSG}`]);
    assert.deepEqual(isQualifiedName(''), ['name part must be non-empty', `name part ${QNAME_MSG}`]);
    assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  });

  it('rejects more than one slash', () => {
    assert.deepEqual(isQualifiedName('a/b/c'), [
      `a qualified name ${QNAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]);
  });
});

describe('isValidLabelValue', () => {
  it('accepts empty and well-formed values', () => {
    for (const ok of ['', 'a', 'My_Value-1.2', 'a'.repeat(63)])
      assert.deepEqual(isValidLabelValue(ok), [], ok);
  });

  it('rejects bad characters and length', () => {
    assert.deepEqual(isValidLabelValue('bad value'), [VALUE_MSG]);
    assert.deepEqual(isValidLabelValue('-a'), [VALUE_MSG]);
    assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  });
});

describe('path segment names', () => {
  it('forbids . and .. and / and %', () => {
    assert.deepEqual(isValidPathSegmentName('.'), ["may not be '.'"]);
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(isValidPathSegmentName('system:admin'), []);
    assert.deepEqual(isValidPathSegmentPrefix('..'), []);
  });
});

describe('generateName prefixes', () => {
  it('allow a trailing dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSLabel('web-', true), []);
    assert.notDeepEqual(nameIsDNSSubdomain('web-', false), []);
    assert.notDeepEqual(nameIsDNSSubdomain('Web-', true), []);
  });
});
