/** needsSync: which API updates of a pod make the kubelet sync it at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { needsSync } from './pod-update.js';

const pod = (over: { spec?: object; status?: object; meta?: object } = {}): KObject => ({
  metadata: {
    name: 'p',
    namespace: 'default',
    uid: 'u',
    resourceVersion: '1',
    labels: { a: '1' },
    ...over.meta,
  },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...over.spec },
  status: { phase: 'Pending', ...over.status },
});

test('a status-only update (a new resourceVersion and status) needs no sync', () => {
  const next = pod({ meta: { resourceVersion: '2' }, status: { phase: 'Running' } });
  assert.equal(needsSync(pod(), next), false);
});

test('spec, labels, annotations and deletion changes need a sync', () => {
  const base = pod();
  assert.equal(needsSync(base, pod({ spec: { activeDeadlineSeconds: 5 } })), true);
  assert.equal(needsSync(base, pod({ meta: { labels: { a: '2' } } })), true);
  assert.equal(needsSync(base, pod({ meta: { annotations: { x: 'y' } } })), true);
  assert.equal(needsSync(base, pod({ meta: { deletionTimestamp: '2026-01-01T00:00:00Z' } })), true);
  assert.equal(needsSync(base, pod({ meta: { deletionGracePeriodSeconds: 0 } })), true);
});

test('a pod with readiness gates syncs on status changes (its Ready condition follows them)', () => {
  const gated = { readinessGates: [{ conditionType: 'example.com/ready' }] };
  const next = pod({ spec: gated, status: { conditions: [{ type: 'example.com/ready', status: 'True' }] } });
  assert.equal(needsSync(pod({ spec: gated }), next), true);
});
