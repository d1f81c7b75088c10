/** Rolling update arithmetic: fenceposts, the new ReplicaSet's growth, proportional scaling. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REPLICAS } from './annotations.js';
import {
  findActiveOrLatest,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  proportion,
  resolveFenceposts,
  scaledValue,
} from './replicas.js';
import type { Deployment, ReplicaSet } from './types.js';

function deployment(
  replicas: number,
  surge: number | string = '25%',
  unavailable: number | string = '25%',
): Deployment {
  return {
    metadata: { name: 'd' },
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
    },
  };
}

function rs(name: string, replicas: number, created = 0, maxReplicas?: number): ReplicaSet {
  return {
    metadata: {
      name,
      uid: name,
      creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, created)).toISOString(),
      ...(maxReplicas !== undefined ? { annotations: { [MAX_REPLICAS]: String(maxReplicas) } } : {}),
    },
    spec: { replicas, selector: {} },
  };
}

describe('fenceposts', () => {
  it('rounds surge up and unavailability down', () => {
    assert.deepEqual(resolveFenceposts('25%', '25%', 10), [3, 2]);
    assert.deepEqual(resolveFenceposts('25%', '25%', 1), [1, 0]);
    assert.deepEqual(resolveFenceposts(2, '50%', 5), [2, 2]);
    assert.deepEqual(resolveFenceposts('0%', '0%', 10), [0, 1], 'both zero: one may be unavailable');
    assert.equal(scaledValue('33%', 10, true), 4);
    assert.equal(scaledValue('33%', 10, false), 3);
    assert.throws(() => scaledValue('33', 10, true), /not a percentage/);
    assert.throws(() => scaledValue('x%', 10, true), /invalid value/);
  });

  it('caps unavailability at the desired count and zeroes both for Recreate', () => {
    assert.equal(maxUnavailable(deployment(2, 0, 5)), 2);
    assert.equal(maxUnavailable(deployment(0)), 0);
    const recreate = deployment(4);
    recreate.spec!.strategy = { type: 'Recreate' };
    assert.equal(maxSurge(recreate), 0);
    assert.equal(maxUnavailable(recreate), 0);
    assert.equal(maxSurge(deployment(4)), 1);
  });
});

describe('new replica set growth', () => {
  it('grows up to replicas + maxSurge in total, never past the desired count', () => {
    const d = deployment(10); // surge 3
    const old = rs('old', 10);
    const fresh = rs('new', 0);
    assert.equal(newReplicaSetReplicas(d, [old, fresh], fresh), 3);
    assert.equal(newReplicaSetReplicas(d, [rs('old', 13), fresh], fresh), 0, 'already at the maximum');
    const almost = rs('new', 9);
    assert.equal(newReplicaSetReplicas(d, [rs('old', 0), almost], almost), 10);
    const recreate = deployment(4);
    recreate.spec!.strategy = { type: 'Recreate' };
    assert.equal(newReplicaSetReplicas(recreate, [old, fresh], fresh), 4);
  });
});

describe('proportional scaling', () => {
  it('splits an increase by the sizes the ReplicaSets were annotated for', () => {
    // Deployment scaled from 10 (max 13) to 20 (max 25) while two ReplicaSets run 8 and 5.
    const d = deployment(20);
    const a = rs('a', 8, 0, 13);
    const b = rs('b', 5, 1, 13);
    const toAdd = 25 - 13;
    const pa = proportion(a, d, toAdd, 0);
    const pb = proportion(b, d, toAdd, pa);
    assert.deepEqual([pa, pb], [7, 5]);
    assert.equal(proportion(rs('zero', 0), d, toAdd, 0), 0);
  });

  it('scales everything away when the Deployment goes to zero', () => {
    const d = deployment(0);
    assert.equal(proportion(rs('a', 4, 0, 13), d, -9, 0), -4);
  });

  it('finds the single active or the newest ReplicaSet', () => {
    const a = rs('a', 0, 0);
    const b = rs('b', 0, 5);
    assert.equal(findActiveOrLatest(undefined, [a, b])?.metadata?.name, 'b');
    assert.equal(findActiveOrLatest(rs('n', 0, 9), [a, b])?.metadata?.name, 'n');
    assert.equal(findActiveOrLatest(undefined, [a, rs('c', 2, 1)])?.metadata?.name, 'c');
    assert.equal(findActiveOrLatest(rs('n', 1, 9), [rs('c', 2, 1)]), undefined);
  });
});
