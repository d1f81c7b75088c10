/** `k8ts images`: usage, help, and the one-line error when the node's containerd is not running. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CliContext } from './command.js';
import { humanSize, imageRows, nodeContainerdSocket } from './images.js';
import { runCli } from './run.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, ctx, { version: '0.0.0' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('k8ts images', () => {
  it('says in one line that containerd is not running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-images-cli-'));
    try {
      for (const argv of [['import', join(dir, 'a.tar')], ['list']]) {
        const r = await run('images', ...argv, '--data-dir', dir);
        assert.equal(r.code, 1);
        assert.equal(
          r.err,
          `k8ts images ${argv[0]}: containerd is not running: start k8ts server or k8ts agent first`,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a missing or unknown subcommand and a bare import', async () => {
    for (const [argv, want] of [
      [[], 'missing subcommand: import or list'],
      [['pull', 'x'], 'unknown subcommand "pull" (want import or list)'],
      [['import'], 'images import needs at least one archive'],
      [['list', 'x'], 'unexpected argument "x"'],
    ] as const) {
      const r = await run('images', ...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.ok(r.err.startsWith(`k8ts images: ${want}`), r.err);
    }
  });

  it('shows both forms in its help, and is listed at the top level', async () => {
    const r = await run('images', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /k8ts images import \[flags\] FILE\.\.\./);
    assert.match(r.out, /k8ts images list \[flags\]/);
    assert.match(r.out, /--data-dir DIR/);
    assert.match((await run('--help')).out, /\n {2}images +Import image archives/);
  });

  it("finds the node's containerd socket as the kubelet lays it out", () => {
    assert.equal(nodeContainerdSocket('/var/lib/k8ts'), '/var/lib/k8ts/agent/containerd/containerd.sock');
  });

  it('prints sizes and names as crictl does', () => {
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(4_269_694), '4.27MB');
    assert.equal(humanSize(1_000_000_000), '1GB');
    const rows = imageRows([
      {
        id: 'sha256:b',
        repo_tags: ['z:1', 'a:1'],
        repo_digests: [],
        size: '1500',
        uid: null,
        username: '',
        spec: null,
        pinned: false,
      },
      {
        id: 'sha256:c',
        repo_tags: [],
        repo_digests: ['m@sha256:c'],
        size: '10',
        uid: null,
        username: '',
        spec: null,
        pinned: false,
      },
    ]);
    assert.deepEqual(rows, [
      ['a:1', '1.5kB'],
      ['m@sha256:c', '10B'],
      ['z:1', '1.5kB'],
    ]);
  });
});
