/** The node lifecycle controller's decisions: health, conditions, taints, zones, rates and evictions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDefaultTolerations } from '../../registry/resources/core/pods.js';
import type { KObject } from '../../registry/types.js';
import { evictionFor } from './eviction.js';
import {
  evictionRate,
  isStale,
  observe,
  TokenBucket,
  unknownConditions,
  zoneOf,
  zoneState,
} from './health.js';
import { addsNoExecute, desiredTaints, type Taint, tolerates } from './taints.js';

type Obj = Record<string, unknown>;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const grace = { graceMs: 40_000, startupGraceMs: 60_000 };

function node(
  ready: string | undefined,
  opts: { taints?: Taint[]; unschedulable?: boolean; memory?: string } = {},
): KObject {
  const conditions: Obj[] = [];
  if (ready) {
    conditions.push({
      type: 'Ready',
      status: ready,
      lastHeartbeatTime: '2025-01-01T00:00:00Z',
      lastTransitionTime: '2024-12-31T00:00:00Z',
      reason: 'KubeletReady',
    });
    conditions.push({
      type: 'MemoryPressure',
      status: opts.memory ?? 'False',
      reason: 'KubeletHasSufficientMemory',
    });
  }
  return {
    metadata: { name: 'n1', creationTimestamp: '2024-12-31T00:00:00Z' },
    spec: {
      ...(opts.taints ? { taints: opts.taints } : {}),
      ...(opts.unschedulable ? { unschedulable: true } : {}),
    },
    status: { conditions },
  };
}

function pod(tolerations: Obj[] = [], created = '2024-12-31T00:00:00Z'): KObject {
  return { metadata: { name: 'p', namespace: 'default', creationTimestamp: created }, spec: { tolerations } };
}

const unreachable = (timeAdded = '2025-01-01T00:00:00Z'): Taint => ({
  key: 'node.kubernetes.io/unreachable',
  effect: 'NoExecute',
  timeAdded,
});

describe('node health', () => {
  it('times a node from the last change of its lease or heartbeat', () => {
    let p = observe(undefined, 'r1', 'h1', T0);
    assert.equal(p.at, T0);
    p = observe(p, 'r1', 'h1', T0 + 30_000);
    assert.equal(p.at, T0, 'nothing changed');
    assert.equal(isStale(node('True'), p, T0 + 40_000, grace), false);
    assert.equal(isStale(node('True'), p, T0 + 40_001, grace), true);
    p = observe(p, 'r2', 'h1', T0 + 39_000);
    assert.equal(isStale(node('True'), p, T0 + 40_001, grace), false, 'a lease renewal counts');
  });

  it('gives a node that never reported the startup grace period', () => {
    const p = observe(undefined, undefined, undefined, T0);
    assert.equal(isStale(node(undefined), p, T0 + 50_000, grace), false);
    assert.equal(isStale(node(undefined), p, T0 + 60_001, grace), true);
  });

  it('marks a silent node Unknown, keeping heartbeat times, once', () => {
    const conds = unknownConditions(node('True'), '2025-01-01T00:01:00Z')!;
    const ready = conds.find((c) => c['type'] === 'Ready')!;
    assert.equal(ready['status'], 'Unknown');
    assert.equal(ready['reason'], 'NodeStatusUnknown');
    assert.equal(ready['message'], 'Kubelet stopped posting node status.');
    assert.equal(ready['lastHeartbeatTime'], '2025-01-01T00:00:00Z');
    assert.equal(ready['lastTransitionTime'], '2025-01-01T00:01:00Z');
    const missing = conds.find((c) => c['type'] === 'DiskPressure')!;
    assert.equal(missing['reason'], 'NodeStatusNeverUpdated');
    assert.equal(conds.length, 4);
    const again: KObject = { ...node('True'), status: { conditions: conds } };
    assert.equal(unknownConditions(again, '2025-01-01T00:02:00Z'), undefined);
  });

  it('judges zones as upstream does', () => {
    assert.equal(zoneState(3, 0), 'Normal');
    assert.equal(zoneState(2, 1), 'Normal');
    assert.equal(zoneState(2, 2), 'Normal', 'not more than two down');
    assert.equal(zoneState(2, 3), 'PartialDisruption');
    assert.equal(zoneState(0, 1), 'FullDisruption');
    assert.equal(evictionRate('Normal', 3), 0.1);
    assert.equal(evictionRate('PartialDisruption', 10), 0);
    assert.equal(evictionRate('PartialDisruption', 100), 0.01);
    assert.equal(zoneOf({ metadata: { labels: { 'topology.kubernetes.io/zone': 'a' } } }), '/a');
  });

  it('rate-limits with a token bucket of burst one', () => {
    const b = new TokenBucket(0.1, T0);
    assert.equal(b.take(T0), 0);
    assert.equal(b.take(T0), 10_000);
    assert.equal(b.take(T0 + 5_000), 5_000);
    b.refund();
    assert.equal(b.take(T0 + 5_000), 0);
    assert.equal(b.take(T0 + 15_000), 0);
    b.setRate(0, T0 + 15_000);
    assert.equal(b.take(T0 + 100_000), Number.POSITIVE_INFINITY);
  });
});

describe('node taints', () => {
  const stamp = '2025-01-01T00:05:00Z';

  it('taints an unreachable node NoSchedule and NoExecute, and untaints it when ready', () => {
    const next = desiredTaints(node('Unknown'), stamp, 'normal')!;
    assert.deepEqual(next, [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: stamp },
    ]);
    assert.equal(addsNoExecute(node('Unknown'), next), true);
    assert.equal(desiredTaints(node('Unknown', { taints: next }), stamp, 'normal'), undefined);
    assert.deepEqual(desiredTaints(node('True', { taints: next }), stamp, 'normal'), []);
    assert.equal(desiredTaints(node('True'), stamp, 'normal'), undefined);
  });

  it('swaps unreachable for not-ready, keeps foreign taints and the time of kept taints', () => {
    const foreign: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const old = unreachable('2025-01-01T00:00:00Z');
    const next = desiredTaints(node('False', { taints: [foreign, old] }), stamp, 'hold')!;
    assert.deepEqual(next, [
      foreign,
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: stamp },
    ]);
    const kept = desiredTaints(node('Unknown', { taints: [old] }), stamp, 'normal')!;
    assert.ok(kept.some((t) => t.effect === 'NoExecute' && t.timeAdded === '2025-01-01T00:00:00Z'));
  });

  it('holds back a new NoExecute taint when rate-limited, and lifts them all when every zone is down', () => {
    assert.deepEqual(desiredTaints(node('Unknown'), stamp, 'hold'), [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
    const both = desiredTaints(node('Unknown'), stamp, 'normal')!;
    assert.deepEqual(desiredTaints(node('Unknown', { taints: both }), stamp, 'clear'), [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
  });

  it('taints cordoned nodes and nodes under pressure NoSchedule', () => {
    assert.deepEqual(desiredTaints(node('True', { unschedulable: true }), stamp, 'normal'), [
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(desiredTaints(node('True', { memory: 'True' }), stamp, 'normal'), [
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
    ]);
  });

  it('matches tolerations as upstream ToleratesTaint does', () => {
    const t: Taint = { key: 'k', value: 'v', effect: 'NoExecute' };
    assert.equal(tolerates({ key: 'k', operator: 'Exists' }, t), true);
    assert.equal(tolerates({ key: 'k', value: 'v' }, t), true);
    assert.equal(tolerates({ key: 'k', operator: 'Equal', value: 'w' }, t), false);
    assert.equal(tolerates({ operator: 'Exists' }, t), true);
    assert.equal(tolerates({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, t), false);
    assert.equal(tolerates({ key: 'other', operator: 'Exists' }, t), false);
  });
});

describe('taint-based eviction', () => {
  it('evicts at once a pod that does not tolerate the taint', () => {
    assert.deepEqual(evictionFor(pod(), [unreachable()], T0), { kind: 'now' });
  });

  it('evicts a tolerating pod after tolerationSeconds from when the taint was added', () => {
    const p = pod([
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 2,
      },
    ]);
    assert.deepEqual(evictionFor(p, [unreachable()], T0 + 500), { kind: 'at', at: T0 + 2000 });
    assert.deepEqual(evictionFor(p, [unreachable()], T0 + 2000), { kind: 'now' });
    const late = pod(
      [
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 2,
        },
      ],
      '2025-01-01T00:00:10Z',
    );
    assert.deepEqual(evictionFor(late, [unreachable()], T0 + 10_000), { kind: 'at', at: T0 + 12_000 });
  });

  it('never evicts a pod that tolerates the taint without a limit, nor a pod on an untainted node', () => {
    assert.deepEqual(evictionFor(pod([{ operator: 'Exists' }]), [unreachable()], T0), { kind: 'none' });
    assert.deepEqual(evictionFor(pod(), [{ key: 'x', effect: 'NoSchedule' }], T0), { kind: 'none' });
  });

  it('uses the smallest limit of the tolerations used, and the first matching toleration per taint', () => {
    const p = pod([
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 30,
      },
      { operator: 'Exists', tolerationSeconds: 5 },
    ]);
    const taints = [unreachable(), { key: 'custom', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:00Z' }];
    assert.deepEqual(evictionFor(p, taints, T0), { kind: 'at', at: T0 + 5_000 });
    assert.deepEqual(evictionFor(p, [unreachable()], T0), { kind: 'at', at: T0 + 30_000 });
    const zero = pod([{ operator: 'Exists', tolerationSeconds: 0 }]);
    assert.deepEqual(evictionFor(zero, [unreachable()], T0), { kind: 'now' });
  });

  it('counts from when the controller saw a taint without timeAdded', () => {
    const p = pod([{ operator: 'Exists', tolerationSeconds: 10 }]);
    const t: Taint = { key: 'x', effect: 'NoExecute' };
    assert.deepEqual(evictionFor(p, [t], T0 + 1000, T0), { kind: 'at', at: T0 + 10_000 });
  });

  it('gives new pods the default tolerations unless they tolerate those taints already', () => {
    const spec: Obj = {
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 2 }],
    };
    addDefaultTolerations(spec);
    assert.deepEqual(spec['tolerations'], [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 2 },
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    const all: Obj = { tolerations: [{ operator: 'Exists' }] };
    addDefaultTolerations(all);
    assert.deepEqual(all['tolerations'], [{ operator: 'Exists' }]);
    const none: Obj = {};
    addDefaultTolerations(none);
    assert.equal((none['tolerations'] as Obj[]).length, 2);
    // With the defaults, a node outage evicts after five minutes.
    assert.deepEqual(evictionFor(pod(none['tolerations'] as Obj[]), [unreachable()], T0), {
      kind: 'at',
      at: T0 + 300_000,
    });
  });
});
