/** TokenReview answers of the authenticator: static tokens count for this server's audiences only. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { DEFAULT_ISSUER, TokenIssuer } from '../serviceaccounts/issuer.js';
import { Authenticator } from './authenticate.js';
import { ServiceAccountAuthenticator } from './service-account.js';

function setup() {
  const issuer = new TokenIssuer(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), DEFAULT_ISSUER);
  const sa = { metadata: { name: 'default', namespace: 'ns1', uid: 'sa-1' } };
  const pod = { metadata: { name: 'web', namespace: 'ns1', uid: 'pod-1' } };
  const sas = new ServiceAccountAuthenticator(issuer, (plural) =>
    plural === 'serviceaccounts' ? sa : plural === 'pods' ? pod : undefined,
  );
  const authn = new Authenticator(new Map([['s3cret', { name: 'alice', groups: ['dev'] }]]), sas);
  return { issuer, authn };
}

test('a static token is reviewed for the server audiences, never for others', () => {
  const { authn } = setup();
  const own = authn.reviewToken('s3cret', []);
  assert.ok(own.authenticated);
  assert.equal(own.user.name, 'alice');
  assert.deepEqual(own.user.groups, ['dev', 'system:authenticated']);
  assert.deepEqual(own.audiences, [DEFAULT_ISSUER]);
  assert.deepEqual(authn.reviewToken('s3cret', ['vault', DEFAULT_ISSUER]), {
    authenticated: true,
    user: own.user,
    audiences: [DEFAULT_ISSUER],
    extra: {},
  });
  const vault = authn.reviewToken('s3cret', ['vault']);
  assert.equal(vault.authenticated, false);
  assert.equal(authn.reviewToken('nope', []).authenticated, false);
});

test('a pod-bound service account token is reviewed with its pod and id in extra', () => {
  const { issuer, authn } = setup();
  const { token } = issuer.issue({
    namespace: 'ns1',
    serviceAccount: { name: 'default', uid: 'sa-1' },
    pod: { name: 'web', uid: 'pod-1' },
    audiences: ['vault'],
    expirationSeconds: 3600,
  });
  const r = authn.reviewToken(token, ['other', 'vault']);
  assert.ok(r.authenticated);
  assert.equal(r.user.name, 'system:serviceaccount:ns1:default');
  assert.deepEqual(r.audiences, ['vault']);
  assert.deepEqual(r.extra['authentication.kubernetes.io/pod-name'], ['web']);
  assert.deepEqual(r.extra['authentication.kubernetes.io/pod-uid'], ['pod-1']);
  const own = authn.reviewToken(token, []);
  assert.equal(own.authenticated, false);
  assert.match(
    own.authenticated ? '' : (own.error ?? ''),
    /^\[invalid bearer token, token audiences are not accepted\]$/,
  );
});
