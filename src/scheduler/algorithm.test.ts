import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Algorithm, numFeasibleNodesToFind } from './algorithm.js';
import { fitErrorMessage } from './framework/diagnosis.js';
import { defaultProfile } from './profile.js';
import { decide, makeCache, makeNode, makePod, pod } from './testing.js';

describe('numFeasibleNodesToFind', () => {
  it('examines all of a small cluster and an adaptive share of a large one', () => {
    assert.equal(numFeasibleNodesToFind(50), 50);
    assert.equal(numFeasibleNodesToFind(100), 100);
    assert.equal(numFeasibleNodesToFind(1000), 420, '50% - 1000/125 = 42%');
    assert.equal(numFeasibleNodesToFind(5000), 500, '50% - 40 = 10%');
    assert.equal(numFeasibleNodesToFind(20000), 1000, 'at least 5%');
    assert.equal(numFeasibleNodesToFind(500, 10), 100, 'at least 100 nodes');
    assert.equal(numFeasibleNodesToFind(5000, 100), 5000);
  });
});

describe('Algorithm', () => {
  it('picks the best scoring feasible node', () => {
    const cache = makeCache(
      [makeNode('busy', { cpu: '4' }), makeNode('idle', { cpu: '4' }), makeNode('tiny', { cpu: '100m' })],
      [makePod('x', { nodeName: 'busy', cpu: '3' })],
    );
    const d = decide(cache, pod('p', { cpu: '500m', memory: '100Mi' }));
    assert.equal(d.kind, 'fit');
    assert.equal(d.kind === 'fit' && d.node.name, 'idle');
  });

  it('stops after enough feasible nodes and rotates where it starts', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${String(i).padStart(3, '0')}`));
    const cache = makeCache(nodes);
    const algo = new Algorithm(defaultProfile(), { percentageOfNodesToScore: 10, random: () => 0.5 });
    const first = algo.schedule(cache, pod('a'));
    const second = algo.schedule(cache, pod('b'));
    assert.equal(first.kind === 'fit' && first.evaluated, 100);
    assert.equal(second.kind === 'fit' && second.evaluated, 100);
    assert.ok(first.kind === 'fit' && second.kind === 'fit' && first.node !== second.node);
  });

  it('reports every node it rejected, with the plugins that did', () => {
    const cache = makeCache([
      makeNode('a', { cpu: '1' }),
      makeNode('b', { labels: { disk: 'hdd' } }),
      makeNode('c', { labels: { disk: 'hdd' } }),
    ]);
    const d = decide(cache, pod('p', { cpu: '2', nodeSelector: { disk: 'ssd' } }));
    assert.equal(d.kind, 'unschedulable');
    if (d.kind !== 'unschedulable') return;
    assert.deepEqual([...d.diagnosis.unschedulablePlugins].sort(), ['NodeAffinity']);
    assert.equal(
      fitErrorMessage(d.numAllNodes, d.diagnosis),
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
    );
    const big = decide(cache, pod('q', { cpu: '2' }));
    assert.ok(big.kind === 'fit');
    const huge = decide(cache, pod('r', { cpu: '64' }));
    assert.equal(
      huge.kind === 'unschedulable' && fitErrorMessage(3, huge.diagnosis),
      '0/3 nodes are available: 3 Insufficient cpu.',
    );
  });

  it('tries the nominated node first, and keeps room for pods nominated elsewhere', () => {
    const cache = makeCache([makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })]);
    const nominated = pod('vip', { cpu: '2', priority: 100 });
    cache.setNominated(nominated, 'b');
    const low = decide(cache, pod('low', { cpu: '1', priority: 1 }));
    assert.equal(low.kind === 'fit' && low.node.name, 'a', 'b is held for the nominated pod');
    const withNomination = { ...nominated, nominatedNodeName: 'b' };
    const vip = decide(cache, withNomination);
    assert.equal(vip.kind === 'fit' && vip.node.name, 'b');
    assert.equal(vip.kind === 'fit' && vip.evaluated, 1);
  });

  it('says so when there are no nodes', () => {
    assert.equal(decide(makeCache([]), pod('p')).kind, 'noNodes');
  });
});
