/**
 * Real pods end to end: a `k8ts server` with its own kubelet runs pods as containers
 * through containerd, driven by the real kubectl. Covers networking to the pod IP,
 * crash-loop back-off, OOM kills, probes, volumes and environment, init containers,
 * sidecars (restartable init containers), preStop on deletion and a Deployment rollout. Skipped without root, containerd or
 * kubectl.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasKubectl, kubectlFor, kubectlOnTerminal, kubectlStream } from '../support/kubectl.js';
import { BUSYBOX_IMAGE, ensureTestImages, realContainersUnavailable } from '../support/registry.js';
import { killNode, type RunningServer, startServer } from '../support/server.js';

type Obj = Record<string, unknown>;

const NODE_ARGS = ['--kubelet-port', '0', '--node-name', 'e2e-pods'];

const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

describe('real pods', { skip: skip ?? false, timeout: 600_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;
  let stopRegistry: () => Promise<void> = async () => undefined;

  before(async () => {
    stopRegistry = await ensureTestImages(AbortSignal.timeout(120_000));
    dir = await mkdtemp(join(tmpdir(), 'k8ts-pods-e2e-'));
    server = await startServer({ agent: true, keepDataDir: true, args: NODE_ARGS });
    kubectl = kubectlFor(server.kubeconfig, dir);
    for (let i = 0; i < 120 && (await kubectl(['get', 'node', 'e2e-pods'])).code !== 0; i++) await sleep(500);
    const ready = await kubectl(['wait', '--for=condition=Ready', 'node/e2e-pods', '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    assert.equal(ready.code, 0, `node not ready: ${ready.stderr}\n${server.output()}`);
  });

  after(async () => {
    await server?.stop();
    if (server) {
      await killNode(server.dataDir);
      await rm(server.dataDir, { recursive: true, force: true });
    }
    await stopRegistry();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function apply(yaml: string): Promise<void> {
    const r = await kubectl(['apply', '-f', '-'], { input: yaml });
    assert.equal(r.code, 0, r.stderr);
  }

  async function pod(name: string): Promise<Obj> {
    const r = await kubectl(['get', 'pod', name, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Obj;
  }

  /** Polls the pod until `ok` holds (bounded), returning it. */
  async function until(name: string, ok: (p: Obj) => boolean, what: string, ms = 90_000): Promise<Obj> {
    const deadline = Date.now() + ms;
    let last: Obj = {};
    while (Date.now() < deadline) {
      last = await pod(name);
      if (ok(last)) return last;
      await sleep(500);
    }
    assert.fail(
      `pod ${name}: ${what} did not happen; status: ${JSON.stringify(last['status'])}\n${server.output().slice(-6_000)}`,
    );
  }

  const status = (p: Obj) => (p['status'] ?? {}) as Obj;
  const cstatus = (p: Obj, i = 0) => ((status(p)['containerStatuses'] as Obj[] | undefined) ?? [])[i] ?? {};
  const terminated = (p: Obj, i = 0) =>
    ((cstatus(p, i)['state'] as Obj | undefined)?.['terminated'] ?? undefined) as Obj | undefined;

  test('a busybox httpd pod serves on its pod IP', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: web
    image: ${BUSYBOX_IMAGE}
    command: ["httpd", "-f", "-p", "8080", "-h", "/var/www"]
    ports: [{containerPort: 8080}]
`);
    const r = await kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const p = await pod('web');
    const ip = String(status(p)['podIP']);
    assert.match(ip, /^10\.42\.\d+\.\d+$/);
    const res = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(10_000) });
    assert.equal((await res.text()).trim(), 'hello from busybox');
    assert.match(String(cstatus(p)['containerID']), /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(status(p)['qosClass'], 'BestEffort');
    const wide = await kubectl(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(wide.stdout, /web\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+e2e-pods/);
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web']);
    for (const reason of ['Scheduled', 'Created', 'Started']) assert.match(events.stdout, new RegExp(reason));
  });

  test('logs, exec with its exit code, cp both ways and port-forward', async () => {
    const logs = await kubectl(['logs', 'web']);
    assert.equal(logs.code, 0, logs.stderr);
    const echo = await kubectl(['exec', 'web', '--', 'echo', 'hi']);
    assert.equal(echo.code, 0, echo.stderr);
    assert.equal(echo.stdout, 'hi\n');
    const ex = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(ex.code, 3, ex.stderr);
    assert.equal(ex.stdout, 'out\n');
    assert.match(ex.stderr, /err\n/);
    assert.match(ex.stderr, /command terminated with exit code 3/);
    const local = join(dir, 'in.txt');
    await writeFile(local, 'copied in\n');
    const cpIn = await kubectl(['cp', local, 'web:/tmp/in.txt'], { timeoutMs: 60_000 });
    assert.equal(cpIn.code, 0, cpIn.stderr);
    assert.equal((await kubectl(['exec', 'web', '--', 'cat', '/tmp/in.txt'])).stdout, 'copied in\n');
    const back = join(dir, 'out.txt');
    const cpOut = await kubectl(['cp', 'web:/tmp/in.txt', back], { timeoutMs: 60_000 });
    assert.equal(cpOut.code, 0, cpOut.stderr);
    assert.equal(await readFile(back, 'utf8'), 'copied in\n');
    const pf = kubectlStream(server.kubeconfig, dir, ['port-forward', 'pod/web', ':8080']);
    try {
      let port = 0;
      for (let i = 0; i < 100 && !port; i++) {
        port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.output())?.[1] ?? 0);
        if (!port) await sleep(100);
      }
      assert.ok(port > 0, `port-forward did not start: ${pf.output()}`);
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
      assert.equal((await res.text()).trim(), 'hello from busybox');
    } finally {
      await pf.stop();
    }
  });

  test('exec -it gets a terminal of the size it asks for; attach streams what the container prints', async () => {
    const it = await kubectlOnTerminal(
      server.kubeconfig,
      dir,
      [
        'exec',
        '-it',
        'web',
        '--',
        'sh',
        '-c',
        'test -t 0 && echo IS-A-TTY; read line; echo "got $line"; exit 4',
      ],
      { input: 'typed\r', timeoutMs: 60_000 },
    );
    assert.equal(it.code, 4, `${it.stdout}${it.stderr}`);
    assert.match(it.stdout, /IS-A-TTY/);
    assert.match(it.stdout, /got typed/);
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  containers:
  - name: ticker
    image: ${BUSYBOX_IMAGE}
    command: [sh, -c, 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done']
`);
    const ready = await kubectl(['wait', '--for=condition=Ready', 'pod/ticker', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.equal(ready.code, 0, ready.stderr);
    const attach = kubectlStream(server.kubeconfig, dir, ['attach', 'ticker', '-c', 'ticker']);
    try {
      for (let i = 0; i < 100 && !/tick-\d+\n/.test(attach.output()); i++) await sleep(100);
      assert.match(attach.output(), /tick-\d+\n/);
    } finally {
      await attach.stop();
    }
    await kubectl(['delete', 'pod', 'ticker', '--grace-period=0', '--force']);
  });

  test('init containers run in order before the app container; emptyDir is shared', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: inits}
