/**
 * Compact JWS (RFC 7515) for service account tokens: ES256 signatures (P-256, raw r||s as
 * RFC 7518 asks) made and checked with node:crypto. Knows nothing about Kubernetes claims;
 * it only encodes, signs, splits and verifies. Verification never throws on bad input: it
 * says why the token is not acceptable.
 */
import { createHash, type KeyObject, sign, verify } from 'node:crypto';

export type Claims = Record<string, unknown>;

const ALG = 'ES256';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The key id upstream uses: the base64url SHA-256 of the public key's DER (SPKI). */
export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return b64url(createHash('sha256').update(der).digest());
}

export function signJwt(claims: Claims, privateKey: KeyObject, kid: string): string {
  const head = b64url(JSON.stringify({ alg: ALG, kid }));
  const body = b64url(JSON.stringify(claims));
  const input = `${head}.${body}`;
  const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

/** True when `token` has the shape of a compact JWS (three base64url parts). */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

function parsePart(part: string): Claims | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Claims) : undefined;
  } catch {
    return undefined;
  }
}

export type Verified = { ok: true; claims: Claims } | { ok: false; reason: string };

/** Checks the header and the signature; the claims are the caller's to judge. */
export function verifyJwt(token: string, publicKey: KeyObject): Verified {
  if (!looksLikeJwt(token)) return { ok: false, reason: 'malformed token' };
  const [head = '', body = '', sig = ''] = token.split('.');
  const header = parsePart(head);
  if (!header || header['alg'] !== ALG) return { ok: false, reason: 'unsupported signing algorithm' };
  const good = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(sig, 'base64url'),
  );
  if (!good) return { ok: false, reason: 'invalid signature' };
  const claims = parsePart(body);
  if (!claims) return { ok: false, reason: 'malformed claims' };
  return { ok: true, claims };
}
