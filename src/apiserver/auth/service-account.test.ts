import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { DEFAULT_ISSUER, TokenIssuer } from '../serviceaccounts/issuer.js';
import { ServiceAccountAuthenticator } from './service-account.js';

function setup() {
  let now = 1_700_000_000_000;
  const objects = new Map<string, KObject>();
  const put = (plural: string, ns: string, name: string, uid: string, extra: Record<string, string> = {}) =>
    objects.set(`${plural}/${ns}/${name}`, { metadata: { name, namespace: ns, uid, ...extra } });
  const issuer = new TokenIssuer(
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
    DEFAULT_ISSUER,
    () => now,
  );
  const authn = new ServiceAccountAuthenticator(
    issuer,
    (plural, ns, name) => objects.get(`${plural}/${ns}/${name}`),
    () => now,
  );
  put('serviceaccounts', 'ns1', 'default', 'sa-1');
  put('pods', 'ns1', 'web', 'pod-1');
  const tick = (ms: number) => {
    now += ms;
  };
  return { issuer, authn, objects, put, tick };
}

const req = {
  namespace: 'ns1',
  serviceAccount: { name: 'default', uid: 'sa-1' },
  audiences: [] as string[],
  expirationSeconds: 3600,
};

test('a valid token authenticates as the service account', () => {
  const { issuer, authn } = setup();
  const res = authn.authenticate(issuer.issue(req).token);
  assert.ok('user' in res);
  assert.deepEqual(res.user, {
    name: 'system:serviceaccount:ns1:default',
    uid: 'sa-1',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
  });
  assert.deepEqual(res.audiences, ['https://kubernetes.default.svc.cluster.local']);
  assert.match(res.extra['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=[0-9a-f-]{36}$/);
});

test('expired, wrong audience and tampered tokens are refused', () => {
  const { issuer, authn, tick } = setup();
  const good = issuer.issue(req).token;
  const vault = issuer.issue({ ...req, audiences: ['vault'] }).token;
  assert.deepEqual(authn.authenticate(vault), { reason: 'token audiences are not accepted' });
  const [h, b, s] = good.split('.');
  const sig = Buffer.from(s ?? '', 'base64url');
  sig[0] = (sig[0] ?? 0) ^ 1;
  assert.deepEqual(authn.authenticate(`${h}.${b}.${sig.toString('base64url')}`), {
    reason: 'invalid signature',
  });
  tick(3600_000);
  assert.deepEqual(authn.authenticate(good), { reason: 'token has expired' });
});

test('a deleted or re-created service account invalidates its tokens', () => {
  const { issuer, authn, objects, put } = setup();
  const token = issuer.issue(req).token;
  objects.delete('serviceaccounts/ns1/default');
  assert.ok('reason' in authn.authenticate(token));
  put('serviceaccounts', 'ns1', 'default', 'sa-2');
  assert.deepEqual(authn.authenticate(token), { reason: 'service account ns1/default has been deleted' });
});

test('a token bound to a pod dies with the pod', () => {
  const { issuer, authn, objects, put, tick } = setup();
  const token = issuer.issue({ ...req, pod: { name: 'web', uid: 'pod-1' } }).token;
  assert.ok('user' in authn.authenticate(token));
  put('pods', 'ns1', 'web', 'pod-1', { deletionTimestamp: new Date(1_700_000_000_000).toISOString() });
  assert.ok('user' in authn.authenticate(token), 'still valid during the grace minute');
  tick(61_000);
  assert.deepEqual(authn.authenticate(token), { reason: 'pod ns1/web is being deleted' });
  objects.delete('pods/ns1/web');
  assert.deepEqual(authn.authenticate(token), { reason: 'pod ns1/web has been deleted' });
  put('pods', 'ns1', 'web', 'pod-2');
  assert.deepEqual(authn.authenticate(token), { reason: 'pod ns1/web has been deleted' });
});