spec:
  restartPolicy: Never
  volumes: [{name: work, emptyDir: {}}]
  initContainers:
  - {name: one, image: ${BUSYBOX_IMAGE}, command: ["sh", "-c", "echo one >> /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
  - {name: two, image: ${BUSYBOX_IMAGE}, command: ["sh", "-c", "echo two >> /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - name: main
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "echo main >> /work/log; cat /work/log > /dev/termination-log"]
    volumeMounts: [{name: work, mountPath: /work}]
`);
    const p = await until('inits', (x) => status(x)['phase'] === 'Succeeded', 'Succeeded');
    assert.equal(terminated(p)?.['message'], 'one\ntwo\nmain\n');
    const inits = status(p)['initContainerStatuses'] as Obj[];
    assert.deepEqual(
      inits.map((c) => [c['name'], ((c['state'] as Obj)['terminated'] as Obj)['exitCode']]),
      [
        ['one', 0],
        ['two', 0],
      ],
    );
  });

  test('configMap and secret as volumes and environment', async () => {
    await apply(`apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {color: blue, size: large}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: config}
spec:
  restartPolicy: Never
  volumes:
  - {name: cm, configMap: {name: settings}}
  - {name: sec, secret: {secretName: creds}}
  containers:
  - name: main
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "echo $COLOR $PASSWORD $MY_POD $(cat /etc/cm/size) $(cat /etc/sec/password) > /dev/termination-log"]
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: settings, key: color}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: MY_POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    volumeMounts:
    - {name: cm, mountPath: /etc/cm}
    - {name: sec, mountPath: /etc/sec}
