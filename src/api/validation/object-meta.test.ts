/** Tests of ObjectMeta validation on create and update, against upstream's texts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from './field-error.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const namespaced = { namespaced: true, nameValidator: 'subdomain' } as const;
const cluster = { namespaced: false, nameValidator: 'subdomain' } as const;

function messages(meta: unknown, opts: Parameters<typeof validateObjectMeta>[1] = namespaced): string[] {
  return validateObjectMeta(meta, opts).map(formatFieldError);
}

describe('validateObjectMeta: names', () => {
  it('accepts a valid object', () => {
    assert.deepEqual(messages({ name: 'web', namespace: 'default', labels: { app: 'web' } }), []);
  });

  it('requires a name or generateName', () => {
    assert.deepEqual(messages({ namespace: 'default' }), [
      'metadata.name: Required value: name or generateName is required',
    ]);
    assert.deepEqual(messages(undefined, cluster), [
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('rejects an upper-case name and one of 254 characters', () => {
    assert.deepEqual(messages({ name: 'Foo_bar', namespace: 'default' }), [
      `metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`,
    ]);
    const long = 'a'.repeat(254);
    assert.deepEqual(messages({ name: long, namespace: 'default' }), [
      `metadata.name: Invalid value: "${long}": must be no more than 253 characters`,
    ]);
  });

  it('checks generateName as a prefix', () => {
    assert.deepEqual(messages({ generateName: 'web-', name: 'web-x1', namespace: 'default' }), []);
    assert.deepEqual(messages({ generateName: 'Web-', name: 'web-x1', namespace: 'default' }), [
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('applies the chosen name rule', () => {
    const label = messages({ name: 'a.b', namespace: 'n' }, { namespaced: true, nameValidator: 'label' });
    assert.deepEqual(label, ['metadata.name: Invalid value: "a.b": must not contain dots']);
    const dns1035 = messages(
      { name: '1svc', namespace: 'n' },
      { namespaced: true, nameValidator: 'dns1035' },
    );
    assert.match(dns1035[0] ?? '', /^metadata\.name: Invalid value: "1svc": a DNS-1035 label must consist/);
    const path = messages({ name: 'a/b', namespace: 'n' }, { namespaced: true, nameValidator: 'path' });
    assert.deepEqual(path, [`metadata.name: Invalid value: "a/b": may not contain '/'`]);
    assert.deepEqual(messages({ name: 'system:admin' }, { namespaced: false, nameValidator: 'path' }), []);
    const custom = messages(
      { name: 'x', namespace: 'n' },
      { namespaced: true, nameValidator: () => ['nope'] },
    );
    assert.deepEqual(custom, ['metadata.name: Invalid value: "x": nope']);
  });
});

describe('validateObjectMeta: namespace', () => {
  it('requires one on namespaced kinds and checks it is a DNS label', () => {
    assert.deepEqual(messages({ name: 'a' }), ['metadata.namespace: Required value']);
    assert.deepEqual(messages({ name: 'a', namespace: 'a.b' }), [
      'metadata.namespace: Invalid value: "a.b": must not contain dots',
    ]);
  });

  it('forbids one on cluster-scoped kinds', () => {
    assert.deepEqual(messages({ name: 'a', namespace: 'default' }, cluster), [
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });
});

describe('validateObjectMeta: labels and annotations', () => {
  it('accepts prefixed keys and rejects bad ones', () => {
    assert.deepEqual(
      messages({ name: 'a', namespace: 'n', labels: { 'app.kubernetes.io/name': 'web' } }),
      [],
    );
    assert.deepEqual(messages({ name: 'a', namespace: 'n', labels: { '-bad/x': 'v' } }), [
      `metadata.labels: Invalid value: "-bad/x": prefix part ${SUBDOMAIN_MSG}`,
    ]);
    assert.deepEqual(messages({ name: 'a', namespace: 'n', labels: { k: 'bad value' } }), [
      `metadata.labels: Invalid value: "bad value": ${VALUE_MSG}`,
    ]);
    assert.deepEqual(messages({ name: 'a', namespace: 'n', labels: { k: 1 } }), [
      'metadata.labels: Invalid value: 1: must be a string',
    ]);
  });

  it('checks annotation keys case-insensitively and reports the original key', () => {
    assert.deepEqual(messages({ name: 'a', namespace: 'n', annotations: { 'Example.COM/Key': 'x' } }), []);
    assert.deepEqual(messages({ name: 'a', namespace: 'n', annotations: { 'bad key': 'x' } }), [
      `metadata.annotations: Invalid value: "bad key": name part ${QNAME_MSG}`,
    ]);
  });

  it('limits annotations to 256 KiB in total', () => {
    const fits = { a: 'x'.repeat(256 * 1024 - 1) };
    assert.deepEqual(messages({ name: 'a', namespace: 'n', annotations: fits }), []);
    const over = { a: 'x'.repeat(256 * 1024) };
    assert.deepEqual(messages({ name: 'a', namespace: 'n', annotations: over }), [
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });
});

describe('validateObjectMeta: finalizers, owners, generation, managed fields', () => {
  it('checks finalizer names and the orphan/foreground conflict', () => {
    assert.deepEqual(
      messages({ name: 'a', namespace: 'n', finalizers: ['example.com/x', 'kubernetes'] }),
      [],
    );
    assert.deepEqual(messages({ name: 'a', namespace: 'n', finalizers: ['orphan', 'foregroundDeletion'] }), [
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
    assert.deepEqual(messages({ name: 'a', namespace: 'n', finalizers: ['a/b/c'] }).length, 1);
  });

  it('requires standard or domain-qualified finalizers on built-in kinds only', () => {
    assert.deepEqual(messages({ name: 'a', namespace: 'n', finalizers: ['mine'] }), [
      'metadata.finalizers[0]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    assert.deepEqual(
      messages({ name: 'a', namespace: 'n', finalizers: ['mine'] }, { ...namespaced, builtin: false }),
      [],
    );
  });

  it('requires the parts of an owner reference', () => {
    assert.deepEqual(messages({ name: 'a', namespace: 'n', ownerReferences: [{}] }), [
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    const ok = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
    assert.deepEqual(messages({ name: 'a', namespace: 'n', ownerReferences: [ok] }), []);
  });

  it('forbids Events as owners and two controllers', () => {
    const ev = { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' };
    assert.match(
      messages({ name: 'a', namespace: 'n', ownerReferences: [ev] })[0] ?? '',
      /\/v1, Kind=Event is disallowed from being an owner$/,
    );
    const c1 = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'one', uid: 'u1', controller: true };
    const c2 = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'two', uid: 'u2', controller: true };
    const [msg] = messages({ name: 'a', namespace: 'n', ownerReferences: [c1, c2] });
    assert.match(
      msg ?? '',
      /: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/one and ReplicaSet\/two$/,
    );
  });

  it('rejects a negative generation and bad managed fields', () => {
    assert.deepEqual(messages({ name: 'a', namespace: 'n', generation: -1 }), [
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ]);
    assert.deepEqual(
      messages({
        name: 'a',
        namespace: 'n',
        managedFields: [{ manager: 'x', operation: 'Patch', fieldsType: 'F' }],
      }),
      [
        'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[0].fieldsType: Invalid value: "F": must be `FieldsV1`',
      ],
    );
    assert.deepEqual(
      messages({ name: 'a', namespace: 'n', managedFields: [{ manager: 'a\x07', operation: 'Update' }] }),
      ['metadata.managedFields[0].manager: Invalid value: "a\\a": invalid character U+0007 (at position 1)'],
    );
  });

  it('uses the given path for nested metadata', () => {
    const errs = validateObjectMeta({}, { ...cluster, path: 'spec.template.metadata' }).map(formatFieldError);
    assert.deepEqual(errs, ['spec.template.metadata.name: Required value: name or generateName is required']);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-02T03:04:05Z',
  };
  const update = (changes: Record<string, unknown>, opts = {}) =>
    validateObjectMetaUpdate({ ...old, ...changes }, old, opts).map(formatFieldError);

  it('accepts an unchanged identity', () => {
    assert.deepEqual(update({ labels: { a: 'b' } }), []);
    assert.deepEqual(update({ creationTimestamp: '2024-01-02T03:04:05.000Z' }), []);
  });

  it('rejects changes to immutable fields', () => {
    assert.deepEqual(update({ name: 'other' }), [
      'metadata.name: Invalid value: "other": field is immutable',
    ]);
    assert.deepEqual(update({ namespace: 'kube-system' }), [
      'metadata.namespace: Invalid value: "kube-system": field is immutable',
    ]);
    assert.deepEqual(update({ uid: 'u2' }), ['metadata.uid: Invalid value: "u2": field is immutable']);
    assert.deepEqual(update({ creationTimestamp: '2025-01-01T00:00:00Z' }), [
      'metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable',
    ]);
    assert.deepEqual(update({ deletionTimestamp: '2025-01-01T00:00:00Z' }), [
      'metadata.deletionTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable',
    ]);
    assert.deepEqual(update({ deletionGracePeriodSeconds: 30 }), [
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    ]);
  });

  it('rejects a lower generation, and a missing resourceVersion only when asked', () => {
    assert.deepEqual(update({ generation: 1 }), [
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
    assert.deepEqual(update({ resourceVersion: '' }), []);
    assert.deepEqual(update({ resourceVersion: '' }, { requireResourceVersion: true }), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    ]);
  });

  it('forbids new finalizers while deleting', () => {
    const deleting = { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['a.io/x'] };
    const errs = validateObjectMetaUpdate(
      { ...deleting, finalizers: ['a.io/x', 'b.io/z', 'a.io/y'] },
      deleting,
    );
    assert.deepEqual(errs.map(formatFieldError), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/y", "b.io/z"}',
    ]);
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
  });

  it('still validates labels and annotations', () => {
    assert.deepEqual(update({ labels: { k: 'bad value' } }), [
      `metadata.labels: Invalid value: "bad value": ${VALUE_MSG}`,
    ]);
  });
});
