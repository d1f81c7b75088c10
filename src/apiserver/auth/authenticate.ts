/**
 * Authentication: a client certificate signed by the cluster CA (CN is the user, O the
 * groups), or a bearer token: from the static token file, else a service account token
 * (./service-account.ts). Every authenticated user is also in `system:authenticated`.
 * No credentials: undefined (the caller answers 401).
 */

import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { IN_PROCESS_USER } from '../../client/inprocess.js';
import type { UserInfo } from '../../registry/types.js';
import type { Req } from '../http/types.js';
import { parseClientIdentity } from '../pki/index.js';
import type { ServiceAccountAuthenticator } from './service-account.js';

export type TokenReviewResult =
  | { authenticated: true; user: UserInfo; audiences: string[]; extra: Record<string, string[]> }
  | { authenticated: false; error?: string };

export class Authenticator {
  constructor(
    private readonly tokens: Map<string, UserInfo> = new Map(),
    private readonly serviceAccounts?: ServiceAccountAuthenticator,
  ) {}

  authenticate(req: Req): UserInfo | undefined | 'invalid' {
    const inProcess = (req as unknown as Record<symbol, UserInfo | undefined>)[IN_PROCESS_USER];
    if (inProcess) return withAuthenticated(inProcess);
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!m) return 'invalid';
      const token = m[1] ?? '';
      const user = this.lookup(token);
      if (user) return withAuthenticated(user);
      const sa = this.serviceAccounts?.authenticate(token);
      return sa && 'user' in sa ? sa.user : 'invalid';
    }
    // The certificate is the connection's: read it once per TLS socket, not per request.
    const socket = ('stream' in req ? req.stream.session?.socket : req.socket) as TLSSocket | undefined;
    if (!socket?.authorized) return undefined;
    let user = this.byConnection.get(socket);
    if (user === undefined) {
      const id = parseClientIdentity(socket.getPeerCertificate());
      user = id ? withAuthenticated({ name: id.user, groups: id.groups }) : null;
      this.byConnection.set(socket, user);
    }
    return user ?? undefined;
  }

  private readonly byConnection = new WeakMap<object, UserInfo | null>();

  /**
   * TokenReview: who a bearer token authenticates as, for `audiences` (none: this API
   * server's own). Static tokens are not bound to an audience: they count for this
   * server's audiences only, as upstream wraps audience-agnostic authenticators.
   */
  reviewToken(token: string, audiences: readonly string[]): TokenReviewResult {
    const own = this.serviceAccounts?.audiences ?? [];
    const user = this.lookup(token);
    if (user) {
      const accepted = audiences.length === 0 ? [...own] : audiences.filter((a) => own.includes(a));
      if (audiences.length > 0 && accepted.length === 0)
        return { authenticated: false, error: 'token audiences are not accepted' };
      return { authenticated: true, user: withAuthenticated(user), audiences: accepted, extra: {} };
    }
    const sa = this.serviceAccounts?.authenticate(token, audiences.length > 0 ? audiences : undefined);
    if (!sa) return { authenticated: false };
    if ('reason' in sa) return { authenticated: false, error: `[invalid bearer token, ${sa.reason}]` };
    return { authenticated: true, ...sa };
  }

  private lookup(token: string): UserInfo | undefined {
    const given = Buffer.from(token);
    for (const [t, user] of this.tokens) {
      const known = Buffer.from(t);
      if (known.length === given.length && timingSafeEqual(known, given)) return user;
    }
    return undefined;
  }
}

function withAuthenticated(u: UserInfo): UserInfo {
  return u.groups.includes('system:authenticated')
    ? u
    : { ...u, groups: [...u.groups, 'system:authenticated'] };
}
