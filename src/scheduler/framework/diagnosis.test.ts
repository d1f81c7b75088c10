import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyDiagnosis, fitErrorMessage } from './diagnosis.js';
import { unresolvable, unschedulable } from './status.js';

describe('the FailedScheduling message', () => {
  it('counts reasons over nodes, sorted as strings, then adds the preemption outcome', () => {
    const d = emptyDiagnosis();
    d.statuses.set('a', unschedulable('NodeResourcesFit', 'Insufficient cpu'));
    d.statuses.set('b', unresolvable('NodeAffinity', "node(s) didn't match Pod's node affinity/selector"));
    d.statuses.set('c', unresolvable('NodeAffinity', "node(s) didn't match Pod's node affinity/selector"));
    d.postFilterMsg = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    assert.equal(
      fitErrorMessage(3, d),
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('lists every reason of a node, and sorts counts as text (10 before 2)', () => {
    const d = emptyDiagnosis();
    for (let i = 0; i < 10; i++)
      d.statuses.set(`n${i}`, unschedulable('X', 'Too many pods', 'Insufficient memory'));
    d.statuses.set('m1', unschedulable('Y', 'node(s) were unschedulable'));
    d.statuses.set('m2', unschedulable('Y', 'node(s) were unschedulable'));
    assert.equal(
      fitErrorMessage(12, d),
      '0/12 nodes are available: 10 Insufficient memory, 10 Too many pods, 2 node(s) were unschedulable.',
    );
  });

  it('uses the preFilter message instead of the histogram', () => {
    const d = emptyDiagnosis();
    d.preFilterMsg = 'pod has unbound immediate PersistentVolumeClaims';
    d.statuses.set('a', unresolvable('VolumeBinding', 'pod has unbound immediate PersistentVolumeClaims'));
    d.postFilterMsg = 'preemption: not eligible due to preemptionPolicy=Never.';
    assert.equal(
      fitErrorMessage(1, d),
      '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. ' +
        'preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});
