/**
 * End-to-end: server-side apply with the real kubectl 1.32 against a real `k8ts server`.
 * Creates a Deployment with `kubectl apply --server-side`, scales it (an update through the
 * scale subresource), checks that the next apply conflicts on .spec.replicas with the API
 * server's message and that --force-conflicts takes the field back, and reads the
 * managedFields entries each step leaves. Also: a label set by `kubectl label`, pruning of
 * a label the applier dropped, no-op applies, dry runs, and service ports keyed by port and
 * protocol.
 *
 * Every wait is bounded; the server and the temporary directory are removed afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, KUBECTL, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

const deployment = (opts: { replicas?: number; labels?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
  labels: ${opts.labels ?? '{app: ssa, tier: front}'}
spec:
  replicas: ${opts.replicas ?? 2}
  selector:
    matchLabels: {app: ssa}
  template:
    metadata:
      labels: {app: ssa}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  selector: {app: dns}
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53}
`;

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Obj {
  metadata: { resourceVersion: string; labels?: Record<string, string>; managedFields?: Entry[] };
  spec: Record<string, unknown>;
}

/** kubectl names an unnamed writer after its binary, as its User-Agent does. */
const KUBECTL_AGENT = basename(KUBECTL);

describe('server-side apply with kubectl', { skip: !hasKubectl() && 'kubectl 1.32 not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  const run = (args: string[], input?: string) => k(args, input === undefined ? {} : { input });
  const ok = async (args: string[], input?: string) => {
    const r = await run(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const get = async (what: string[]): Promise<Obj> =>
    JSON.parse(await ok(['get', ...what, '-o', 'json', '--show-managed-fields'])) as Obj;
  const entry = (o: Obj, manager: string, operation: string) =>
    o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);
  const owns = (e: Entry | undefined, fragment: string) =>
    !!e && JSON.stringify(e.fieldsV1).includes(fragment);

  before(async () => {
    // What the API records, without controllers writing to the same objects.
    server = await startServer({ args: ['--controllers=serviceaccount'] });
    dir = mkdtempSync(join(tmpdir(), 'k8ts-ssa-'));
    k = kubectlFor(server.kubeconfig, dir);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates with one Apply entry for kubectl', async () => {
    assert.match(
      await ok(['apply', '--server-side', '-f', '-'], deployment()),
      /deployment.apps\/ssa serverside-applied/,
    );
    const d = await get(['deploy', 'ssa']);
    assert.equal(d.metadata.managedFields?.length, 1);
    const e = d.metadata.managedFields![0]!;
    assert.equal(e.manager, 'kubectl');
    assert.equal(e.operation, 'Apply');
    assert.equal(e.apiVersion, 'apps/v1');
    assert.equal(e.fieldsType, 'FieldsV1');
    assert.match(e.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(e.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('does not write when the same configuration is applied again', async () => {
    const before = (await get(['deploy', 'ssa'])).metadata.resourceVersion;
    await ok(['apply', '--server-side', '-f', '-'], deployment());
    assert.equal((await get(['deploy', 'ssa'])).metadata.resourceVersion, before);
  });

  it('moves replicas to the scaler, then conflicts on them', async () => {
    await ok(['scale', 'deploy', 'ssa', '--replicas=5']);
    const d = await get(['deploy', 'ssa']);
    assert.equal(d.spec['replicas'], 5);
    const scaler = entry(d, KUBECTL_AGENT, 'Update');
    assert.equal(scaler?.subresource, 'scale');
    assert.deepEqual(scaler?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.ok(!owns(entry(d, 'kubectl', 'Apply'), 'f:replicas'), 'the applier lost replicas');

    const r = await run(['apply', '--server-side', '-f', '-'], deployment());
    assert.notEqual(r.code, 0);
    assert.ok(
      r.stderr.includes(
        `Apply failed with 1 conflict: conflict with "${KUBECTL_AGENT}" with subresource "scale" using apps/v1: .spec.replicas`,
      ),
      r.stderr,
    );
    assert.equal((await get(['deploy', 'ssa'])).spec['replicas'], 5, 'nothing was written');
  });

  it('takes replicas back with --force-conflicts', async () => {
    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment());
    const d = await get(['deploy', 'ssa']);
    assert.equal(d.spec['replicas'], 2);
    assert.equal(entry(d, KUBECTL_AGENT, 'Update'), undefined, 'the scaler owned nothing else');
    assert.ok(owns(entry(d, 'kubectl', 'Apply'), '"f:replicas":{}'));
  });

  it('conflicts with kubectl label on a label, and prunes a label it stopped applying', async () => {
    await ok(['label', 'deploy', 'ssa', 'team=blue']);
    let d = await get(['deploy', 'ssa']);
    assert.deepEqual(entry(d, 'kubectl-label', 'Update')?.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:team': {} } },
    });
    const r = await run(
      ['apply', '--server-side', '-f', '-'],
      deployment({ labels: '{app: ssa, tier: front, team: red}' }),
    );
    assert.ok(
      r.stderr.includes(
        'Apply failed with 1 conflict: conflict with "kubectl-label" using apps/v1: .metadata.labels.team',
      ),
      r.stderr,
    );
    await ok(['apply', '--server-side', '-f', '-'], deployment({ labels: '{app: ssa}' }));
    d = await get(['deploy', 'ssa']);
    assert.deepEqual(d.metadata.labels, { app: 'ssa', team: 'blue' }, 'tier pruned, team kept');
  });

  it('changes nothing on a server-side dry run', async () => {
    const before = await get(['deploy', 'ssa']);
    const out = await ok(
      ['apply', '--server-side', '--dry-run=server', '-o', 'json', '-f', '-'],
      deployment({ replicas: 4, labels: '{app: ssa}' }),
    );
    assert.equal((JSON.parse(out) as Obj).spec['replicas'], 4);
    assert.equal((await get(['deploy', 'ssa'])).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('keys service ports by port and protocol', async () => {
    await ok(['apply', '--server-side', '-f', '-'], SERVICE);
    const s = await get(['svc', 'dns']);
    const spec = entry(s, 'kubectl', 'Apply')!.fieldsV1['f:spec'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(spec['f:ports']!), [
      'k:{"port":53,"protocol":"TCP"}',
      'k:{"port":53,"protocol":"UDP"}',
    ]);
  });
});
