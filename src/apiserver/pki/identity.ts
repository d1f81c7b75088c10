/**
 * Who a TLS client certificate says its holder is, the Kubernetes way: the subject's
 * common name is the user and each organization is a group. Reads the object Node's
 * `tls.TLSSocket#getPeerCertificate()` returns. Must not decide trust: call it only after
 * the handshake verified the chain (`socket.authorized === true`). Pure: no node: imports.
 */

/** The parts of Node's peer-certificate subject we read; Node gives an array for repeats. */
export interface PeerSubject {
  CN?: string | string[];
  O?: string | string[];
}

export interface ClientIdentity {
  user: string;
  groups: string[];
}

/**
 * The user and groups in `cert`, or undefined when there is no certificate or it has no
 * common name (Kubernetes' x509 authenticator does not authenticate such a certificate).
 * With several CNs the last wins, as Go's crypto/x509 reads them. Adding the
 * "system:authenticated" group is the authenticator's job, not this helper's.
 */
export function parseClientIdentity(
  cert: { subject?: PeerSubject } | null | undefined,
): ClientIdentity | undefined {
  const subject = cert?.subject;
  if (!subject) return undefined;
  const user = asList(subject.CN).at(-1);
  if (!user) return undefined;
  return { user, groups: asList(subject.O).filter((o) => o !== '') };
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
