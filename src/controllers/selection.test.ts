import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ControllerSelectionError, selectControllers } from './selection.js';

const known = ['a', 'b', 'c'];

it('selects controllers in kube-controller-manager syntax', () => {
  assert.deepEqual(selectControllers('*', known), ['a', 'b', 'c']);
  assert.deepEqual(selectControllers('*,-b', known), ['a', 'c']);
  assert.deepEqual(selectControllers('c,a', known), ['a', 'c']);
  assert.deepEqual(selectControllers('', known), []);
  assert.throws(() => selectControllers('*,-nope', known), ControllerSelectionError);
});
