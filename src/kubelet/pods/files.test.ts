/**
 * The managed hosts file in a temporary pods directory: written once, left alone while its
 * content stays the same, rewritten when the pod IP changes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { writeHosts } from './files.js';

const pod: KObject = { metadata: { name: 'web', namespace: 'default', uid: 'u1' }, spec: {} };

test('writeHosts rewrites the hosts file only when its content changes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-hosts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const first = await writeHosts(dir, pod, '10.42.0.7', 'cluster.local');
  assert.equal(first.path, join(dir, 'u1', 'etc-hosts'));
  assert.match(await readFile(first.path, 'utf8'), /^10\.42\.0\.7\tweb$/m);

  // Same content: the file is not touched (a marker written meanwhile stays).
  await writeFile(first.path, 'marker');
  const again = await writeHosts(dir, pod, '10.42.0.7', 'cluster.local', first);
  assert.equal(again, first);
  assert.equal(await readFile(first.path, 'utf8'), 'marker');

  const moved = await writeHosts(dir, pod, '10.42.0.9', 'cluster.local', again);
  assert.match(await readFile(moved.path, 'utf8'), /^10\.42\.0\.9\tweb$/m);
  assert.equal(moved.content, await readFile(moved.path, 'utf8'));
});
