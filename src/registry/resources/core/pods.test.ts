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
