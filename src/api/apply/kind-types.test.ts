import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listTypesFor } from './kind-types.js';
import { fieldType, type ListType, type MapType, type TypeDef } from './schema.js';
import { typeOf } from './testing.js';

/** The type at a path of field names (`[]` steps into list items). */
function at(t: TypeDef, path: string): TypeDef {
  let cur = t;
  for (const step of path.split('.')) {
    if (step === '[]') {
      assert.equal(cur.kind, 'list', path);
      cur = (cur as ListType).elem;
      continue;
    }
    assert.equal(cur.kind, 'map', `${path} at ${step}`);
    const next = fieldType(cur as MapType, step);
    assert.ok(next, `${path}: no ${step}`);
    cur = next;
  }
  return cur;
}

function list(t: TypeDef, path: string): Pick<ListType, 'listType' | 'keys'> {
  const l = at(t, path) as ListType;
  assert.equal(l.kind, 'list', path);
  return { listType: l.listType, keys: [...l.keys] };
}

describe('listTypesFor', () => {
  const pod = typeOf('v1', 'Pod');
  const deploy = typeOf('apps/v1', 'Deployment');

  it('keys pod lists as server-side apply does (not as strategic merge patch)', () => {
    assert.deepEqual(list(pod, 'spec.containers'), { listType: 'map', keys: ['name'] });
    assert.deepEqual(list(pod, 'spec.initContainers'), { listType: 'map', keys: ['name'] });
    assert.deepEqual(list(pod, 'spec.ephemeralContainers'), { listType: 'map', keys: ['name'] });
    assert.deepEqual(list(pod, 'spec.containers.[].ports'), {
      listType: 'map',
      keys: ['containerPort', 'protocol'],
    });
    assert.deepEqual(list(pod, 'spec.containers.[].env'), { listType: 'map', keys: ['name'] });
    assert.deepEqual(list(pod, 'spec.containers.[].volumeMounts'), { listType: 'map', keys: ['mountPath'] });
    assert.deepEqual(list(pod, 'spec.volumes'), { listType: 'map', keys: ['name'] });
    assert.deepEqual(list(pod, 'spec.imagePullSecrets'), { listType: 'map', keys: ['name'] });
    assert.deepEqual(list(pod, 'spec.hostAliases'), { listType: 'map', keys: ['ip'] });
    assert.deepEqual(list(pod, 'spec.topologySpreadConstraints'), {
      listType: 'map',
      keys: ['topologyKey', 'whenUnsatisfiable'],
    });
    assert.deepEqual(list(pod, 'spec.tolerations'), { listType: 'atomic', keys: [] });
    assert.deepEqual(list(pod, 'spec.containers.[].args'), { listType: 'atomic', keys: [] });
    assert.deepEqual(list(pod, 'spec.containers.[].command'), { listType: 'atomic', keys: [] });
    assert.deepEqual(list(pod, 'status.conditions'), { listType: 'map', keys: ['type'] });
    assert.deepEqual(list(pod, 'metadata.ownerReferences'), { listType: 'map', keys: ['uid'] });
    assert.deepEqual(list(pod, 'metadata.finalizers'), { listType: 'set', keys: [] });
  });

  it('defaults the protocol key of ports', () => {
    assert.deepEqual((at(pod, 'spec.containers.[].ports') as ListType).keyDefaults, { protocol: 'TCP' });
    const svc = typeOf('v1', 'Service');
    assert.deepEqual(list(svc, 'spec.ports'), { listType: 'map', keys: ['port', 'protocol'] });
    assert.deepEqual((at(svc, 'spec.ports') as ListType).keyDefaults, { protocol: 'TCP' });
    assert.equal((at(svc, 'spec.selector') as MapType).atomic, true);
  });

  it('follows the pod template into workloads, and marks selectors atomic', () => {
    assert.deepEqual(list(deploy, 'spec.template.spec.containers'), { listType: 'map', keys: ['name'] });
    assert.equal((at(deploy, 'spec.selector') as MapType).atomic, true);
    assert.equal((at(deploy, 'metadata.labels') as MapType).atomic, false);
    assert.deepEqual(list(deploy, 'status.conditions'), { listType: 'map', keys: ['type'] });
    const cron = typeOf('batch/v1', 'CronJob');
    assert.deepEqual(list(cron, 'spec.jobTemplate.spec.template.spec.containers'), {
      listType: 'map',
      keys: ['name'],
    });
    assert.equal((at(typeOf('v1', 'Pod'), 'spec.nodeSelector') as MapType).atomic, true);
  });

  it('keeps rbac rules and subjects atomic', () => {
    assert.deepEqual(list(typeOf('rbac.authorization.k8s.io/v1', 'ClusterRole'), 'rules'), {
      listType: 'atomic',
      keys: [],
    });
    assert.deepEqual(list(typeOf('rbac.authorization.k8s.io/v1', 'RoleBinding'), 'subjects'), {
      listType: 'atomic',
      keys: [],
    });
    assert.deepEqual(list(typeOf('v1', 'Node'), 'spec.taints'), { listType: 'atomic', keys: [] });
    assert.deepEqual(list(typeOf('v1', 'Node'), 'spec.podCIDRs'), { listType: 'set', keys: [] });
    assert.deepEqual(list(typeOf('v1', 'ServiceAccount'), 'secrets'), { listType: 'map', keys: ['name'] });
  });

  it('gives unknown kinds typed metadata and deduced content', () => {
    const t = listTypesFor('example.com', 'v1', 'Widget');
    assert.deepEqual(list(t, 'metadata.finalizers'), { listType: 'set', keys: [] });
    assert.equal(at(t, 'spec').kind, 'untyped');
  });
});
