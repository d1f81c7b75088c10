/**
 * The Guestbook example end to end on a `k8ts server` with its own kubelet and real
 * containers, driven by the real kubectl.
 * - The images alone (k8ts/redis, k8ts/guestbook-frontend): a Redis leader pod, a follower
 *   pod replicating from the leader's pod IP and a frontend pod given both pod IPs through
 *   GET_HOSTS_FROM=env; entries written through the frontend reach the follower and read
 *   back byte for byte, from the host, through `kubectl port-forward` and from another pod.
 * - The example as users run it, `kubectl apply -f examples/guestbook/`: entries through the
 *   frontend's LoadBalancer Service, replacing a frontend and a follower pod, scaling the
 *   frontend, and the Ingress. This part needs the cluster DNS, the service proxy with its
 *   load balancer and the ingress controller.
 * Skipped without root, containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasKubectl, type kubectlFor, kubectlStream } from '../support/kubectl.js';
import { type RealNode, startRealNode } from '../support/node.js';
import { realContainersUnavailable, TEST_REGISTRY } from '../support/registry.js';
import { REPO, type RunningServer } from '../support/server.js';

type Obj = Record<string, unknown>;

const NODE = 'e2e-guestbook';
const REDIS_IMAGE = `${TEST_REGISTRY}/k8ts/redis:7`;
const FRONTEND_IMAGE = `${TEST_REGISTRY}/k8ts/guestbook-frontend:v1`;
/** A value that a careless shell script, URL or JSON encoding would mangle. */
const TRICKY = 'hello, "world" \\ $(id) `id`; * & %41 + é ✓\ttab\nnew line\n';

interface HttpAnswer {
  status: number;
  type: string;
  body: string;
}

