import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Attributes, ResourceAttributes } from '../auth/attributes.js';
import { describeRule, type PolicyRule, ruleAllows, subjectKey, uncovered } from './rules.js';

const res = (verb: string, resource: string, o: Partial<ResourceAttributes> = {}): ResourceAttributes => ({
  isResourceRequest: true,
  verb,
  group: '',
  resource,
  subresource: '',
  name: '',
  namespace: 'ns',
  ...o,
});

test('verbs and apiGroups match exactly or by *', () => {
  const r: PolicyRule = { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] };
  assert.ok(ruleAllows(r, res('get', 'deployments', { group: 'apps' })));
  assert.ok(!ruleAllows(r, res('list', 'deployments', { group: 'apps' })));
  assert.ok(!ruleAllows(r, res('get', 'deployments', { group: '' })));
  const any: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['deployments'] };
  assert.ok(ruleAllows(any, res('delete', 'deployments', { group: 'extensions' })));
});

test('resources: *, resource/subresource and */subresource', () => {
  const pods: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  assert.ok(ruleAllows(pods, res('get', 'pods')));
  assert.ok(!ruleAllows(pods, res('get', 'pods', { subresource: 'log' })), 'pods does not grant pods/log');
  const log: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] };
  assert.ok(ruleAllows(log, res('get', 'pods', { subresource: 'log' })));
  assert.ok(!ruleAllows(log, res('get', 'pods')));
  const anyStatus: PolicyRule = { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] };
  assert.ok(ruleAllows(anyStatus, res('update', 'deployments', { group: 'apps', subresource: 'status' })));
  assert.ok(!ruleAllows(anyStatus, res('update', 'deployments', { group: 'apps' })));
  const all: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['*'] };
  assert.ok(ruleAllows(all, res('get', 'pods', { subresource: 'log' })));
});

test('resourceNames limit to named objects; a request without a name never matches them', () => {
  const r: PolicyRule = {
    verbs: ['get', 'list'],
    apiGroups: [''],
    resources: ['configmaps'],
    resourceNames: ['a'],
  };
  assert.ok(ruleAllows(r, res('get', 'configmaps', { name: 'a' })));
  assert.ok(!ruleAllows(r, res('get', 'configmaps', { name: 'b' })));
  assert.ok(!ruleAllows(r, res('list', 'configmaps')));
});

test('nonResourceURLs: exact, trailing * prefix, and never for resource requests', () => {
  const r: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  const path = (p: string, verb = 'get'): Attributes => ({ isResourceRequest: false, verb, path: p });
  assert.ok(ruleAllows(r, path('/healthz')));
  assert.ok(!ruleAllows(r, path('/healthz/ping')));
  assert.ok(ruleAllows(r, path('/apis/apps/v1')));
  assert.ok(!ruleAllows(r, path('/apis')));
  assert.ok(!ruleAllows(r, path('/healthz', 'post')));
  assert.ok(!ruleAllows(r, res('get', 'pods')));
  const resourceRule: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
  assert.ok(!ruleAllows(resourceRule, path('/healthz')));
});

test('subjects: users, groups and service accounts (namespace defaults to the binding)', () => {
  assert.equal(subjectKey({ kind: 'User', name: 'alice' }, 'ns'), 'u:alice');
  assert.equal(subjectKey({ kind: 'Group', name: 'devs' }, 'ns'), 'g:devs');
  assert.equal(
    subjectKey({ kind: 'ServiceAccount', name: 'sa', namespace: 'other' }, 'ns'),
    'u:system:serviceaccount:other:sa',
  );
  assert.equal(subjectKey({ kind: 'ServiceAccount', name: 'sa' }, 'ns'), 'u:system:serviceaccount:ns:sa');
  assert.equal(subjectKey({ kind: 'Robot', name: 'x' }, 'ns'), undefined);
});

test('uncovered lists each permission the owner lacks', () => {
  const owned: PolicyRule[] = [
    { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', '*/status'] },
    { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['mine'] },
    { verbs: ['get'], nonResourceURLs: ['/logs/*'] },
  ];
  assert.deepEqual(uncovered(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]), []);
  assert.deepEqual(
    uncovered(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['deployments/status'] }]),
    [],
  );
  assert.deepEqual(
    uncovered(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['mine'] }]),
    [],
  );
  assert.deepEqual(uncovered(owned, [{ verbs: ['get'], nonResourceURLs: ['/logs/a'] }]), []);
  assert.deepEqual(uncovered(owned, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }]), [
    { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
  ]);
  assert.deepEqual(uncovered(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), [
    { verbs: ['get'], apiGroups: [''], resources: ['secrets'] },
  ]);
  assert.deepEqual(uncovered(owned, [{ verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }]).length, 1);
  assert.deepEqual(uncovered(owned, [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]), [
    { verbs: ['get'], nonResourceURLs: ['/metrics'] },
  ]);
  assert.equal(
    describeRule({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }),
    '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  );
});