`);
    const p = await until('config', (x) => status(x)['phase'] === 'Succeeded', 'Succeeded');
    assert.equal(terminated(p)?.['message'], 'blue s3cret config large s3cret\n');
  });

  test('a PVC on local-path keeps its data across pods', async () => {
    const podUsing = (name: string, cmd: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  restartPolicy: Never
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
  containers:
  - {name: main, image: ${BUSYBOX_IMAGE}, command: ["sh", "-c", "${cmd}"], volumeMounts: [{name: data, mountPath: /data}]}
`;
    await apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Mi}}
---
${podUsing('writer', 'echo kept > /data/file')}`);
    await until('writer', (x) => status(x)['phase'] === 'Succeeded', 'Succeeded');
    const pvc = await kubectl([
      'get',
      'pvc',
      'data',
      '-o',
      'jsonpath={.status.phase} {.spec.storageClassName}',
    ]);
    assert.equal(pvc.stdout, 'Bound local-path');
    const del = await kubectl(['delete', 'pod', 'writer', '--wait=true'], { timeoutMs: 60_000 });
    assert.equal(del.code, 0, del.stderr);
    await apply(podUsing('reader', 'cat /data/file > /dev/termination-log'));
    const p = await until('reader', (x) => status(x)['phase'] === 'Succeeded', 'Succeeded');
    assert.equal(terminated(p)?.['message'], 'kept\n');
  });

  test('a crashing container goes to CrashLoopBackOff with growing delays', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - {name: c, image: ${BUSYBOX_IMAGE}, command: ["sh", "-c", "exit 3"]}
`);
    const waitingMessage = (x: Obj) =>
      String(((cstatus(x)['state'] as Obj | undefined)?.['waiting'] as Obj | undefined)?.['message'] ?? '');
    const first = await until('crash', (x) => /back-off 10s/.test(waitingMessage(x)), 'back-off 10s');
    assert.equal(((cstatus(first)['state'] as Obj)['waiting'] as Obj)['reason'], 'CrashLoopBackOff');
    assert.equal(((cstatus(first)['lastState'] as Obj)['terminated'] as Obj)['exitCode'], 3);
    const second = await until(
      'crash',
      (x) => /back-off 20s/.test(waitingMessage(x)),
      'back-off 20s',
      60_000,
    );
    assert.ok(Number(cstatus(second)['restartCount']) >= 2);
    const get = await kubectl(['get', 'pod', 'crash']);
    assert.match(get.stdout, /CrashLoopBackOff/);
    await kubectl(['delete', 'pod', 'crash', '--grace-period=1']);
  });

  test('a container over its memory limit is OOMKilled and restarted', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  containers:
  - name: hog
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done"]
    resources: {limits: {memory: 16Mi}}
`);
    const p = await until(
      'hog',
      (x) =>
        ((cstatus(x)['lastState'] as Obj | undefined)?.['terminated'] as Obj | undefined)?.['reason'] ===
        'OOMKilled',
      'OOMKilled',
    );
    assert.ok(Number(cstatus(p)['restartCount']) >= 1);
    assert.equal(((cstatus(p)['lastState'] as Obj)['terminated'] as Obj)['exitCode'], 137);
    await kubectl(['delete', 'pod', 'hog', '--grace-period=1']);
  });

  test('a failing liveness probe restarts; a readiness probe gates Ready', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: web
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "touch /tmp/alive; (sleep 4; echo ok > /var/www/ready) & (sleep 8; rm /tmp/alive) & exec httpd -f -p 8080 -h /var/www"]
    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1}
    livenessProbe: {exec: {command: ["test", "-f", "/tmp/alive"]}, periodSeconds: 1, failureThreshold: 2, initialDelaySeconds: 1}
`);
    const notReady = await pod('probed');
    assert.notEqual(cstatus(notReady)['ready'], true);
    await until('probed', (x) => cstatus(x)['ready'] === true, 'Ready');
    await until('probed', (x) => Number(cstatus(x)['restartCount']) >= 1, 'a liveness restart');
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=probed']);
    assert.match(events.stdout, /Liveness probe failed/);
    assert.match(events.stdout, /failed liveness probe, will be restarted/);
    await kubectl(['delete', 'pod', 'probed', '--grace-period=1']);
  });

  test('deleting a pod runs its preStop hook, then the pod is gone', async () => {
    const hostDir = await mkdtemp(join(tmpdir(), 'k8ts-prestop-'));
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  terminationGracePeriodSeconds: 10
  volumes: [{name: host, hostPath: {path: ${hostDir}, type: Directory}}]
  containers:
  - name: main
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    volumeMounts: [{name: host, mountPath: /host}]
    lifecycle: {preStop: {exec: {command: ["sh", "-c", "echo stopping > /host/marker"]}}}
`);
    const r = await kubectl(['wait', '--for=condition=Ready', 'pod/graceful', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const del = await kubectl(['delete', 'pod', 'graceful', '--wait=true'], { timeoutMs: 60_000 });
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await readFile(join(hostDir, 'marker'), 'utf8')).trim(), 'stopping');
    const gone = await kubectl(['get', 'pod', 'graceful']);
    assert.match(gone.stderr, /NotFound/);
    await rm(hostDir, { recursive: true, force: true });
  });

  test('a Deployment of real pods rolls out and updates', async () => {
    const c = await kubectl([
      'create',
      'deployment',
      'hello',
      `--image=${BUSYBOX_IMAGE}`,
      '--replicas=2',
      '--',
      'sleep',
      '3600',
    ]);
    assert.equal(c.code, 0, c.stderr);
    const s = await kubectl(['rollout', 'status', 'deployment/hello', '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    assert.equal(s.code, 0, s.stderr);
    const e = await kubectl(['set', 'env', 'deployment/hello', 'VERSION=2']);
    assert.equal(e.code, 0, e.stderr);
    const s2 = await kubectl(['rollout', 'status', 'deployment/hello', '--timeout=120s'], {
      timeoutMs: 130_000,
    });
    assert.equal(s2.code, 0, s2.stderr);
    const list = await kubectl(['get', 'pods', '-l', 'app=hello', '-o', 'json']);
    const live = (JSON.parse(list.stdout) as { items: Obj[] }).items.filter(
      (p) => !(p['metadata'] as Obj)['deletionTimestamp'],
    );
    assert.deepEqual(
      live.map((p) => status(p)['phase']),
      ['Running', 'Running'],
    );
    for (const p of live) {
      const env = ((((p['spec'] as Obj)['containers'] as Obj[])[0] as Obj)['env'] as Obj[] | undefined) ?? [];
      assert.deepEqual(env, [{ name: 'VERSION', value: '2' }]);
    }
    await kubectl(['delete', 'deployment', 'hello']);
  });

  test('a restarted server re-adopts its running pods', async () => {
    const before = await pod('web');
    const id = cstatus(before)['containerID'];
    await server.stop();
    server = await startServer({ agent: true, keepDataDir: true, dataDir: server.dataDir, args: NODE_ARGS });
    kubectl = kubectlFor(server.kubeconfig, dir);
    const r = await kubectl(['wait', '--for=condition=Ready', 'node/e2e-pods', '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    assert.equal(r.code, 0, r.stderr);
    // The node's and the pod's statuses are still those written before the restart: wait
    // for the new kubelet itself, then for it to have looked at the pod again.
    for (let i = 0; i < 180 && !/node e2e-pods ready/.test(server.output()); i++) await sleep(500);
    assert.match(server.output(), /node e2e-pods ready/, 'the kubelet did not start again');
    await sleep(3_000);
    const p = await until('web', (x) => cstatus(x)['ready'] === true, 'Ready after restart');
    assert.equal(cstatus(p)['containerID'], id, 'the same container, not a new one');
    assert.equal(cstatus(p)['restartCount'], 0);
    const res = await fetch(`http://${status(p)['podIP']}:8080/`, { signal: AbortSignal.timeout(10_000) });
    assert.equal((await res.text()).trim(), 'hello from busybox');
  });

  test('a sidecar starts before the app, restarts when killed, and stops when a Job completes', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: sidecars}
