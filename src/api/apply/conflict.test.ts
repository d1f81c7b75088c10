import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflictCauses, conflictMessage, printManager } from './conflict.js';
import { fieldElement as f } from './path.js';

const replicas = [f('spec'), f('replicas')];
const label = [f('metadata'), f('labels'), f('app')];

describe('conflict messages', () => {
  it('names updaters with their version, appliers by name only', () => {
    assert.equal(
      printManager('{"manager":"kubectl-edit","operation":"Update","apiVersion":"apps/v1"}'),
      '"kubectl-edit" using apps/v1',
    );
    assert.equal(printManager('{"manager":"kubectl","operation":"Apply"}'), '"kubectl"');
    assert.equal(
      printManager('{"manager":"foo","operation":"Update","apiVersion":"v1","subresource":"scale"}'),
      '"foo" with subresource "scale" using v1',
    );
    assert.equal(
      printManager('{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}'),
      '"foo" using v1 at 2001-02-03T04:05:06Z',
    );
    assert.equal(printManager('not json'), '"not json"');
  });

  it('formats one conflict on one line', () => {
    const c = [{ manager: '{"manager":"mgr","operation":"Update","apiVersion":"apps/v1"}', path: replicas }];
    assert.equal(
      conflictMessage(c),
      'Apply failed with 1 conflict: conflict with "mgr" using apps/v1: .spec.replicas',
    );
    assert.deepEqual(conflictCauses(c), [
      { type: 'FieldManagerConflict', message: 'conflict with "mgr" using apps/v1', field: '.spec.replicas' },
    ]);
  });

  it('groups several conflicts by manager, managers sorted', () => {
    const c = [
      {
        manager: '{"manager":"foo","operation":"Update","apiVersion":"v1","time":"2001-02-03T04:05:06Z"}',
        path: replicas,
      },
      { manager: '{"manager":"bar","operation":"Apply"}', path: label },
    ];
    assert.equal(
      conflictMessage(c),
      'Apply failed with 2 conflicts: conflicts with "bar":\n- .metadata.labels.app\nconflicts with "foo" using v1 at 2001-02-03T04:05:06Z:\n- .spec.replicas',
    );
    assert.deepEqual(
      conflictCauses(c).map((x) => x.message),
      ['conflict with "foo" using v1 at 2001-02-03T04:05:06Z', 'conflict with "bar"'],
    );
    const same = [
      { manager: '{"manager":"mgr","operation":"Update","apiVersion":"apps/v1"}', path: replicas },
      {
        manager: '{"manager":"mgr","operation":"Update","apiVersion":"apps/v1"}',
        path: [f('spec'), f('paused')],
      },
    ];
    assert.equal(
      conflictMessage(same),
      'Apply failed with 2 conflicts: conflicts with "mgr" using apps/v1:\n- .spec.replicas\n- .spec.paused',
    );
  });
});
