import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, makePod, pod, runFilter, runScore } from '../testing.js';
import { nodeResourcesFitFilter, nodeResourcesFitScore } from './node-resources-fit.js';

describe('NodeResourcesFit filter', () => {
  const cache = makeCache(
    [makeNode('small', { cpu: '1', memory: '1Gi' }), makeNode('busy', { cpu: '4', memory: '8Gi', pods: 1 })],
    [makePod('x', { nodeName: 'small', cpu: '600m', memory: '512Mi' }), makePod('y', { nodeName: 'busy' })],
  );

  it('names every short resource', () => {
    const r = runFilter(nodeResourcesFitFilter, cache, pod('p', { cpu: '500m', memory: '600Mi' }));
    const small = r.get('small');
    assert.ok(small && small !== 'skip');
    assert.deepEqual(small.reasons, ['Insufficient cpu', 'Insufficient memory']);
    assert.equal(small.code, 'Unschedulable', 'evicting x would make room');
    const busy = r.get('busy');
    assert.ok(busy && busy !== 'skip');
    assert.deepEqual(busy.reasons, ['Too many pods']);
  });

  it('is unresolvable when a request exceeds the whole node', () => {
    const r = runFilter(nodeResourcesFitFilter, cache, pod('p', { cpu: '2' })).get('small');
    assert.ok(r && r !== 'skip');
    assert.equal(r.code, 'UnschedulableAndUnresolvable');
    assert.deepEqual(r.reasons, ['Insufficient cpu']);
  });

  it('fits a pod that requests what is left, and checks extended resources', () => {
    assert.equal(runFilter(nodeResourcesFitFilter, cache, pod('p', { cpu: '400m' })).get('small'), null);
    const gpu = pod('g', {});
    const withGpu = { ...gpu, requests: { ...gpu.requests, scalar: new Map([['example.com/gpu', 1]]) } };
    const r = runFilter(nodeResourcesFitFilter, cache, withGpu).get('small');
    assert.ok(r && r !== 'skip');
    assert.deepEqual(r.reasons, ['Insufficient example.com/gpu']);
  });
});

describe('NodeResourcesFit score', () => {
  const cache = makeCache(
    [makeNode('empty', { cpu: '4', memory: '4Gi' }), makeNode('half', { cpu: '4', memory: '4Gi' })],
    [makePod('x', { nodeName: 'half', cpu: '2', memory: '2Gi' })],
  );
  const p = pod('p', { cpu: '1', memory: '1Gi' });

  it('prefers the least allocated node by default', () => {
    const s = runScore(nodeResourcesFitScore(), cache, p)!;
    assert.equal(s.get('empty'), 75);
    assert.equal(s.get('half'), 25);
  });

  it('prefers the most allocated node with MostAllocated', () => {
    const s = runScore(nodeResourcesFitScore('MostAllocated'), cache, p)!;
    assert.equal(s.get('empty'), 25);
    assert.equal(s.get('half'), 75);
  });
});
