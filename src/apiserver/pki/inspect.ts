/**
 * Reading facts back from certificates already on disk: whether a leaf still belongs to
 * the CA and its key, how long it has left, and which SANs it carries. Must not issue or
 * write anything; a certificate that fails to parse is reported as unusable, not thrown.
 */
import { createPrivateKey, X509Certificate as NodeCertificate } from 'node:crypto';
import { parseIp } from './ip.js';
import { x509 } from './provider.js';
import { coversSans, type SanSet, sanSet } from './sans.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LeafCheck {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  now: Date;
  /** Reissue when fewer than this many days of validity remain. */
  renewWithinDays: number;
  /** When given, the certificate must carry at least these names. */
  wantedSans?: SanSet;
}

/** Why a leaf must be reissued, or undefined when it can be kept as is. */
export function leafProblem(check: LeafCheck): string | undefined {
  let cert: NodeCertificate;
  try {
    cert = new NodeCertificate(check.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(check.keyPem))) return 'key does not match certificate';
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
  const ca = new NodeCertificate(check.caCertPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'not signed by the current CA';
  const now = check.now.getTime();
  if (Date.parse(cert.validFrom) > now) return 'not yet valid';
  if (Date.parse(cert.validTo) - now < check.renewWithinDays * DAY_MS) return 'expires soon';
  if (check.wantedSans && !coversSans(certSans(check.certPem), check.wantedSans)) {
    return 'missing subject alternative names';
  }
  return undefined;
}

/** The DNS and IP SANs of a certificate (other name types are ignored). */
export function certSans(certPem: string): SanSet {
  const ext = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const name of ext?.names.items ?? []) {
    if (name.type === 'dns') dns.push(name.value);
    else if (name.type === 'ip') ips.push(name.value);
  }
  // An entry that does not read back as an address can't satisfy a wanted IP anyway.
  return sanSet(
    dns,
    ips.filter((ip) => parseIp(ip) !== undefined),
  );
}
