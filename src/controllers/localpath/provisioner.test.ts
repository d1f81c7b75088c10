/**
 * The local-path provisioner's decisions: which claims are its own, why some cannot be
 * provisioned, the volume it makes, and which volumes it deletes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import {
  buildVolume,
  PROVISIONER,
  provisionError,
  shouldDelete,
  shouldProvision,
  volumePath,
} from './provisioner.js';

type Obj = Record<string, unknown>;

const SC: KObject = { metadata: { name: 'local-path' }, provisioner: PROVISIONER, reclaimPolicy: 'Retain' };

function claim(annotations: Record<string, string>, spec: Obj = {}): KObject {
  return {
    metadata: { name: 'data', namespace: 'ns1', uid: 'u-1', resourceVersion: '7', annotations },
    spec: {
      storageClassName: 'local-path',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '2Gi' } },
      ...spec,
    },
  };
}

const HANDED = {
  'volume.kubernetes.io/storage-provisioner': PROVISIONER,
  'volume.kubernetes.io/selected-node': 'n1',
};

describe('local-path provisioner decisions', () => {
  it('provisions only claims handed to it and not yet bound', () => {
    assert.ok(shouldProvision(claim(HANDED), SC));
    assert.ok(!shouldProvision(claim({ 'volume.kubernetes.io/selected-node': 'n1' }), SC), 'not handed over');
    assert.ok(!shouldProvision(claim(HANDED, { volumeName: 'pv' }), SC), 'bound');
    assert.ok(!shouldProvision(claim(HANDED), { ...SC, provisioner: 'other' }));
    assert.ok(!shouldProvision(claim(HANDED), undefined));
  });

  it('says why a claim cannot be provisioned', () => {
    assert.equal(provisionError(claim(HANDED)), undefined);
    assert.match(provisionError(claim(HANDED, { accessModes: ['ReadWriteMany'] })) ?? '', /ReadWriteOnce/);
    assert.equal(provisionError(claim(HANDED, { accessModes: ['ReadWriteOncePod'] })), undefined);
    assert.match(
      provisionError(claim({ 'volume.kubernetes.io/storage-provisioner': PROVISIONER })) ?? '',
      /no node was specified/,
    );
  });

  it('builds a hostPath volume pinned to the node and pre-bound to the claim', () => {
    const v = buildVolume(claim(HANDED), SC, '/data/storage/');
    assert.equal(v.metadata?.name, 'pvc-u-1');
    const s = v['spec'] as Obj;
    assert.deepEqual(s['hostPath'], { path: '/data/storage/pvc-u-1_ns1_data', type: 'DirectoryOrCreate' });
    assert.equal(s['persistentVolumeReclaimPolicy'], 'Retain', 'from the class');
    assert.deepEqual(s['capacity'], { storage: '2Gi' });
    assert.deepEqual(s['claimRef'], {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace: 'ns1',
      name: 'data',
      uid: 'u-1',
      resourceVersion: '7',
    });
    assert.equal(volumePath('/r', claim(HANDED)), '/r/pvc-u-1_ns1_data');
  });

  it('deletes only its own Released volumes under the Delete policy', () => {
    const mk = (phase: string, policy: string, by = PROVISIONER): KObject => ({
      metadata: { name: 'v', annotations: { 'pv.kubernetes.io/provisioned-by': by } },
      spec: { persistentVolumeReclaimPolicy: policy },
      status: { phase },
    });
    assert.ok(shouldDelete(mk('Released', 'Delete')));
    assert.ok(!shouldDelete(mk('Bound', 'Delete')));
    assert.ok(!shouldDelete(mk('Released', 'Retain')));
    assert.ok(!shouldDelete(mk('Released', 'Delete', 'other.io/x')));
  });
});
