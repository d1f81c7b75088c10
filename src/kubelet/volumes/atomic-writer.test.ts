/** Tests of the atomic writer on real files: layout, updates, removals, modes, readers during updates. */
import assert from 'node:assert/strict';
import {
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FileProjection, validatePayloadPath, writeAtomic } from './atomic-writer.js';

const files = (entries: Record<string, string | [string, number]>): Map<string, FileProjection> =>
  new Map(
    Object.entries(entries).map(([k, v]) => {
      const [text, mode] = typeof v === 'string' ? [v, 0o644] : v;
      return [k, { data: Buffer.from(text), mode }];
    }),
  );

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'vol');
}

test('layout: a timestamped directory, ..data, and user-visible symlinks through it', async (t) => {
  const dir = await tempDir(t);
  await writeAtomic(dir, files({ a: 'A', 'sub/b': ['B', 0o600] }));
  const ts = await readlink(join(dir, '..data'));
  assert.match(ts, /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.[0-9a-f]+$/);
  assert.equal(await readlink(join(dir, 'a')), '..data/a');
  assert.equal(await readlink(join(dir, 'sub')), '..data/sub');
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'A');
  assert.equal(await readFile(join(dir, 'sub/b'), 'utf8'), 'B');
  assert.equal((await stat(join(dir, 'sub/b'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'a'))).mode & 0o777, 0o644);
  assert.deepEqual((await readdir(dir)).sort(), ['..data', ts, 'a', 'sub'].sort());
});

test('update: new contents at the same path, old readers keep a whole old file, removed keys vanish', async (t) => {
  const dir = await tempDir(t);
  await writeAtomic(dir, files({ a: 'old-a', gone: 'x', 'sub/b': 'b' }));
  const oldTs = await readlink(join(dir, '..data'));
  const held = await open(join(dir, 'a'), 'r');
  t.after(() => held.close());

  await writeAtomic(dir, files({ a: 'new-a', c: 'c' }));
  assert.equal((await held.readFile()).toString(), 'old-a');
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'new-a');
  assert.equal(await readFile(join(dir, 'c'), 'utf8'), 'c');
  for (const name of ['gone', 'sub']) {
    assert.equal(await lstat(join(dir, name)).catch(() => undefined), undefined, `${name} should be removed`);
  }
  const newTs = await readlink(join(dir, '..data'));
  assert.notEqual(newTs, oldTs);
  assert.deepEqual((await readdir(dir)).sort(), ['..data', newTs, 'a', 'c'].sort());
});

test('an unchanged payload is not rewritten; a mode change is', async (t) => {
  const dir = await tempDir(t);
  await writeAtomic(dir, files({ a: 'A' }));
  const first = await readlink(join(dir, '..data'));
  await writeAtomic(dir, files({ a: 'A' }));
  assert.equal(await readlink(join(dir, '..data')), first);
  await writeAtomic(dir, files({ a: ['A', 0o400] }));
  assert.notEqual(await readlink(join(dir, '..data')), first);
  assert.equal((await stat(join(dir, 'a'))).mode & 0o777, 0o400);
});

test('a directory removed and made again is written in full, not taken for the last write', async (t) => {
  const dir = await tempDir(t);
  await writeAtomic(dir, files({ a: 'A', 'sub/b': 'B' }));
  await rm(dir, { recursive: true });
  await writeAtomic(dir, files({ a: 'A', 'sub/b': 'B' }));
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'A');
  assert.equal(await readFile(join(dir, 'sub/b'), 'utf8'), 'B');
  // An older set put back under ..data (not what was written last) is compared and replaced.
  const ts = await readlink(join(dir, '..data'));
  await writeAtomic(dir, files({ a: 'A2', 'sub/b': 'B' }));
  const newer = await readlink(join(dir, '..data'));
  await rm(join(dir, newer), { recursive: true });
  await mkdir(join(dir, ts, 'sub'), { recursive: true });
  await writeFile(join(dir, ts, 'a'), 'stale');
  await writeFile(join(dir, ts, 'sub/b'), 'B');
  await rm(join(dir, '..data'));
  await symlink(ts, join(dir, '..data'));
  await writeAtomic(dir, files({ a: 'A2', 'sub/b': 'B' }));
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'A2');
});

test('a missing user-visible link is put back', async (t) => {
  const dir = await tempDir(t);
  await writeAtomic(dir, files({ a: 'A' }));
  await rm(join(dir, 'a'));
  await writeAtomic(dir, files({ a: 'A' }));
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'A');
});

test('a user file in the way is not replaced', async (t) => {
  const dir = await tempDir(t);
  await writeAtomic(dir, files({}));
  await writeFile(join(dir, 'a'), 'mine');
  await assert.rejects(writeAtomic(dir, files({ a: 'A' })), /exists and is not a symlink/);
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'mine');
});

test('paths are checked as upstream does', () => {
  assert.equal(validatePayloadPath('a/b'), undefined);
  assert.equal(validatePayloadPath('..a'), "invalid path: must not start with '..': ..a");
  assert.equal(validatePayloadPath('a/../b'), "invalid path: must not contain '..': a/../b");
  assert.equal(validatePayloadPath('/etc/x'), 'invalid path: must be relative path: /etc/x');
  assert.equal(validatePayloadPath(''), 'invalid path: must not be empty: ""');
  assert.match(validatePayloadPath('x'.repeat(256)) ?? '', /filenames must be less than or equal to 255/);
});

test('readers during repeated updates always see one whole version', async (t) => {
  const dir = await tempDir(t);
  const versions = ['A', 'B', 'C'].map((c) => c.repeat(256 * 1024));
  await writeAtomic(dir, new Map([['big', { data: Buffer.from(versions[0]!), mode: 0o644 }]]));
  let stop = false;
  let reads = 0;
  const reader = (async () => {
    while (!stop && reads < 100_000) {
      const text = await readFile(join(dir, 'big'), 'utf8');
      assert.ok(versions.includes(text), `torn read of ${text.length} bytes`);
      reads++;
    }
  })();
  for (let i = 1; i <= 30; i++) {
    await writeAtomic(dir, new Map([['big', { data: Buffer.from(versions[i % 3]!), mode: 0o644 }]]));
  }
  stop = true;
  await reader;
  assert.ok(reads > 0);
  assert.equal(await readFile(join(dir, 'big'), 'utf8'), versions[0]);
});
