import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject, UserInfo } from '../../registry/types.js';
import type { ResourceAttributes } from '../auth/attributes.js';
import { RbacAuthorizer } from './authorizer.js';
import { EscalationCheck } from './escalation.js';
import { PolicyIndex } from './policy-index.js';
import type { PolicyRule } from './rules.js';

const G = 'rbac.authorization.k8s.io';
const role = (ns: string, name: string, rules: PolicyRule[]): KObject => ({
  metadata: { namespace: ns, name },
  rules,
});
const clusterRole = (name: string, rules: PolicyRule[], extra: Partial<KObject> = {}): KObject => ({
  metadata: { name, ...(extra.metadata ?? {}) },
  rules,
  ...(extra['aggregationRule'] ? { aggregationRule: extra['aggregationRule'] } : {}),
});
const bind = (ns: string, name: string, kind: string, roleName: string, subjects: KObject[]): KObject => ({
  metadata: ns ? { namespace: ns, name } : { name },
  roleRef: { apiGroup: G, kind, name: roleName },
  subjects,
});
const get = (
  resource: string,
  namespace: string,
  o: Partial<ResourceAttributes> = {},
): ResourceAttributes => ({
  isResourceRequest: true,
  verb: 'get',
  group: '',
  resource,
  subresource: '',
  name: '',
  namespace,
  ...o,
});
const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'] };
const sa: UserInfo = {
  name: 'system:serviceaccount:app:robot',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:app', 'system:authenticated'],
};
const readPods: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }];

function setup() {
  const index = new PolicyIndex();
  const authz = new RbacAuthorizer(index);
  return { index, authz };
}

test('a RoleBinding grants its Role in its namespace only', () => {
  const { index, authz } = setup();
  index.put('roles', role('app', 'reader', readPods));
  index.put('rolebindings', bind('app', 'rb', 'Role', 'reader', [{ kind: 'User', name: 'alice' }]));
  const d = authz.authorize(alice, get('pods', 'app'));
  assert.deepEqual(d, {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "rb/app" of Role "reader" to User "alice"',
  });
  assert.equal(authz.authorize(alice, get('pods', 'other')).allowed, false);
  assert.equal(authz.authorize(alice, get('pods', '')).allowed, false);
  assert.equal(authz.authorize({ name: 'bob', groups: [] }, get('pods', 'app')).allowed, false);
});

test('groups and service accounts are subjects; a RoleBinding may grant a ClusterRole', () => {
  const { index, authz } = setup();
  index.put('clusterroles', clusterRole('pod-reader', readPods));
  index.put('rolebindings', bind('app', 'g', 'ClusterRole', 'pod-reader', [{ kind: 'Group', name: 'devs' }]));
  index.put(
    'rolebindings',
    bind('app', 's', 'ClusterRole', 'pod-reader', [{ kind: 'ServiceAccount', name: 'robot' }]),
  );
  assert.ok(authz.authorize(alice, get('pods', 'app')).allowed);
  const d = authz.authorize(sa, get('pods', 'app'));
  assert.equal(
    d.reason,
    'RBAC: allowed by RoleBinding "s/app" of ClusterRole "pod-reader" to ServiceAccount "robot/app"',
  );
  // A service account of another namespace with the same name is someone else.
  const other = { ...sa, name: 'system:serviceaccount:web:robot' };
  assert.equal(authz.authorize(other, get('pods', 'app')).allowed, false);
});

test('ClusterRoleBindings apply everywhere and grant non-resource URLs; deletes take effect', () => {
  const { index, authz } = setup();
  index.put(
    'clusterroles',
    clusterRole('ops', [...readPods, { verbs: ['get'], nonResourceURLs: ['/metrics'] }]),
  );
  const crb = bind('', 'ops', 'ClusterRole', 'ops', [{ kind: 'User', name: 'alice' }]);
  index.put('clusterrolebindings', crb);
  assert.ok(authz.authorize(alice, get('pods', 'any')).allowed);
  assert.ok(authz.authorize(alice, get('pods', '')).allowed);
  assert.ok(authz.authorize(alice, { isResourceRequest: false, verb: 'get', path: '/metrics' }).allowed);
  index.remove('clusterrolebindings', crb);
  assert.equal(authz.authorize(alice, get('pods', 'any')).allowed, false);
  // A binding to a role that does not exist grants nothing; a RoleBinding cannot grant URLs.
  index.put('rolebindings', bind('app', 'x', 'ClusterRole', 'ops', [{ kind: 'User', name: 'alice' }]));
  assert.equal(
    authz.authorize(alice, { isResourceRequest: false, verb: 'get', path: '/metrics' }).allowed,
    false,
  );
  index.put(
    'clusterrolebindings',
    bind('', 'y', 'ClusterRole', 'missing', [{ kind: 'User', name: 'alice' }]),
  );
  assert.equal(authz.authorize(alice, get('secrets', 'app')).allowed, false);
});

