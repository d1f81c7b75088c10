import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managerFromUserAgent } from './user-agent.js';

describe('managerFromUserAgent', () => {
  it('takes the program name before the first slash', () => {
    assert.equal(managerFromUserAgent('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9'), 'kubectl');
    assert.equal(managerFromUserAgent('k8ts'), 'k8ts');
    assert.equal(managerFromUserAgent(undefined), '');
  });

  it('drops unprintable characters and stops at 128 bytes', () => {
    assert.equal(managerFromUserAgent('a\u0007b\tc/1'), 'abc');
    assert.equal(managerFromUserAgent('x'.repeat(200)).length, 128);
  });
});
