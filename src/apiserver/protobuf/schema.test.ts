import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseField, Schema } from './schema.js';
import { builtinSchema, messageForKind, registeredKinds, TABLES } from './schemas/index.js';

describe('schema field texts', () => {
  it('parses single, repeated, map and inline fields', () => {
    assert.deepEqual(parseField('replicas int32!'), {
      name: 'replicas',
      shape: 'single',
      type: 'int32',
      keepZero: true,
    });
    assert.deepEqual(parseField('containers []Container'), {
      name: 'containers',
      shape: 'repeated',
      type: 'Container',
      keepZero: false,
    });
    assert.deepEqual(parseField('data map<string,bytes>'), {
      name: 'data',
      shape: 'map',
      type: 'bytes',
      keepZero: false,
    });
    assert.deepEqual(parseField('... VolumeSource'), {
      name: '',
      shape: 'inline',
      type: 'VolumeSource',
      keepZero: false,
    });
  });

  it('rejects texts outside the grammar', () => {
    for (const bad of [
      'name',
      'a b c',
      'x []map<string,string>',
      'x []int32!',
      'x Container!',
      '... []A',
      '',
    ]) {
      assert.throws(() => parseField(bad), /protobuf schema/, bad);
    }
  });

  it('refuses a message defined twice', () => {
    assert.throws(() => new Schema([{ A: { 1: 'a string' } }, { A: { 1: 'b string' } }]), /defined twice/);
  });

  it('reports unknown types and repeated JSON names', () => {
    const s = new Schema([{ A: { 1: 'a Missing', 2: 'b string', 3: 'b int32', 4: '... string' } }]);
    assert.equal(s.problems().length, 3);
  });
});

describe('the built-in schema', () => {
  const schema = builtinSchema();

  it('compiles with no problems', () => {
    assert.deepEqual(schema.problems(), []);
  });

  it('has a message for every registered kind, reached from apiVersion and kind', () => {
    for (const k of registeredKinds()) {
      assert.ok(schema.message(k.message), `${k.apiVersion} ${k.kind}`);
      assert.equal(messageForKind(k.apiVersion, k.kind), k.message);
    }
    assert.equal(messageForKind('v1', 'Deployment'), undefined);
    assert.equal(messageForKind('v1', 'constructor'), undefined);
    assert.equal(messageForKind('apps/v1', 'Deployment'), 'Deployment');
  });

  it('covers what kubectl create, run, autoscale and auth send', () => {
    const want = [
      'v1 Namespace',
      'v1 ConfigMap',
      'v1 Secret',
      'v1 Service',
      'v1 ServiceAccount',
      'v1 ResourceQuota',
      'v1 Pod',
      'apps/v1 Deployment',
      'batch/v1 Job',
      'batch/v1 CronJob',
      'rbac.authorization.k8s.io/v1 Role',
      'rbac.authorization.k8s.io/v1 RoleBinding',
      'rbac.authorization.k8s.io/v1 ClusterRole',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
      'scheduling.k8s.io/v1 PriorityClass',
      'policy/v1 PodDisruptionBudget',
      'networking.k8s.io/v1 Ingress',
      'authentication.k8s.io/v1 TokenRequest',
      'autoscaling/v1 HorizontalPodAutoscaler',
      'authorization.k8s.io/v1 SelfSubjectAccessReview',
      'authorization.k8s.io/v1 SelfSubjectRulesReview',
      'authentication.k8s.io/v1 SelfSubjectReview',
    ];
    for (const w of want) {
      const [apiVersion, kind] = w.split(' ') as [string, string];
      assert.ok(messageForKind(apiVersion, kind), w);
    }
  });

  it('has no message that no registered kind reaches', () => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      const fields = schema.message(name);
      if (!fields) return;
      seen.add(name);
      for (const f of fields.values()) visit(f.type);
    };
    for (const k of registeredKinds()) visit(k.message);
    const all = TABLES.flatMap((t) => Object.keys(t));
    assert.deepEqual(
      all.filter((n) => !seen.has(n)),
      [],
    );
  });

  it('keeps the wire numbers of well-known fields', () => {
    const field = (msg: string, num: number) => schema.message(msg)?.get(num);
    assert.equal(field('ObjectMeta', 1)?.name, 'name');
    assert.equal(field('ObjectMeta', 3)?.name, 'namespace');
    assert.equal(field('ObjectMeta', 11)?.name, 'labels');
    assert.equal(field('ObjectMeta', 8)?.type, 'Time');
    assert.equal(field('PodSpec', 2)?.name, 'containers');
    assert.equal(field('Container', 2)?.name, 'image');
    assert.equal(field('DeploymentSpec', 1)?.keepZero, true);
    assert.equal(field('Secret', 2)?.type, 'bytes');
    assert.equal(field('ConfigMap', 3)?.name, 'binaryData');
    assert.equal(field('CronJobSpec', 1)?.name, 'schedule');
    assert.equal(field('Volume', 2)?.shape, 'inline');
    assert.equal(field('RoleRef', 1)?.keepZero, true);
  });
});
