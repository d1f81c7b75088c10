import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { managerFromUserAgent } from '../api/apply/user-agent.js';
import { componentAgent } from './version.js';

describe('componentAgent', () => {
  test("is upstream's User-Agent form, and names the component as a field manager", () => {
    assert.match(componentAgent('kubelet'), /^kubelet\/v1\.32\.0\+k8ts \(\w+\/\w+\) k8ts$/);
    for (const c of ['kubelet', 'kube-scheduler', 'kube-controller-manager'])
      assert.equal(managerFromUserAgent(componentAgent(c)), c);
  });
});
