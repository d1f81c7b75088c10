/**
 * Minting certificates: the self-signed cluster CA and leaf certificates it signs (serving
 * and client). Returns PEM text; must not read or write files or decide *when* to issue
 * (that is ensure.ts). Leaf SANs arrive already validated (see sans.ts).
 */
import { X509Certificate as NodeCertificate, randomBytes } from 'node:crypto';
import { ipText } from './ip.js';
import { generateKeyPair, importSigningKey, privateKeyPem, SIGNING_ALGORITHM, x509 } from './provider.js';
import type { SanSet } from './sans.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past so a peer whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

export interface LeafSpec {
  commonName: string;
  organizations?: string[];
  usage: 'server' | 'client';
  sans?: SanSet;
  days: number;
}

/** A CA ready to sign: its certificate and its private key, both PEM. */
export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

export async function createCa(now: Date, days: number): Promise<IssuedCert> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [`k8ts-ca@${Math.floor(now.getTime() / 1000)}`] }],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: toPem(cert), keyPem: await privateKeyPem(keys.privateKey) };
}

export async function issueLeaf(ca: CaMaterial, spec: LeafSpec, now: Date): Promise<IssuedCert> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signingKey = await importSigningKey(ca.keyPem);
  const keys = await generateKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [spec.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await authorityKeyIdentifier(caCert),
  ];
  const sans = spec.sans;
  if (sans && sans.dnsNames.length + sans.ips.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...sans.ips.map((bytes) => ({ type: 'ip' as const, value: ipText(bytes) })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    // Go's pkix order: organizations before the common name.
    subject: [...(spec.organizations ?? []).map((o) => ({ O: [o] })), { CN: [spec.commonName] }],
    issuer: caCert.subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + spec.days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { certPem: toPem(cert), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Prefer the CA's own subject key identifier, so a CA made elsewhere still chains. */
async function authorityKeyIdentifier(caCert: x509.X509Certificate): Promise<x509.Extension> {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
}

/** 128 random bits, positive and without a leading zero byte (RFC 5280 4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Node's PEM rendering: LF line endings, as every other PEM file on the host. */
function toPem(cert: x509.X509Certificate): string {
  return new NodeCertificate(Buffer.from(cert.rawData)).toString();
}
