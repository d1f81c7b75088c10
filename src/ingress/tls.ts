/**
 * Certificate selection for the HTTPS listener: the server name of each new connection
 * is looked up in the current routing table (exact host, then wildcard), so a changed
 * Secret or TLS section applies to the next connection without restarting the listener. Secure contexts are cached by certificate id (Secret and resourceVersion); a
 * certificate that does not load (bad PEM, key not matching) is reported once and the
 * fallback certificate is served instead, as it is for names without a certificate.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { certificateFor } from './match.js';
import type { RoutingTable } from './types.js';

export interface CertificatePair {
  certPem: string;
  keyPem: string;
}

export class SniCertificates {
  private readonly contexts = new Map<string, SecureContext | null>();
  readonly fallback: SecureContext;

  constructor(
    private readonly table: () => RoutingTable,
    fallback: CertificatePair,
    private readonly log: (msg: string) => void,
  ) {
    this.fallback = createSecureContext({ cert: fallback.certPem, key: fallback.keyPem });
  }

  /** The context for `serverName` in the current table. */
  contextFor(serverName: string): SecureContext {
    const cert = certificateFor(this.table(), serverName);
    if (!cert) return this.fallback;
    let ctx = this.contexts.get(cert.id);
    if (ctx === undefined) {
      try {
        ctx = createSecureContext({ cert: cert.certPem, key: cert.keyPem });
      } catch (err) {
        this.log(
          `certificate ${cert.id} cannot be used (serving the default one): ${(err as Error).message}`,
        );
        ctx = null;
      }
      this.contexts.set(cert.id, ctx);
    }
    return ctx ?? this.fallback;
  }

  /** Drops cached contexts of certificates the table no longer uses. */
  prune(table: RoutingTable): void {
    const used = new Set([...table.tls.values()].map((c) => c.id));
    for (const id of this.contexts.keys()) if (!used.has(id)) this.contexts.delete(id);
  }
}
