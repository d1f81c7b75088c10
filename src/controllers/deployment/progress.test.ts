/** Rollout progress: complete, progressing, timed out, and the Available condition. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  msUntilDeadline,
  newCondition,
  PROGRESSING,
  Reasons,
} from './progress.js';
import { calculateStatus } from './status.js';
import type { Deployment, ReplicaSet } from './types.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');

const d = (status: Deployment['status'] = {}): Deployment => ({
  metadata: { name: 'web', generation: 2 },
  spec: { replicas: 4, selector: {}, template: {}, progressDeadlineSeconds: 60 },
  status,
});

const rs = (replicas: number, available: number, ready = available): ReplicaSet => ({
  metadata: { name: 'x' },
  spec: { replicas, selector: {} },
  status: { replicas, availableReplicas: available, readyReplicas: ready },
});

describe('progress', () => {
  it('is complete when every desired pod is updated and available at the current generation', () => {
    const done = { replicas: 4, updatedReplicas: 4, availableReplicas: 4, observedGeneration: 2 };
    assert.ok(deploymentComplete(d(), done));
    assert.ok(!deploymentComplete(d(), { ...done, observedGeneration: 1 }));
    assert.ok(!deploymentComplete(d(), { ...done, replicas: 5 }));
  });

  it('progresses on more updated, fewer old, more ready or more available pods', () => {
    const before = d({ replicas: 5, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 });
    assert.ok(
      deploymentProgressing(before, {
        replicas: 5,
        updatedReplicas: 2,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
    );
    assert.ok(
      deploymentProgressing(before, {
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
    );
    assert.ok(
      !deploymentProgressing(before, {
        replicas: 5,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
    );
  });

  it('times out after progressDeadlineSeconds without progress', () => {
    const cond = newCondition(PROGRESSING, 'True', Reasons.rsUpdated, 'm', T0);
    const status = { conditions: [cond] };
    assert.ok(!deploymentTimedOut(d(), status, T0 + 60_000));
    assert.ok(deploymentTimedOut(d(), status, T0 + 60_001));
    assert.equal(msUntilDeadline(d(), status, T0 + 10_000), 51_000);
    const complete = { conditions: [newCondition(PROGRESSING, 'True', Reasons.newRSAvailable, 'm', T0)] };
    assert.ok(!deploymentTimedOut(d(), complete, T0 + 999_000));
  });
});

describe('deployment status', () => {
  it('sums the ReplicaSets and sets Available by maxUnavailable', () => {
    const newRS = rs(3, 1);
    const s = calculateStatus([rs(2, 2), newRS], newRS, d(), T0);
    assert.deepEqual(
      { ...s, conditions: undefined },
      {
        observedGeneration: 2,
        replicas: 5,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        unavailableReplicas: 2,
        conditions: undefined,
      },
    );
    assert.equal(s.conditions?.[0]?.reason, Reasons.minimumAvailable, '3 of 4 with maxUnavailable 1 (25%)');
    const low = calculateStatus([rs(4, 2)], undefined, d(), T0);
    assert.equal(low.conditions?.[0]?.status, 'False');
    assert.equal(low.conditions?.[0]?.message, 'Deployment does not have minimum availability.');
  });
});
