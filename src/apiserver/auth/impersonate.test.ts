import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import type { Req } from '../http/types.js';
import { RbacAuthorizer } from '../rbac/authorizer.js';
import { PolicyIndex } from '../rbac/policy-index.js';
import { Authorizer } from './authorize.js';
import { impersonate } from './impersonate.js';

const G = 'rbac.authorization.k8s.io';

function setup() {
  const index = new PolicyIndex();
  index.put('clusterroles', {
    metadata: { name: 'imp' },
    rules: [
      { verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['bob'] },
      { verbs: ['impersonate'], apiGroups: [''], resources: ['groups'], resourceNames: ['devs'] },
      { verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts'] },
    ],
  } as KObject);
  index.put('clusterrolebindings', {
    metadata: { name: 'imp' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'imp' },
    subjects: [{ kind: 'User', name: 'alice' }],
  } as KObject);
  return new Authorizer(new RbacAuthorizer(index));
}

const req = (headers: Record<string, string[]>): Req =>
  ({
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')])),
    headersDistinct: headers,
  }) as unknown as Req;
const alice = { name: 'alice', groups: ['system:authenticated'] };

test('without headers the user is unchanged', () => {
  assert.equal(impersonate(req({}), alice, setup()), alice);
});

test('impersonates allowed users, groups and service accounts', () => {
  const authz = setup();
  assert.deepEqual(
    impersonate(req({ 'impersonate-user': ['bob'], 'impersonate-group': ['devs'] }), alice, authz),
    {
      name: 'bob',
      groups: ['devs', 'system:authenticated'],
    },
  );
  assert.deepEqual(impersonate(req({ 'impersonate-user': ['system:serviceaccount:ns:sa'] }), alice, authz), {
    name: 'system:serviceaccount:ns:sa',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
  });
});

test('refuses what is not granted with the Forbidden message, and groups without a user', () => {
  const authz = setup();
  assert.throws(
    () => impersonate(req({ 'impersonate-user': ['carol'] }), alice, authz),
    (e: Error & { code?: number }) =>
      e.code === 403 &&
      e.message ===
        'users "carol" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
  );
  assert.throws(
    () =>
      impersonate(
        req({ 'impersonate-user': ['bob'], 'impersonate-group': ['system:masters'] }),
        alice,
        authz,
      ),
    /cannot impersonate resource "groups"/,
  );
  assert.throws(
    () => impersonate(req({ 'impersonate-group': ['devs'] }), alice, authz),
    (e: Error & { code?: number }) => e.code === 400,
  );
  assert.throws(
    () => impersonate(req({ 'impersonate-user': ['bob'] }), { name: 'eve', groups: [] }, authz),
    /User "eve" cannot impersonate/,
  );
});
