/**
 * Deployments end to end: the real kubectl 1.32 against `k8ts server` with simulated
 * nodes (the scheduler binds pods; simulated kubelets make them Running and Ready).
 * Create and scale a Deployment, see a deleted pod replaced, roll out a new image and
 * watch it with `kubectl rollout status`, read `rollout history`, `rollout undo`,
 * `pause`/`resume` and `restart`. Every wait is bounded by a timeout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

type Obj = Record<string, unknown>;

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('deployments with kubectl', { skip: !hasKubectl() && 'kubectl 1.32 is not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  const ok = async (args: string[], timeoutMs?: number) => {
    const r = await k(args, timeoutMs === undefined ? {} : { timeoutMs });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}\n${r.stdout}`);
    return r.stdout;
  };
  /**
   * A kubectl command that patches the Deployment, run again if the API server answers
   * 409 Conflict (as it may to a PATCH racing a controller's status write).
   */
  const mutate = async (args: string[]) => {
    for (let attempt = 0; ; attempt++) {
      const r = await k(args);
      if (r.code !== 0 && /the object has been modified/.test(r.stderr) && attempt < 5) continue;
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}\n${r.stdout}`);
      return r.stdout;
    }
  };
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json'])) as Obj;
  const items = async (args: string[]) => ((await json(args))['items'] ?? []) as Obj[];
  const meta = (o: Obj) =>
    o['metadata'] as { name: string; annotations?: Record<string, string>; deletionTimestamp?: string };
  const rolloutStatus = () => ok(['rollout', 'status', 'deployment/web', '--timeout=90s'], 100_000);

  /** Pods of app=web that are Running, Ready, on a node, and not terminating. */
  async function runningPods(): Promise<Obj[]> {
    const pods = await items(['get', 'pods', '-l', 'app=web']);
    return pods.filter((p) => {
      const status = (p['status'] ?? {}) as { phase?: string; conditions?: Obj[] };
      const ready = (status.conditions ?? []).some((c) => c['type'] === 'Ready' && c['status'] === 'True');
      return (
        !meta(p).deletionTimestamp && status.phase === 'Running' && ready && !!(p['spec'] as Obj)['nodeName']
      );
    });
  }

  const replicaSets = () => items(['get', 'replicasets', '-l', 'app=web']);
  const image = async () =>
    ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

  before(async () => {
    server = await startServer({ args: ['--simulated-nodes', '3'] });
    dir = mkdtempSync(join(tmpdir(), 'k8ts-deployments-'));
    k = kubectlFor(server.kubeconfig, dir);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a Deployment whose pods run on the nodes', async () => {
    assert.match(
      await ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']),
      /deployment.apps\/web created/,
    );
    assert.match(await rolloutStatus(), /deployment "web" successfully rolled out/);
    assert.equal((await runningPods()).length, 3);
    const d = await json(['get', 'deployment', 'web']);
    assert.equal(meta(d).annotations?.['deployment.kubernetes.io/revision'], '1');
    const status = d['status'] as Obj;
    assert.equal(status['readyReplicas'], 3);
    assert.equal(status['availableReplicas'], 3);
    const table = await ok(['get', 'deployment', 'web']);
    assert.match(table, /web\s+3\/3\s+3\s+3/);
  });

  it('scales with kubectl scale', async () => {
    await mutate(['scale', 'deployment/web', '--replicas=5']);
    await rolloutStatus();
    await until('5 running pods', async () => ((await runningPods()).length === 5 ? true : undefined));
    const [rs] = await replicaSets();
    assert.equal((rs!['spec'] as Obj)['replicas'], 5);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web']);
    assert.match(events, /ScalingReplicaSet/);
  });

  it('replaces a deleted pod', async () => {
    const [victim] = await runningPods();
    const name = meta(victim!).name;
    await ok(['delete', 'pod', name, '--wait=false']);
    await until('a replacement', async () => {
      const pods = await runningPods();
      return pods.length === 5 && !pods.some((p) => meta(p).name === name) ? true : undefined;
    });
  });

  it('rolls out a new image, watched by kubectl rollout status, and keeps the history', async () => {
    await mutate(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
    await mutate(['annotate', 'deployment/web', 'kubernetes.io/change-cause=upgrade to 1.26']);
    assert.match(await rolloutStatus(), /successfully rolled out/);
    const pods = await runningPods();
    assert.equal(pods.length, 5);
    for (const p of pods)
      assert.equal(((p['spec'] as Obj)['containers'] as Obj[])[0]!['image'], 'nginx:1.26');
    const history = await until('the change cause in history', async () => {
      const h = await ok(['rollout', 'history', 'deployment/web']);
      return /2\s+upgrade to 1\.26/.test(h) ? h : undefined;
    });
    assert.match(history, /REVISION\s+CHANGE-CAUSE/);
    assert.match(history, /^1\s+<none>/m);
    const rev2 = await ok(['rollout', 'history', 'deployment/web', '--revision=2']);
    assert.match(rev2, /nginx:1\.26/);
    assert.equal((await replicaSets()).length, 2);
  });

  it('rolls back with kubectl rollout undo', async () => {
    assert.match(await mutate(['rollout', 'undo', 'deployment/web']), /deployment.apps\/web rolled back/);
    await rolloutStatus();
    assert.equal(await image(), 'nginx:1.25');
    const sets = await replicaSets();
    assert.equal(sets.length, 2, 'the old ReplicaSet is reused');
    const revisions = sets.map((rs) => meta(rs).annotations?.['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revisions, ['2', '3']);
    const history = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^3\s+/m);
    assert.doesNotMatch(history, /^1\s+/m);
  });

  it('does not roll while paused, and rolls after resume', async () => {
    assert.match(await mutate(['rollout', 'pause', 'deployment/web']), /deployment.apps\/web paused/);
    await mutate(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    await until('the change observed', async () => {
      const d = await json(['get', 'deployment', 'web']);
      const m = d['metadata'] as { generation: number };
      return (d['status'] as Obj)['observedGeneration'] === m.generation ? true : undefined;
    });
    assert.equal((await replicaSets()).length, 2, 'no new ReplicaSet while paused');
    const undo = await k(['rollout', 'undo', 'deployment/web']);
    assert.notEqual(undo.code, 0, 'kubectl refuses to undo a paused Deployment');
    assert.match(await mutate(['rollout', 'resume', 'deployment/web']), /deployment.apps\/web resumed/);
    await rolloutStatus();
    assert.equal((await replicaSets()).length, 3);
    for (const p of await runningPods())
      assert.equal(((p['spec'] as Obj)['containers'] as Obj[])[0]!['image'], 'nginx:1.27');
  });

  it('restarts with kubectl rollout restart', async () => {
    const before = new Set((await runningPods()).map((p) => meta(p).name));
    assert.match(await mutate(['rollout', 'restart', 'deployment/web']), /deployment.apps\/web restarted/);
    await rolloutStatus();
    const after = await until('only new pods', async () => {
      const pods = await runningPods();
      return pods.length === 5 && pods.every((p) => !before.has(meta(p).name)) ? pods : undefined;
    });
    const tpl = (after[0]!['metadata'] as { annotations?: Record<string, string> }).annotations ?? {};
    assert.ok(tpl['kubectl.kubernetes.io/restartedAt'], 'pods carry the restart annotation');
    assert.equal((await replicaSets()).length, 4);
  });
});
