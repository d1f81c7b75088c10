import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestInfo, type ResourceRequest } from './request-info.js';

const q = (s = '') => new URLSearchParams(s);
const res = (m: string, p: string, s = '') => parseRequestInfo(m, p, q(s)) as ResourceRequest;

describe('parseRequestInfo', () => {
  it('parses namespaced collections and items', () => {
    const list = res('GET', '/api/v1/namespaces/default/pods');
    assert.deepEqual(
      [list.verb, list.group, list.version, list.namespace, list.resource, list.name],
      ['list', '', 'v1', 'default', 'pods', ''],
    );
    const get = res('GET', '/apis/apps/v1/namespaces/ns1/deployments/web');
    assert.deepEqual(
      [get.verb, get.group, get.namespace, get.resource, get.name],
      ['get', 'apps', 'ns1', 'deployments', 'web'],
    );
    const scale = res('PATCH', '/apis/apps/v1/namespaces/ns1/deployments/web/scale');
    assert.deepEqual([scale.verb, scale.subresource], ['patch', 'scale']);
  });

  it('treats /namespaces/{name} as the namespace object and its status/finalize subresources', () => {
    const ns = res('GET', '/api/v1/namespaces/kube-system');
    assert.deepEqual(
      [ns.verb, ns.resource, ns.name, ns.namespace],
      ['get', 'namespaces', 'kube-system', 'kube-system'],
    );
    const st = res('PUT', '/api/v1/namespaces/x/finalize');
    assert.deepEqual(
      [st.verb, st.resource, st.name, st.subresource],
      ['update', 'namespaces', 'x', 'finalize'],
    );
    const all = res('GET', '/api/v1/namespaces');
    assert.deepEqual([all.verb, all.resource, all.name], ['list', 'namespaces', '']);
  });

  it('recognises watch, deletecollection, cluster-scoped and connect verbs', () => {
    assert.equal(res('GET', '/api/v1/pods', 'watch=true').verb, 'watch');
    assert.equal(res('GET', '/api/v1/watch/namespaces/a/pods').verb, 'watch');
    assert.equal(res('GET', '/api/v1/watch/namespaces/a/pods').namespace, 'a');
    assert.equal(res('DELETE', '/api/v1/namespaces/a/configmaps').verb, 'deletecollection');
    const node = res('GET', '/api/v1/nodes/n1');
    assert.deepEqual([node.namespace, node.resource, node.name], ['', 'nodes', 'n1']);
    assert.equal(res('POST', '/api/v1/namespaces/a/pods/p/exec').verb, 'connect');
    assert.equal(res('GET', '/api/v1/namespaces/a/pods/p/log').verb, 'get');
  });

  it('leaves non-resource paths alone', () => {
    for (const p of [
      '/healthz',
      '/version',
      '/api',
      '/apis',
      '/apis/apps',
      '/api/v1',
      '/apis/apps/v1',
      '/openapi/v3',
    ]) {
      assert.equal(parseRequestInfo('GET', p, q()).isResourceRequest, false, p);
    }
  });
});
