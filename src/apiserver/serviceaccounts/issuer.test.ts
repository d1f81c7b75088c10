import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_ISSUER, TokenIssuer } from './issuer.js';
import { verifyJwt } from './jwt.js';
import { ensureServiceAccountKey } from './keys.js';

function key() {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

const base = {
  namespace: 'ns1',
  serviceAccount: { name: 'builder', uid: 'sa-uid' },
  audiences: [] as string[],
  expirationSeconds: 3600,
};

test('a token carries the upstream claims and verifies with the public key', () => {
  const k = key();
  const now = 1_700_000_000_000;
  const issuer = new TokenIssuer(k, DEFAULT_ISSUER, () => now);
  const { token, expires } = issuer.issue({
    ...base,
    pod: { name: 'p', uid: 'pod-uid' },
    node: { name: 'n1', uid: 'node-uid' },
  });
  assert.equal(expires.getTime(), now + 3600_000);
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<
    string,
    string
  >;
  assert.equal(header['alg'], 'ES256');
  assert.match(header['kid'] ?? '', /^[A-Za-z0-9_-]{43}$/);
  const v = verifyJwt(token, k.publicKey);
  assert.ok(v.ok);
  const c = v.claims;
  assert.equal(c['iss'], 'https://kubernetes.default.svc.cluster.local');
  assert.equal(c['sub'], 'system:serviceaccount:ns1:builder');
  assert.deepEqual(c['aud'], [DEFAULT_ISSUER]);
  assert.equal(c['iat'], now / 1000);
  assert.equal(c['nbf'], now / 1000);
  assert.equal(c['exp'], now / 1000 + 3600);
  assert.match(String(c['jti']), /^[0-9a-f-]{36}$/);
  assert.deepEqual(c['kubernetes.io'], {
    namespace: 'ns1',
    serviceaccount: { name: 'builder', uid: 'sa-uid' },
    pod: { name: 'p', uid: 'pod-uid' },
    node: { name: 'n1', uid: 'node-uid' },
  });
  const checked = issuer.check(token);
  assert.ok(checked.ok);
  assert.deepEqual(checked.subject.pod, { name: 'p', uid: 'pod-uid' });
});

test('check refuses expired, foreign-audience, tampered and foreign-key tokens', () => {
  const k = key();
  let now = 1_700_000_000_000;
  const issuer = new TokenIssuer(k, DEFAULT_ISSUER, () => now);
  const { token } = issuer.issue(base);
  assert.ok(issuer.check(token).ok);

  const other = issuer.issue({ ...base, audiences: ['vault'] }).token;
  assert.deepEqual(issuer.check(other), { ok: false, reason: 'token audiences are not accepted' });

  const [h, body, sig] = token.split('.');
  const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
  claims['sub'] = 'system:serviceaccount:kube-system:admin';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  assert.deepEqual(issuer.check(forged), { ok: false, reason: 'invalid signature' });

  const stranger = new TokenIssuer(key(), DEFAULT_ISSUER, () => now).issue(base).token;
  assert.deepEqual(issuer.check(stranger), { ok: false, reason: 'invalid signature' });
  assert.deepEqual(issuer.check('not-a-token'), { ok: false, reason: 'malformed token' });

  now += 3600_000;
  assert.deepEqual(issuer.check(token), { ok: false, reason: 'token has expired' });
});

test('the signing key is made once with mode 0600 and reused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sa-key-'));
  try {
    const first = await ensureServiceAccountKey(join(dir, 'tls'));
    const st = await stat(join(dir, 'tls', 'service-account.key'));
    assert.equal(st.mode & 0o777, 0o600);
    const second = await ensureServiceAccountKey(join(dir, 'tls'));
    assert.deepEqual(
      second.publicKey.export({ format: 'der', type: 'spki' }),
      first.publicKey.export({ format: 'der', type: 'spki' }),
    );
    const token = new TokenIssuer(first).issue(base).token;
    assert.ok(new TokenIssuer(second).check(token).ok);
    assert.match(await readFile(join(dir, 'tls', 'service-account.pub'), 'utf8'), /BEGIN PUBLIC KEY/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
