/**
 * Static pods end to end: a `k8ts server --pod-manifest-path DIR` runs the pod of a
 * manifest file as real containers and shows it as a mirror pod that the real kubectl
 * lists Running, execs into and reads logs of. Deleting the mirror pod brings it back
 * with the same container; editing the file restarts the pod; a restarted server keeps
 * it running; removing the file removes the pod and its containers. Skipped without
 * root, containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { hasKubectl } from '../support/kubectl.js';
import { type RealNode, startRealNode } from '../support/node.js';
import { BUSYBOX_IMAGE, realContainersUnavailable } from '../support/registry.js';
import { type RunningServer, startServer } from '../support/server.js';

type Obj = Record<string, unknown>;

const NODE = 'e2e-static';
const POD = `web-${NODE}`;

const manifest = (word: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: main
    image: ${BUSYBOX_IMAGE}
    command: [sh, -c, "echo says-${word}; exec sleep 3600"]
`;

const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

describe('static pods', { skip: skip ?? false, timeout: 600_000 }, () => {
  let node: RealNode;
  let manifests: string;
  let restarted: RunningServer | undefined;

  before(async () => {
    manifests = await mkdtemp(join(tmpdir(), 'k8ts-manifests-'));
    await writeFile(join(manifests, 'web.yaml'), manifest('one'));
    // A file that is not a pod: logged, nothing runs for it, the node starts anyway.
    await writeFile(join(manifests, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n');
    node = await startRealNode(NODE, { args: ['--pod-manifest-path', manifests] });
  });

  after(async () => {
    await restarted?.stop();
    await node?.stop();
    if (manifests) await rm(manifests, { recursive: true, force: true });
  });

  async function mirror(): Promise<Obj | undefined> {
    const r = await node.kubectl(['get', 'pod', POD, '-o', 'json']);
    if (r.code !== 0) {
      assert.match(r.stderr, /NotFound|not found/, r.stderr);
      return undefined;
    }
    return JSON.parse(r.stdout) as Obj;
  }

  /** Polls the mirror pod until `ok` holds (bounded), returning it. */
  async function until(ok: (p: Obj | undefined) => boolean, what: string): Promise<Obj | undefined> {
    let last: Obj | undefined;
    for (let i = 0; i < 240; i++) {
      last = await mirror();
      if (ok(last)) return last;
      await sleep(500);
    }
    assert.fail(
      `${what} did not happen; last: ${JSON.stringify(last)}\n${node.server.output().slice(-6_000)}`,
    );
  }

  const meta = (p: Obj | undefined) => (p?.['metadata'] ?? {}) as Obj;
  const annotations = (p: Obj | undefined) => (meta(p)['annotations'] ?? {}) as Record<string, string>;
  const container = (p: Obj | undefined) =>
    (((p?.['status'] as Obj | undefined)?.['containerStatuses'] as Obj[] | undefined) ?? [])[0] ?? {};
  const running = (p: Obj | undefined) =>
    (p?.['status'] as Obj | undefined)?.['phase'] === 'Running' && container(p)['ready'] === true;

  test('the manifest runs and shows as a mirror pod, Running in kubectl get pods', async () => {
    const p = await until(running, 'the mirror pod Running');
    const a = annotations(p);
    assert.equal(a['kubernetes.io/config.source'], 'file');
    assert.match(a['kubernetes.io/config.hash'] ?? '', /^[0-9a-f]{32}$/);
    assert.equal(a['kubernetes.io/config.mirror'], a['kubernetes.io/config.hash']);
    assert.ok(a['kubernetes.io/config.seen']);
    const owners = meta(p)['ownerReferences'] as Obj[];
    const n = await node.kubectl(['get', 'node', NODE, '-o', 'jsonpath={.metadata.uid}']);
    assert.deepEqual(owners, [
      { apiVersion: 'v1', kind: 'Node', name: NODE, uid: n.stdout, controller: true },
    ]);
    const table = await node.kubectl(['get', 'pods']);
    assert.match(table.stdout, new RegExp(`^${POD} +1/1 +Running `, 'm'), table.stdout);
    const all = await node.kubectl(['get', 'pods', '-o', 'name']);
    assert.deepEqual(all.stdout.trim().split('\n'), [`pod/${POD}`], 'nothing runs for broken.yaml');
    assert.match(node.server.output(), /ignoring broken\.yaml: cannot parse/);
  });

  test('kubectl exec and kubectl logs reach the static pod', async () => {
    const exec = await node.kubectl(['exec', POD, '--', 'sh', '-c', 'echo inside-$((6*7))']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout.trim(), 'inside-42');
    const logs = await node.kubectl(['logs', POD]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.trim(), 'says-one');
  });

  test('deleting the mirror pod brings it back around the same container', async () => {
    const before = await until(running, 'the mirror pod Running');
    const id = container(before)['containerID'];
    assert.ok(id);
    const del = await node.kubectl(['delete', 'pod', POD, '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(del.code, 0, del.stderr);
    const after = await until(
      (p) => !!p && meta(p)['uid'] !== meta(before)['uid'] && running(p),
      'a new mirror pod Running',
    );
    assert.equal(container(after)['containerID'], id, 'the container kept running');
    assert.equal(container(after)['restartCount'], 0);
  });

  test('editing the manifest restarts the pod with a new container', async () => {
    const before = await until(running, 'the mirror pod Running');
    const id = container(before)['containerID'];
    await writeFile(join(manifests, 'web.yaml'), manifest('two'));
    const after = await until(
      (p) =>
        annotations(p)['kubernetes.io/config.mirror'] !==
          annotations(before)['kubernetes.io/config.mirror'] && running(p),
      'the changed pod Running',
    );
    assert.notEqual(container(after)['containerID'], id);
    const logs = await node.kubectl(['logs', POD]);
    assert.equal(logs.stdout.trim(), 'says-two');
    const old = String(id).replace(/^containerd:\/\//, '');
    for (let i = 0; i < 120 && (await runtimeContainers()).includes(old); i++) await sleep(500);
    assert.ok(!(await runtimeContainers()).includes(old), 'the old container was removed');
  });

  test('a restarted server keeps the static pod running and its mirror pod', async () => {
    const before = await until(running, 'the mirror pod Running');
    const id = String(container(before)['containerID']).replace(/^containerd:\/\//, '');
    await node.server.stop();
    restarted = await startServer({
      agent: true,
      keepDataDir: true,
      dataDir: node.server.dataDir,
      args: ['--kubelet-port', '0', '--node-name', NODE, '--pod-manifest-path', manifests],
    });
    node.server = restarted;
    const server = restarted;
    for (let i = 0; i < 180 && !/node e2e-static ready/.test(server.output()); i++) await sleep(500);
    assert.match(server.output(), /node e2e-static ready/, 'the kubelet did not start again');
    // The new kubelet finds the container (exec goes through its lookup) and kept it.
    let exec = await node.kubectl(['exec', POD, '--', 'echo', 'still-here']);
    for (let i = 0; i < 60 && exec.code !== 0; i++) {
      await sleep(500);
      exec = await node.kubectl(['exec', POD, '--', 'echo', 'still-here']);
    }
    assert.equal(exec.stdout.trim(), 'still-here', exec.stderr);
    assert.ok((await runtimeContainers()).includes(id), 'the same container still runs');
    const after = await until(running, 'the mirror pod Running');
    assert.equal(meta(after)['uid'], meta(before)['uid'], 'the mirror pod was kept');
    assert.equal(container(after)['restartCount'], 0);
  });

  test('removing the manifest removes the pod and its containers', async () => {
    const before = await until(running, 'the mirror pod Running');
    const id = String(container(before)['containerID']).replace(/^containerd:\/\//, '');
    assert.ok((await runtimeContainers()).includes(id));
    await rm(join(manifests, 'web.yaml'));
    await until((p) => p === undefined, 'the mirror pod gone');
    for (let i = 0; i < 120 && (await runtimeContainers()).includes(id); i++) await sleep(500);
    assert.ok(!(await runtimeContainers()).includes(id), 'the container was removed');
  });

  /** Ids of the containers containerd has for this node (through its own ctr client). */
  async function runtimeContainers(): Promise<string[]> {
    const socket = join(node.server.dataDir, 'agent', 'containerd', 'containerd.sock');
    const { stdout } = await promisify(execFile)(
      'ctr',
      ['-a', socket, '-n', 'k8s.io', 'containers', 'ls', '-q'],
      {
        timeout: 30_000,
      },
    );
    return stdout.split('\n').filter(Boolean);
  }
});
