/**
 * Service account tokens for an API server: loads (or makes) the signing key under the
 * TLS directory, lets the registry's serviceaccounts/token subresource sign with it, and
 * returns the authenticator that accepts the tokens, reading objects from the registry's
 * watch caches.
 */

import type { Registry } from '../../registry/registry.js';
import { ServiceAccountAuthenticator } from '../auth/service-account.js';
import { attachIssuer, TokenIssuer } from './issuer.js';
import { ensureServiceAccountKey } from './keys.js';

export async function setUpServiceAccountTokens(
  registry: Registry,
  tlsDir: string,
): Promise<ServiceAccountAuthenticator> {
  const issuer = new TokenIssuer(await ensureServiceAccountKey(tlsDir));
  attachIssuer(registry, issuer);
  return new ServiceAccountAuthenticator(issuer, (plural, ns, name) => {
    const store = registry.get('', 'v1', plural);
    return store?.cache.objects.get(store.key(ns, name));
  });
}
