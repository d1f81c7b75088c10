import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision } from './algorithm.js';
import { fitErrorMessage } from './framework/diagnosis.js';
import { newPodInfo } from './pod-info.js';
import { pickCandidate, preempt } from './preemption.js';
import { decide, makeCache, makeNode, makePod, pod } from './testing.js';

function run(cache: ReturnType<typeof makeCache>, p: ReturnType<typeof pod>) {
  const d: Decision = decide(cache, p);
  assert.equal(d.kind, 'unschedulable');
  if (d.kind !== 'unschedulable') throw new Error('unreachable');
  const r = preempt(d.filters, d.state, d.diagnosis, d.numAllNodes, { random: () => 0 });
  return { r, d };
}

const low = (name: string, node: string, cpu: string, priority: number, startTime = '2024-01-01T00:00:00Z') =>
  makePod(name, { nodeName: node, cpu, priority, startTime });

describe('preemption', () => {
  it('evicts as few lower-priority pods as needed, on the cheapest node', () => {
    const cache = makeCache(
      [makeNode('a', { cpu: '4' }), makeNode('b', { cpu: '4' })],
      [
        low('a-1', 'a', '2', 10),
        low('a-2', 'a', '2', 10),
        low('b-1', 'b', '1', 5),
        low('b-2', 'b', '1', 5),
        low('b-3', 'b', '2', 20),
      ],
    );
    const { r } = run(cache, pod('vip', { cpu: '2', priority: 100 }));
    assert.equal(r.kind, 'nominate');
    if (r.kind !== 'nominate') return;
    // a: one victim of priority 10; b: two victims of priority 5 (b-3 is reprieved as more important).
    assert.equal(r.node, 'b');
    assert.deepEqual(r.victims.map((v) => v.name).sort(), ['b-1', 'b-2']);
  });

  it('never evicts pods of equal or higher priority', () => {
    const cache = makeCache([makeNode('a', { cpu: '2' })], [low('peer', 'a', '2', 100)]);
    const { r, d } = run(cache, pod('p', { cpu: '1', priority: 100 }));
    assert.equal(r.kind, 'none');
    if (r.kind !== 'none' || d.kind !== 'unschedulable') return;
    d.diagnosis.postFilterMsg = r.message;
    assert.equal(
      fitErrorMessage(1, d.diagnosis),
      '0/1 nodes are available: 1 Insufficient cpu. ' +
        'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('is not helpful where the verdict was unresolvable', () => {
    const cache = makeCache(
      [makeNode('a', { cpu: '1', labels: { x: 'y' } }), makeNode('b'), makeNode('c')],
      [low('v', 'a', '1', 0)],
    );
    const { r, d } = run(cache, pod('big', { cpu: '2', priority: 5, nodeSelector: { x: 'y' } }));
    assert.ok(r.kind === 'none' && d.kind === 'unschedulable');
    d.diagnosis.postFilterMsg = r.message;
    assert.equal(
      fitErrorMessage(3, d.diagnosis),
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('says when the pod may not preempt', () => {
    const cache = makeCache([makeNode('a', { cpu: '1' })], [low('v', 'a', '1', 0)]);
    const { r } = run(cache, pod('p', { cpu: '1', priority: 10, preemptionPolicy: 'Never' }));
    assert.deepEqual(r, { kind: 'none', message: 'preemption: not eligible due to preemptionPolicy=Never.' });
  });

  it('frees a host port held by a lower-priority pod', () => {
    const cache = makeCache(
      [makeNode('a')],
      [makePod('holder', { nodeName: 'a', hostPort: 80, priority: 1 })],
    );
    const { r } = run(cache, pod('p', { hostPort: 80, priority: 2 }));
    assert.ok(r.kind === 'nominate');
    assert.deepEqual(r.kind === 'nominate' && r.victims.map((v) => v.name), ['holder']);
  });

  it('picks by lowest top priority, then fewest victims, then latest start', () => {
    const n = (name: string) => cache.node(name)!;
    const cache = makeCache([makeNode('a'), makeNode('b'), makeNode('c'), makeNode('d')]);
    const v = (name: string, priority: number, startTime: string) =>
      newPodInfo(makePod(name, { priority, startTime }));
    const picked = pickCandidate([
      { node: n('a'), victims: [v('a1', 50, '2024-01-01T00:00:00Z')] },
      { node: n('b'), victims: [v('b1', 10, '2024-01-01T00:00:00Z'), v('b2', 10, '2024-01-01T00:00:00Z')] },
      { node: n('c'), victims: [v('c1', 10, '2024-01-01T00:00:00Z')] },
      { node: n('d'), victims: [v('d1', 10, '2024-06-01T00:00:00Z')] },
    ]);
    assert.equal(picked?.node.name, 'd');
  });
});
