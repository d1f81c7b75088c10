import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newPodInfo } from './pod-info.js';
import { makeCache, makeNode, makePod, pod } from './testing.js';

describe('SchedulerCache', () => {
  it('takes resources at assume() and gives them back at forget()', () => {
    const cache = makeCache([makeNode('a', { cpu: '2' })]);
    const p = pod('p', { cpu: '1500m' });
    cache.assume(p, 'a');
    assert.equal(cache.node('a')!.requested.milliCPU, 1500);
    assert.ok(cache.isAssumed('default/p'));
    cache.forget('default/p');
    assert.equal(cache.node('a')!.requested.milliCPU, 0);
    assert.equal(cache.nodeOf('default/p'), undefined);
  });

  it('replaces an assumed pod by its bound self without counting it twice', () => {
    const cache = makeCache([makeNode('a', { cpu: '2' })]);
    cache.assume(pod('p', { cpu: '1' }), 'a');
    cache.setBoundPod(newPodInfo(makePod('p', { cpu: '1', nodeName: 'a' })), false);
    assert.equal(cache.isAssumed('default/p'), false);
    assert.equal(cache.node('a')!.requested.milliCPU, 1000);
    assert.equal(cache.node('a')!.pods.size, 1);
    cache.forget('default/p');
    assert.equal(cache.node('a')!.pods.size, 1, 'forget() does not drop a bound pod');
    cache.removePod('default/p');
    assert.equal(cache.node('a')!.requested.milliCPU, 0);
  });

  it('keeps pods of nodes it has not seen yet, and counts them once the node arrives', () => {
    const cache = makeCache([]);
    cache.setBoundPod(newPodInfo(makePod('p', { cpu: '1', nodeName: 'late' })), false);
    assert.equal(cache.numNodes, 0);
    cache.setNode(makeNode('late'));
    assert.equal(cache.node('late')!.requested.milliCPU, 1000);
    assert.equal(cache.nodes().length, 1);
  });

  it('interleaves zones in its node order', () => {
    const z = (name: string, zone: string) =>
      makeNode(name, { labels: { 'topology.kubernetes.io/zone': zone } });
    const cache = makeCache([z('a1', 'a'), z('a2', 'a'), z('a3', 'a'), z('b1', 'b'), z('c1', 'c')]);
    assert.deepEqual(
      cache.nodes().map((n) => n.name),
      ['a1', 'b1', 'c1', 'a2', 'a3'],
    );
  });

  it('recounts domains when a node is relabelled', () => {
    const cache = makeCache(
      [makeNode('a', { labels: { zone: 'x' } })],
      [makePod('p', { nodeName: 'a', labels: { app: 'w' } })],
    );
    const idx = cache.indexes.get(
      't',
      (pi) => pi.labels['app'] === 'w',
      false,
      () => cache.placedPods(),
    );
    assert.equal(idx.domainCounts('zone').get('x'), 1);
    cache.setNode(makeNode('a', { labels: { zone: 'y' } }));
    assert.equal(idx.domainCounts('zone').get('x'), undefined);
    assert.equal(idx.domainCounts('zone').get('y'), 1);
  });
});
