/** The kubelet's admit step: handler order, which pods await admission, a refused pod's status. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { type AdmitHandler, awaitsAdmission, canAdmitPod, rejectedStatus } from './admission.js';

const pod = (status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KObject => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1', ...meta },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status,
});

describe('canAdmitPod', () => {
  it('returns the first refusal, and passes the admitted pods to every handler', () => {
    const seen: number[] = [];
    const ok: AdmitHandler = (_p, admitted) => {
      seen.push(admitted.length);
      return undefined;
    };
    const no =
      (reason: string): AdmitHandler =>
      () => ({ reason, message: `no: ${reason}` });
    const others = [pod(), pod()];
    assert.equal(canAdmitPod([ok, ok], pod(), others), undefined);
    assert.deepEqual(seen, [2, 2]);
    assert.deepEqual(canAdmitPod([ok, no('A'), no('B')], pod(), others), { reason: 'A', message: 'no: A' });
    assert.equal(canAdmitPod([], pod(), []), undefined);
  });
});

describe('awaitsAdmission', () => {
  it('holds for pending pods no kubelet started', () => {
    assert.equal(awaitsAdmission(pod()), true);
    assert.equal(awaitsAdmission(pod({ phase: 'Pending' })), true);
    assert.equal(awaitsAdmission(pod({ phase: 'Pending', startTime: '2024-01-01T00:00:00Z' })), false);
    assert.equal(awaitsAdmission(pod({ phase: 'Failed' })), false);
    assert.equal(awaitsAdmission(pod({ phase: 'Succeeded' })), false);
    assert.equal(awaitsAdmission(pod({}, { deletionTimestamp: '2024-01-01T00:00:00Z' })), false);
  });
});

describe('rejectedStatus', () => {
  it('is Failed with reason and prefixed message, keeps conditions and adds no container statuses', () => {
    const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' };
    const st = rejectedStatus(
      pod({ phase: 'Pending', conditions: [scheduled], qosClass: 'BestEffort' }),
      { reason: 'Evicted', message: 'The node had condition: [DiskPressure]. ' },
      '2024-01-02T00:00:00Z',
    );
    assert.deepEqual(st, {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'Pod was rejected: The node had condition: [DiskPressure]. ',
      conditions: [scheduled],
      qosClass: 'BestEffort',
      startTime: '2024-01-02T00:00:00Z',
    });
    assert.equal('containerStatuses' in st, false);
  });
});