spec:
  volumes: [{name: work, emptyDir: {}}]
  initContainers:
  - name: side
    image: ${BUSYBOX_IMAGE}
    restartPolicy: Always
    command: ["sh", "-c", "echo sidecar-up >> /work/log; sleep 3600 & echo $! > /tmp/pid; wait"]
    volumeMounts: [{name: work, mountPath: /work}]
  containers:
  - name: app
    image: ${BUSYBOX_IMAGE}
    command: ["sh", "-c", "until grep -q sidecar-up /work/log; do sleep 0.2; done; echo app-saw-sidecar; sleep 3600"]
    volumeMounts: [{name: work, mountPath: /work}]
`);
    const init = (x: Obj) => ((status(x)['initContainerStatuses'] as Obj[] | undefined) ?? [])[0] ?? {};
    let p = await until(
      'sidecars',
      (x) => init(x)['ready'] === true && cstatus(x)['ready'] === true,
      'sidecar and app ready',
    );
    assert.equal(init(p)['started'], true);
    assert.ok((init(p)['state'] as Obj)['running'], 'the sidecar keeps running');
    const row = await kubectl(['get', 'pod', 'sidecars', '--no-headers']);
    assert.match(row.stdout, /^sidecars\s+2\/2\s+Running\s+0\s/);
    for (
      let i = 0;
      i < 40 && !(await kubectl(['logs', 'sidecars', '-c', 'app'])).stdout.includes('app-saw-sidecar');
      i++
    )
      await sleep(250);
    assert.match((await kubectl(['logs', 'sidecars', '-c', 'app'])).stdout, /app-saw-sidecar/);
    const firstId = init(p)['containerID'];
    const kill = await kubectl([
      'exec',
      'sidecars',
      '-c',
      'side',
      '--',
      'sh',
      '-c',
      'kill -9 $(cat /tmp/pid)',
    ]);
    assert.equal(kill.code, 0, kill.stderr);
    p = await until(
      'sidecars',
      (x) => init(x)['restartCount'] === 1 && init(x)['ready'] === true,
      'sidecar restarted',
    );
    assert.notEqual(init(p)['containerID'], firstId);
    assert.equal(cstatus(p)['restartCount'], 0, 'the app container was left alone');
    assert.equal(status(p)['phase'], 'Running');
    const after = await kubectl(['get', 'pod', 'sidecars', '--no-headers']);
    assert.match(after.stdout, /^sidecars\s+2\/2\s+Running\s+1 \(/);
    await kubectl(['delete', 'pod', 'sidecars', '--wait=false']);

    await apply(`apiVersion: batch/v1
