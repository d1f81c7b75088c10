/**
 * Service addresses through the real kubectl 1.32 and a real `k8ts server` (no agent):
 * `create service`, `expose`, `get svc` show the allocated ClusterIPs and NodePorts; a
 * duplicate explicit ClusterIP or NodePort fails with kubectl's printed error; and after a
 * restart of the server on the same data directory the addresses are still taken.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';

const SKIP = hasKubectl() ? false : 'kubectl 1.32 is not installed';

describe('Service address allocation with kubectl', { skip: SKIP }, () => {
  let server: RunningServer | undefined;
  let dataDir: string;
  let cache: string;
  let k: ReturnType<typeof kubectlFor>;
  const args = [
    '--controllers=serviceaccount',
    '--service-cidr',
    '10.43.0.0/16',
    '--service-node-port-range',
    '30000-30999',
  ];

  const ok = async (cmd: string[]) => {
    const r = await k(cmd);
    assert.equal(r.code, 0, `kubectl ${cmd.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const clusterIPOf = async (name: string) => ok(['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}']);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-svc-'));
    cache = mkdtempSync(join(tmpdir(), 'k8ts-e2e-svc-kube-'));
    server = await startServer({ dataDir, keepDataDir: true, args });
    k = kubectlFor(server.kubeconfig, cache);
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('allocates addresses for create service and expose, and get svc shows them', async () => {
    await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    await ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080']);
    await ok(['create', 'deployment', 'app', '--image=busybox', '--port=8080']);
    await ok(['expose', 'deployment', 'app', '--port=80', '--target-port=8080', '--type=NodePort']);
    const web = await clusterIPOf('web');
    const app = await clusterIPOf('app');
    assert.match(web, /^10\.43\.\d+\.\d+$/);
    assert.match(app, /^10\.43\.\d+\.\d+$/);
    assert.notEqual(web, app);
    const table = await ok(['get', 'svc']);
    const row = (name: string) => table.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    assert.match(row('kubernetes'), /^kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP\s/);
    // The API server publishes itself as the kubernetes Service's endpoint.
    const apiPort = new URL(server?.url ?? '').port;
    assert.equal(
      await ok([
        'get',
        'endpoints',
        'kubernetes',
        '-o',
        'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}',
      ]),
      `127.0.0.1:${apiPort}`,
    );
    assert.equal(
      await ok([
        'get',
        'endpointslice',
        'kubernetes',
        '-o',
        'jsonpath={.endpoints[0].addresses[0]}:{.ports[0].port}',
      ]),
      `127.0.0.1:${apiPort}`,
    );
    assert.match(
      row('web'),
      new RegExp(`^web\\s+ClusterIP\\s+${web.replaceAll('.', '\\.')}\\s+<none>\\s+80/TCP\\s`),
    );
    assert.match(row('np'), /^np\s+NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:30080\/TCP\s/);
    const appPort = await ok(['get', 'svc', 'app', '-o', 'jsonpath={.spec.ports[0].nodePort}']);
    assert.ok(
      Number(appPort) >= 30000 && Number(appPort) <= 30999,
      `nodePort ${appPort} in the configured range`,
    );
    assert.match(
      row('app'),
      new RegExp(`^app\\s+NodePort\\s+${app.replaceAll('.', '\\.')}\\s+<none>\\s+80:${appPort}/TCP\\s`),
    );
  });

  it('prints upstream’s error for a duplicate ClusterIP or NodePort', async () => {
    const web = await clusterIPOf('web');
    const dup = await k(['create', 'service', 'clusterip', 'dup', `--clusterip=${web}`, '--tcp=80']);
    assert.equal(dup.code, 1);
    assert.equal(
      dup.stderr.trim(),
      `error: failed to create ClusterIP service: Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"${web}"}: failed to allocate IP ${web}: provided IP is already allocated`,
    );
    const port = await k(['create', 'service', 'nodeport', 'dup2', '--tcp=80', '--node-port=30080']);
    assert.equal(port.code, 1);
    assert.equal(
      port.stderr.trim(),
      'error: failed to create NodePort service: Service "dup2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    const out = await k(['create', 'service', 'clusterip', 'out', '--clusterip=10.44.0.1', '--tcp=80']);
    assert.match(
      out.stderr,
      /the provided IP \(10\.44\.0\.1\) is not in the valid range\. The range of valid IPs is 10\.43\.0\.0\/16/,
    );
    const none = await k(['get', 'svc', 'dup', 'dup2', 'out', '--ignore-not-found', '-o', 'name']);
    assert.equal(none.stdout.trim(), '');
  });

  it('keeps addresses taken across a restart and frees them on delete', async () => {
    const web = await clusterIPOf('web');
    await server?.stop();
    server = await startServer({ dataDir, keepDataDir: true, args });
    k = kubectlFor(server.kubeconfig, cache);
    assert.equal(await clusterIPOf('web'), web);
    const dup = await k(['create', 'service', 'clusterip', 'dup', `--clusterip=${web}`, '--tcp=80']);
    assert.match(dup.stderr, /provided IP is already allocated/);
    await ok(['delete', 'svc', 'web', 'np']);
    await ok(['create', 'service', 'clusterip', 'again', `--clusterip=${web}`, '--tcp=80']);
    assert.equal(await clusterIPOf('again'), web);
    await ok(['create', 'service', 'nodeport', 'np-again', '--tcp=80', '--node-port=30080']);
  });
});
