/** The ordering decisions of a StatefulSet sync: creation, scale-down and rolling updates. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../framework/pods.js';
import { maxUnavailable, type Plan, planSync, revisionForOrdinal } from './plan.js';
import { makePod, makeSet, NOW } from './testing.js';

/** Pods are at r1 (makePod's default); the update revision is r1 too unless a test rolls to r2. */
function plan(set: StatefulSet, pods: Pod[], claims: string[] = [], updateRevision = 'r1'): Plan {
  return planSync({
    set,
    pods,
    currentRevision: 'r1',
    updateRevision,
    now: NOW,
    claim: (name) => (claims.includes(name) ? ({ metadata: { name } } as PersistentVolumeClaim) : undefined),
  });
}

/** Each batch as a string of its steps, e.g. `create 0 update` or `delete web-2 scale-down`. */
function steps(p: Plan): string[][] {
  return p.batches.map((b) =>
    b.map((s) => {
      if (s.op === 'create') return `create ${s.ordinal} ${s.revision}`;
      if (s.op === 'delete') return `delete ${s.pod.metadata?.name} ${s.reason}`;
      return `${s.op} ${s.pod.metadata?.name}`;
    }),
  );
}

describe('StatefulSet plan: OrderedReady', () => {
  it('creates ordinal 0 first and nothing else', () => {
    const p = plan(makeSet(), []);
    assert.deepEqual(steps(p), [['create 0 update']]);
    assert.match(p.waiting ?? '', /web-0 to be created/);
  });

  it('waits for each pod to be Running and Ready before creating the next', () => {
    assert.deepEqual(steps(plan(makeSet(), [makePod(0, { phase: 'Pending' })])), []);
    assert.deepEqual(steps(plan(makeSet(), [makePod(0, { ready: false })])), []);
    assert.deepEqual(steps(plan(makeSet(), [makePod(0)])), [['create 1 update']]);
    assert.deepEqual(steps(plan(makeSet(), [makePod(0), makePod(1)])), [['create 2 update']]);
    assert.deepEqual(steps(plan(makeSet(), [makePod(0), makePod(1), makePod(2)], [])), []);
  });

  it('waits for minReadySeconds of availability', () => {
    const set = makeSet({ minReadySeconds: 60 });
    const fresh = makePod(0, { readySince: new Date(NOW - 10_000).toISOString() });
    assert.deepEqual(steps(plan(set, [fresh])), []);
    assert.deepEqual(steps(plan(set, [makePod(0)])), [['create 1 update']]);
  });

  it('fills a gap at its ordinal and starts at spec.ordinals.start', () => {
    assert.deepEqual(steps(plan(makeSet(), [makePod(0), makePod(2)])), [['create 1 update']]);
    assert.deepEqual(steps(plan(makeSet({ start: 5 }), [])), [['create 5 update']]);
  });

  it('replaces a failed or succeeded pod before anything else', () => {
    assert.deepEqual(steps(plan(makeSet(), [makePod(0, { phase: 'Failed' }), makePod(1)])), [
      ['delete web-0 finished'],
    ]);
    assert.deepEqual(steps(plan(makeSet(), [makePod(0), makePod(1, { phase: 'Succeeded' })])), [
      ['delete web-1 finished'],
    ]);
    assert.deepEqual(steps(plan(makeSet(), [makePod(0, { phase: 'Failed', deleting: true })])), []);
  });

  it('scales down from the highest ordinal, one at a time, each after the last is gone', () => {
    const set = makeSet({ replicas: 2 });
    const pods = [0, 1, 2, 3].map((o) => makePod(o));
    assert.deepEqual(steps(plan(set, pods)), [['delete web-3 scale-down']]);
    const terminating = [makePod(0), makePod(1), makePod(2), makePod(3, { deleting: true })];
    assert.deepEqual(steps(plan(set, terminating)), []);
    assert.deepEqual(steps(plan(set, [makePod(0), makePod(1), makePod(2)])), [['delete web-2 scale-down']]);
  });

  it('does not scale down while a wanted pod is unhealthy, but may remove an unhealthy condemned one', () => {
    const set = makeSet({ replicas: 2 });
    assert.deepEqual(steps(plan(set, [makePod(0), makePod(1, { ready: false }), makePod(2)])), []);
    assert.deepEqual(steps(plan(set, [makePod(0), makePod(1), makePod(2, { ready: false })])), [
      ['delete web-2 scale-down'],
    ]);
    // As upstream: only the condemned pod itself must be healthy (or the first unhealthy one).
    assert.deepEqual(steps(plan(set, [makePod(0), makePod(1), makePod(2, { ready: false }), makePod(3)])), [
      ['delete web-3 scale-down'],
    ]);
    assert.deepEqual(
      steps(plan(set, [makePod(0), makePod(1), makePod(2, { ready: false }), makePod(3, { ready: false })])),
      [],
    );
  });

  it('fixes identity labels and creates missing claims without blocking', () => {
    const set = makeSet({ claims: ['data'] });
    assert.deepEqual(
      steps(plan(set, [makePod(0, { labels: false }), makePod(1)], ['data-web-0', 'data-web-1'])),
      [['relabel web-0'], ['create 2 update']],
    );
    assert.deepEqual(steps(plan(set, [makePod(0, { phase: 'Pending' })], [])), [['claims web-0']]);
  });

  it('does nothing but status for a set being deleted', () => {
    const base = makeSet();
    const set = { ...base, metadata: { ...base.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    assert.deepEqual(steps(plan(set, [])), []);
  });
});

describe('StatefulSet plan: Parallel', () => {
  it('creates every missing pod in one batch without waiting', () => {
    const set = makeSet({ policy: 'Parallel', replicas: 4 });
    assert.deepEqual(steps(plan(set, [makePod(1, { phase: 'Pending' })])), [
      ['create 0 update', 'create 2 update', 'create 3 update'],
    ]);
  });

  it('removes all extra pods at once', () => {
    const set = makeSet({ policy: 'Parallel', replicas: 1 });
    const pods = [makePod(0), makePod(1, { phase: 'Pending' }), makePod(2)];
    assert.deepEqual(steps(plan(set, pods)), [['delete web-2 scale-down', 'delete web-1 scale-down']]);
  });
});

describe('StatefulSet plan: updates', () => {
  it('replaces pods from the highest ordinal down to the partition, one at a time', () => {
    const set = makeSet({ partition: 1 });
    const old = [0, 1, 2].map((o) => makePod(o));
    assert.deepEqual(steps(plan(set, old, [], 'r2')), [['delete web-2 update']]);
    // web-2 was recreated at r2 and is not ready yet: wait.
    const recreated = [makePod(0), makePod(1), makePod(2, { rev: 'r2', ready: false })];
    assert.deepEqual(steps(plan(set, recreated, [], 'r2')), []);
    const ready = [makePod(0), makePod(1), makePod(2, { rev: 'r2' })];
    assert.deepEqual(steps(plan(set, ready, [], 'r2')), [['delete web-1 update']]);
    const done = [makePod(0), makePod(1, { rev: 'r2' }), makePod(2, { rev: 'r2' })];
    assert.deepEqual(
      steps(plan(set, done, [], 'r2')),
      [],
      'ordinals below the partition keep the current revision',
    );
  });

  it('recreates ordinals below the partition at the current revision', () => {
    const set = makeSet({ partition: 2 });
    assert.equal(revisionForOrdinal(set, 0), 'current');
    assert.equal(revisionForOrdinal(set, 1), 'current');
    assert.equal(revisionForOrdinal(set, 2), 'update');
    assert.deepEqual(steps(plan(set, [makePod(1), makePod(2, { rev: 'r2' })], [], 'r2')), [
      ['create 0 current'],
    ]);
    assert.equal(revisionForOrdinal(makeSet({ update: 'OnDelete' }), 0), 'update');
  });

  it('leaves old pods alone with OnDelete', () => {
    const set = makeSet({ update: 'OnDelete' });
    assert.deepEqual(
      steps(
        plan(
          set,
          [0, 1, 2].map((o) => makePod(o)),
          [],
          'r2',
        ),
      ),
      [],
    );
  });

  it('replaces up to maxUnavailable pods at once', () => {
    const set = makeSet({ replicas: 4, maxUnavailable: 2 });
    assert.equal(maxUnavailable(set), 2);
    assert.equal(
      maxUnavailable(makeSet({ replicas: 4, maxUnavailable: '10%' })),
      1,
      'rounded down, at least 1',
    );
    assert.equal(maxUnavailable(makeSet({ replicas: 10, maxUnavailable: '50%' })), 5);
    const pods = [0, 1, 2, 3].map((o) => makePod(o));
    assert.deepEqual(steps(plan(set, pods, [], 'r2')), [['delete web-3 update', 'delete web-2 update']]);
  });

  it('scales before it updates', () => {
    const set = makeSet({ replicas: 2 });
    assert.deepEqual(
      steps(
        plan(
          set,
          [0, 1, 2].map((o) => makePod(o)),
          [],
          'r2',
        ),
      ),
      [['delete web-2 scale-down']],
    );
  });
});
