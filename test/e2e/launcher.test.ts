/**
 * bin/k8ts run as a program: its first line gives node the flags the harnesses pass when
 * they start it with node directly (K8TS_NODE_FLAGS), and node accepts them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { K8TS, K8TS_NODE_FLAGS } from '../support/server.js';

describe('the k8ts launcher', () => {
  it('runs with the node flags the harnesses use', async () => {
    const first = readFileSync(K8TS, 'utf8').split('\n')[0];
    assert.equal(first, `#!/usr/bin/env -S node ${K8TS_NODE_FLAGS.join(' ')}`);
    const { stdout } = await promisify(execFile)(K8TS, ['--help'], { timeout: 30_000 });
    assert.match(stdout, /^k8ts - a lightweight Kubernetes-compatible container orchestrator/);
  });
});
