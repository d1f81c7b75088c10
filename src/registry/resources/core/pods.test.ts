import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../types.js';
import { podsDef } from './pods.js';

const pod = (annotations?: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-node1', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

test('an update may not add, change or remove the mirror pod annotation', () => {
  const validate = podsDef().strategy.validateUpdate;
  assert.ok(validate);
  const mirror = { 'kubernetes.io/config.mirror': 'abc' };
  for (const [next, old, value] of [
    [pod(mirror), pod(), 'abc'],
    [pod({ 'kubernetes.io/config.mirror': 'def' }), pod(mirror), 'def'],
    [pod(), pod(mirror), ''],
  ] as const) {
    assert.deepEqual(validate(next, old), [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.annotations.kubernetes.io/config.mirror',
        value,
        detail: 'field is immutable',
      },
    ]);
  }
  assert.deepEqual(validate(pod({ ...mirror, other: 'x' }), pod(mirror)), []);
});

test('an update may change images, tolerations, activeDeadlineSeconds and the grace period, nothing else of the spec', () => {
  const validate = podsDef().strategy.validateUpdate!;
  const withSpec = (spec: Record<string, unknown>): KObject => ({ ...pod(), spec });
  const base = {
    containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }] }],
    initContainers: [{ name: 'i', image: 'init:1' }],
    tolerations: [{ key: 'a', operator: 'Exists' }],
  };
  const allowed = {
    containers: [{ name: 'c', image: 'busybox:2', ports: [{ containerPort: 80 }] }],
    initContainers: [{ name: 'i', image: 'init:2' }],
    tolerations: [],
    activeDeadlineSeconds: 30,
    terminationGracePeriodSeconds: 5,
    schedulerName: undefined,
  };
  assert.deepEqual(validate(withSpec(allowed), withSpec(base)), []);
  const old = withSpec(base);
  assert.deepEqual(validate({ ...old }, old), [], 'the same spec object');
  for (const spec of [
    { ...base, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 81 }] }] },
    { ...base, containers: [...base.containers, { name: 'd', image: 'x' }] },
    { ...base, initContainers: [{ name: 'j', image: 'init:1' }] },
    { ...base, nodeName: 'n1' },
    { containers: base.containers, tolerations: base.tolerations },
  ]) {
    const errs = validate(withSpec(spec), withSpec(base));
    assert.equal(errs.length, 1, JSON.stringify(spec));
    assert.equal(errs[0]?.type, 'FieldValueForbidden');
    assert.equal(errs[0]?.field, 'spec');
  }
});
