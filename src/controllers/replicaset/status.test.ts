/** The status a replica controller computes from its pods. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../framework/pods.js';
import { calculateStatus, nextAvailabilityCheck } from './status.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

const rs = (replicas: number, minReadySeconds = 0, conditions?: unknown[]) => ({
  metadata: { name: 'rs', namespace: 'ns', generation: 4 },
  spec: { replicas, minReadySeconds, template: { metadata: { labels: { app: 'a', tier: 't' } } } },
  ...(conditions ? { status: { replicas: 0, conditions } } : {}),
});

const pod = (labels: Record<string, string>, readySince?: number): Pod => ({
  metadata: { labels },
  status: {
    conditions: [
      readySince === undefined
        ? { type: 'Ready', status: 'False' }
        : { type: 'Ready', status: 'True', lastTransitionTime: iso(readySince) },
    ],
  },
});

describe('replica status', () => {
  it('counts replicas, fully labeled, ready and available pods', () => {
    const pods = [
      pod({ app: 'a', tier: 't' }, T0),
      pod({ app: 'a' }, T0 + 9000),
      pod({ app: 'a', tier: 't' }),
    ];
    assert.deepEqual(calculateStatus(rs(3, 5), pods, undefined, T0 + 6000), {
      replicas: 3,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 4,
    });
    assert.equal(nextAvailabilityCheck(pods, 5, T0 + 6000), 8001);
    assert.equal(nextAvailabilityCheck(pods, 0, T0 + 6000), undefined);
  });

  it('omits zero counts', () => {
    assert.deepEqual(calculateStatus(rs(0), [], undefined, T0), { replicas: 0, observedGeneration: 4 });
  });

  it('sets ReplicaFailure on a failed create and clears it after a clean sync', () => {
    const failed = calculateStatus(rs(2), [], new Error('pods "rs-" is forbidden: quota'), T0);
    assert.deepEqual(failed.conditions, [
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: 'pods "rs-" is forbidden: quota',
        lastTransitionTime: '2024-01-01T00:00:00Z',
      },
    ]);
    const again = calculateStatus(rs(2, 0, failed.conditions), [], new Error('other'), T0 + 5000);
    assert.deepEqual(again.conditions, failed.conditions, 'an existing failure is kept as is');
    const cleared = calculateStatus(rs(0, 0, failed.conditions), [], undefined, T0);
    assert.equal(cleared.conditions, undefined);
    const del = calculateStatus(rs(0), [pod({ app: 'a' })], new Error('nope'), T0);
    assert.equal(del.conditions?.[0]?.reason, 'FailedDelete');
  });
});
