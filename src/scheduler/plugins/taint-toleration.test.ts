import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, pod, runFilter, runScore } from '../testing.js';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.js';

describe('TaintToleration', () => {
  const cache = makeCache([
    makeNode('gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }),
    makeNode('soft', { taints: [{ key: 'spot', value: '', effect: 'PreferNoSchedule' }] }),
    makeNode('plain'),
  ]);

  it('rejects nodes with an untolerated NoSchedule taint, naming it', () => {
    const r = runFilter(taintTolerationFilter, cache, pod('p'));
    const gpu = r.get('gpu');
    assert.ok(gpu && gpu !== 'skip');
    assert.deepEqual(gpu.reasons, ['node(s) had untolerated taint {gpu: true}']);
    assert.equal(gpu.code, 'UnschedulableAndUnresolvable');
    assert.equal(r.get('soft'), null, 'PreferNoSchedule does not filter');
  });

  it('lets tolerating pods in (Equal and Exists)', () => {
    const eq = pod('e', {
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    });
    assert.equal(runFilter(taintTolerationFilter, cache, eq).get('gpu'), null);
    const ex = pod('x', { tolerations: [{ operator: 'Exists' }] });
    assert.equal(runFilter(taintTolerationFilter, cache, ex).get('gpu'), null);
    const wrong = pod('w', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'false' }] });
    assert.notEqual(runFilter(taintTolerationFilter, cache, wrong).get('gpu'), null);
  });

  it('scores nodes with untolerated PreferNoSchedule taints lower', () => {
    const s = runScore(taintTolerationScore, cache, pod('p'))!;
    assert.equal(s.get('plain'), 100);
    assert.equal(s.get('soft'), 0);
    const tolerant = pod('t', { tolerations: [{ key: 'spot', operator: 'Exists' }] });
    assert.equal(runScore(taintTolerationScore, cache, tolerant)!.get('soft'), 100);
  });
});
