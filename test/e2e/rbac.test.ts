/**
 * RBAC through a real server and the real kubectl: a service account's token is refused
 * with upstream's Forbidden message until a RoleBinding grants `view`; `kubectl auth can-i`
 * (with --as impersonation and --list) answers from the same policy; a Role granting more
 * than its creator holds is refused; the token reads the service account issuer discovery
 * documents, whose key verifies the token.
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClientFor } from '../support/api-client.js';
import { hasKubectl, kubectlFor } from '../support/kubectl.js';
import { type RunningServer, startServer } from '../support/server.js';
import { until } from '../support/until.js';

/** A kubeconfig for the same server that authenticates with `token` only. */
function tokenKubeconfig(adminKubeconfig: string, token: string, path: string): void {
  const admin = readFileSync(adminKubeconfig, 'utf8');
  const server = /server:\s*(\S+)/.exec(admin)?.[1] ?? '';
  const ca = /certificate-authority-data:\s*(\S+)/.exec(admin)?.[1] ?? '';
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: sa',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: sa',
      '  context: {cluster: c, user: sa, namespace: team}',
      'current-context: sa',
      '',
    ].join('\n'),
  );
}

describe('RBAC', { skip: hasKubectl() ? false : 'kubectl 1.32 not installed' }, () => {
  let server: RunningServer;
  let home: string;
  let admin: ReturnType<typeof kubectlFor>;
  let asSa: ReturnType<typeof kubectlFor>;
  let token: string;
  let api: ReturnType<typeof apiClientFor>;
  before(async () => {
    server = await startServer();
    home = mkdtempSync(join(tmpdir(), 'k8ts-rbac-'));
    admin = kubectlFor(server.kubeconfig, home);
    api = apiClientFor(server.kubeconfig);
    assert.equal((await admin(['create', 'namespace', 'team'])).code, 0);
    const sa = await until('service account created', async () => {
      const r = await admin(['-n', 'team', 'create', 'serviceaccount', 'robot']);
      return r.code === 0 ? r : undefined;
    });
    assert.match(sa.stdout, /serviceaccount\/robot created/);
    const t = await admin(['-n', 'team', 'create', 'token', 'robot']);
    assert.equal(t.code, 0, t.stderr);
    token = t.stdout.trim();
    const cfg = join(home, 'sa.kubeconfig');
    tokenKubeconfig(server.kubeconfig, token, cfg);
    asSa = kubectlFor(cfg, join(home, 'sa'));
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses the token with upstream message until view is bound', async () => {
    const denied = await asSa(['get', 'pods']);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /Error from server \(Forbidden\): pods is forbidden: User "system:serviceaccount:team:robot" cannot list resource "pods" in API group "" in the namespace "team"/,
    );
    const can = await admin([
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'team',
      '--as=system:serviceaccount:team:robot',
    ]);
    assert.equal(can.stdout.trim(), 'no');
    const bound = await admin([
      '-n',
      'team',
      'create',
      'rolebinding',
      'robot-view',
      '--clusterrole=view',
      '--serviceaccount=team:robot',
    ]);
    assert.equal(bound.code, 0, bound.stderr);
    assert.match(bound.stdout, /rolebinding.rbac.authorization.k8s.io\/robot-view created/);
    const listed = await until('pods readable', async () => {
      const r = await asSa(['get', 'pods']);
      return r.code === 0 ? r : undefined;
    });
    assert.match(listed.stderr + listed.stdout, /No resources found in team namespace/);
    const yes = await admin([
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'team',
      '--as=system:serviceaccount:team:robot',
    ]);
    assert.equal(yes.stdout.trim(), 'yes');
    assert.equal((await asSa(['auth', 'can-i', 'create', 'pods'])).stdout.trim(), 'no');
    assert.equal((await asSa(['auth', 'can-i', 'list', 'pods', '-n', 'default'])).stdout.trim(), 'no');
    const list = await asSa(['auth', 'can-i', '--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]/m);
    const rb = await admin(['-n', 'team', 'get', 'rolebinding', 'robot-view', '-o', 'wide']);
    assert.match(rb.stdout, /robot-view\s+ClusterRole\/view\s+\S+\s+team\/robot/);
  });

  it('impersonation needs the impersonate verb', async () => {
    const r = await asSa(['get', 'pods', '--as=alice']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /users "alice" is forbidden: User "system:serviceaccount:team:robot" cannot impersonate resource "users" in API group "" at the cluster scope/,
    );
  });

  it('refuses a Role that grants more than its creator holds', async () => {
    const grant = await admin([
      '-n',
      'team',
      'create',
      'role',
      'role-maker',
      '--verb=create',
      '--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io',
    ]);
    assert.equal(grant.code, 0, grant.stderr);
    const rb = await admin([
      '-n',
      'team',
      'create',
      'rolebinding',
      'robot-role-maker',
      '--role=role-maker',
      '--serviceaccount=team:robot',
    ]);
    assert.equal(rb.code, 0, rb.stderr);
    const ok = await until('role creation allowed', async () => {
      const r = await asSa(['create', 'role', 'pod-reader', '--verb=get', '--resource=pods']);
      return r.code === 0 ? r : undefined;
    });
    assert.match(ok.stdout, /role.rbac.authorization.k8s.io\/pod-reader created/);
    const bad = await asSa(['create', 'role', 'secret-reader', '--verb=get', '--resource=secrets']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "system:serviceaccount:team:robot" \(groups=\["system:serviceaccounts" "system:serviceaccounts:team" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}/,
    );
    const escalate = await asSa([
      'create',
      'rolebinding',
      'me-admin',
      '--clusterrole=admin',
      '--serviceaccount=team:robot',
    ]);
    assert.equal(escalate.code, 1);
    assert.match(
      escalate.stderr,
      /rolebindings.rbac.authorization.k8s.io "me-admin" is forbidden: user "system:serviceaccount:team:robot" .* is attempting to grant RBAC permissions not currently held/,
    );
    // A binding to a role whose rules the creator holds is fine.
    const fine = await asSa(['create', 'rolebinding', 'readers', '--role=pod-reader', '--user=bob']);
    assert.equal(fine.code, 0, fine.stderr);
  });

  it('serves issuer discovery to the token, and its key verifies the token', async () => {
    const conf = await api('GET', '/.well-known/openid-configuration', {
      anonymous: true,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(conf.status, 200, conf.body);
    const doc = conf.json();
    assert.equal(doc['issuer'], 'https://kubernetes.default.svc.cluster.local');
    assert.match(String(doc['jwks_uri']), /^https:\/\/127\.0\.0\.1:\d+\/openid\/v1\/jwks$/);
    assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['ES256']);
    const jwks = await api('GET', '/openid/v1/jwks', {
      anonymous: true,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(jwks.status, 200);
    const [head, body, sig] = token.split('.');
    const kid = (JSON.parse(Buffer.from(head ?? '', 'base64url').toString()) as { kid: string }).kid;
    const key = (jwks.json()['keys'] as Record<string, string>[]).find((k) => k['kid'] === kid);
    assert.ok(key, 'the token key id is in the key set');
    const pub = createPublicKey({
      key: { kty: 'EC', crv: key['crv'], x: key['x'], y: key['y'] },
      format: 'jwk',
    });
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${head}.${body}`),
        { key: pub, dsaEncoding: 'ieee-p1363' },
        Buffer.from(sig ?? '', 'base64url'),
      ),
    );
    const noToken = await api('GET', '/openid/v1/jwks', { anonymous: true });
    assert.equal(noToken.status, 401);
  });
});
