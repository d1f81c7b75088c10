import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, makePod, pod, runScore } from '../testing.js';
import { balancedAllocation } from './balanced-allocation.js';

describe('NodeResourcesBalancedAllocation', () => {
  const cache = makeCache(
    [makeNode('cpu-heavy', { cpu: '4', memory: '4Gi' }), makeNode('even', { cpu: '4', memory: '4Gi' })],
    [makePod('x', { nodeName: 'cpu-heavy', cpu: '3' })],
  );

  it('scores 100 minus the spread of the used fractions', () => {
    const s = runScore(balancedAllocation, cache, pod('p', { cpu: '1', memory: '1Gi' }))!;
    assert.equal(s.get('even'), 100);
    // cpu 4/4 = 1, memory 1/4: std = 0.375 -> 62.
    assert.equal(s.get('cpu-heavy'), 62);
  });

  it('is skipped for a pod that requests nothing', () => {
    assert.equal(runScore(balancedAllocation, cache, pod('p')), undefined);
  });
});
