import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameExceptManagedFieldsTimes } from './equality.js';

const obj = (time: string, replicas = 1, manager = 'm') => ({
  metadata: {
    name: 'x',
    managedFields: [{ manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1' }],
  },
  spec: { replicas },
});

describe('sameExceptManagedFieldsTimes', () => {
  it('ignores entry times only', () => {
    assert.ok(sameExceptManagedFieldsTimes(obj('2024-01-01T00:00:00Z'), obj('2024-01-02T00:00:00Z')));
    assert.ok(!sameExceptManagedFieldsTimes(obj('2024-01-01T00:00:00Z'), obj('2024-01-01T00:00:00Z', 2)));
    assert.ok(
      !sameExceptManagedFieldsTimes(obj('2024-01-01T00:00:00Z'), obj('2024-01-01T00:00:00Z', 1, 'n')),
    );
    assert.ok(sameExceptManagedFieldsTimes({ a: 1, b: undefined }, { a: 1 }));
  });
});
