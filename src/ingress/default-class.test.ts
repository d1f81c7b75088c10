/** The IngressClass the controller creates when `k8ts` is missing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classToCreate } from './default-class.js';
import { CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION } from './types.js';

describe('the k8ts IngressClass', () => {
  it('is the default class when no other class is', () => {
    const c = classToCreate([{ metadata: { name: 'nginx' }, spec: { controller: 'x' } }]);
    assert.equal(c.metadata?.name, 'k8ts');
    assert.equal(c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION], 'true');
    assert.deepEqual(c['spec'], { controller: CONTROLLER_NAME });
  });

  it('does not take the default over from another class', () => {
    const other = { metadata: { name: 'nginx', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } } };
    assert.equal(classToCreate([other]).metadata?.annotations, undefined);
  });
});