/** GET url (optionally with another Host header), bounded in time; never throws on a status. */
function httpGet(url: string, host?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {}, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** The Guestbook API at `base` (http://host:port), optionally under another Host header. */
function guestbook(base: string, host?: string) {
  const call = (query: string) => httpGet(`${base}/guestbook.php?${query}`, host);
  return {
    call,
    async sign(value: string): Promise<void> {
      const r = await call(`cmd=set&key=messages&value=${encodeURIComponent(value)}`);
      assert.equal(r.status, 200, r.body);
      assert.match(r.type, /^application\/json/);
      assert.deepEqual(JSON.parse(r.body), { message: 'Updated' });
    },
    async read(): Promise<string> {
      const r = await call('cmd=get&key=messages');
      assert.equal(r.status, 200, r.body);
      return (JSON.parse(r.body) as { data: string }).data;
    },
    /** Waits (bounded) until `times` reads in a row return `want`; replication is asynchronous. */
    async readsBack(want: string, times = 5, ms = 60_000): Promise<void> {
      const deadline = Date.now() + ms;
      let streak = 0;
      let last = '';
      while (streak < times) {
        if (Date.now() > deadline) assert.fail(`${base}: read ${last}, want ${JSON.stringify(want)}`);
        try {
          const got = await this.read();
          last = JSON.stringify(got);
          streak = got === want ? streak + 1 : 0;
        } catch (err) {
          last = String(err);
          streak = 0;
        }
        if (streak < times) await sleep(streak ? 50 : 500);
      }
    },
  };
}

/**
 * Declares the steps of one scenario, in order: a step runs only when the steps it needs
 * (by id) passed, and is skipped, naming them, otherwise, so one missing piece fails once.
 */
function steps() {
  const passed = new Set<string>();
  return (id: string, name: string, needs: string[], fn: () => Promise<void>) =>
    test(name, async (t) => {
      const missing = needs.filter((n) => !passed.has(n));
      if (missing.length > 0) {
        t.skip(`needs the steps that failed: ${missing.join(', ')}`);
        return;
      }
      await fn();
      passed.add(id);
    });
}

const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

describe('the Guestbook', { skip: skip ?? false, timeout: 900_000 }, () => {
  let server: RunningServer;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;
  let node: RealNode | undefined;

  before(async () => {
    node = await startRealNode(NODE, { imagesTimeoutMs: 300_000 });
    ({ server, kubectl, dir } = node);
  });

  after(async () => {
    await node?.stop();
  });

  async function ok(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await kubectl(args, opts);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  async function json(args: string[]): Promise<Obj> {
    return JSON.parse(await ok([...args, '-o', 'json'])) as Obj;
  }

  /** Polls `get` until it returns a non-empty string (bounded), returning it. */
  async function until(what: string, get: () => Promise<string>, ms = 90_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const v = await get();
      if (v) return v;
      await sleep(500);
    }
    assert.fail(`${what} did not happen in ${ms / 1000} s`);
  }

  const jsonpath = (args: string[], path: string) => async () =>
    (await kubectl([...args, '-o', `jsonpath=${path}`])).stdout.trim();

  /** Names of the Ready pods that match the label selector and are not being deleted. */
  async function readyPods(selector: string): Promise<string[]> {
    const list = (await json(['get', 'pods', '-l', selector])) as { items?: Obj[] };
    return (list.items ?? [])
      .filter((p) => {
        const meta = p['metadata'] as Obj;
        const conditions = ((p['status'] as Obj | undefined)?.['conditions'] as Obj[] | undefined) ?? [];
        return (
          !meta['deletionTimestamp'] &&
          conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True')
        );
      })
      .map((p) => String((p['metadata'] as Obj)['name']));
  }

  /** Waits until exactly `n` pods match and are Ready, none of them in `gone`. */
  async function readyCount(selector: string, n: number, gone: string[] = []): Promise<string[]> {
    let names: string[] = [];
    await until(`${n} ready pods ${selector}`, async () => {
      names = await readyPods(selector);
      return names.length === n && !names.some((x) => gone.includes(x)) ? 'yes' : '';
    });
    return names;
  }

  /** Ready endpoint addresses in the Service's EndpointSlices. */
  async function readyEndpoints(service: string): Promise<number> {
    const list = (await json(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`])) as {
      items?: { endpoints?: { conditions?: { ready?: boolean } }[] }[];
    };
    return (list.items ?? []).flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false)
      .length;
  }

  /** The guestbook's entries as Redis in `pod` holds them (redis-cli decodes nothing). */
  async function redisGet(pod: string): Promise<string> {
    return JSON.parse(await ok(['exec', pod, '--', 'redis-cli', '--json', 'get', 'messages'])) as string;
  }

  describe('its images, wired by pod IPs', () => {
    let frontend: ReturnType<typeof guestbook>;
    let frontendIP = '';

    const step = steps();

    step(
      'start',
      'a leader, a follower of its pod IP and a frontend given both pod IPs start',
      [],
      async () => {
        await ok(['apply', '-f', '-'], {
          input: `apiVersion: v1
kind: Pod
metadata: {name: gb-leader}
spec:
  containers:
  - name: redis
    image: ${REDIS_IMAGE}
    readinessProbe: {tcpSocket: {port: 6379}, periodSeconds: 1}
`,
        });
        await ok(['wait', '--for=condition=Ready', 'pod/gb-leader', '--timeout=60s'], { timeoutMs: 70_000 });
        const leader = await ok(['get', 'pod', 'gb-leader', '-o', 'jsonpath={.status.podIP}']);
        assert.match(leader, /^10\.42\.\d+\.\d+$/);
        await ok(['apply', '-f', '-'], {
          input: `apiVersion: v1
kind: Pod
metadata: {name: gb-follower}
spec:
  containers:
  - name: redis
    image: ${REDIS_IMAGE}
    command: [redis-server]
    args: [--replicaof, "${leader}", "6379", --protected-mode, "no"]
    readinessProbe:
      exec: {command: [sh, -c, "redis-cli info replication | grep -q master_link_status:up"]}
      periodSeconds: 1
`,
        });
        await ok(['wait', '--for=condition=Ready', 'pod/gb-follower', '--timeout=60s'], {
          timeoutMs: 70_000,
        });
        const follower = await ok(['get', 'pod', 'gb-follower', '-o', 'jsonpath={.status.podIP}']);
        await ok(['apply', '-f', '-'], {
          input: `apiVersion: v1
kind: Pod
metadata: {name: gb-frontend}
spec:
  enableServiceLinks: false
  containers:
  - name: frontend
    image: ${FRONTEND_IMAGE}
    env:
    - {name: GET_HOSTS_FROM, value: env}
    - {name: REDIS_LEADER_SERVICE_HOST, value: "${leader}"}
    - {name: REDIS_FOLLOWER_SERVICE_HOST, value: "${follower}"}
    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
`,
        });
        await ok(['wait', '--for=condition=Ready', 'pod/gb-frontend', '--timeout=60s'], {
          timeoutMs: 70_000,
        });
        frontendIP = await ok(['get', 'pod', 'gb-frontend', '-o', 'jsonpath={.status.podIP}']);
        frontend = guestbook(`http://${frontendIP}`);
        const role = await ok(['exec', 'gb-follower', '--', 'redis-cli', 'info', 'replication']);
        assert.match(role, /role:slave/);
        assert.match(role, new RegExp(`master_host:${leader.replaceAll('.', '\\.')}\\s`));
      },
    );

    step('page', 'the frontend serves the page and its script', ['start'], async () => {
      const page = await httpGet(`http://${frontendIP}/`);
      assert.equal(page.status, 200);
      assert.match(page.type, /^text\/html/);
      assert.match(page.body, /<title>Guestbook<\/title>/);
      assert.match(page.body, /<script src="guestbook\.js">/);
      const script = await httpGet(`http://${frontendIP}/guestbook.js`);
      assert.equal(script.status, 200);
      assert.match(script.type, /^text\/javascript/);
      assert.match(script.body, /cmd=set&key=messages&value=/);
    });

    step(
      'entry',
      'an entry written through the frontend is replicated and read back unchanged',
      ['start'],
      async () => {
        assert.equal(await frontend.read(), '', 'a new guestbook is empty');
        await frontend.sign(TRICKY);
        await frontend.readsBack(TRICKY);
        assert.equal(await redisGet('gb-follower'), TRICKY);
        assert.equal(await redisGet('gb-leader'), TRICKY);
        // The followers are read-only: the frontend's reads really come from the follower.
        const write = await kubectl(['exec', 'gb-follower', '--', 'redis-cli', '-e', 'set', 'messages', 'x']);
        assert.notEqual(write.code, 0);
        assert.match(write.stdout + write.stderr, /READONLY/);
      },
    );

    step('errors', 'bad requests get a 400 with a JSON error; a failing Redis a 503', ['entry'], async () => {
      for (const query of ['', 'cmd=get', 'cmd=get&key=', 'cmd=set&key=messages', 'cmd=del&key=messages']) {
        const r = await frontend.call(query);
        assert.equal(r.status, 400, `${query}: ${r.body}`);
        assert.match(String((JSON.parse(r.body) as Obj)['error']), /query parameter|unknown cmd/);
      }
      await ok(['exec', 'gb-leader', '--', 'redis-cli', 'rpush', 'alist', 'a']);
      await until('alist replicated', async () =>
        (await ok(['exec', 'gb-follower', '--', 'redis-cli', 'exists', 'alist'])).trim() === '1' ? 'yes' : '',
      );
      const wrong = await frontend.call('cmd=get&key=alist');
      assert.equal(wrong.status, 503, wrong.body);
      assert.match(String((JSON.parse(wrong.body) as Obj)['error']), /^WRONGTYPE/);
      assert.equal(await frontend.read(), TRICKY, 'nothing else changed');
    });

    step(
      'forward',
      'the frontend answers through kubectl port-forward and from another pod',
      ['entry'],
      async () => {
        const pf = kubectlStream(server.kubeconfig, dir, ['port-forward', 'pod/gb-frontend', ':80']);
        try {
          let port = 0;
          for (let i = 0; i < 100 && !port; i++) {
            port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(pf.output())?.[1] ?? 0);
            if (!port) await sleep(100);
          }
          assert.ok(port > 0, `port-forward did not start: ${pf.output()}`);
          const forwarded = guestbook(`http://127.0.0.1:${port}`);
          assert.equal(await forwarded.read(), TRICKY);
          await forwarded.sign('through port-forward');
          await forwarded.readsBack('through port-forward');
        } finally {
          await pf.stop();
        }
        const url = `http://${frontendIP}/guestbook.php?cmd=get&key=messages`;
        const fromPod = await ok(['exec', 'gb-leader', '--', 'wget', '-qO-', url]);
        assert.deepEqual(JSON.parse(fromPod), { data: 'through port-forward' });
      },
    );

    step('delete', 'the pods stop promptly when deleted', ['start'], async () => {
      await ok(['delete', 'pod', 'gb-frontend', 'gb-follower', 'gb-leader', '--wait=true', '--timeout=60s'], {
        timeoutMs: 70_000,
      });
      assert.match((await kubectl(['get', 'pod', 'gb-frontend'])).stderr, /NotFound/);
    });
  });

  describe('kubectl apply -f examples/guestbook/ (needs cluster DNS, service proxy, ingress)', () => {
    let lb: ReturnType<typeof guestbook>;
    let entry = '';

    const step = steps();

    step('apply', 'applies and rolls out', [], async () => {
      const out = await ok(['apply', '-f', join(REPO, 'examples', 'guestbook')]);
      for (const made of [
        'deployment.apps/redis-leader created',
        'service/redis-leader created',
        'deployment.apps/redis-follower created',
        'service/redis-follower created',
        'deployment.apps/frontend created',
        'service/frontend created',
        'ingress.networking.k8s.io/frontend created',
      ]) {
        assert.ok(out.includes(made), `${made} in:\n${out}`);
      }
      for (const d of ['redis-leader', 'redis-follower', 'frontend']) {
        await ok(['rollout', 'status', `deployment/${d}`, '--timeout=120s'], { timeoutMs: 130_000 });
      }
      assert.equal((await readyCount('app=redis,role=follower', 2)).length, 2);
      assert.equal((await readyCount('app=guestbook,tier=frontend', 3)).length, 3);
    });

    step('lb', 'entries go in and come back through the LoadBalancer Service', ['apply'], async () => {
      const ip = await until(
        'an EXTERNAL-IP for service/frontend',
        jsonpath(['get', 'service', 'frontend'], '{.status.loadBalancer.ingress[0].ip}'),
      );
      assert.equal(ip, '127.0.0.1', 'the node address');
      const svc = await ok(['get', 'service', 'frontend']);
      assert.match(svc, /frontend\s+LoadBalancer\s+10\.43\.\d+\.\d+\s+127\.0\.0\.1\s+8080:\d+\/TCP/);
      await until('3 ready frontend endpoints', async () =>
        (await readyEndpoints('frontend')) === 3 ? 'yes' : '',
      );
      lb = guestbook(`http://${ip}:8080`);
      const page = await httpGet(`http://${ip}:8080/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>Guestbook<\/title>/);
      const signed = `signed by the e2e test ${process.pid}`;
      await lb.sign(signed);
      await lb.readsBack(signed, 10);
      // The same through the ClusterIP, from a pod.
      const clusterIP = await ok(['get', 'service', 'frontend', '-o', 'jsonpath={.spec.clusterIP}']);
      const url = `http://${clusterIP}:8080/guestbook.php?cmd=get&key=messages`;
      const fromPod = await ok(['exec', 'deployment/redis-leader', '--', 'wget', '-qO-', url]);
      assert.deepEqual(JSON.parse(fromPod), { data: signed });
      entry = signed;
    });

    step('restarts', 'keeps working when a frontend pod and a follower pod are deleted', ['lb'], async () => {
      const [frontendPod] = await readyPods('app=guestbook,tier=frontend');
      const [followerPod] = await readyPods('app=redis,role=follower');
      assert.ok(frontendPod && followerPod);
      await ok(['delete', 'pod', frontendPod, followerPod, '--wait=true', '--timeout=60s'], {
        timeoutMs: 70_000,
      });
      await readyCount('app=guestbook,tier=frontend', 3, [frontendPod]);
      const followers = await readyCount('app=redis,role=follower', 2, [followerPod]);
      // The new follower found the leader by its Service name and copied the guestbook.
      for (const f of followers) {
        await until(`${f} has the entry`, async () => ((await redisGet(f)) === entry ? 'yes' : ''));
      }
      await until('3 ready frontend endpoints', async () =>
        (await readyEndpoints('frontend')) === 3 ? 'yes' : '',
      );
      await lb.readsBack(entry, 10);
      entry = `${entry}, after the restarts`;
      await lb.sign(entry);
      await lb.readsBack(entry, 10);
    });

    step('scale', 'scales the frontend', ['lb'], async () => {
      await ok(['scale', 'deployment/frontend', '--replicas=5']);
      await readyCount('app=guestbook,tier=frontend', 5);
      await until('5 ready frontend endpoints', async () =>
        (await readyEndpoints('frontend')) === 5 ? 'yes' : '',
      );
      const deploy = await ok(['get', 'deployment', 'frontend']);
      assert.match(deploy, /frontend\s+5\/5\s+5\s+5/);
      await lb.readsBack(entry, 10);
      await ok(['scale', 'deployment/frontend', '--replicas=2']);
      await readyCount('app=guestbook,tier=frontend', 2);
      await until('2 ready frontend endpoints', async () =>
        (await readyEndpoints('frontend')) === 2 ? 'yes' : '',
      );
      await lb.readsBack(entry, 10);
    });

    step('ingress', 'serves through the Ingress at guestbook.localhost', ['apply'], async () => {
      const ip = await until(
        'an address for ingress/frontend',
        jsonpath(['get', 'ingress', 'frontend'], '{.status.loadBalancer.ingress[0].ip}'),
      );
      assert.equal(ip, '127.0.0.1');
      const page = await httpGet(`http://${ip}/`, 'guestbook.localhost');
      assert.equal(page.status, 200, page.body);
      assert.match(page.body, /<title>Guestbook<\/title>/);
      const ingress = guestbook(`http://${ip}`, 'guestbook.localhost');
      // The entries signed through the LoadBalancer, when that step passed.
      if (entry) await ingress.readsBack(entry);
      else assert.equal(typeof (await ingress.read()), 'string');
      const other = await httpGet(`http://${ip}/`, 'elsewhere.localhost');
      assert.equal(other.status, 404);
    });
  });
});
