/**
 * Persistent volumes end to end: a real `k8ts server --simulated-nodes 1` driven by the
 * real kubectl 1.32. `local-path` is the default StorageClass; a claim without a class
 * waits for its first consumer, the scheduler selects a node for it, the local-path
 * provisioner makes its volume and the binder binds them; deleting the claim deletes the
 * volume. Every wait is bounded; nothing asserts on timing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';
import { until } from '../support/until.js';

const MANIFEST = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: nginx:1.27
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
`;

describe('persistent volumes', { skip: !hasKubectl() && 'kubectl 1.32 not installed' }, () => {
  let server: RunningServer;
  let dir: string;
  let k: ReturnType<typeof kubectlFor>;
  const ok = async (args: string[], input?: string) => {
    const r = await k(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-storage-e2e-'));
    server = await startServer({ args: ['--simulated-nodes', '1'] });
    k = kubectlFor(server.kubeconfig, dir);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists local-path as the default StorageClass', async () => {
    const lines = (await ok(['get', 'sc'])).trim().split('\n');
    assert.match(
      lines[0]!,
      /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/,
    );
    assert.match(
      lines[1]!,
      /^local-path \(default\)\s+k8ts\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$/,
    );
  });

  it('provisions and binds a claim once a pod uses it, and deletes the volume with the claim', async () => {
    await ok(['apply', '-f', '-'], MANIFEST);
    const line = await until('claim Bound', async () => {
      const r = await k(['get', 'pvc', 'data', '--no-headers']);
      return r.code === 0 && /\sBound\s/.test(r.stdout) ? r.stdout.trim() : undefined;
    });
    assert.match(line, /^data\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+.*local-path/);
    const node = await ok(['get', 'pod', 'app', '-o', 'jsonpath={.spec.nodeName}']);
    assert.ok(node, 'the pod is scheduled');
    const annotations = JSON.parse(
      await ok(['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.annotations}']),
    );
    assert.equal(annotations['volume.kubernetes.io/selected-node'], node);
    const volume = await ok(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}']);
    const pv = JSON.parse(await ok(['get', 'pv', volume, '-o', 'json']));
    assert.equal(pv.status.phase, 'Bound');
    assert.equal(pv.spec.hostPath.type, 'DirectoryOrCreate');
    assert.match(pv.spec.hostPath.path, new RegExp(`/${volume}_default_data$`));
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [node]);
    const described = await ok(['describe', 'pvc', 'data']);
    assert.match(described, /ProvisioningSucceeded/);

    await ok(['delete', 'pod', 'app', '--wait=true', '--timeout=60s']);
    await ok(['delete', 'pvc', 'data', '--wait=true', '--timeout=60s']);
    await until('volume deleted', async () => {
      const r = await k(['get', 'pv', volume, '--ignore-not-found', '-o', 'name']);
      return r.code === 0 && r.stdout.trim() === '' ? true : undefined;
    });
  });
});
