/** What a DaemonSet sync decides per node, during rolling updates, and the status it reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../framework/pods.js';
import { FailedPodBackoff } from './failed-backoff.js';
import { type ManagePlan, planManage, podsByNode } from './manage.js';
import { planRollingUpdate, updateLimits } from './rolling.js';
import { computeStatus } from './status.js';
import { makeDaemonPod, makeDs, makeNode, NOW, T0 } from './testing.js';

const nodes = ['a', 'b', 'c'].map((n) => makeNode(n));

function manage(
  ds: ReturnType<typeof makeDs>,
  pods: Pod[],
  backoff: (n: string) => number | undefined = () => undefined,
) {
  const plan: ManagePlan = planManage({ ds, nodes, byNode: podsByNode(pods), hash: 'h2', backoff });
  return {
    create: plan.create,
    delete: plan.delete.map((d) => `${d.pod.metadata?.name} ${d.reason}`),
    retryAfterMs: plan.retryAfterMs,
  };
}

describe('DaemonSet per-node sync', () => {
  it('creates a pod on every eligible node without one', () => {
    const p = makeDaemonPod('b');
    assert.deepEqual(manage(makeDs(), [p]), { create: ['a', 'c'], delete: [], retryAfterMs: undefined });
    assert.deepEqual(manage(makeDs({ nodeSelector: { x: 'y' } }), []).create, []);
  });

  it('counts a pod not yet bound to its node (scheduler pending) as there', () => {
    const pods = ['a', 'b', 'c'].map((n) => makeDaemonPod(n, { bound: false }));
    assert.deepEqual(manage(makeDs(), pods).create, []);
  });

  it('deletes the younger of two pods on a node, and pods on nodes they may not stay on', () => {
    const old = makeDaemonPod('a', { created: T0 });
    const young = makeDaemonPod('a', { created: T0 + 5000 });
    assert.deepEqual(manage(makeDs(), [young, old, makeDaemonPod('b'), makeDaemonPod('c')]).delete, [
      `${young.metadata?.name} excess`,
    ]);
    const evicted = makeDaemonPod('a');
    const p = planManage({
      ds: makeDs(),
      nodes: [makeNode('a', {}, [{ key: 'evict', effect: 'NoExecute' }])],
      byNode: podsByNode([evicted]),
      hash: 'h2',
      backoff: () => undefined,
    });
    assert.deepEqual(
      p.delete.map((d) => d.reason),
      ['not-eligible'],
    );
  });

  it('keeps one new and one old pod per node when surging', () => {
    const ds = makeDs({}, { maxSurge: 1, maxUnavailable: 0 });
    const old = makeDaemonPod('a', { hash: 'h1', created: T0 });
    const fresh = makeDaemonPod('a', { hash: 'h2', created: T0 + 1 });
    const extra = makeDaemonPod('a', { hash: 'h2', created: T0 + 2 });
    assert.deepEqual(manage(ds, [old, fresh, extra, makeDaemonPod('b'), makeDaemonPod('c')]).delete, [
      `${extra.metadata?.name} excess`,
    ]);
  });

  it('deletes failed pods with a per-node backoff, and succeeded pods', () => {
    const failed = makeDaemonPod('a', { phase: 'Failed' });
    const done = makeDaemonPod('b', { phase: 'Succeeded' });
    const pods = [failed, done, makeDaemonPod('c')];
    assert.deepEqual(manage(makeDs(), pods).delete, [
      `${failed.metadata?.name} failed`,
      `${done.metadata?.name} succeeded`,
    ]);
    const r = manage(makeDs(), pods, (n) => (n === 'a' ? 500 : undefined));
    assert.deepEqual(r.delete, [`${done.metadata?.name} succeeded`]);
    assert.equal(r.retryAfterMs, 500);
    // A failed pod already being deleted is out of the picture: the node gets a new one.
    assert.deepEqual(
      manage(makeDs(), [makeDaemonPod('a', { phase: 'Failed', deleting: true }), done]).create,
      ['a', 'c'],
    );
  });

  it('removes pods of nodes that are gone', () => {
    const orphan = makeDaemonPod('gone');
    const r = manage(makeDs(), [orphan, ...['a', 'b', 'c'].map((n) => makeDaemonPod(n))]);
    assert.deepEqual(r.delete, [`${orphan.metadata?.name} node-gone`]);
  });

  it('does not act on a node while its pod terminates', () => {
    const terminating = makeDaemonPod('a', { deleting: true });
    const r = manage(makeDs(), [terminating, makeDaemonPod('b'), makeDaemonPod('c')]);
    assert.deepEqual(r, { create: [], delete: [], retryAfterMs: undefined });
  });
});

describe('DaemonSet rolling update', () => {
  const roll = (ds: ReturnType<typeof makeDs>, pods: Pod[]) => {
    const r = planRollingUpdate({ ds, nodes, byNode: podsByNode(pods), hash: 'h2', now: NOW });
    return { delete: r.delete.map((p) => p.spec?.nodeName), create: r.create };
  };

  it('scales the limits, rounding up, with at least one unavailable', () => {
    assert.deepEqual(updateLimits(makeDs({}, { maxUnavailable: '50%' }), 3), {
      maxSurge: 0,
      maxUnavailable: 2,
    });
    assert.deepEqual(updateLimits(makeDs({}, { maxUnavailable: 0, maxSurge: 0 }), 3), {
      maxSurge: 0,
      maxUnavailable: 1,
    });
    assert.deepEqual(updateLimits(makeDs({}, { maxUnavailable: 0, maxSurge: '10%' }), 3), {
      maxSurge: 1,
      maxUnavailable: 0,
    });
  });

  it('deletes old pods while at most maxUnavailable nodes are unavailable', () => {
    const old = ['a', 'b', 'c'].map((n) => makeDaemonPod(n));
    assert.deepEqual(roll(makeDs({}, { maxUnavailable: 1 }), old), { delete: ['a'], create: [] });
    assert.deepEqual(roll(makeDs({}, { maxUnavailable: 2 }), old), { delete: ['a', 'b'], create: [] });
    // a is being replaced and its new pod is not ready yet: wait.
    const midway = [makeDaemonPod('a', { hash: 'h2', ready: false }), makeDaemonPod('b'), makeDaemonPod('c')];
    assert.deepEqual(roll(makeDs({}, { maxUnavailable: 1 }), midway), { delete: [], create: [] });
    const next = [makeDaemonPod('a', { hash: 'h2' }), makeDaemonPod('b'), makeDaemonPod('c')];
    assert.deepEqual(roll(makeDs({}, { maxUnavailable: 1 }), next), { delete: ['b'], create: [] });
  });

  it('replaces old pods that are not available at once', () => {
    const pods = [
      makeDaemonPod('a', { ready: false }),
      makeDaemonPod('b', { ready: false }),
      makeDaemonPod('c'),
    ];
    // As upstream, replacing unavailable pods does not use up maxUnavailable: c goes too.
    assert.deepEqual(roll(makeDs({}, { maxUnavailable: 1 }), pods).delete, ['a', 'b', 'c']);
  });

  it('surges new pods next to old ones, then deletes the old once the new is available', () => {
    const ds = makeDs({}, { maxSurge: 1, maxUnavailable: 0 });
    const old = ['a', 'b', 'c'].map((n) => makeDaemonPod(n));
    assert.deepEqual(roll(ds, old), { delete: [], create: ['a'] });
    const surging = [...old, makeDaemonPod('a', { hash: 'h2', ready: false })];
    assert.deepEqual(roll(ds, surging), { delete: [], create: [] });
    const oldA = old[0]!;
    const ready = [...old, makeDaemonPod('a', { hash: 'h2' })];
    // The old pod on a goes, and the next node surges in the same pass.
    assert.deepEqual(roll(ds, ready), { delete: [oldA.spec?.nodeName], create: ['b'] });
  });
});

describe('DaemonSet status', () => {
  it('counts desired, current, ready, available, updated and misscheduled', () => {
    const ds = makeDs({ nodeSelector: { role: 'worker' } });
    const ns = [
      makeNode('a', { role: 'worker' }),
      makeNode('b', { role: 'worker' }),
      makeNode('c'),
      makeNode('d', { role: 'worker' }),
    ];
    const pods = [
      makeDaemonPod('a', { hash: 'h2', created: T0 }),
      makeDaemonPod('a', { hash: 'h1', created: T0 + 1000, ready: false }),
      makeDaemonPod('b', { hash: 'h1', ready: false }),
      makeDaemonPod('c'),
    ];
    const s = computeStatus(ds, ns, podsByNode(pods), 'h2', 0, NOW);
    assert.deepEqual(s, {
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      currentNumberScheduled: 2,
      numberMisscheduled: 1,
      numberReady: 1,
      numberAvailable: 1,
      updatedNumberScheduled: 1,
      numberUnavailable: 2,
      collisionCount: 0,
    });
  });
});

describe('failed pod backoff', () => {
  it('doubles per node up to the cap and forgets idle nodes', () => {
    let now = 0;
    const b = new FailedPodBackoff(() => now, 1000, 4000);
    assert.equal(b.remaining('n'), undefined);
    b.next('n');
    assert.equal(b.remaining('n'), 1000);
    now += 1000;
    assert.equal(b.remaining('n'), undefined);
    b.next('n');
    assert.equal(b.remaining('n'), 2000);
    b.next('n');
    b.next('n');
    assert.equal(b.remaining('n'), 4000);
    now += 10_000;
    b.gc();
    b.next('n');
    assert.equal(b.remaining('n'), 1000);
  });
});
