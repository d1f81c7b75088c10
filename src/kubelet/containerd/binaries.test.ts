import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findContainerdBinaries, findExecutable, MissingBinaryError } from './binaries.js';

test('finds a program on PATH', async () => {
  assert.equal(await findExecutable('sh', '/nonexistent:/bin'), '/bin/sh');
  assert.equal(await findExecutable('no-such-program-k8ts', '/bin'), undefined);
});

test('a missing binary names the Debian package', async () => {
  await assert.rejects(findContainerdBinaries('/nonexistent/containerd'), (e: unknown) => {
    assert.ok(e instanceof MissingBinaryError);
    assert.equal(e.message.split('\n').length, 1);
    assert.match(e.message, /install the Debian package 'containerd'/);
    return true;
  });
});
