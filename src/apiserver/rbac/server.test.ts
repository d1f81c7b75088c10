import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '../../client/client.js';
import type { ApiStatusError } from '../../client/errors.js';
import type { KObject, UserInfo } from '../../registry/types.js';
import { startTestApiServer, type TestApiServer } from '../testing.js';

const G = 'rbac.authorization.k8s.io';
const carol: UserInfo = { name: 'carol', groups: ['system:authenticated'] };
let api: TestApiServer;

before(async () => {
  api = await startTestApiServer();
});
after(async () => {
  await api.close();
});

async function post(client: Client, path: string, body: unknown): Promise<KObject> {
  const res = await client.transport.request('POST', path, {
    body: JSON.stringify(body),
    contentType: 'application/json',
  });
  assert.equal(res.status, 201, res.body.toString());
  return JSON.parse(res.body.toString()) as KObject;
}

/** Retries `fn` until it stops throwing (the policy index follows the watch cache). */
async function eventually<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

test('the default policy is there, reconciled at start', async () => {
  const admin = api.client();
  const roles = api.client().resource(G, 'v1', 'clusterroles');
  for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery'])
    assert.equal(
      (await roles.get(undefined, name)).metadata?.labels?.['kubernetes.io/bootstrapping'],
      'rbac-defaults',
    );
  const crb = await admin
    .resource(G, 'v1', 'clusterrolebindings')
    .get(undefined, 'system:service-account-issuer-discovery');
  assert.deepEqual(crb['subjects'], [{ apiGroup: G, kind: 'Group', name: 'system:serviceaccounts' }]);
  const view = await roles.get(undefined, 'view');
  assert.equal(view.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
  // The aggregated roles get their rules written: admin holds edit's, edit holds view's.
  await eventually(async () => {
    const admin = await roles.get(undefined, 'admin');
    const rules = admin['rules'] as { resources?: string[]; verbs: string[] }[];
    assert.ok(rules.some((r) => r.resources?.includes('roles') && r.verbs.includes('create')));
    assert.ok(rules.some((r) => r.resources?.includes('pods') && r.verbs.includes('watch')));
  });
});

test('a user with no bindings gets discovery and self reviews, and Forbidden for the rest', async () => {
  const c = api.client(carol);
  const res = await c.transport.request('GET', '/api');
  assert.equal(res.status, 200);
  await assert.rejects(
    c.resource('', 'v1', 'pods').list('default'),
    (e: ApiStatusError) =>
      e.code === 403 &&
      e.message ===
        'pods is forbidden: User "carol" cannot list resource "pods" in API group "" in the namespace "default"',
  );
  const ssar = await post(c, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    spec: { resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } },
  });
  assert.deepEqual(ssar['status'], { allowed: false });
});

test('binding view lets the user read, not write; reviews and rules reviews agree', async () => {
  const admin = api.client();
  await admin.resource(G, 'v1', 'rolebindings').create('default', {
    metadata: { name: 'carol-view' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: G, kind: 'User', name: 'carol' }],
  });
  const c = api.client(carol);
  await eventually(() => c.resource('', 'v1', 'pods').list('default'));
  await assert.rejects(
    c.resource('', 'v1', 'configmaps').create('default', { metadata: { name: 'x' } }),
    /cannot create resource "configmaps"/,
  );
  const sar = await post(admin, '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    spec: { user: 'carol', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } },
  });
  assert.deepEqual(sar['status'], {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "carol-view/default" of ClusterRole "view" to User "carol"',
  });
  const lsar = await post(
    admin,
    '/apis/authorization.k8s.io/v1/namespaces/kube-system/localsubjectaccessreviews',
    {
      spec: {
        user: 'carol',
        resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'kube-system' },
      },
    },
  );
  assert.deepEqual(lsar['status'], { allowed: false });
  const mismatch = await admin.transport.request(
    'POST',
    '/apis/authorization.k8s.io/v1/namespaces/kube-system/localsubjectaccessreviews',
    {
      body: JSON.stringify({
        spec: { user: 'carol', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } },
      }),
      contentType: 'application/json',
    },
  );
  assert.equal(mismatch.status, 422, mismatch.body.toString());
  const rules = await post(c, '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
    spec: { namespace: 'default' },
  });
  const status = rules['status'] as { resourceRules: { verbs: string[]; resources: string[] }[] };
  assert.ok(status.resourceRules.some((r) => r.resources.includes('pods') && r.verbs.includes('list')));
  assert.ok(!status.resourceRules.some((r) => r.resources.includes('secrets')));
  const bad = await c.transport.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    body: JSON.stringify({ spec: {} }),
    contentType: 'application/json',
  });
  assert.equal(bad.status, 422);
  assert.match(bad.body.toString(), /exactly one of nonResourceAttributes or resourceAttributes/);
});

test('escalation is refused through the API; the issuer discovery documents are served', async () => {
  const admin = api.client();
  await admin.resource(G, 'v1', 'roles').create('default', {
    metadata: { name: 'role-writer' },
    rules: [{ verbs: ['create'], apiGroups: [G], resources: ['roles'] }],
  });
  await admin.resource(G, 'v1', 'rolebindings').create('default', {
    metadata: { name: 'carol-role-writer' },
    roleRef: { apiGroup: G, kind: 'Role', name: 'role-writer' },
    subjects: [{ apiGroup: G, kind: 'User', name: 'carol' }],
  });
  const roles = api.client(carol).resource(G, 'v1', 'roles');
  const ok = {
    metadata: { name: 'readers' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
  };
  await eventually(() => roles.create('default', ok));
  await assert.rejects(
    roles.create('default', {
      metadata: { name: 'secrets' },
      rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
    }),
    (e: ApiStatusError) =>
      e.code === 403 && /attempting to grant RBAC permissions not currently held/.test(e.message),
  );
  const doc = await admin.transport.request('GET', '/.well-known/openid-configuration');
  assert.equal(doc.status, 200);
  const conf = JSON.parse(doc.body.toString()) as Record<string, string>;
  assert.equal(conf['issuer'], 'https://kubernetes.default.svc.cluster.local');
  const keys = await admin.transport.request('GET', '/openid/v1/jwks');
  assert.equal(keys.headers['content-type'], 'application/jwk-set+json');
  assert.equal((JSON.parse(keys.body.toString()) as { keys: { kty: string }[] }).keys[0]?.kty, 'EC');
  const denied = await api.client(carol).transport.request('GET', '/openid/v1/jwks');
  assert.equal(denied.status, 403);
});
