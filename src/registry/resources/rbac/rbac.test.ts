import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../types.js';
import { rbacDefs } from './rbac.js';

const [roles, clusterRoles, roleBindings, clusterRoleBindings] = rbacDefs();
const G = 'rbac.authorization.k8s.io';
const fields = (errs: { field: string }[] | undefined) => (errs ?? []).map((e) => e.field);

test('rules need verbs and are either resource or non-resource rules', () => {
  const role = (rules: unknown[]): KObject => ({ metadata: { name: 'r' }, rules });
  assert.deepEqual(
    fields(roles?.strategy.validate?.(role([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]))),
    [],
  );
  assert.deepEqual(fields(roles?.strategy.validate?.(role([{ apiGroups: [''] }]))), [
    'rules[0].verbs',
    'rules[0].resources',
  ]);
  assert.deepEqual(fields(roles?.strategy.validate?.(role([{ verbs: ['get'], nonResourceURLs: ['/x'] }]))), [
    'rules[0].nonResourceURLs',
  ]);
  assert.deepEqual(
    fields(clusterRoles?.strategy.validate?.(role([{ verbs: ['get'], nonResourceURLs: ['/x'] }]))),
    [],
  );
  assert.deepEqual(
    fields(
      clusterRoles?.strategy.validate?.(
        role([{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }]),
      ),
    ),
    ['rules[0].nonResourceURLs'],
  );
  assert.equal(roles?.strategy.nameRule, 'path');
});

test('bindings: roleRef kinds and group, subject kinds, roleRef immutable', () => {
  const b = (roleRef: unknown, subjects: unknown[] = []): KObject => ({
    metadata: { name: 'b' },
    roleRef,
    subjects,
  });
  const ok = b({ apiGroup: G, kind: 'Role', name: 'r' }, [
    { kind: 'User', apiGroup: G, name: 'u' },
    { kind: 'ServiceAccount', name: 'sa' },
  ]);
  assert.deepEqual(fields(roleBindings?.strategy.validate?.(ok)), []);
  assert.deepEqual(fields(clusterRoleBindings?.strategy.validate?.(ok)), [
    'roleRef.kind',
    'subjects[1].namespace',
  ]);
  assert.deepEqual(
    fields(
      roleBindings?.strategy.validate?.(
        b({ apiGroup: 'x', kind: 'Role', name: '' }, [{ kind: 'Robot', name: 'r' }]),
      ),
    ),
    ['roleRef.apiGroup', 'roleRef.name', 'subjects[0].kind'],
  );
  const changed = b({ apiGroup: G, kind: 'ClusterRole', name: 'r' });
  assert.deepEqual(fields(roleBindings?.strategy.validateUpdate?.(changed, ok)), ['roleRef']);
  assert.deepEqual(fields(roleBindings?.strategy.validateUpdate?.(ok, ok)), []);
});
