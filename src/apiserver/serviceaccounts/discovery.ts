/**
 * Service account issuer discovery, as kube-apiserver serves it: the OpenID provider
 * configuration at /.well-known/openid-configuration (issuer, jwks_uri on this API
 * server, ES256 ID tokens) and the key set at /openid/v1/jwks (the signing key's public
 * half as a JWK whose `kid` is the one tokens carry), both cacheable for an hour. Who may
 * read them is the authorizer's question (system:service-account-issuer-discovery).
 */

import { writeJson } from '../http/respond.js';
import type { Res } from '../http/types.js';
import type { TokenIssuer } from './issuer.js';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export function openIdConfiguration(issuer: TokenIssuer, serverAddress: string): Record<string, unknown> {
  return {
    issuer: issuer.issuer,
    jwks_uri: `https://${serverAddress}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
  };
}

export function jwks(issuer: TokenIssuer): { keys: Record<string, unknown>[] } {
  const jwk = issuer.publicKey.export({ format: 'jwk' });
  return {
    keys: [{ use: 'sig', kty: jwk.kty, kid: issuer.kid, crv: jwk.crv, alg: 'ES256', x: jwk.x, y: jwk.y }],
  };
}

/** Serves one of the two documents when `path` names it; false otherwise. */
export function serveIssuerDiscovery(
  res: Res,
  path: string,
  issuer: TokenIssuer | undefined,
  serverAddress: string,
): boolean {
  if (!issuer) return false;
  const p = path.replace(/\/$/, '');
  if (p === OPENID_CONFIGURATION_PATH) {
    res.setHeader('cache-control', 'public, max-age=3600');
    writeJson(res, 200, openIdConfiguration(issuer, serverAddress));
    return true;
  }
  if (p === JWKS_PATH) {
    res.setHeader('cache-control', 'public, max-age=3600');
    writeJson(res, 200, jwks(issuer), 'application/jwk-set+json');
    return true;
  }
  return false;
}
