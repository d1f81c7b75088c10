/** Checks the /openapi/v3 root and the group-version documents built from the resource table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupVersions } from '../resources.js';
import { openApiV3Document, openApiV3Root, openApiV3Served } from './index.js';
import type { OpenApiDocument } from './schema.js';

function doc(key: string): OpenApiDocument {
  const d = openApiV3Document(key);
  assert.ok(d, `document ${key}`);
  return d as OpenApiDocument;
}

describe('openApiV3Root', () => {
  it('lists every group version with a hashed URL', () => {
    const root = openApiV3Root();
    for (const { group, versions } of groupVersions()) {
      for (const v of versions) {
        const key = group === '' ? `api/${v}` : `apis/${group}/${v}`;
        const entry = root.paths[key];
        assert.ok(entry, `root lists ${key}`);
        assert.match(entry.serverRelativeURL, new RegExp(`^/openapi/v3/${key}\\?hash=[0-9A-F]{128}$`));
      }
    }
    assert.ok(root.paths.api && root.paths.apis);
  });

  it('hashes the served bytes, so the hash is stable and changes with content', () => {
    const a = openApiV3Served('api/v1');
    const b = openApiV3Served('apis/apps/v1');
    assert.ok(a && b);
    assert.notEqual(a.hash, b.hash);
    assert.equal(openApiV3Root().paths['api/v1']?.serverRelativeURL, `/openapi/v3/api/v1?hash=${a.hash}`);
    assert.equal(openApiV3Served('/api/v1/')?.hash, a.hash);
    assert.equal(openApiV3Document('apis/nope/v1'), undefined);
  });
});

describe('openApiV3Document', () => {
  it('is an OpenAPI 3.0 document', () => {
    const d = doc('apis/apps/v1');
    assert.equal(d.openapi, '3.0.0');
    assert.deepEqual(d.info, { title: 'Kubernetes', version: 'v1.32.0' });
  });

  it('has a PATCH for Deployment with fieldValidation and the patch content types', () => {
    const d = doc('apis/apps/v1');
    const item = d.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    const patch = item?.patch;
    assert.ok(patch, 'deployment item path has patch');
    assert.equal(patch.operationId, 'patchAppsV1NamespacedDeployment');
    assert.equal(patch['x-kubernetes-action'], 'patch');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    });
    const names = (patch.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    for (const n of ['fieldValidation', 'dryRun', 'fieldManager', 'force']) assert.ok(names.includes(n), n);
    assert.deepEqual(Object.keys(patch.requestBody?.content ?? {}).sort(), [
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    assert.deepEqual(patch.responses['200']?.content?.['application/json']?.schema, {
      $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment',
    });
    assert.ok(item.parameters?.some((p) => p.name === 'namespace' && p.in === 'path'));
  });

  it('gives every PATCH of the document a fieldValidation parameter', () => {
    for (const key of Object.keys(openApiV3Root().paths)) {
      for (const [path, item] of Object.entries(doc(key).paths)) {
        if (item.patch)
          assert.ok(
            item.patch.parameters?.some((p) => p.name === 'fieldValidation'),
            path,
          );
      }
    }
  });

  it('has namespaced, all-namespaces, cluster-scoped and subresource paths for core/v1', () => {
    const d = doc('api/v1');
    const coll = d.paths['/api/v1/namespaces/{namespace}/pods'];
    assert.equal(coll?.get?.operationId, 'listCoreV1NamespacedPod');
    assert.equal(coll?.post?.operationId, 'createCoreV1NamespacedPod');
    assert.equal(coll?.delete?.['x-kubernetes-action'], 'deletecollection');
    assert.ok(coll?.post?.parameters?.some((p) => p.name === 'fieldValidation'));
    assert.equal(d.paths['/api/v1/pods']?.get?.operationId, 'listCoreV1PodForAllNamespaces');
    assert.deepEqual(d.paths['/api/v1/pods']?.get?.responses['200']?.content?.['application/json']?.schema, {
      $ref: '#/components/schemas/io.k8s.api.core.v1.PodList',
    });
    assert.equal(d.paths['/api/v1/nodes/{name}']?.get?.operationId, 'readCoreV1Node');
    assert.equal(d.paths['/api/v1/namespaces/{name}']?.delete?.operationId, 'deleteCoreV1Namespace');
    assert.equal(d.paths['/api/v1/namespaces']?.delete, undefined, 'namespaces have no deletecollection');
    assert.equal(
      d.paths['/api/v1/namespaces/{namespace}/pods/{name}/status']?.patch?.operationId,
      'patchCoreV1NamespacedPodStatus',
    );
    assert.equal(
      d.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec']?.post?.['x-kubernetes-action'],
      'connect',
    );
    assert.equal(
      d.paths['/api/v1/namespaces/{namespace}/pods/{name}/log']?.get?.operationId,
      'readCoreV1NamespacedPodLog',
    );
    assert.deepEqual(
      d.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']?.post?.[
        'x-kubernetes-group-version-kind'
      ],
      { group: 'policy', kind: 'Eviction', version: 'v1' },
    );
    assert.ok(d.components.schemas['io.k8s.api.policy.v1.Eviction']);
    const scale = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    assert.deepEqual(scale?.get?.['x-kubernetes-group-version-kind'], {
      group: 'autoscaling',
      kind: 'Scale',
      version: 'v1',
    });
  });

  it('holds exactly the schemas reachable from its paths', () => {
    for (const key of ['api/v1', 'apis/apps/v1', 'apis/rbac.authorization.k8s.io/v1', 'api', 'apis']) {
      const d = doc(key);
      const text = JSON.stringify(d);
      const refs = new Set(
        [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!),
      );
      assert.deepEqual(Object.keys(d.components.schemas).sort(), [...refs].sort(), key);
    }
    const apps = doc('apis/apps/v1').components.schemas;
    assert.ok(apps['io.k8s.api.core.v1.PodSpec'] && apps['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
    assert.ok(
      apps['io.k8s.apimachinery.pkg.apis.meta.v1.Patch'] &&
        apps['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
    );
    assert.equal(apps['io.k8s.api.rbac.v1.Role'], undefined);
  });
});
