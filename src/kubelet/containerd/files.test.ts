/** The hosts files on disk: written from the registries file, stale ones of ours removed, others kept. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRegistries } from '../images/registries.js';
import { writeContainerdFiles } from './files.js';

test('hosts files follow the registries file across restarts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-containerd-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const registries = parseRegistries('mirrors: {docker.io: {endpoint: ["http://127.0.0.1:5000"]}}', 'r.yaml');
  const l = await writeContainerdFiles({ dir, sandboxImage: 'pause', registries });
  assert.deepEqual((await readdir(l.certsDir)).sort(), ['127.0.0.1:5000', 'docker.io']);
  assert.match(
    await readFile(join(l.certsDir, 'docker.io', 'hosts.toml'), 'utf8'),
    /\[host\."http:\/\/127\.0\.0\.1:5000"\]/,
  );

  await mkdir(join(l.certsDir, 'own.example.com'));
  await writeFile(join(l.certsDir, 'own.example.com', 'hosts.toml'), 'server = "https://own.example.com"\n');
  await writeContainerdFiles({ dir, sandboxImage: 'pause' });
  assert.deepEqual((await readdir(l.certsDir)).sort(), ['127.0.0.1:5000', 'own.example.com']);
});
