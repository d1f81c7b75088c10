import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeNode, makePod } from './testing.js';
import { nodeChangeMatters, podSpecChanged } from './watch-filters.js';

describe('which updates matter', () => {
  it('ignores node heartbeats, not label or taint changes', () => {
    const a = makeNode('n');
    const beat = structuredClone(a);
    (beat['status'] as Record<string, unknown>)['conditions'] = [
      { type: 'Ready', status: 'True', lastHeartbeatTime: 'now' },
    ];
    assert.equal(nodeChangeMatters(a, beat), false);
    assert.equal(nodeChangeMatters(a, makeNode('n', { labels: { zone: 'z' } })), true);
    assert.equal(nodeChangeMatters(a, makeNode('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] })), true);
    assert.equal(nodeChangeMatters(a, makeNode('n', { cpu: '8' })), true);
  });

  it('ignores pod status writes, not spec or label changes', () => {
    const p = makePod('p');
    const status = structuredClone(p);
    (status['status'] as Record<string, unknown>)['conditions'] = [{ type: 'PodScheduled', status: 'False' }];
    assert.equal(podSpecChanged(p, status), false);
    assert.equal(podSpecChanged(p, makePod('p', { labels: { a: 'b' } })), true);
    assert.equal(podSpecChanged(p, makePod('p', { cpu: '1' })), true);
  });
});