test('changing a binding subjects re-indexes it', () => {
  const { index, authz } = setup();
  index.put('clusterroles', clusterRole('r', readPods));
  index.put('clusterrolebindings', bind('', 'b', 'ClusterRole', 'r', [{ kind: 'User', name: 'alice' }]));
  index.put('clusterrolebindings', bind('', 'b', 'ClusterRole', 'r', [{ kind: 'User', name: 'bob' }]));
  assert.equal(authz.authorize(alice, get('pods', 'x')).allowed, false);
  assert.ok(authz.authorize({ name: 'bob', groups: [] }, get('pods', 'x')).allowed);
  index.reset('clusterrolebindings', []);
  assert.equal(authz.authorize({ name: 'bob', groups: [] }, get('pods', 'x')).allowed, false);
});

test('aggregated ClusterRoles take the rules of the roles their selectors pick, transitively', () => {
  const { index, authz } = setup();
  const agg = (to: string) => ({
    clusterRoleSelectors: [{ matchLabels: { [`aggregate-to-${to}`]: 'true' } }],
  });
  index.put(
    'clusterroles',
    clusterRole('edit', [], {
      aggregationRule: agg('edit'),
      metadata: { name: 'edit', labels: { 'aggregate-to-admin': 'true' } },
    }),
  );
  index.put('clusterroles', clusterRole('admin', [], { aggregationRule: agg('admin') }));
  index.put(
    'clusterroles',
    clusterRole('bits', [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }], {
      metadata: { name: 'bits', labels: { 'aggregate-to-edit': 'true' } },
    }),
  );
  index.put('rolebindings', bind('app', 'a', 'ClusterRole', 'admin', [{ kind: 'User', name: 'alice' }]));
  assert.ok(authz.authorize(alice, get('pods', 'app', { verb: 'delete' })).allowed);
  assert.equal(authz.authorize(alice, get('pods', 'app', { verb: 'get' })).allowed, false);
  // A newly labelled role joins; the memo is dropped on every ClusterRole change.
  index.put(
    'clusterroles',
    clusterRole('more', readPods, { metadata: { name: 'more', labels: { 'aggregate-to-admin': 'true' } } }),
  );
  assert.ok(authz.authorize(alice, get('pods', 'app', { verb: 'get' })).allowed);
  assert.deepEqual(index.rulesOf({ kind: 'ClusterRole', name: 'edit' }, ''), [
    { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
  ]);
});

test('escalation: roles only with held rules unless escalate; bindings only to held roles unless bind', () => {
  const { index, authz } = setup();
  const esc = new EscalationCheck(index, authz);
  const ctx = (user: UserInfo) => ({ user, dryRun: false, warnings: [] });
  index.put(
    'roles',
    role('app', 'rbac-editor', [
      { verbs: ['create', 'update'], apiGroups: [G], resources: ['roles', 'rolebindings'] },
      ...readPods,
    ]),
  );
  index.put('rolebindings', bind('app', 'e', 'Role', 'rbac-editor', [{ kind: 'User', name: 'alice' }]));
  esc.check('roles', role('app', 'ok', readPods), ctx(alice));
  assert.throws(
    () =>
      esc.check(
        'roles',
        role('app', 'bad', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
        ctx(alice),
      ),
    (e: Error & { code?: number }) =>
      e.code === 403 &&
      e.message ===
        'roles.rbac.authorization.k8s.io "bad" is forbidden: user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  );
  index.put(
    'clusterroles',
    clusterRole('secrets', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
  );
  index.put('clusterroles', clusterRole('pods', readPods));
  esc.check('rolebindings', bind('app', 'b1', 'ClusterRole', 'pods', []), ctx(alice));
  assert.throws(
    () => esc.check('rolebindings', bind('app', 'b2', 'ClusterRole', 'secrets', []), ctx(alice)),
    /not currently held/,
  );
  assert.throws(
    () => esc.check('rolebindings', bind('app', 'b3', 'ClusterRole', 'nope', []), ctx(alice)),
    /not found/,
  );
  // The escalate and bind verbs lift the checks; system:masters is never checked.
  index.put(
    'roles',
    role('app', 'powers', [
      { verbs: ['escalate'], apiGroups: [G], resources: ['roles'] },
      { verbs: ['bind'], apiGroups: [G], resources: ['clusterroles'], resourceNames: ['secrets'] },
    ]),
  );
  index.put('rolebindings', bind('app', 'p', 'Role', 'powers', [{ kind: 'User', name: 'alice' }]));
  esc.check('roles', role('app', 'bad', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]), ctx(alice));
  esc.check('rolebindings', bind('app', 'b2', 'ClusterRole', 'secrets', []), ctx(alice));
  assert.throws(
    () =>
      esc.check(
        'clusterroles',
        clusterRole('c', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]),
        ctx(alice),
      ),
    /not currently held/,
  );
  assert.throws(
    () =>
      esc.check(
        'clusterroles',
        clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [] } }),
        ctx(alice),
      ),
    /must have cluster-admin privileges to use the aggregationRule/,
  );
  esc.check(
    'clusterroles',
    clusterRole('c', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
    ctx({ name: 'root', groups: ['system:masters'] }),
  );
});
