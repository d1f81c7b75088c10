/** The file source of static pods against a real temporary directory: which files count, changes, removals, bad files, fs.watch pickup. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { StaticPodFiles } from './source.js';

const manifest = (name: string, arg = '3600') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: c, image: "127.0.0.1:5000/busybox:1", command: [sleep, "${arg}"]}]
`;

function names(src: StaticPodFiles): string[] {
  return src
    .list()
    .map((p) => p.metadata?.name ?? '')
    .sort();
}

describe('static pod files', () => {
  let dir = '';
  let logs: string[] = [];
  let changed: string[] = [];
  const source = (path = dir, intervalMs?: number) => {
    const s = new StaticPodFiles({
      path,
      nodeName: 'n1',
      ...(intervalMs ? { intervalMs } : {}),
      log: (m) => logs.push(m),
    });
    s.subscribe((uid) => changed.push(uid));
    return s;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-static-'));
    logs = [];
    changed = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('read .yaml, .yml and .json files and skip dotfiles and other names', async () => {
    await writeFile(join(dir, 'a.yaml'), manifest('a'));
    await writeFile(join(dir, 'b.yml'), manifest('b'));
    await writeFile(
      join(dir, 'c.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'c' },
        spec: { containers: [{ name: 'c', image: 'i:1' }] },
      }),
    );
    await writeFile(join(dir, '.d.yaml'), manifest('d'));
    await writeFile(join(dir, 'e.yaml.bak'), manifest('e'));
    await writeFile(join(dir, 'f.txt'), manifest('f'));
    const src = source();
    await src.scan();
    assert.deepEqual(names(src), ['a-n1', 'b-n1', 'c-n1']);
    const a = src.byName('default', 'a-n1');
    assert.ok(a);
    assert.equal(src.get(a.metadata?.uid ?? ''), a);
    assert.equal(changed.length, 3);
  });

  it('tell about added, changed and removed pods, and keep unchanged ones as they were', async () => {
    const file = join(dir, 'web.yaml');
    await writeFile(file, manifest('web'));
    const src = source();
    await src.scan();
    const first = src.byName('default', 'web-n1');
    assert.ok(first);
    const uid1 = first.metadata?.uid ?? '';
    assert.deepEqual(changed, [uid1]);

    changed = [];
    await writeFile(file, `# only a comment\n${manifest('web')}`);
    await src.scan();
    assert.deepEqual(changed, []);
    assert.equal(src.byName('default', 'web-n1'), first, 'same object, same config.seen');

    await writeFile(file, manifest('web', '10'));
    await src.scan();
    const uid2 = src.byName('default', 'web-n1')?.metadata?.uid ?? '';
    assert.notEqual(uid2, uid1);
    assert.deepEqual(changed.sort(), [uid1, uid2].sort());
    assert.equal(src.get(uid1), undefined);

    changed = [];
    await rm(file);
    await src.scan();
    assert.deepEqual(changed, [uid2]);
    assert.deepEqual(src.list(), []);
  });

  it('log a bad file once and run nothing for it', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n');
    await writeFile(join(dir, 'broken.yaml'), 'kind: Pod\nmetadata: {name: [\n');
    await writeFile(join(dir, 'ok.yaml'), manifest('ok'));
    const src = source();
    await src.scan();
    await src.scan();
    assert.deepEqual(names(src), ['ok-n1']);
    assert.equal(
      logs.filter((l) => l.includes('ignoring bad.yaml: expected apiVersion v1, kind Pod')).length,
      1,
    );
    assert.equal(logs.filter((l) => l.includes('ignoring broken.yaml: cannot parse')).length, 1);
  });

  it('let the first file win when two define the same pod', async () => {
    await writeFile(join(dir, '1.yaml'), manifest('same', '1'));
    await writeFile(join(dir, '2.yaml'), manifest('same', '2'));
    const src = source();
    await src.scan();
    assert.equal(src.list().length, 1);
    const spec = src.byName('default', 'same-n1')?.['spec'] as { containers: { command: string[] }[] };
    assert.deepEqual(spec.containers[0]?.command, ['sleep', '1']);
    assert.ok(logs.some((l) => l.includes('ignoring 2.yaml: pod default/same-n1 is already defined')));
  });

  it('take a single file as the path, and a missing path as no pods', async () => {
    const file = join(dir, 'pod.manifest');
    await writeFile(file, manifest('single'));
    const one = source(file);
    await one.scan();
    assert.deepEqual(names(one), ['single-n1']);
    const none = source(join(dir, 'missing'));
    await none.scan();
    assert.deepEqual(none.list(), []);
    assert.ok(logs.some((l) => l.includes('does not exist')));
  });

  it('pick up a new file through fs.watch, long before the next periodic look', async () => {
    await writeFile(join(dir, 'early.yaml'), manifest('early'));
    const src = source(dir, 3_600_000);
    const ac = new AbortController();
    const running = src.run(ac.signal);
    try {
      // The first look (at start) finds early.yaml; the next periodic one is an hour away.
      for (let i = 0; i < 200 && changed.length === 0; i++) await sleep(10);
      assert.deepEqual(names(src), ['early-n1']);
      await writeFile(join(dir, 'late.yaml'), manifest('late'));
      for (let i = 0; i < 200 && changed.length < 2; i++) await sleep(10);
      assert.deepEqual(names(src), ['early-n1', 'late-n1']);
    } finally {
      ac.abort();
      await running;
    }
  });
  it('watch a manifest directory made after start', async () => {
    const path = join(dir, 'manifests');
    const src = source(path, 3_600_000);
    const ac = new AbortController();
    const running = src.run(ac.signal);
    try {
      for (let i = 0; i < 200 && !logs.some((l) => l.includes('does not exist')); i++) await sleep(10);
      await mkdir(path);
      await writeFile(join(path, 'one.yaml'), manifest('one'));
      for (let i = 0; i < 200 && changed.length < 1; i++) await sleep(10);
      assert.deepEqual(names(src), ['one-n1']);
      // Seen only by a watch on the new directory itself.
      await writeFile(join(path, 'two.yaml'), manifest('two'));
      for (let i = 0; i < 200 && changed.length < 2; i++) await sleep(10);
      assert.deepEqual(names(src), ['one-n1', 'two-n1']);
    } finally {
      ac.abort();
      await running;
    }
  });
});
