/**
 * A real pod's service account token: the kubelet projects the kube-api-access volume
 * (a token bound to the pod, the cluster CA and the namespace) into the container, and
 * the token read back with `kubectl exec` authenticates against the API server from the
 * host as the pod's service account. Skipped without root, containerd or kubectl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiClientFor } from '../support/api-client.js';
import { hasKubectl } from '../support/kubectl.js';
import { type RealNode, startRealNode } from '../support/node.js';
import { BUSYBOX_IMAGE, realContainersUnavailable } from '../support/registry.js';
import type { RunningServer } from '../support/server.js';

const NODE = 'e2e-sa';
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const skip = !hasKubectl() ? 'kubectl 1.32 is not installed' : await realContainersUnavailable();

describe('service account token in a real pod', { skip: skip ?? false, timeout: 300_000 }, () => {
  let node: RealNode | undefined;
  let server: RunningServer;
  let kubectl: RealNode['kubectl'];

  before(async () => {
    node = await startRealNode(NODE);
    ({ server, kubectl } = node);
  });

  after(async () => {
    await node?.stop();
  });

  test('the mounted token authenticates as the pod service account', async () => {
    for (let i = 0; i < 60; i++) {
      if ((await kubectl(['get', 'serviceaccount', 'default'])).code === 0) break;
      await sleep(500);
    }
    const run = await kubectl([
      'run',
      'sa-pod',
      '--image',
      BUSYBOX_IMAGE,
      '--restart',
      'Never',
      '--',
      'sleep',
      '3600',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod/sa-pod', '--timeout=120s'], {
      timeoutMs: 130_000,
    });
    assert.equal(wait.code, 0, `${wait.stderr}\n${(await kubectl(['describe', 'pod', 'sa-pod'])).stdout}`);

    const ls = await kubectl(['exec', 'sa-pod', '--', 'ls', MOUNT]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.deepEqual(ls.stdout.split(/\s+/).filter(Boolean).sort(), ['ca.crt', 'namespace', 'token']);
    const ns = await kubectl(['exec', 'sa-pod', '--', 'cat', `${MOUNT}/namespace`]);
    assert.equal(ns.stdout, 'default');
    const ca = await kubectl(['exec', 'sa-pod', '--', 'cat', `${MOUNT}/ca.crt`]);
    assert.match(ca.stdout, /BEGIN CERTIFICATE/);
    const cat = await kubectl(['exec', 'sa-pod', '--', 'cat', `${MOUNT}/token`]);
    assert.equal(cat.code, 0, cat.stderr);
    const token = cat.stdout.trim();

    const pod = JSON.parse((await kubectl(['get', 'pod', 'sa-pod', '-o', 'json'])).stdout) as {
      metadata: { uid: string };
    };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      Record<string, Record<string, string>>
    >;
    const k8s = claims['kubernetes.io'] ?? {};
    assert.deepEqual(k8s['pod'], { name: 'sa-pod', uid: pod.metadata.uid });
    assert.equal(k8s['node']?.['name'], NODE);
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 3607);

    const api = apiClientFor(server.kubeconfig);
    const who = await api('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      anonymous: true,
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    });
    assert.equal(who.status, 201, who.body);
    const user = (who.json()['status'] as { userInfo: { username: string } }).userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:default');

    const del = await kubectl(['delete', 'pod', 'sa-pod', '--grace-period=0', '--force']);
    assert.equal(del.code, 0, del.stderr);
  });
});
