/**
 * Service account tokens as kube-apiserver makes them: the issuer, the API server's own
 * audiences (the issuer), and the claims (iss, sub, aud, exp, iat, nbf, jti and the
 * `kubernetes.io` claim naming the namespace, the ServiceAccount and what the token is
 * bound to). `check` verifies signature, issuer, time window and audience; whether the
 * named objects still exist is the authenticator's question, not this module's.
 */
import { type KeyObject, randomUUID } from 'node:crypto';
import { type Claims, keyId, signJwt, verifyJwt } from './jwt.js';
import type { SigningKey } from './keys.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface Ref {
  name: string;
  uid: string;
}

/** What a token says about itself, from its `kubernetes.io` claim. */
export interface TokenSubject {
  namespace: string;
  serviceAccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  jti?: string;
}

export interface IssueRequest extends TokenSubject {
  audiences: string[];
  expirationSeconds: number;
}

export type Checked =
  | {
      ok: true;
      subject: TokenSubject;
      /** The audiences both the token and the checker name. */
      audiences: string[];
      /** The token's `jti` claim, if any. */
      id?: string;
    }
  | { ok: false; reason: string };

export class TokenIssuer {
  readonly audiences: string[];
  /** The key id (`kid`) the tokens carry. */
  readonly kid: string;

  constructor(
    private readonly key: SigningKey,
    readonly issuer: string = DEFAULT_ISSUER,
    private readonly now: () => number = Date.now,
  ) {
    this.audiences = [issuer];
    this.kid = keyId(key.publicKey);
  }

  /** The public half of the signing key (published by the issuer discovery documents). */
  get publicKey(): KeyObject {
    return this.key.publicKey;
  }

  issue(r: IssueRequest): { token: string; expires: Date } {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + r.expirationSeconds;
    const k8s: Claims = {
      namespace: r.namespace,
      serviceaccount: { name: r.serviceAccount.name, uid: r.serviceAccount.uid },
    };
    if (r.pod) k8s['pod'] = { ...r.pod };
    if (r.secret) k8s['secret'] = { ...r.secret };
    if (r.node) k8s['node'] = { ...r.node };
    const claims: Claims = {
      aud: r.audiences.length > 0 ? r.audiences : this.audiences,
      exp,
      iat,
      iss: this.issuer,
      jti: r.jti ?? randomUUID(),
      'kubernetes.io': k8s,
      nbf: iat,
      sub: `system:serviceaccount:${r.namespace}:${r.serviceAccount.name}`,
    };
    return { token: signJwt(claims, this.key.privateKey, this.kid), expires: new Date(exp * 1000) };
  }

  /**
   * Accepts a token of this issuer, signed by this key, current, for one of `wanted` (by
   * default the audiences this API server accepts); `audiences` of the answer are the ones
   * both sides name.
   */
  check(token: string, wanted: readonly string[] = this.audiences): Checked {
    const v = verifyJwt(token, this.key.publicKey);
    if (!v.ok) return v;
    const c = v.claims;
    if (c['iss'] !== this.issuer) return { ok: false, reason: 'token issued by another issuer' };
    const now = this.now() / 1000;
    if (typeof c['exp'] !== 'number' || c['exp'] <= now) return { ok: false, reason: 'token has expired' };
    if (typeof c['nbf'] === 'number' && c['nbf'] > now + 60)
      return { ok: false, reason: 'token not yet valid' };
    const aud = typeof c['aud'] === 'string' ? [c['aud']] : Array.isArray(c['aud']) ? c['aud'] : [];
    const audiences = wanted.filter((a) => aud.some((t) => String(t) === a));
    if (audiences.length === 0) return { ok: false, reason: 'token audiences are not accepted' };
    const subject = subjectOf(c);
    if (!subject) return { ok: false, reason: 'token lacks the kubernetes.io claim' };
    if (c['sub'] !== `system:serviceaccount:${subject.namespace}:${subject.serviceAccount.name}`)
      return { ok: false, reason: 'token subject does not match its service account' };
    return { ok: true, subject, audiences, ...(typeof c['jti'] === 'string' ? { id: c['jti'] } : {}) };
  }
}

function refOf(v: unknown): Ref | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  return typeof o['name'] === 'string' && typeof o['uid'] === 'string'
    ? { name: o['name'], uid: o['uid'] }
    : undefined;
}

function subjectOf(c: Claims): TokenSubject | undefined {
  const k = c['kubernetes.io'] as Record<string, unknown> | undefined;
  if (!k || typeof k !== 'object' || typeof k['namespace'] !== 'string') return undefined;
  const serviceAccount = refOf(k['serviceaccount']);
  if (!serviceAccount) return undefined;
  const s: TokenSubject = { namespace: k['namespace'], serviceAccount };
  const pod = refOf(k['pod']);
  const secret = refOf(k['secret']);
  const node = refOf(k['node']);
  if (pod) s.pod = pod;
  if (secret) s.secret = secret;
  if (node) s.node = node;
  if (typeof c['jti'] === 'string') s.jti = c['jti'];
  return s;
}

const byRegistry = new WeakMap<object, TokenIssuer>();

/** Makes `issuer` the one the TokenRequest handler of `registry` signs with. */
export function attachIssuer(registry: object, issuer: TokenIssuer): void {
  byRegistry.set(registry, issuer);
}

export function issuerOf(registry: object): TokenIssuer | undefined {
  return byRegistry.get(registry);
}
