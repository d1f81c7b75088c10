/**
 * Service account tokens through a real server and the real kubectl: TokenRequest errors
 * as Status objects, `kubectl create token`, `kubectl auth whoami --token`, tokens bound
 * to a pod dying with the pod, tokens of a deleted ServiceAccount refused, and the
 * kube-api-access volume and kube-root-ca.crt ConfigMap on new pods and namespaces, and
 * TokenReviews answered for service account tokens and their audiences.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClientFor } from '../support/api-client.js';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';
import { until } from '../support/until.js';

const TOKEN = '/api/v1/namespaces/default/serviceaccounts/default/token';

function tokenRequest(spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
}

describe('service account tokens', { skip: hasKubectl() ? false : 'kubectl 1.32 not installed' }, () => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClientFor>;
  let kubectl: ReturnType<typeof kubectlFor>;
  let home: string;
  before(async () => {
    server = await startServer();
    api = apiClientFor(server.kubeconfig);
    home = mkdtempSync(join(tmpdir(), 'k8ts-sa-'));
    kubectl = kubectlFor(server.kubeconfig, home);
    await until('default service account', async () => {
      const r = await api('GET', '/api/v1/namespaces/default/serviceaccounts/default');
      return r.status === 200 ? true : undefined;
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const asToken = (token: string, path: string) =>
    api('GET', path, { anonymous: true, headers: { authorization: `Bearer ${token}` } });

  it('answers bad TokenRequests with Status errors', async () => {
    const short = await api('POST', TOKEN, { body: tokenRequest({ expirationSeconds: 599 }) });
    assert.equal(short.status, 422, short.body);
    const s = short.json();
    assert.equal(s['reason'], 'Invalid');
    assert.match(
      String(s['message']),
      /spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes/,
    );
    assert.deepEqual(
      ((s['details'] as Record<string, unknown>)['causes'] as Record<string, unknown>[]).map(
        (c) => c['field'],
      ),
      ['spec.expirationSeconds'],
    );
    const missing = await api('POST', '/api/v1/namespaces/default/serviceaccounts/ghost/token', {
      body: tokenRequest({}),
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.json()['message'], 'serviceaccounts "ghost" not found');
    const noPod = await api('POST', TOKEN, {
      body: tokenRequest({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'nope' } }),
    });
    assert.equal(noPod.status, 404);
    const badKind = await api('POST', TOKEN, {
      body: tokenRequest({ boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } }),
    });
    assert.equal(badKind.status, 400);
    assert.equal(badKind.json()['reason'], 'BadRequest');
  });

  it('kubectl create token gives a token that kubectl auth whoami accepts', async () => {
    const created = await kubectl(['create', 'token', 'default', '--duration', '20m']);
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(claims['sub'], 'system:serviceaccount:default:default');
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 1200);
    const who = await kubectl(['auth', 'whoami', '--token', token, '-o', 'json']);
    assert.equal(who.code, 0, who.stderr);
    const info = (JSON.parse(who.stdout) as { status: { userInfo: Record<string, unknown> } }).status
      .userInfo;
    assert.equal(info['username'], 'system:serviceaccount:default:default');
    assert.deepEqual(info['groups'], [
      'system:serviceaccounts',
      'system:serviceaccounts:default',
      'system:authenticated',
    ]);
    // Authorization is unchanged: a service account is not a cluster admin.
    const pods = await asToken(token, '/api/v1/namespaces/default/pods');
    assert.equal(pods.status, 403);
    assert.match(String(pods.json()['message']), /User "system:serviceaccount:default:default" cannot list/);
    const tampered = `${token.slice(0, -4)}AAAA`;
    assert.equal((await asToken(tampered, '/apis/authentication.k8s.io/v1/selfsubjectreviews')).status, 401);
    const audience = await kubectl(['create', 'token', 'default', '--audience', 'vault']);
    assert.equal(audience.code, 0, audience.stderr);
    const refused = await kubectl(['auth', 'whoami', '--token', audience.stdout.trim()]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Unauthorized|must be logged in/);
  });

  it('answers TokenReviews created with kubectl: who a token is, for which audiences', async () => {
    const review = async (spec: Record<string, unknown>) => {
      // kubectl validates kinds without a PATCH operation against /openapi/v2 (protobuf).
      const r = await kubectl(['create', '-o', 'json', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec }),
      });
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { status: Record<string, unknown> }).status;
    };
    const token = (await kubectl(['create', 'token', 'default'])).stdout.trim();
    const ok = await review({ token });
    assert.equal(ok['authenticated'], true);
    const user = ok['user'] as Record<string, unknown>;
    assert.equal(user['username'], 'system:serviceaccount:default:default');
    assert.ok((user['groups'] as string[]).includes('system:serviceaccounts:default'));
    assert.equal(typeof user['uid'], 'string');
    assert.deepEqual(ok['audiences'], ['https://kubernetes.default.svc.cluster.local']);
    const vault = (await kubectl(['create', 'token', 'default', '--audience', 'vault'])).stdout.trim();
    const forVault = await review({ token: vault, audiences: ['vault', 'other'] });
    assert.equal(forVault['authenticated'], true);
    assert.deepEqual(forVault['audiences'], ['vault']);
    const wrongAudience = await review({ token: vault });
    assert.notEqual(wrongAudience['authenticated'], true);
    assert.match(String(wrongAudience['error']), /audiences/);
    const bogus = await review({ token: `${token.slice(0, -4)}AAAA` });
    assert.notEqual(bogus['authenticated'], true);
    assert.match(String(bogus['error']), /^\[invalid bearer token, /);
    const empty = await kubectl(['create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} }),
    });
    assert.notEqual(empty.code, 0);
    assert.match(empty.stderr, /token is required for TokenReview in authentication/);
    // A misspelt field is caught by kubectl itself, against the definitions of /openapi/v2.
    const typo = await kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { tokn: 'x' },
      }),
    });
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /unknown field "tokn" in io\.k8s\.api\.authentication\.v1\.TokenReviewSpec/);
  });

  it('a new pod gets the API access volume, and its bound token dies with it', async () => {
    const ns = await api('POST', '/api/v1/namespaces', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sa-test' } }),
    });
    assert.equal(ns.status, 201, ns.body);
    const ca = await until('kube-root-ca.crt in sa-test', async () => {
      const r = await api('GET', '/api/v1/namespaces/sa-test/configmaps/kube-root-ca.crt');
      return r.status === 200 ? (r.json()['data'] as Record<string, string>)['ca.crt'] : undefined;
    });
    assert.match(ca, /BEGIN CERTIFICATE/);
    await until('sa-test default service account', async () => {
      const r = await api('GET', '/api/v1/namespaces/sa-test/serviceaccounts/default');
      return r.status === 200 ? true : undefined;
    });
    const run = await kubectl(['-n', 'sa-test', 'run', 'web', '--image', 'busybox', '--restart', 'Never']);
    assert.equal(run.code, 0, run.stderr);
    const pod = (await api('GET', '/api/v1/namespaces/sa-test/pods/web')).json() as {
      metadata: { uid: string };
      spec: Record<string, unknown>;
    };
    assert.equal(pod.spec['serviceAccountName'], 'default');
    const volumes = pod.spec['volumes'] as { name: string }[];
    assert.match(volumes[0]?.name ?? '', /^kube-api-access-/);
    const mounts = (pod.spec['containers'] as { volumeMounts: unknown[] }[])[0]?.volumeMounts;
    assert.deepEqual(mounts, [
      { name: volumes[0]?.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ]);

    const bound = await api('POST', '/api/v1/namespaces/sa-test/serviceaccounts/default/token', {
      body: tokenRequest({
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: pod.metadata.uid },
      }),
    });
    assert.equal(bound.status, 201, bound.body);
    const token = (bound.json()['status'] as { token: string }).token;
    const k8s = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())['kubernetes.io'];
    assert.deepEqual(k8s.pod, { name: 'web', uid: pod.metadata.uid });
    const review = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
    const whoami = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    const post = (t: string) =>
      api('POST', review, { anonymous: true, body: whoami, headers: { authorization: `Bearer ${t}` } });
    assert.equal((await post(token)).status, 201);

    const wrongUid = await api('POST', '/api/v1/namespaces/sa-test/serviceaccounts/default/token', {
      body: tokenRequest({ boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'other' } }),
    });
    assert.equal(wrongUid.status, 409);

    const del = await kubectl(['-n', 'sa-test', 'delete', 'pod', 'web', '--grace-period=0', '--force']);
    assert.equal(del.code, 0, del.stderr);
    await until('bound token refused', async () => ((await post(token)).status === 401 ? true : undefined));

    const plain = await kubectl(['-n', 'sa-test', 'create', 'token', 'default']);
    assert.equal((await post(plain.stdout.trim())).status, 201);
    const sa = await kubectl(['-n', 'sa-test', 'delete', 'serviceaccount', 'default']);
    assert.equal(sa.code, 0, sa.stderr);
    await until('token of the deleted account refused', async () =>
      (await post(plain.stdout.trim())).status === 401 ? true : undefined,
    );
  });
});
