/** Tests of patchMetaFor: the merge keys and strategies it reports for built-in and custom kinds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldMeta, itemMeta, type PatchMeta } from './meta.js';
import { patchMetaFor } from './meta-kinds.js';

/** The description at a dotted path; `[]` steps into list elements. */
function at(meta: PatchMeta, path: string): PatchMeta {
  return path.split('.').reduce((m, step) => (step === '[]' ? itemMeta(m) : fieldMeta(m, step)), meta);
}

const POD_SPEC_PATHS: [string, string][] = [
  ['apps/v1/Deployment', 'spec.template.spec'],
  ['apps/v1/ReplicaSet', 'spec.template.spec'],
  ['apps/v1/StatefulSet', 'spec.template.spec'],
  ['apps/v1/DaemonSet', 'spec.template.spec'],
  ['batch/v1/Job', 'spec.template.spec'],
  ['batch/v1/CronJob', 'spec.jobTemplate.spec.template.spec'],
  ['/v1/ReplicationController', 'spec.template.spec'],
  ['/v1/PodTemplate', 'template.spec'],
  ['/v1/Pod', 'spec'],
];

function metaOf(gvk: string): PatchMeta {
  const [group, version, kind] = gvk.split('/');
  return patchMetaFor(group!, version!, kind!);
}

describe('patchMetaFor', () => {
  for (const [gvk, path] of POD_SPEC_PATHS) {
    it(`describes the pod spec of ${gvk}`, () => {
      const spec = at(metaOf(gvk), path);
      assert.deepEqual(at(spec, 'containers'), {
        strategy: 'merge',
        mergeKey: 'name',
        items: at(spec, 'containers.[]'),
      });
      assert.equal(at(spec, 'initContainers').mergeKey, 'name');
      assert.equal(at(spec, 'ephemeralContainers').mergeKey, 'name');
      assert.deepEqual(at(spec, 'volumes'), { strategy: 'merge,retainKeys', mergeKey: 'name' });
      assert.equal(at(spec, 'imagePullSecrets').mergeKey, 'name');
      assert.equal(at(spec, 'hostAliases').mergeKey, 'ip');
      assert.equal(at(spec, 'topologySpreadConstraints').mergeKey, 'topologyKey');
      for (const replaced of ['tolerations', 'readinessGates']) assert.deepEqual(at(spec, replaced), {});
      const container = at(spec, 'containers.[]');
      assert.equal(at(container, 'ports').mergeKey, 'containerPort');
      assert.equal(at(container, 'env').mergeKey, 'name');
      assert.equal(at(container, 'volumeMounts').mergeKey, 'mountPath');
      assert.equal(at(container, 'volumeDevices').mergeKey, 'devicePath');
      for (const replaced of ['args', 'command', 'envFrom', 'resizePolicy'])
        assert.deepEqual(at(container, replaced), {});
    });
  }
  it('describes ObjectMeta on every kind and on pod templates', () => {
    for (const gvk of ['/v1/ConfigMap', 'apps/v1/Deployment', 'example.com/v1/Widget']) {
      const meta = metaOf(gvk);
      assert.deepEqual(at(meta, 'metadata.ownerReferences'), { strategy: 'merge', mergeKey: 'uid' });
      assert.deepEqual(at(meta, 'metadata.finalizers'), { strategy: 'merge' });
    }
    assert.equal(at(metaOf('apps/v1/Deployment'), 'spec.template.metadata.ownerReferences').mergeKey, 'uid');
  });
  it('describes Deployment strategy as retainKeys', () => {
    assert.equal(at(metaOf('apps/v1/Deployment'), 'spec.strategy').strategy, 'retainKeys');
  });
  it('describes the pod status', () => {
    const status = at(metaOf('/v1/Pod'), 'status');
    assert.equal(at(status, 'conditions').mergeKey, 'type');
    assert.equal(at(status, 'podIPs').mergeKey, 'ip');
    assert.equal(at(status, 'hostIPs').mergeKey, 'ip');
    assert.deepEqual(at(status, 'containerStatuses'), {});
  });
  it('describes Service, ServiceAccount and Node', () => {
    assert.equal(at(metaOf('/v1/Service'), 'spec.ports').mergeKey, 'port');
    assert.equal(at(metaOf('/v1/ServiceAccount'), 'secrets').mergeKey, 'name');
    const node = metaOf('/v1/Node');
    assert.equal(at(node, 'status.addresses').mergeKey, 'type');
    assert.equal(at(node, 'status.conditions').mergeKey, 'type');
    assert.deepEqual(at(node, 'spec.podCIDRs'), { strategy: 'merge' });
    assert.deepEqual(at(node, 'spec.taints'), {});
  });
  it('merges status.conditions by type on every built-in kind', () => {
    for (const gvk of [
      'apps/v1/Deployment',
      'batch/v1/Job',
      '/v1/Namespace',
      'autoscaling/v2/HorizontalPodAutoscaler',
    ]) {
      assert.equal(at(metaOf(gvk), 'status.conditions').mergeKey, 'type', gvk);
    }
    assert.deepEqual(at(metaOf('autoscaling/v1/HorizontalPodAutoscaler'), 'status.conditions'), {});
  });
  it('replaces RBAC rules and Endpoints subsets', () => {
    assert.deepEqual(at(metaOf('rbac.authorization.k8s.io/v1/ClusterRole'), 'rules'), {});
    assert.deepEqual(at(metaOf('/v1/Endpoints'), 'subsets'), {});
    assert.deepEqual(at(metaOf('discovery.k8s.io/v1/EndpointSlice'), 'endpoints'), {});
  });
  it('gives custom resources ObjectMeta rules only', () => {
    const meta = metaOf('example.com/v1/Widget');
    assert.deepEqual(Object.keys(meta.fields ?? {}), ['metadata']);
  });
  it('is not fooled by kind names that are Object.prototype members', () => {
    assert.deepEqual(Object.keys(metaOf('apps/v1/constructor').fields ?? {}), ['metadata', 'status']);
    assert.deepEqual(Object.keys(metaOf('example.com/v1/__proto__').fields ?? {}), ['metadata']);
  });
});
