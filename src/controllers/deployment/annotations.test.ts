/** Revisions and annotations of a Deployment's ReplicaSets, and the template hash. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHANGE_CAUSE,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  maxRevision,
  REVISION,
  REVISION_HISTORY,
  setNewReplicaSetAnnotations,
} from './annotations.js';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  newReplicaSetFor,
  POD_TEMPLATE_HASH,
  podTemplateHash,
} from './replicasets.js';
import type { Deployment, ReplicaSet } from './types.js';

const template = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

const deployment = (annotations: Record<string, string> = {}): Deployment => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'd-uid', annotations },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('nginx:1') },
});

const withRevision = (rev: string, extra: Record<string, string> = {}): ReplicaSet => ({
  metadata: { name: `rs${rev}`, annotations: { [REVISION]: rev, ...extra } },
  spec: { selector: {} },
});

describe('revision annotations', () => {
  it('gives a new ReplicaSet the next revision, the change cause and the replicas annotations', () => {
    const d = deployment({
      [CHANGE_CAUSE]: 'set image',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    });
    const rs: ReplicaSet = { metadata: {}, spec: { selector: {} } };
    assert.ok(setNewReplicaSetAnnotations(d, rs, '4', false, 1));
    assert.deepEqual(rs.metadata!.annotations, {
      [CHANGE_CAUSE]: 'set image',
      [REVISION]: '4',
      [DESIRED_REPLICAS]: '3',
      [MAX_REPLICAS]: '4',
    });
    assert.ok(!setNewReplicaSetAnnotations(d, rs, '4', true, 1), 'nothing new');
  });

  it('keeps the replaced revision in the history when an old ReplicaSet comes back', () => {
    const rs = withRevision('1');
    assert.ok(setNewReplicaSetAnnotations(deployment(), rs, '3', true, 0));
    assert.equal(rs.metadata!.annotations![REVISION], '3');
    assert.equal(rs.metadata!.annotations![REVISION_HISTORY], '1');
    setNewReplicaSetAnnotations(deployment(), rs, '5', true, 0);
    assert.equal(rs.metadata!.annotations![REVISION_HISTORY], '1,3');
    const long = withRevision('9', { [REVISION_HISTORY]: '1,2,3' });
    setNewReplicaSetAnnotations(deployment(), long, '10', true, 0, 4);
    assert.equal(long.metadata!.annotations![REVISION_HISTORY], '3,9', 'oldest entries dropped to fit');
    const lower = withRevision('7');
    assert.ok(!setNewReplicaSetAnnotations(deployment(), lower, '3', true, 0), 'never lowered');
  });

  it('takes the highest revision, ignoring invalid ones', () => {
    assert.equal(maxRevision([withRevision('2'), withRevision('11'), withRevision('x')]), 11);
    assert.equal(maxRevision([]), 0);
  });
});

describe('templates', () => {
  it('hashes a template stably and names the ReplicaSet after it', () => {
    const d = deployment();
    const hash = podTemplateHash(d.spec!.template);
    assert.equal(hash, podTemplateHash(structuredClone(d.spec!.template)));
    assert.notEqual(hash, podTemplateHash(template('nginx:2')));
    assert.notEqual(hash, podTemplateHash(d.spec!.template, 1), 'a collision count changes the hash');
    const rs = newReplicaSetFor(d, hash);
    assert.equal(rs.metadata!.name, `web-${hash}`);
    assert.deepEqual(rs.spec!.selector.matchLabels, { app: 'web', [POD_TEMPLATE_HASH]: hash });
    assert.deepEqual(rs.spec!.template!.metadata!.labels, { app: 'web', [POD_TEMPLATE_HASH]: hash });
    assert.deepEqual(rs.metadata!.labels, { app: 'web', [POD_TEMPLATE_HASH]: hash });
    assert.deepEqual(rs.metadata!.ownerReferences, [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: 'd-uid',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(
      d.spec!.template.metadata!.labels![POD_TEMPLATE_HASH],
      undefined,
      'the Deployment is untouched',
    );
  });

  it('compares templates ignoring the hash label and empty fields', () => {
    const d = deployment();
    const rs = newReplicaSetFor(d, 'abc');
    assert.ok(equalIgnoreHash(rs.spec!.template, d.spec!.template));
    const withEmpty = {
      ...template('nginx:1'),
      spec: { containers: [{ name: 'c', image: 'nginx:1', env: [] }] },
    };
    assert.ok(equalIgnoreHash(withEmpty, d.spec!.template));
    assert.ok(!equalIgnoreHash(template('nginx:2'), d.spec!.template));
    assert.equal(
      findNewReplicaSet(d, [
        newReplicaSetFor({ ...d, spec: { ...d.spec!, template: template('x') } }, 'x'),
        rs,
      ]),
      rs,
    );
  });
});
