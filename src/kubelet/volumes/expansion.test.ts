/** Tests of `$(VAR)` expansion against the kubelet's rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expand, mappingFor } from './expansion.js';

const vars = new Map([
  ['A', 'alpha'],
  ['B', 'beta'],
  ['EMPTY', ''],
]);
const m = mappingFor(
  vars,
  new Map([
    ['SVC', 'svc-value'],
    ['A', 'shadowed'],
  ]),
);

test('references are replaced from the first context that has them', () => {
  assert.equal(expand('$(A)-$(B)', m), 'alpha-beta');
  assert.equal(expand('x$(SVC)y', m), 'xsvc-valuey');
  assert.equal(expand('[$(EMPTY)]', m), '[]');
});

test('unknown references stay as written', () => {
  assert.equal(expand('$(NOPE) and $(A)', m), '$(NOPE) and alpha');
});

test('$$ escapes a dollar, so $$(A) is the literal $(A)', () => {
  assert.equal(expand('$$(A)', m), '$(A)');
  assert.equal(expand('$$$(A)', m), '$alpha');
  assert.equal(expand('cost: $$5', m), 'cost: $5');
});

test('incomplete references and lone dollars are kept', () => {
  assert.equal(expand('$(A', m), '$(A');
  assert.equal(expand('tail$', m), 'tail$');
  assert.equal(expand('$x$(A)', m), '$xalpha');
  assert.equal(expand('$', m), '$');
  assert.equal(expand('', m), '');
});

test('an expanded value is not expanded again', () => {
  const inner = mappingFor(new Map([['X', '$(A)']]), vars);
  assert.equal(expand('$(X)', inner), '$(A)');
});
