/**
 * The kubectl scenario: the real kubectl 1.32 against a real k8ts server, covering what
 * users do every day (apply, get in every output, describe, edit, label, annotate, patch,
 * scale, delete with each cascade, watch, diff, explain, discovery, whoami). Run once per
 * storage backend by kubectl.test.ts.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlFor, kubectlStream } from '../support/kubectl.js';
import type { RunningServer } from '../support/server.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        ports: [{containerPort: 80}]
`;

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function kubectlScenario(name: string, start: () => Promise<RunningServer>): void {
  describe(`kubectl against k8ts (${name})`, () => {
    let server: RunningServer;
    let dir: string;
    let k: ReturnType<typeof kubectlFor>;
    const ok = async (args: string[], input?: string) => {
      const r = await k(args, input === undefined ? {} : { input });
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };

    before(async () => {
      server = await start();
      dir = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-'));
      k = kubectlFor(server.kubeconfig, dir);
    });
    after(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports version, discovery and the caller', async () => {
      assert.match(await ok(['version']), /Server Version: v1\.32\./);
      const resources = await ok(['api-resources']);
      for (const r of ['deployments', 'pods', 'configmaps', 'customresourcedefinitions', 'leases']) {
        assert.match(resources, new RegExp(`^${r}\\s`, 'm'));
      }
      const versions = await ok(['api-versions']);
      for (const v of ['apps/v1', 'batch/v1', 'v1', 'rbac.authorization.k8s.io/v1', 'autoscaling/v2']) {
        assert.match(versions, new RegExp(`^${v.replace('/', '\\/')}$`, 'm'));
      }
      const who = await ok(['auth', 'whoami', '-o', 'json']);
      const review = JSON.parse(who) as { status: { userInfo: { username: string; groups: string[] } } };
      assert.equal(review.status.userInfo.username, 'admin');
      assert.ok(review.status.userInfo.groups.includes('system:masters'));
      assert.match(await ok(['get', 'ns']), /^kube-system\s+Active/m);
    });

    it('applies, then gets as table, wide, yaml, json, jsonpath, with labels and sorting', async () => {
      assert.match(await ok(['apply', '-f', '-'], DEPLOYMENT), /deployment.apps\/web created/);
      for (const n of ['b', 'a', 'c'])
        await ok(
          ['create', '-f', '-'],
          `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${n}","labels":{"x":"${n}"}},"data":{"k":"${n}"}}`,
        );
      const table = await ok(['get', 'deploy']);
      assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
      assert.match(table, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
      assert.match(
        await ok(['get', 'deploy', '-o', 'wide']),
        /CONTAINERS\s+IMAGES\s+SELECTOR[\s\S]*busybox:1\.36\s+app=web/,
      );
      assert.match(await ok(['get', 'deploy', 'web', '-o', 'yaml']), /replicas: 2/);
      const obj = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json'])) as {
        metadata: { uid: string; generation: number };
      };
      assert.ok(obj.metadata.uid);
      assert.equal(obj.metadata.generation, 1);
      assert.equal(
        await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
        'busybox:1.36',
      );
      assert.match(await ok(['get', 'cm', '--show-labels']), /^a\s+1\s+\S+\s+x=a$/m);
      assert.match(
        await ok(['get', 'cm', '-l', 'x in (a,c)', '-o', 'name']),
        /^configmap\/a\nconfigmap\/c\n$/,
      );
      assert.equal(
        await ok([
          'get',
          'cm',
          '-l',
          'x',
          '--sort-by',
          '.data.k',
          '-o',
          'jsonpath={.items[*].metadata.name}',
        ]),
        'a b c',
      );
      const all = await ok(['get', 'cm', '-A']);
      assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/m);
      assert.match(all, /^default\s+b\s+1/m);
      assert.match(await ok(['get', 'all']), /deployment.apps\/web/);
    });

    it('describes, labels, annotates and patches with all three patch types', async () => {
      assert.match(await ok(['describe', 'deploy', 'web']), /Replicas:\s+2 desired/);
      await ok(['label', 'deploy', 'web', 'team=blue']);
      await ok(['annotate', 'deploy', 'web', 'note=hello']);
      await ok([
        'patch',
        'deploy',
        'web',
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"busybox:1.37"}]}}}}',
      ]);
      await ok(['patch', 'deploy', 'web', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":null}}}']);
      await ok([
        'patch',
        'deploy',
        'web',
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/spec/replicas","value":4}]',
      ]);
      const d = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json'])) as {
        metadata: { labels: Record<string, string>; annotations: Record<string, string>; generation: number };
        spec: { replicas: number; template: { spec: { containers: { image: string; ports: unknown[] }[] } } };
      };
      assert.deepEqual(d.metadata.labels, { app: 'web', team: 'blue' });
      assert.equal(d.metadata.annotations['note'], 'hello');
      assert.equal(d.spec.replicas, 4);
      assert.equal(d.spec.template.spec.containers[0]!.image, 'busybox:1.37');
      assert.equal(d.spec.template.spec.containers[0]!.ports.length, 1, 'strategic merge kept the ports');
      assert.equal(d.metadata.generation, 3, 'generation follows spec changes only');
      const bad = await k([
        'patch',
        'deploy',
        'web',
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/replicas","value":9}]',
      ]);
      assert.notEqual(bad.code, 0);
    });

    it('scales, edits through $EDITOR, and diffs', async () => {
      await ok(['scale', 'deploy', 'web', '--replicas=6']);
      assert.equal(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '6');
      const editor = join(dir, 'editor.sh');
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/note: hello/note: edited/" "$1"\n');
      chmodSync(editor, 0o755);
      const edited = await k(['edit', 'deploy', 'web'], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
      assert.equal(edited.code, 0, edited.stderr);
      assert.equal(
        await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.note}']),
        'edited',
      );
      const diff = await k(['diff', '-f', '-'], { input: DEPLOYMENT.replace('replicas: 2', 'replicas: 7') });
      assert.equal(diff.code, 1, `diff exits 1 when there are differences: ${diff.stderr}`);
      assert.match(diff.stdout, /\+\s+replicas: 7/);
      assert.equal(
        await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']),
        '6',
        'diff changed nothing',
      );
    });

    it('explains fields from the OpenAPI schemas', async () => {
      assert.match(await ok(['explain', 'deployment.spec.replicas']), /Number of desired pods/);
      assert.match(await ok(['explain', 'pods.spec.containers.image']), /Container image name/);
    });

    it('rejects unknown fields under strict validation', async () => {
      const r = await k(['apply', '-f', '-'], { input: DEPLOYMENT.replace('replicas: 2', 'replicass: 2') });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /unknown field "spec.replicass"/);
    });

    it('refuses quantities that do not parse (400) and requests above limits (422)', async () => {
      const quantityPod = (name: string, resources: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: c, image: busybox:1.36, resources: ${resources}}]
`;
      const bad = await k(['create', '-f', '-'], { input: quantityPod('q1', '{requests: {cpu: lots}}') });
      assert.notEqual(bad.code, 0);
      assert.equal(
        bad.stderr.trim(),
        `Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      );
      const over = await k(['create', '-f', '-'], {
        input: quantityPod('q2', "{requests: {cpu: '2', memory: '-1'}, limits: {cpu: 1000m}}"),
      });
      assert.notEqual(over.code, 0);
      assert.equal(
        over.stderr.trim(),
        'The Pod "q2" is invalid: \n* spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1\n* spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
      );
      assert.match((await k(['get', 'pod', 'q1', 'q2'])).stderr, /not found/);
    });

    it('watches with get -w', async () => {
      const w = kubectlStream(server.kubeconfig, dir, ['get', 'cm', '-w', '--output-watch-events']);
      await until('the initial listing', async () => (/\bb\s+1\s/.test(w.output()) ? true : undefined));
      await ok([
        'create',
        'configmap',
        'watched',
        '--from-literal=z=1',
        '--dry-run=client',
        '-o',
        'json',
      ]).then((j) => ok(['create', '-f', '-'], j));
      await ok(['delete', 'cm', 'watched']);
      const out = await until('the watch events', async () => {
        const o = w.output();
        return /ADDED\s+watched/.test(o) && /DELETED\s+watched/.test(o) ? o : undefined;
      });
      await w.stop();
      assert.match(out, /ADDED\s+watched/);
    });

    it('deletes with each cascade policy and stores the finalizers they need', async () => {
      for (const n of ['bg', 'fg', 'or'])
        await ok(['create', '-f', '-'], DEPLOYMENT.replace('name: web', `name: ${n}`));
      await ok(['delete', 'deploy', 'bg', '--cascade=background']);
      assert.match((await k(['get', 'deploy', 'bg'])).stderr, /NotFound|not found/);
      await ok(['delete', 'deploy', 'fg', '--cascade=foreground', '--wait=false']);
      const fg = JSON.parse(await ok(['get', 'deploy', 'fg', '-o', 'json'])) as {
        metadata: { finalizers: string[]; deletionTimestamp: string };
      };
      assert.deepEqual(fg.metadata.finalizers, ['foregroundDeletion']);
      assert.ok(fg.metadata.deletionTimestamp);
      await ok(['delete', 'deploy', 'or', '--cascade=orphan', '--wait=false']);
      const or = JSON.parse(await ok(['get', 'deploy', 'or', '-o', 'json'])) as {
        metadata: { finalizers: string[] };
      };
      assert.deepEqual(or.metadata.finalizers, ['orphan']);
      // Removing the last finalizer completes the deletion.
      await ok(['patch', 'deploy', 'or', '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']);
      assert.match((await k(['get', 'deploy', 'or'])).stderr, /not found/);
      await ok(['delete', 'cm', '-l', 'x']);
      assert.equal(await ok(['get', 'cm', '-l', 'x', '-o', 'name']), '');
    });
  });
}
