/** Tests of the hostPath type checks on real files, with upstream's messages. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkHostPathType } from './hostpath.js';

test('hostPath types', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-hostpath-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'file');
  const sub = join(dir, 'sub');
  await writeFile(file, 'keep');
  await mkdir(sub);

  await checkHostPathType(join(dir, 'nothing-checked'), undefined);
  await checkHostPathType(join(dir, 'nothing-checked'), '');
  assert.equal(await stat(join(dir, 'nothing-checked')).catch(() => undefined), undefined);

  await checkHostPathType(sub, 'Directory');
  await assert.rejects(checkHostPathType(file, 'Directory'), { message: `path is not a directory: ${file}` });
  await assert.rejects(checkHostPathType(join(dir, 'x'), 'Directory'), {
    message: `path "${join(dir, 'x')}" does not exist`,
  });

  const made = join(dir, 'a/b/c');
  await checkHostPathType(made, 'DirectoryOrCreate');
  assert.equal((await stat(made)).mode & 0o777, 0o755);
  await checkHostPathType(made, 'DirectoryOrCreate');
  await assert.rejects(checkHostPathType(file, 'DirectoryOrCreate'), {
    message: `path is not a directory: ${file}`,
  });

  await checkHostPathType(file, 'File');
  await assert.rejects(checkHostPathType(sub, 'File'), { message: `path is not a file: ${sub}` });
  const newFile = join(dir, 'new-file');
  await checkHostPathType(newFile, 'FileOrCreate');
  assert.ok((await stat(newFile)).isFile());
  await checkHostPathType(file, 'FileOrCreate');
  assert.equal(await readFile(file, 'utf8'), 'keep');
  const deep = join(dir, 'no/such/file');
  await assert.rejects(checkHostPathType(deep, 'FileOrCreate'), {
    message: `open ${deep}: no such file or directory`,
  });

  await checkHostPathType('/dev/null', 'CharDevice');
  await assert.rejects(checkHostPathType(file, 'CharDevice'), {
    message: `path is not a character device: ${file}`,
  });
  await assert.rejects(checkHostPathType('/dev/null', 'BlockDevice'), {
    message: 'path is not a block device: /dev/null',
  });
  await assert.rejects(checkHostPathType(join(dir, 'x'), 'Socket'), {
    message: `stat ${join(dir, 'x')}: no such file or directory`,
  });
  const sock = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  await checkHostPathType(sock, 'Socket');
  await assert.rejects(checkHostPathType(file, 'Socket'), { message: `path is not a socket file: ${file}` });

  await assert.rejects(checkHostPathType(sub, 'Weird'), { message: 'Weird is an invalid volume type' });
  await assert.rejects(checkHostPathType(`${dir}/../etc`, 'Directory'), {
    message: `invalid HostPath \`${dir}/../etc\`: must not contain '..'`,
  });
});
