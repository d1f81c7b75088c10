/**
 * Services end to end with real containers: a `k8ts server` with its kubelet and service
 * proxy, a Deployment of two busybox httpd pods that each serve their pod name, and
 * Services in front of them, driven by the real kubectl. Covers a ClusterIP reached from
 * another pod (both backends answer) and from the host (a local route, no gateway),
 * NodePort on 127.0.0.1, a LoadBalancer that gets EXTERNAL-IP 127.0.0.1 from the built-in
 * load balancer and answers there, a deleted backend leaving the rotation, immediate
 * refusal without endpoints, and sessionAffinity ClientIP. Skipped without root,
 * containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { hasKubectl, type kubectlFor } from '../support/kubectl.js';
import { type RealNode, startRealNode } from '../support/node.js';
import { BUSYBOX_IMAGE, realContainersUnavailable } from '../support/registry.js';
import type { RunningServer } from '../support/server.js';

type Obj = Record<string, unknown>;

const run = promisify(execFile);
const NODE = 'e2e-services';
const LB_PORT = 18081;

const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

describe('services with real pods', { skip: skip ?? false, timeout: 600_000 }, () => {
  let server: RunningServer;
  let kubectl: ReturnType<typeof kubectlFor>;
  let node: RealNode | undefined;

  before(async () => {
    node = await startRealNode(NODE);
    ({ server, kubectl } = node);
    await apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 60
      containers:
      - name: web
        image: ${BUSYBOX_IMAGE}
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        command: ["sh", "-c", "mkdir -p /www && echo $POD_NAME > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - name: client
    image: ${BUSYBOX_IMAGE}
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: ${LB_PORT}, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec:
  type: NodePort
  selector: {app: nobody-has-this-label}
  ports: [{name: http, port: 80, targetPort: 8080}]
`);
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=180s'], {
      timeoutMs: 190_000,
    });
    assert.equal(rollout.code, 0, `${rollout.stderr}\n${server.output()}`);
    const client = await kubectl(['wait', '--for=condition=Ready', 'pod/client', '--timeout=120s'], {
      timeoutMs: 130_000,
    });
    assert.equal(client.code, 0, client.stderr);
  });

  after(async () => {
    await node?.stop();
  });

  const apply = (yaml: string): Promise<void> => node!.apply(yaml);

  async function svc(name: string): Promise<Obj> {
    const r = await kubectl(['get', 'svc', name, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Obj;
  }

  const spec = (o: Obj) => (o['spec'] ?? {}) as Obj;

  async function webPods(): Promise<string[]> {
    const r = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split(/\s+/).filter((n) => n !== '');
  }

  /** `n` requests from the client pod (new connection each); one line per answer or error. */
  async function fromClient(url: string, n: number): Promise<string[]> {
    const script = `for i in $(seq 1 ${n}); do timeout 5 wget -qO- ${url} 2>&1 || true; done`;
    const r = await kubectl(['exec', 'client', '--', 'sh', '-c', script], { timeoutMs: 60_000 + n * 6_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l.trim() !== '');
  }

  /** One request from the host; the body, or `ERR <code>`. */
  async function fromHost(url: string): Promise<string> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return (await res.text()).trim();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      return `ERR ${cause?.code ?? (err as Error).name}`;
    }
  }

  /** Polls `f` (bounded) until `ok` holds, returning the last value. */
  async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    let v = await f();
    while (!ok(v) && Date.now() < deadline) {
      await sleep(500);
      v = await f();
    }
    return v;
  }

  test('a ClusterIP balances over both pods, from a pod and from the host', async () => {
    const ip = String(spec(await svc('web'))['clusterIP']);
    assert.match(ip, /^10\.43\.\d+\.\d+$/);
    const pods = (await webPods()).sort();
    assert.equal(pods.length, 2);
    const seen = await eventually(
      () => fromClient(`http://${ip}:80/`, 20),
      (answers) => pods.every((p) => answers.includes(p)),
    );
    assert.deepEqual([...new Set(seen)].sort(), pods, `answers: ${seen.join(', ')}`);
    assert.ok(pods.includes(await fromHost(`http://${ip}/`)));
    const { stdout: route } = await run('ip', ['route', 'get', ip]);
    assert.doesNotMatch(route, / via /, route);
  });

  test('a NodePort answers on 127.0.0.1', async () => {
    const ports = spec(await svc('web-np'))['ports'] as Obj[];
    const nodePort = Number(ports[0]?.['nodePort']);
    assert.ok(nodePort >= 30000 && nodePort <= 32767, `nodePort ${nodePort}`);
    const pods = await webPods();
    const body = await eventually(
      () => fromHost(`http://127.0.0.1:${nodePort}/`),
      (b) => pods.includes(b),
    );
    assert.ok(pods.includes(body), body);
  });

  test('a LoadBalancer gets EXTERNAL-IP 127.0.0.1 and answers there', async () => {
    const shown = await eventually(
      async () => (await kubectl(['get', 'svc', 'web-lb'])).stdout,
      (out) => /web-lb\s+LoadBalancer\s+\S+\s+127\.0\.0\.1\s/.test(out),
    );
    assert.match(shown, /web-lb\s+LoadBalancer\s+10\.43\.\d+\.\d+\s+127\.0\.0\.1\s+18081:\d+\/TCP/);
    const pods = await webPods();
    const body = await eventually(
      () => fromHost(`http://127.0.0.1:${LB_PORT}/`),
      (b) => pods.includes(b),
    );
    assert.ok(pods.includes(body), body);
  });

  test('a Service without endpoints refuses at once', async () => {
    const s = await svc('nobody');
    const ip = String(spec(s)['clusterIP']);
    const nodePort = Number((spec(s)['ports'] as Obj[])[0]?.['nodePort']);
    const [answer] = await fromClient(`http://${ip}:80/`, 1);
    assert.match(answer ?? '', /refused/i);
    assert.equal(await fromHost(`http://${ip}/`), 'ERR ECONNREFUSED');
    assert.equal(await fromHost(`http://127.0.0.1:${nodePort}/`), 'ERR ECONNREFUSED');
  });

  test('sessionAffinity ClientIP keeps the client on one pod', async () => {
    const ip = String(spec(await svc('sticky'))['clusterIP']);
    const pods = await webPods();
    const answers = await eventually(
      () => fromClient(`http://${ip}:80/`, 12),
      (a) => a.length === 12 && a.every((x) => pods.includes(x)),
    );
    assert.ok(
      answers.length === 12 && answers.every((x) => pods.includes(x)),
      `answers: ${answers.join(', ')}`,
    );
    assert.equal(new Set(answers).size, 1, `answers: ${answers.join(', ')}`);
  });

  test('a deleted backend pod leaves the rotation', async () => {
    const ip = String(spec(await svc('web'))['clusterIP']);
    const [victim] = (await webPods()).sort();
    assert.ok(victim);
    const served = (a: string[]) => a.length === 20 && a.every((x) => x.startsWith('web-'));
    const before = await fromClient(`http://${ip}:80/`, 20);
    assert.ok(served(before) && before.includes(victim), `answers: ${before.join(', ')}`);
    // The pod keeps serving through its long grace period; only the proxy can stop traffic.
    const del = await kubectl(['delete', 'pod', victim, '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    const answers = await eventually(
      () => fromClient(`http://${ip}:80/`, 20),
      (a) => served(a) && !a.includes(victim),
    );
    assert.ok(served(answers) && !answers.includes(victim), `answers: ${answers.join(', ')}`);
    const again = await fromClient(`http://${ip}:80/`, 20);
    assert.ok(served(again) && !again.includes(victim), `answers: ${again.join(', ')}`);
  });
});
