/** What namespace deletion covers and the conditions it reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namespaceConditions, namespacedResources } from './content.js';

describe('namespace content', () => {
  it('covers every namespaced, deletable resource once', () => {
    const ids = namespacedResources().map((r) => `${r.group}/${r.plural}`);
    for (const id of ['/pods', '/configmaps', 'apps/deployments', 'policy/poddisruptionbudgets', '/events'])
      assert.ok(ids.includes(id), id);
    assert.ok(!ids.includes('/namespaces'));
    assert.ok(!ids.includes('authorization.k8s.io/selfsubjectrulesreviews'), 'never stored');
    assert.equal(new Set(ids).size, ids.length);
  });

  it('reports what remains, with upstream reasons, keeping transition times of unchanged statuses', () => {
    const remaining = new Map([
      ['pods.', 2],
      ['configmaps.', 1],
    ]);
    const first = namespaceConditions(
      [],
      { remaining, finalizers: new Map([['example.com/keep', 1]]), errors: [] },
      'T1',
    );
    const by = (t: string) => first.find((c) => c.type === t)!;
    assert.equal(first.length, 5);
    assert.deepEqual(by('NamespaceContentRemaining'), {
      type: 'NamespaceContentRemaining',
      status: 'True',
      lastTransitionTime: 'T1',
      reason: 'SomeResourcesRemain',
      message:
        'Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances',
    });
    assert.equal(
      by('NamespaceFinalizersRemaining').message,
      'Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances',
    );
    assert.equal(by('NamespaceDeletionContentFailure').status, 'False');
    assert.equal(by('NamespaceDeletionContentFailure').reason, 'ContentDeleted');
    const second = namespaceConditions(
      first,
      { remaining: new Map(), finalizers: new Map(), errors: ['pods.: boom'] },
      'T2',
    );
    const by2 = (t: string) => second.find((c) => c.type === t)!;
    assert.equal(by2('NamespaceContentRemaining').status, 'False');
    assert.equal(by2('NamespaceContentRemaining').lastTransitionTime, 'T2');
    assert.equal(by2('NamespaceDeletionDiscoveryFailure').lastTransitionTime, 'T1');
    assert.equal(
      by2('NamespaceDeletionContentFailure').message,
      'Failed to delete all resource types, 1 remaining: pods.: boom',
    );
  });
});
