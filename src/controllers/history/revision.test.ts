/** Building, comparing, ordering and pruning ControllerRevisions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildRevision,
  equalRevision,
  findEqualRevisions,
  nextRevisionNumber,
  REVISION_HASH_LABEL,
  type Revision,
  revisionHash,
  revisionName,
  revisionsToPrune,
  sortRevisions,
  templateOf,
  templatePatch,
} from './revision.js';

const template = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

const owner = { metadata: { name: 'web', namespace: 'ns', uid: 'u1', annotations: { a: 'b' } } };
const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true };

function rev(name: string, revision: number, image = name, created = '2024-01-01T00:00:00Z'): Revision {
  return {
    metadata: { name, creationTimestamp: created },
    data: templatePatch(template(image)),
    revision,
  };
}

describe('revision', () => {
  it('stores the template as a replacing strategic merge patch and reads it back', () => {
    const t = template('nginx:1');
    const patch = templatePatch(t);
    assert.deepEqual(patch, { spec: { template: { ...t, $patch: 'replace' } } });
    assert.deepEqual(templateOf({ data: patch }), t);
    assert.equal(templateOf({}), undefined);
  });

  it('names a revision after its owner and hash and labels it with the hash', () => {
    const data = templatePatch(template('nginx:1'));
    const r = buildRevision(
      {
        owner,
        ref,
        templateLabels: { app: 'web' },
        annotations: owner.metadata.annotations,
        data,
        revision: 3,
      },
      0,
    );
    const hash = revisionHash(data, 0);
    assert.equal(r.metadata?.name, `web-${hash}`);
    assert.deepEqual(r.metadata?.labels, { app: 'web', [REVISION_HASH_LABEL]: hash });
    assert.deepEqual(r.metadata?.ownerReferences, [ref]);
    assert.deepEqual(r.metadata?.annotations, { a: 'b' });
    assert.equal(r.metadata?.namespace, 'ns');
    assert.equal(r.revision, 3);
    assert.equal(r.kind, 'ControllerRevision');
  });

  it('hashes deterministically, differently per template and per collision count', () => {
    const a = templatePatch(template('nginx:1'));
    assert.equal(revisionHash(a, 0), revisionHash(structuredClone(a), 0));
    assert.notEqual(revisionHash(a, 0), revisionHash(templatePatch(template('nginx:2')), 0));
    assert.notEqual(revisionHash(a, 0), revisionHash(a, 1));
    assert.match(revisionHash(a), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('truncates long owner names in revision names', () => {
    const name = revisionName('x'.repeat(300), 'abc');
    assert.equal(name, `${'x'.repeat(223)}-abc`);
  });

  it('compares revisions by their data, whatever the key order', () => {
    const a = rev('a', 1, 'i');
    const reordered = {
      $patch: 'replace',
      spec: { containers: [{ image: 'i', name: 'c' }] },
      metadata: { labels: { app: 'web' } },
    };
    const b: Revision = { data: { spec: { template: reordered } } };
    assert.ok(equalRevision(a, b));
    assert.ok(!equalRevision(a, rev('c', 1, 'j')));
    assert.deepEqual(
      findEqualRevisions([rev('x', 1, 'i'), rev('y', 2, 'j'), rev('z', 3, 'i')], a).map(
        (r) => r.metadata?.name,
      ),
      ['x', 'z'],
    );
  });

  it('orders by number, then creation time, then name, and numbers the next one', () => {
    const list = [
      rev('c', 2),
      rev('b', 1, 'b', '2024-01-02T00:00:00Z'),
      rev('a', 1, 'a', '2024-01-02T00:00:00Z'),
      rev('d', 1, 'd', '2024-01-01T00:00:00Z'),
    ];
    assert.deepEqual(
      sortRevisions(list).map((r) => r.metadata?.name),
      ['d', 'a', 'b', 'c'],
    );
    assert.equal(list[0]?.metadata?.name, 'c', 'input untouched');
    assert.equal(nextRevisionNumber(list), 3);
    assert.equal(nextRevisionNumber([]), 1);
  });

  it('prunes the oldest revisions that are not live beyond the limit', () => {
    const list = [rev('r1', 1), rev('r2', 2), rev('r3', 3), rev('r4', 4), rev('r5', 5)];
    const live = new Set(['r1', 'r5']);
    const isLive = (r: Revision) => live.has(r.metadata?.name ?? '');
    const names = (l: Revision[]) => l.map((r) => r.metadata?.name);
    assert.deepEqual(names(revisionsToPrune(list, isLive, 1)), ['r2', 'r3']);
    assert.deepEqual(names(revisionsToPrune(list, isLive, 3)), []);
    assert.deepEqual(names(revisionsToPrune(list, isLive, 0)), ['r2', 'r3', 'r4']);
    assert.deepEqual(names(revisionsToPrune(list, () => true, 0)), [], 'live revisions always stay');
  });
});
