/**
 * pods/log through a real API server to a real KubeletServer on loopback (fake
 * PodLookup, CRI-format log files), read with the real kubectl 1.32 and with raw GETs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasKubectl, KUBECTL } from '../../../test/support/kubectl.js';
import { type NodeProxyFixture, startNodeProxyFixture } from './testing.js';

let f: NodeProxyFixture;
before(async () => {
  f = await startNodeProxyFixture();
});
after(async () => {
  await f?.close();
});

describe('kubectl logs through the API server', {
  skip: !hasKubectl() && 'kubectl 1.32 is not installed',
}, () => {
  test('logs, --tail, --timestamps, --previous', async () => {
    const all = await f.kubectl(['logs', 'web', '-c', 'app']);
    assert.equal(all.stderr, '');
    assert.equal(all.stdout, 'first line\nsecond line\nthird line\n');
    assert.equal(
      (await f.kubectl(['logs', 'web', '-c', 'app', '--tail=2'])).stdout,
      'second line\nthird line\n',
    );
    assert.equal(
      (await f.kubectl(['logs', 'web', '-c', 'app', '--timestamps', '--tail=1'])).stdout,
      '2024-05-01T10:00:05Z third line\n',
    );
    assert.equal((await f.kubectl(['logs', 'web', '-c', 'app', '-p'])).stdout, 'crashed before\n');
    assert.equal((await f.kubectl(['logs', 'web', '-c', 'app', '--limit-bytes=5'])).stdout, 'first');
  });

  test('logs -f streams new lines and ends when the container stops', async () => {
    const path = join(f.dir, 'tailer.log');
    await writeFile(path, '2024-05-01T10:00:00Z stdout F hello\n');
    f.lookup.setContainer('default', 'tailer', 'app', {
      current: { containerId: 't1', logPath: path, running: true },
    });
    const child = spawn(
      KUBECTL,
      [
        '--kubeconfig',
        f.api.server.kubeconfigPath,
        '--cache-dir',
        join(f.dir, 'kube-cache'),
        'logs',
        '-f',
        'tailer',
      ],
      {
        env: { ...process.env, HOME: f.dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let out = '';
    let err = '';
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const w of waiters.splice(0)) w();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const seen = async (text: string) => {
      while (!out.includes(text) && child.exitCode === null) await new Promise<void>((r) => waiters.push(r));
    };
    try {
      await seen('hello\n');
      await appendFile(path, '2024-05-01T10:00:01Z stdout F while following\n');
      await seen('while following\n');
      await appendFile(path, '2024-05-01T10:00:02Z stdout F goodbye\n');
      f.lookup.setContainer('default', 'tailer', 'app', {
        current: { containerId: 't1', logPath: path, running: false },
      });
      const code = await exited;
      assert.equal(err, '');
      assert.equal(code, 0);
      assert.equal(out, 'hello\nwhile following\ngoodbye\n');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });

  test('errors read as upstream', async () => {
    const cases: [string[], RegExp][] = [
      // kubectl reads the pod first, and words this one itself.
      [
        ['logs', 'nope'],
        /^error: error from server \(NotFound\): pods "nope" not found in namespace "default"\n$/,
      ],
      // kubectl checks the name against the pod it read, with the server's words.
      [['logs', 'web', '-c', 'zzz'], /^error: container zzz is not valid for pod web\n$/],
      [
        ['logs', 'web', '-c', 'sidecar'],
        /^Error from server \(BadRequest\): container "sidecar" in pod "web" is waiting to start: ContainerCreating\n$/,
      ],
      [
        ['logs', 'lost'],
        new RegExp(
          `^Error from server: Get "https://127\\.0\\.0\\.1:${f.deadPort}/containerLogs/default/lost/app": dial tcp 127\\.0\\.0\\.1:${f.deadPort}: connect: connection refused\\n$`,
        ),
      ],
      [
        ['logs', 'orphan'],
        /^Error from server \(NotFound\): the server could not find the requested resource \( pods\/log orphan\)\n$/,
      ],
    ];
    for (const [args, want] of cases) {
      const r = await f.kubectl(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, want, args.join(' '));
    }
    // A pod not yet on a node has no logs yet.
    const pending = await f.kubectl(['logs', 'pending']);
    assert.deepEqual([pending.code, pending.stdout], [0, '']);
  });
});

describe('pods/log options and containers', () => {
  test('invalid options are 422 Invalid, undecodable ones 400', async () => {
    const r = await f.apiGet('/api/v1/namespaces/default/pods/web/log?container=app&tailLines=-1');
    assert.equal(r.status, 422);
    const s = JSON.parse(r.body) as { reason: string; message: string; details: { kind: string } };
    assert.equal(s.reason, 'Invalid');
    assert.equal(
      s.message,
      'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    );
    assert.equal(s.details.kind, 'PodLogOptions');
    const bad = await f.apiGet('/api/v1/namespaces/default/pods/web/log?container=app&limitBytes=lots');
    assert.equal(bad.status, 400);
    const wrong = await f.apiGet('/api/v1/namespaces/default/pods/web/log?container=zzz');
    assert.deepEqual(
      [wrong.status, (JSON.parse(wrong.body) as { message: string }).message],
      [400, 'container zzz is not valid for pod web'],
    );
  });
  test('a container must be named when the pod has several', async () => {
    const r = await f.apiGet('/api/v1/namespaces/default/pods/multi/log');
    assert.equal(r.status, 400);
    assert.equal(
      (JSON.parse(r.body) as { message: string }).message,
      'a container name must be specified for pod multi, choose one of: [setup a b]',
    );
    const e = await f.apiGet('/api/v1/namespaces/default/pods/multi/exec?command=ls&stdout=true');
    assert.equal(
      (JSON.parse(e.body) as { message: string }).message,
      'a container name must be specified for pod multi, choose one of: [a b] or one of the init containers: [setup]',
    );
  });
});