kind: Job
metadata: {name: with-sidecar}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 5
      volumes: [{name: work, emptyDir: {}}]
      initContainers:
      - name: side
        image: ${BUSYBOX_IMAGE}
        restartPolicy: Always
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo tick >> /work/log; sleep 1; done"]
        volumeMounts: [{name: work, mountPath: /work}]
      containers:
      - name: app
        image: ${BUSYBOX_IMAGE}
        command: ["sh", "-c", "until grep -q tick /work/log; do sleep 0.2; done; echo done"]
        volumeMounts: [{name: work, mountPath: /work}]
`);
    const done = await kubectl(['wait', '--for=condition=complete', 'job/with-sidecar', '--timeout=90s'], {
      timeoutMs: 100_000,
    });
    assert.equal(done.code, 0, `job not complete: ${done.stderr}`);
    const list = await kubectl(['get', 'pods', '-l', 'job-name=with-sidecar', '-o', 'json']);
    const jp = ((JSON.parse(list.stdout) as Obj)['items'] as Obj[])[0] ?? {};
    assert.equal(status(jp)['phase'], 'Succeeded');
    assert.equal(terminated(jp)?.['exitCode'], 0);
    const side = (init(jp)['state'] as Obj | undefined)?.['terminated'] as Obj | undefined;
    assert.ok(side, `the sidecar was stopped: ${JSON.stringify(init(jp))}`);
    assert.equal(init(jp)['restartCount'], 0, 'the stopped sidecar was not restarted');
    await kubectl(['delete', 'job', 'with-sidecar', '--cascade=foreground', '--wait=false']);
  });
});
