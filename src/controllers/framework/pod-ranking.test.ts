/** The order in which surplus pods are deleted, and readiness/availability of pods. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareForDeletion, podsToDelete } from './pod-ranking.js';
import { isPodActive, isPodAvailable, msUntilAvailable, type Pod } from './pods.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function pod(
  name: string,
  o: {
    node?: string;
    phase?: string;
    readySince?: number;
    restarts?: number;
    created?: number;
    cost?: number;
    deleting?: boolean;
  } = {},
): Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      creationTimestamp: iso(o.created ?? T0),
      ...(o.cost !== undefined
        ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } }
        : {}),
      ...(o.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions:
        o.readySince !== undefined
          ? [{ type: 'Ready', status: 'True', lastTransitionTime: iso(o.readySince) }]
          : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0, image: 'i', imageID: '', ready: true }],
    },
  } as Pod;
}

const names = (ps: Pod[]) => ps.map((p) => p.metadata!.name);

describe('pods to delete', () => {
  it('goes unscheduled, pending, unknown, not ready, then ready', () => {
    const pods = [
      pod('ready', { node: 'n', readySince: T0 }),
      pod('running-not-ready', { node: 'n' }),
      pod('unknown', { node: 'n', phase: 'Unknown' }),
      pod('pending', { node: 'n', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    assert.deepEqual(names(podsToDelete(pods, 4)), [
      'unscheduled',
      'pending',
      'unknown',
      'running-not-ready',
    ]);
  });

  it('among ready pods: lower deletion cost, doubled up, shorter ready, more restarts, newer', () => {
    const a = pod('cheap', { node: 'n1', readySince: T0, cost: -5 });
    const b = pod('short-ready', { node: 'n1', readySince: T0 + 5000 });
    const c = pod('long-ready', { node: 'n1', readySince: T0 });
    assert.deepEqual(names(podsToDelete([c, b, a], 2)), ['cheap', 'short-ready']);
    const r1 = pod('restarts', { node: 'n1', readySince: T0, restarts: 3 });
    const r2 = pod('calm', { node: 'n1', readySince: T0 });
    assert.ok(compareForDeletion(r1, r2) < 0);
    const newer = pod('newer', { node: 'n1', readySince: T0, created: T0 + 10 });
    const older = pod('older', { node: 'n1', readySince: T0, created: T0 });
    assert.ok(compareForDeletion(newer, older) < 0);
    assert.equal(compareForDeletion(older, older), 0);
  });

  it('prefers pods on nodes crowded with related pods', () => {
    const lone = pod('lone', { node: 'n1', readySince: T0 });
    const crowded = pod('crowded', { node: 'n2', readySince: T0 });
    const related = [lone, crowded, pod('sib1', { node: 'n2' }), pod('sib2', { node: 'n2' })];
    assert.deepEqual(names(podsToDelete([lone, crowded], 1, related)), ['crowded']);
  });

  it('returns every pod when asked for as many or more', () => {
    assert.equal(podsToDelete([pod('a'), pod('b')], 5).length, 2);
  });
});

describe('pod state', () => {
  it('active excludes finished and deleting pods', () => {
    assert.ok(isPodActive(pod('a')));
    assert.ok(!isPodActive(pod('b', { phase: 'Succeeded' })));
    assert.ok(!isPodActive(pod('c', { phase: 'Failed' })));
    assert.ok(!isPodActive(pod('d', { deleting: true })));
  });

  it('available after minReadySeconds of readiness', () => {
    const p = pod('a', { readySince: T0 });
    assert.ok(isPodAvailable(p, 0, T0));
    assert.ok(!isPodAvailable(p, 10, T0 + 10_000));
    assert.ok(isPodAvailable(p, 10, T0 + 10_001));
    assert.equal(msUntilAvailable(p, 10, T0 + 4000), 6001);
    assert.equal(msUntilAvailable(p, 10, T0 + 20_000), undefined);
    assert.ok(!isPodAvailable(pod('b'), 0, T0));
  });
});
