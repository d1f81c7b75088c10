/** Checks the schemas written by scripts/gen-openapi.mjs (the build runs it before tests). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { componentSchemas } from './load.js';
import type { Schema } from './schema.js';

function schema(name: string): Schema {
  const s = componentSchemas()[name];
  assert.ok(s, `schema ${name} exists`);
  return s;
}

describe('generated component schemas', () => {
  it('has the common kinds with descriptions and their group/version/kind', () => {
    const kinds: [string, string, string, string][] = [
      ['io.k8s.api.core.v1.Pod', '', 'v1', 'Pod'],
      ['io.k8s.api.core.v1.ConfigMap', '', 'v1', 'ConfigMap'],
      ['io.k8s.api.core.v1.Namespace', '', 'v1', 'Namespace'],
      ['io.k8s.api.core.v1.Service', '', 'v1', 'Service'],
      ['io.k8s.api.apps.v1.Deployment', 'apps', 'v1', 'Deployment'],
      ['io.k8s.api.apps.v1.DeploymentList', 'apps', 'v1', 'DeploymentList'],
      ['io.k8s.api.networking.v1.Ingress', 'networking.k8s.io', 'v1', 'Ingress'],
    ];
    for (const [name, group, version, kind] of kinds) {
      const s = schema(name);
      assert.deepEqual(s['x-kubernetes-group-version-kind'], [{ group, kind, version }], name);
      assert.equal(s.type, 'object');
      assert.ok(s.description && s.description.length > 10, `${name} has a description`);
      assert.ok(s.properties?.metadata, `${name} has metadata`);
    }
  });

  it('describes fields, references and required fields as upstream does', () => {
    const spec = schema('io.k8s.api.apps.v1.DeploymentSpec');
    assert.match(spec.properties?.replicas?.description ?? '', /Number of desired pods/);
    assert.deepEqual(spec.properties?.replicas?.type, 'integer');
    assert.equal(spec.properties?.replicas?.format, 'int32');
    assert.deepEqual(spec.properties?.template?.allOf, [
      { $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' },
    ]);
    assert.deepEqual(spec.required, ['selector', 'template']);
    const podSpec = schema('io.k8s.api.core.v1.PodSpec');
    assert.equal(podSpec.properties?.containers?.type, 'array');
    assert.deepEqual(podSpec.properties?.containers?.items, {
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }],
      default: {},
    });
    assert.equal(podSpec.properties?.nodeSelector?.type, 'object');
    assert.deepEqual(podSpec.properties?.nodeSelector?.additionalProperties, { type: 'string' });
    assert.equal(podSpec.properties?.hostNetwork?.type, 'boolean');
    assert.equal(podSpec.properties?.terminationGracePeriodSeconds?.format, 'int64');
    assert.equal(
      schema('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties?.generation?.format,
      'int64',
    );
  });

  it('has the special scalar types', () => {
    assert.deepEqual(
      schema('io.k8s.apimachinery.pkg.util.intstr.IntOrString')['x-kubernetes-int-or-string'],
      true,
    );
    assert.deepEqual(schema('io.k8s.apimachinery.pkg.util.intstr.IntOrString').oneOf, [
      { type: 'integer' },
      { type: 'string' },
    ]);
    assert.deepEqual(schema('io.k8s.apimachinery.pkg.api.resource.Quantity').oneOf, [
      { type: 'string' },
      { type: 'number' },
    ]);
    const time = schema('io.k8s.apimachinery.pkg.apis.meta.v1.Time');
    assert.equal(time.type, 'string');
    assert.equal(time.format, 'date-time');
    assert.equal(schema('io.k8s.apimachinery.pkg.runtime.RawExtension').type, 'object');
    assert.ok(schema('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON'));
    const props = schema(
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
    ).properties;
    assert.equal(props?.['x-kubernetes-preserve-unknown-fields']?.type, 'boolean');
    assert.equal(props?.maximum?.format, 'double');
  });

  it('names every group version on DeleteOptions and the core group on Status', () => {
    const gvks =
      schema('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions')['x-kubernetes-group-version-kind'] ?? [];
    assert.ok(gvks.some((g) => g.group === 'apps' && g.version === 'v1' && g.kind === 'DeleteOptions'));
    assert.ok(gvks.some((g) => g.group === '' && g.version === 'v1'));
    assert.deepEqual(
      schema('io.k8s.apimachinery.pkg.apis.meta.v1.Status')['x-kubernetes-group-version-kind'],
      [{ group: '', kind: 'Status', version: 'v1' }],
    );
  });

  it('resolves every reference', () => {
    const all = componentSchemas();
    const text = JSON.stringify(all);
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(all[m[1]!], `reference to ${m[1]} resolves`);
    }
  });
});
